/**
 * Germany's Network Enforcement Act (NetzDG) § 3(2): on receipt of a user
 * complaint, remove or block manifestly unlawful content within 24 hours
 * (Nr. 2) and other unlawful content "in der Regel" within seven days
 * (Nr. 3). Complaint duties applied from 2018-01-01; the DSA applies with
 * primacy from 2024-02-17 and the Digitale-Dienste-Gesetz, in force
 * 2024-05-14, displaced most of the NetzDG: the rules end there (a complaint
 * from 2024-05-14 00:00 Europe/Berlin starts no NetzDG clock). Dates are read
 * in Europe/Berlin.
 *
 * The report does not say whether content is "manifestly" unlawful: both
 * clocks start on the complaint, and a decision that the content is not
 * unlawful (`no_violation`) completes them as well as a removal or a block.
 */
import { any, byReport, decided, removed, reported } from './internal/match.js'
import { at, rule } from './internal/rule.js'
import type { Policy, Rule } from './Policy.js'

const ID = 'de-netzdg'
const ZONE = 'Europe/Berlin'
const FROM = at('2018-01-01', ZONE)
const DDG = at('2024-05-14', ZONE)
const SCOPE = {
  jurisdictions: ['DE'],
  providerTypes: ['online_platform', 'vlop'] as const,
  note: 'Social networks; the reference gives no size threshold.',
}

/** Categories whose complaint may concern manifestly unlawful content. */
export const MANIFEST: ReadonlyArray<string> = [
  'csam',
  'terrorism',
  'threat_to_life',
  'hate',
  'violence',
  'sextortion',
  'ncii',
  'enticement',
  'torture_barbarity',
]

/** Categories whose complaint may concern unlawful content. */
export const UNLAWFUL: ReadonlyArray<string> = [
  ...MANIFEST,
  'trafficking',
  'child_cyberbullying',
  'adult_cyber_abuse',
  'impersonation',
  'synthetic_sexual',
  'fraud',
  'privacy',
  'illegal_other',
]

const disposed = any(removed({ territorial: true }), decided('no_violation'))
const SINCE =
  'In force 2017-10-01; complaint duties applied from 2018-01-01, which is the `validFrom` encoded.'

/** Why the duties end on 2024-05-14, not 2024-02-17: the decision, recorded where the rules use it. */
const UNTIL =
  'Ends when the DDG entered into force (2024-05-14), the date the reference gives for the displacement. The DSA applies from 2024-02-17 "with primacy" and may have displaced these duties for services in its scope earlier; the later date is kept, so a complaint between the two dates is still judged here, beside the DSA\'s own clocks (the conservative reading for a compliance record).'

/** § 3(2) Nr. 2: manifestly unlawful content within 24 hours of the complaint. */
export const manifest: Rule = rule({
  policy: ID,
  rule: '3-2-2',
  row: 'de-netzdg/3-2-2',
  kind: 'deadline',
  title: 'Remove or block manifestly unlawful content within 24 hours of a complaint',
  confidence: 'secondary',
  dateZone: ZONE,
  scope: SCOPE,
  trigger:
    'A complaint (`ContentReported` naming DE) of a category that may be manifestly unlawful, one clock per report.',
  completion: 'The content removed, disabled or geo-blocked, or a `no_violation` decision.',
  extensions: 'Longer only by agreement with the law-enforcement authority: unconfirmed, not encoded.',
  notes: [SINCE, UNTIL],
  versions: [
    {
      validFrom: FROM,
      validTo: DDG,
      zone: ZONE,
      citation: 'NetzDG § 3(2) Nr. 2',
      quote:
        'remove or block "offensichtlich rechtswidrige[n] Inhalt" "innerhalb von 24 Stunden nach Eingang der Beschwerde"',
      start: reported(...MANIFEST),
      key: byReport,
      complete: disposed,
      period: { duration: 'PT24H', clock: 'elapsed' },
    },
  ],
})

/** § 3(2) Nr. 3: other unlawful content, as a rule within seven days. */
export const unlawful: Rule = rule({
  policy: ID,
  rule: '3-2-3',
  row: 'de-netzdg/3-2-3',
  kind: 'deadline',
  title: 'Remove or block unlawful content, as a rule within seven days of a complaint',
  confidence: 'secondary',
  dateZone: ZONE,
  scope: SCOPE,
  trigger: 'A complaint (`ContentReported` naming DE) of an unlawful-content category, one clock per report.',
  completion: 'The content removed, disabled or geo-blocked, or a `no_violation` decision.',
  extensions:
    '"in der Regel" allowed exceptions (e.g. referral to regulated self-regulation): unconfirmed, not encoded.',
  notes: [SINCE, UNTIL],
  versions: [
    {
      validFrom: FROM,
      validTo: DDG,
      zone: ZONE,
      citation: 'NetzDG § 3(2) Nr. 3',
      quote: 'remove or block other unlawful content "in der Regel innerhalb von sieben Tagen"',
      start: reported(...UNLAWFUL),
      key: byReport,
      complete: disposed,
      period: { duration: 'P7D', clock: 'calendar-days' },
    },
  ],
})

/** The NetzDG. */
export const policy: Policy = {
  id: ID,
  title: 'Netzwerkdurchsetzungsgesetz (NetzDG), Germany, 2018–2024',
  jurisdictions: ['DE'],
  summary:
    'Manifestly unlawful content within 24 hours, other unlawful content as a rule within 7 days of a complaint; ended 2024-05-14 (DDG).',
  rules: [manifest, unlawful],
  entries: [],
}
