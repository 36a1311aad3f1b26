/**
 * Canada's Act respecting the mandatory reporting of Internet child sexual
 * abuse and exploitation material by persons who provide an Internet service
 * (S.C. 2011, c. 4): report an address where CSAM may be available to the
 * Canadian Centre for Child Protection (s. 2), notify the police "as soon as
 * feasible" when the service is used for a CSAM offence (s. 3), and preserve
 * the related data for 21 days after that notification (s. 4). In force
 * 2011-12-08 (the reference's cross-check); dates read in America/Toronto.
 *
 * Whether the day of notification counts in the 21 days is open, and the
 * reference's cross-check says "take the later date": the hold runs to the end
 * of the 21st day after the notification's date. The Act names no zone, and
 * the notification's date is not the same across Canada (00:30 in Toronto is
 * still the day before in Vancouver), so the days are counted in each of
 * Canada's zones and the latest reading applies; its timestamps carry the
 * offset of the zone that gave it (America/Vancouver on a tie).
 */
import type { ClockRule } from '@docket/core'
import { byEvent, filed, released, reported } from './internal/match.js'
import { at, entry, rule } from './internal/rule.js'
import { CANADA } from './internal/zones.js'
import type { Policy, Rule } from './Policy.js'
import { knowledge, SEXUAL_CONTENT_CATEGORIES } from './UsReport2258a.js'

const ID = 'ca-mandatory-reporting'
const IN_FORCE = at('2011-12-08', 'America/Toronto')
const ACT = 'S.C. 2011, c. 4 (mandatory reporting of Internet child sexual abuse and exploitation material)'
const CA = { jurisdictions: ['CA'] }

/** s. 2: report to the designated organisation an address where CSAM may be available. */
export const report: Rule = rule({
  policy: ID,
  rule: 's2-report',
  row: 'ca-mra/s2-report',
  kind: 'deadline',
  title: 'Report a CSAM address to the Canadian Centre for Child Protection',
  confidence: 'primary',
  dateZone: 'America/Toronto',
  scope: CA,
  trigger:
    'Being advised of an Internet address where CSAM may be available to the public: a `csam` report naming CA.',
  completion: 'A `MandatoryReportFiled` to `C3P`.',
  notes: ['No number found in the law: internal target (default PT24H), never statutory.'],
  versions: [
    {
      validFrom: IN_FORCE,
      validTo: null,
      zone: 'event',
      dateSource: 'cross-check',
      citation: `${ACT}, s. 2; SOR/2011-292, s. 2`,
      quote:
        'Advised of an Internet address where CSAM "may be available to the public": report the address to the designated organisation',
      start: reported('csam'),
      complete: filed(['C3P']),
      period: { duration: null, clock: 'unspecified' },
      defaultTarget: 'PT24H',
    },
  ],
})

/** s. 3: notify the police as soon as feasible on reasonable grounds to believe. */
export const police: Rule = rule({
  policy: ID,
  rule: 's3-police',
  row: 'ca-mra/s3-police',
  kind: 'deadline',
  title: 'Notify the police of a CSAM offence committed through the service',
  confidence: 'secondary',
  dateZone: 'America/Toronto',
  scope: CA,
  trigger:
    '"reasonable grounds to believe": the same facts as 18 U.S.C. § 2258A knowledge — a child-sexual report alleging a minor, a CSAM detection, a `violation` decision or an authority contact on such a case.',
  completion: 'A `MandatoryReportFiled` to `police`.',
  versions: [
    {
      validFrom: IN_FORCE,
      validTo: null,
      zone: 'event',
      dateSource: 'cross-check',
      citation: `${ACT}, s. 3`,
      quote:
        '"reasonable grounds to believe" the service is being or has been used to commit a CSAM offence: notify a police officer "as soon as feasible"',
      start: knowledge(SEXUAL_CONTENT_CATEGORIES),
      complete: filed(['police']),
      period: { duration: null, clock: 'unspecified' },
      defaultTarget: 'PT24H',
    },
  ],
})

const notification: ClockRule.Condition = filed(['police'])

/** s. 4: preserve the data related to a police notification for 21 days. */
export const preserve: Rule = rule({
  policy: ID,
  rule: 's4-preserve',
  row: 'ca-mra/s4-preserve',
  kind: 'hold',
  title: 'Preserve computer data related to a police notification for 21 days',
  confidence: 'secondary',
  dateZone: 'America/Toronto',
  scope: CA,
  trigger: 'Each notification to the police (`MandatoryReportFiled` to `police`) on a case naming CA.',
  completion:
    'A `PreservationReleased` for `ca-mandatory-reporting/s4-preserve` (or a general release); before `dueAt` it is a breach.',
  notes: [
    'Bill C-63 (which would have changed the period) died on 2025-01-06; still 21 days.',
    '"take the later date" (cross-check): to the end of the 21st day after the notification’s date, counted in each of Canada’s zones (the tz database’s CA entries), the latest reading; the Act names no zone.',
  ],
  versions: [
    {
      validFrom: IN_FORCE,
      validTo: null,
      zone: 'America/Vancouver',
      alsoZones: CANADA.filter((z) => z !== 'America/Vancouver'),
      dateSource: 'cross-check',
      citation: `${ACT}, s. 4`,
      quote:
        '"preserve all computer data related to the required notification for 21 days following the notification"',
      start: notification,
      key: byEvent,
      complete: released('ca-mandatory-reporting/s4-preserve'),
      period: { duration: 'P21D', clock: 'calendar-days', endOfDay: true },
    },
  ],
})

/** The Canadian mandatory reporting Act. */
export const policy: Policy = {
  id: ID,
  title: 'Mandatory reporting of Internet child sexual abuse and exploitation material (Canada)',
  jurisdictions: ['CA'],
  summary:
    'Report CSAM addresses to C3P, notify the police as soon as feasible, and preserve the data for 21 days.',
  rules: [report, police, preserve],
  entries: [
    entry({
      policy: ID,
      rule: 'terms',
      row: 'ca-2024c23/terms',
      title: 'New terminology: "child sexual abuse and exploitation material"',
      citation: 'S.C. 2024, c. 23 (Bill C-291)',
      quote: '"child pornography" becomes "child sexual abuse and exploitation material"',
      confidence: 'primary',
      since: '2025-10-10',
      reason: 'Terminology only, no clock.',
    }),
  ],
}
