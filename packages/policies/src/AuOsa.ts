/**
 * The Online Safety Act 2021 (Cth): eSafety removal notices. Each notice gives
 * the provider (or end-user, or host) "24 hours after the notice was given"
 * to take all reasonable steps to remove the material, "or such longer period
 * as the Commissioner allows" (a `DeadlineExtended` on the notice). Commenced
 * 2022-01-23; dates read in Australia/Sydney; hours are elapsed hours.
 *
 * A notice is an `AuthorityRequestReceived` of kind `removal_order` whose
 * `legalBasis` names the section's rule (`au-osa/77-ncii-provider` …): the
 * module has several kinds of notice, so a bare `au-osa` starts nothing.
 *
 * Before an adult cyber-abuse notice (s. 88) or a child cyber-bullying notice
 * (s. 65) can be given, the material must have been the subject of a complaint
 * to the provider and not removed within 48 hours: the reference calls that
 * window a "de facto platform SLA". Each is encoded as an internal target
 * (never a statutory breach) that starts on the complaint and warns the
 * platform before the 48 hours are up.
 */
import type { ClockRule } from '@docket/core'
import {
  all,
  authorityRequest,
  byReport,
  byRequest,
  removed,
  reported,
  stillUp,
  withdrawn,
} from './internal/match.js'
import { at, rule, STILL_UP } from './internal/rule.js'
import { HOSTING, type ScopeSpec } from './internal/scope.js'
import type { Policy, Rule } from './Policy.js'

const ID = 'au-osa'
const ZONE = 'Australia/Sydney'
const COMMENCED = at('2022-01-23', ZONE)
const OSA = 'Online Safety Act 2021 (Cth)'
const LONGER = '"such longer period as the Commissioner allows": `DeadlineExtended` on the notice.'

const notice = (
  name: string,
  row: string,
  title: string,
  confidence: ClockRule.Confidence,
  section: string,
  quote: string,
  notes: ReadonlyArray<string> = [],
  scope: ScopeSpec = { jurisdictions: ['AU'] },
): Rule =>
  rule({
    policy: ID,
    rule: name,
    row,
    kind: 'deadline',
    title,
    confidence,
    dateZone: ZONE,
    scope,
    trigger: `An eSafety notice: \`AuthorityRequestReceived\` of kind \`removal_order\` with legal basis \`au-osa/${name}\`.`,
    completion: 'The material removed or disabled.',
    extensions: LONGER,
    notes: [STILL_UP, 'A withdrawn notice waives the clock.', ...notes],
    versions: [
      {
        validFrom: COMMENCED,
        validTo: null,
        zone: ZONE,
        citation: `${OSA} ${section}`,
        quote,
        start: all(authorityRequest(['removal_order'], [`au-osa/${name}`]), stillUp),
        key: byRequest,
        complete: removed(),
        cancel: withdrawn,
        extendable: true,
        period: { duration: 'PT24H', clock: 'elapsed' },
      },
    ],
  })

/** s. 77: a removal notice to a provider about an intimate image. */
export const nciiProvider: Rule = notice(
  '77-ncii-provider',
  'au-osa/77-ncii-provider',
  'Remove an intimate image on an eSafety removal notice (provider)',
  'primary',
  's. 77',
  '"take all reasonable steps to ensure the removal of the intimate image from the service" "within: (i) 24 hours after the notice was given to the provider; or (ii) such longer period as the Commissioner allows"',
)

/** s. 78: a removal notice to the end-user who posted an intimate image. */
export const nciiEndUser: Rule = notice(
  '78-ncii-end-user',
  'au-osa/78-ncii-end-user',
  'Remove an intimate image on an eSafety removal notice (end-user)',
  'primary',
  's. 78',
  'same wording as s. 77: "24 hours after the notice was given" or "such longer period as the Commissioner allows"',
  ['The notice binds the end-user; the case records it.'],
)

/** s. 79: a removal notice to a hosting service provider (unconfirmed). */
export const nciiHost: Rule = notice(
  '79-ncii-host',
  'au-osa/79-ncii-host',
  'Cease hosting an intimate image on an eSafety removal notice (host)',
  'unconfirmed',
  's. 79',
  'Believed to be the same 24 h / longer-period wording (UNCONFIRMED, not read)',
  ['Not read in the reference: off unless the profile enables it.'],
  {
    jurisdictions: ['AU'],
    providerTypes: HOSTING,
    note: 'Hosting service providers (the reference’s row: "s. 79 (hosting service provider)"), not search services.',
  },
)

/** s. 88 (and s. 89): a removal notice about adult cyber-abuse material. */
export const adultAbuse: Rule = notice(
  '88-adult-abuse',
  'au-osa/88-adult-abuse',
  'Remove adult cyber-abuse material on an eSafety removal notice',
  'primary',
  's. 88 (s. 89 for end-users)',
  '"24 hours after the notice was given"; precondition: a complaint to the provider "was not removed … within: (i) 48 hours after the complaint was made; or (ii) such longer period as the Commissioner allows"',
  [
    'The 48-hour complaint precondition is a de facto service level, not a duty: `au-osa/88-adult-abuse-complaint` tracks it as an internal target.',
  ],
)

/**
 * A complaint window that must pass before an eSafety removal notice can be given: material complained
 * of to the provider and not removed within 48 hours exposes the platform to a notice under `noticeRule`.
 * An internal target with the section's citation, never a statutory breach: the Act sets no duty to
 * remove within the window, it only lets the Commissioner act once it has passed.
 */
const complaintWindow = (w: {
  readonly name: string
  readonly row: string
  readonly title: string
  readonly category: string
  readonly material: string
  readonly section: string
  readonly quote: string
  /** What the reference says happened to the complaint within the window ("was not removed"). */
  readonly unmet: string
  readonly extensions: string
  readonly noticeRule: string
  readonly notes: ReadonlyArray<string>
}): Rule =>
  rule({
    policy: ID,
    rule: w.name,
    row: w.row,
    kind: 'deadline',
    title: w.title,
    confidence: 'primary',
    dateZone: ZONE,
    internal: true,
    scope: { jurisdictions: ['AU'] },
    trigger: `A complaint to the provider: a \`ContentReported\` of category \`${w.category}\` on a case naming AU; one clock per report.`,
    completion: 'The material removed or disabled.',
    extensions: w.extensions,
    notes: [
      STILL_UP,
      `Internal target, never a statutory breach: ${w.section} sets no duty to remove ${w.material} within 48 hours; it lets the Commissioner give a removal notice when ${w.unmet} within them.`,
      ...w.notes,
      `Warnings come before the 48 hours are up; a miss is an internal breach (amber), and the notice, if given, starts \`${w.noticeRule}\`.`,
    ],
    versions: [
      {
        validFrom: COMMENCED,
        validTo: null,
        zone: ZONE,
        citation: `${OSA} ${w.section} (precondition of a removal notice)`,
        quote: w.quote,
        start: all(reported(w.category), stillUp),
        key: byReport,
        complete: removed(),
        extendable: true,
        period: { duration: 'PT48H', clock: 'elapsed' },
      },
    ],
  })

/**
 * s. 88 precondition: a complaint about adult cyber-abuse material not removed within 48 hours
 * exposes the platform to a removal notice. An internal target, not a duty.
 */
export const adultAbuseComplaint: Rule = complaintWindow({
  name: '88-adult-abuse-complaint',
  row: 'au-osa/88-adult-abuse',
  title:
    'Remove complained-of adult cyber-abuse material before an eSafety notice can be given (internal target)',
  category: 'adult_cyber_abuse',
  material: 'adult cyber-abuse material',
  section: 's. 88',
  quote:
    'the material was the subject of a complaint to the provider and "was not removed … within: (i) 48 hours after the complaint was made; or (ii) such longer period as the Commissioner allows"',
  unmet: 'the material "was not removed"',
  extensions: LONGER.replace('on the notice', 'on this obligation'),
  noticeRule: 'au-osa/88-adult-abuse',
  notes: [
    'The reference calls the window a "de facto platform SLA: missing it exposes the platform to a notice".',
  ],
})

/** s. 65: a removal notice about cyber-bullying material targeted at an Australian child. */
export const childBullying: Rule = notice(
  '65-child-bullying',
  'au-osa/65-child-bullying',
  'Remove cyber-bullying material targeting a child on an eSafety removal notice',
  'primary',
  's. 65',
  '"remove the material" within "24 hours after the removal notice was given"',
  [
    'Precondition: a complaint to the provider not acted on within 48 hours; `au-osa/65-child-bullying-complaint` tracks it as an internal target.',
  ],
)

/**
 * s. 65 precondition: a complaint about cyber-bullying material targeting an Australian child not acted
 * on within 48 hours exposes the platform to a removal notice. An internal target, not a duty.
 */
export const childBullyingComplaint: Rule = complaintWindow({
  name: '65-child-bullying-complaint',
  row: 'au-osa/65-child-bullying',
  title:
    'Remove complained-of cyber-bullying material targeting a child before an eSafety notice can be given (internal target)',
  category: 'child_cyberbullying',
  material: 'cyber-bullying material',
  section: 's. 65',
  quote:
    'precondition of a notice: a "Complaint to the provider not acted on within 48 h, then a notice" (the reference’s summary of s. 65: "48 h (precondition)"; the section’s own words on the complaint are not quoted there)',
  unmet: 'the complaint was "not acted on"',
  extensions:
    'The Commissioner (the reference’s "who may pause / extend" for s. 65): `DeadlineExtended` on this obligation.',
  noticeRule: 'au-osa/65-child-bullying',
  notes: [
    'The same 48-hour precondition as s. 88 (`au-osa/88-adult-abuse-complaint`), and for the same reason: the reference gives it as "48 h (precondition)" of a s. 65 notice, not as a duty.',
  ],
})

/** s. 109: a removal notice about class 1 material (including CSAM). */
export const classOne: Rule = notice(
  '109-class1',
  'au-osa/109-class1',
  'Remove class 1 material on an eSafety removal notice',
  'primary',
  's. 109',
  '"take all reasonable steps to ensure the removal" "24 hours after the notice was given … or such longer period as the Commissioner allows"',
  ['s. 110 (hosting providers) is unconfirmed in the reference and not encoded.'],
)

/** The Online Safety Act 2021 (Cth). */
export const policy: Policy = {
  id: ID,
  title: 'Online Safety Act 2021 (Cth): eSafety removal notices',
  jurisdictions: ['AU'],
  summary:
    'Remove material within 24 hours of an eSafety removal notice, or such longer period as the Commissioner allows.',
  rules: [
    nciiProvider,
    nciiEndUser,
    nciiHost,
    adultAbuse,
    adultAbuseComplaint,
    childBullying,
    childBullyingComplaint,
    classOne,
  ],
  entries: [],
}
