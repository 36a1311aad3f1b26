/**
 * The Online Safety Act 2023 (UK): the illegal-content takedown duty
 * ("swiftly", s. 10(3)(b)), the 48-hour takedown of intimate image content
 * reported under s. 20A (s. 10(3A), inserted by the Crime and Policing Act
 * 2026, from 2026-06-29; the same duty binds regulated search services under
 * s. 27), the expedited complaints procedure (s. 21(2A)) and
 * CSEA reporting to the NCA (s. 66, time frames unconfirmed). Dates are read
 * in Europe/London.
 *
 * The s. 10(3A) clock runs from receipt of a *valid* intimate image content
 * report — the s. 20A(2) declarations `declaresIntimateImage`,
 * `bySubjectOrOnBehalf`, `goodFaithAndTrue` — and has no extension. It does
 * not apply where the provider "considers" the content is not intimate image
 * content or the reporter is not the subject or acting for them (s. 10(3B)):
 * a `ReviewDecided` of outcome `no_violation` whose `legalGround` cites
 * `10(3B)` waives it; a bare refusal does not.
 */
import type { ClockRule } from '@docket/core'
import {
  all,
  allegesMinor,
  any,
  appealed,
  byReport,
  caseHas,
  detected,
  filed,
  removed,
  reported,
  sameAppealDecided,
  stillUp,
} from './internal/match.js'
import { at, entry, rule, STILL_UP } from './internal/rule.js'
import { HOSTING } from './internal/scope.js'
import type { Policy, Rule, ScopeSpec } from './Policy.js'

const ID = 'uk-osa'
const ZONE = 'Europe/London'
const OSA = 'Online Safety Act 2023'
const COMMENCED_3A = at('2026-06-29', ZONE)

/** s. 20A(2): the declarations of a valid intimate image content report, as `removalRequest` keys. */
export const REQUIRED_ELEMENTS: ReadonlyArray<string> = [
  'declaresIntimateImage',
  'bySubjectOrOnBehalf',
  'goodFaithAndTrue',
]

/** Categories whose report can be an intimate image content report. */
export const INTIMATE_CATEGORIES: ReadonlyArray<string> = ['ncii', 'synthetic_sexual', 'sextortion', 'csam']

/** Categories of priority illegal content this rule watches. */
export const PRIORITY_ILLEGAL: ReadonlyArray<string> = [
  'csam',
  'sextortion',
  'enticement',
  'trafficking',
  'terrorism',
  'threat_to_life',
  'ncii',
  'synthetic_sexual',
  'fraud',
  'hate',
  'violence',
  'illegal_other',
]

/** s. 10(3B): the provider's recorded view that the duty does not apply. */
const exempted: ClockRule.Condition = (e) =>
  e.type === 'ReviewDecided' &&
  e.data.outcome === 'no_violation' &&
  (e.data.legalGround ?? '').includes('10(3B)')

/** s. 10(3)(b): swiftly take down priority illegal content. */
export const swift: Rule = rule({
  policy: ID,
  rule: '10-3-b-swift',
  row: 'uk-osa/10-3-b-swift',
  kind: 'deadline',
  title: 'Swiftly take down priority illegal content',
  confidence: 'secondary',
  dateZone: ZONE,
  scope: {
    jurisdictions: ['GB'],
    providerTypes: HOSTING,
    note: 'User-to-user services; a profile without a provider type is taken to be one. Not a search service: the reference gives search services only the s. 10(3A) duty (s. 27).',
  },
  trigger:
    'The provider "is alerted by a person" (a report) or "becomes aware of it in any other way" (a detection) of priority illegal content.',
  completion: 'The content removed or disabled.',
  notes: [
    STILL_UP,
    '"swiftly" has no number: the internal target per harm category (default PT24H), never statutory.',
  ],
  versions: [
    {
      validFrom: at('2025-03-17', ZONE),
      validTo: null,
      zone: ZONE,
      citation: `${OSA} s. 10(3)(a)–(b)`,
      quote:
        '"minimise the length of time for which any priority illegal content is present" and "swiftly take down any such content"',
      start: all(any(reported(...PRIORITY_ILLEGAL), detected(...PRIORITY_ILLEGAL)), stillUp),
      complete: removed(),
      period: { duration: null, clock: 'unspecified' },
      defaultTarget: 'PT24H',
    },
  ],
})

const TAKE_DOWN_3A =
  'take down "(a) content in relation to which an intimate image content report is made … and (b) any other content identified by the provider as the same, or substantially the same" "as soon as reasonably practicable, and no later than 48 hours, after the provider receives the report"'

/**
 * The s. 10(3A) takedown of reported intimate image content, for one kind of service: user-to-user
 * services (s. 10) or regulated search services, which the reference's cross-check says bears "the
 * same duty" (s. 27).
 */
const intimateImageRule = (r: {
  readonly name: string
  readonly title: string
  readonly scope: ScopeSpec
  readonly citation: string
  readonly notes: ReadonlyArray<string>
}): Rule =>
  rule({
    policy: ID,
    rule: r.name,
    row: 'uk-osa/10-3A-ncii',
    kind: 'deadline',
    title: r.title,
    confidence: 'primary',
    dateZone: ZONE,
    scope: r.scope,
    trigger:
      'An intimate image content report (category `ncii`, `synthetic_sexual`, `sextortion` or `csam`) with the s. 20A(2) declarations `declaresIntimateImage`, `bySubjectOrOnBehalf`, `goodFaithAndTrue`, on the report or a later `ReportCompleted`.',
    completion: 'The content removed or disabled (and content "the same, or substantially the same").',
    pauses: 'None.',
    extensions: 'None.',
    notes: [
      STILL_UP,
      'ASAP with a cap: `dueAt` is the 48-hour cap, `targetAt` the internal target (default PT24H).',
      's. 10(3B): a `no_violation` decision whose `legalGround` cites `10(3B)` waives the clock; a bare refusal does not.',
      ...r.notes,
    ],
    versions: [
      {
        validFrom: COMMENCED_3A,
        validTo: null,
        zone: ZONE,
        citation: r.citation,
        quote: TAKE_DOWN_3A,
        start: all(reported(...INTIMATE_CATEGORIES), stillUp),
        key: byReport,
        requiredElements: REQUIRED_ELEMENTS,
        complete: removed(),
        cancel: exempted,
        period: { duration: 'PT48H', clock: 'elapsed' },
        defaultTarget: 'PT24H',
      },
    ],
  })

const S_10_3A = `${OSA} s. 10(3A)–(3B) (inserted by the Crime and Policing Act 2026 (c. 20) s. 100)`

/** s. 10(3A): take down reported intimate image content within 48 hours (user-to-user services). */
export const intimateImage: Rule = intimateImageRule({
  name: '10-3A-ncii',
  title: 'Take down reported intimate image content within 48 hours',
  scope: {
    jurisdictions: ['GB'],
    providerTypes: HOSTING,
    note: 'User-to-user services; a profile without a provider type is taken to be one.',
  },
  citation: S_10_3A,
  notes: [
    'A regulated search service (provider type `search` or `vlose`) has the same duty under s. 27: `uk-osa/10-3A-ncii-search`.',
  ],
})

/** s. 27: the same 48-hour takedown for regulated search services. */
export const intimateImageSearch: Rule = intimateImageRule({
  name: '10-3A-ncii-search',
  title: 'Take down reported intimate image content within 48 hours (search services)',
  scope: {
    jurisdictions: ['GB'],
    providerTypes: ['search'],
    declaredOnly: true,
    note: 'Regulated search services: a profile whose provider type is `search` or `vlose` (a very large online search engine is a search service).',
  },
  citation: `${S_10_3A}, applied to regulated search services by s. 27`,
  notes: [
    'The reference’s cross-check: "The same duty applies to regulated search services (s. 27)". The words quoted are s. 10(3A)’s; s. 27’s own were not read.',
  ],
})

/** s. 21(2A): an expedited complaints procedure for intimate image content reporters. */
export const expedited: Rule = rule({
  policy: ID,
  rule: '21-2A-expedited',
  row: 'uk-osa/21-2A-expedited',
  kind: 'deadline',
  title: 'Handle an intimate image reporter’s complaint by the expedited procedure',
  confidence: 'secondary',
  dateZone: ZONE,
  scope: {
    jurisdictions: ['GB'],
    providerTypes: HOSTING,
    note: 'User-to-user services; a profile without a provider type is taken to be one. Not a search service: the reference gives search services only the s. 10(3A) duty (s. 27).',
  },
  trigger:
    'An `AppealLodged` (venue `internal`, by the reporter) on a case with an intimate image content report.',
  completion: 'The `AppealDecided` on that complaint.',
  versions: [
    {
      validFrom: COMMENCED_3A,
      validTo: null,
      zone: ZONE,
      citation: `${OSA} s. 21(2A)`,
      quote: 'Expedited complaints procedure (no number)',
      start: all(appealed('internal', 'reporter'), caseHas(reported(...INTIMATE_CATEGORIES))),
      complete: sameAppealDecided,
      period: { duration: null, clock: 'unspecified' },
      defaultTarget: 'PT24H',
    },
  ],
})

/** s. 66: report detected and unreported CSEA content to the NCA. */
export const cseaReporting: Rule = rule({
  policy: ID,
  rule: '66-csea-nca',
  row: 'uk-osa/66-csea-nca',
  kind: 'deadline',
  title: 'Report detected CSEA content to the National Crime Agency',
  confidence: 'secondary',
  confidenceFrom: 'reporting time frames are words, not hours (S)',
  dateZone: ZONE,
  scope: {
    jurisdictions: ['GB'],
    providerTypes: HOSTING,
    establishedReach: true,
    note: 'User-to-user services (hosting services among them, as the other user-to-user rows here; a profile without a provider type is taken to be one; not a search service). A UK provider (establishment GB) reports all detected CSEA content, wherever the case is; a non-UK provider only UK-linked content (a case naming GB).',
  },
  trigger:
    'CSEA content "detected": a report of `csam` (or of `sextortion`, `enticement`, `ncii` alleging a minor) or a CSAM detection.',
  completion:
    'A `MandatoryReportFiled` to the `NCA`, or to `NCMEC` (s. 70(5): already reported under arrangements with a foreign agency).',
  notes: [
    'SI 2026/268 (in force 2026-04-07) words its time frames, not in hours: priority 1 "immediately", priority 2 "as soon as reasonably practicable", priority 3 "without undue delay" (the reference\'s cross-check, S). No number: the due time is an internal target (default PT24H), never a statutory breach. The event format carries no priority, so one target serves all three: set it in the profile to the tightest your triage needs.',
    'Not encoded as clocks: keeping the NCA report reference for 5 years and the content and reported information for 1 year (reg 8(1)(a), (b)), and registering with the NCA before the first report (reg 4(1)).',
  ],
  versions: [
    {
      validFrom: at('2026-04-07', ZONE),
      validTo: null,
      zone: ZONE,
      citation: `${OSA} ss. 66, 67, 70; SI 2026/268`,
      quote:
        '"systems and processes which secure (so far as possible) that the provider reports all detected and unreported CSEA content"; detected "when the provider becomes aware of the content"',
      start: any(
        reported('csam'),
        detected('csam'),
        all(reported('sextortion', 'enticement', 'ncii'), allegesMinor),
      ),
      complete: filed(['NCA', 'NCMEC']),
      period: { duration: null, clock: 'unspecified' },
      defaultTarget: 'PT24H',
    },
  ],
})

/** The Online Safety Act 2023. */
export const policy: Policy = {
  id: ID,
  title: 'Online Safety Act 2023 (UK)',
  jurisdictions: ['GB'],
  summary:
    'Swift takedown of priority illegal content; 48-hour takedown of reported intimate images from 2026-06-29 (user-to-user and search services); expedited complaints; CSEA reporting to the NCA (unconfirmed time frames).',
  rules: [swift, intimateImage, intimateImageSearch, expedited, cseaReporting],
  entries: [
    entry({
      policy: ID,
      rule: '20A-report-valid',
      row: 'uk-osa/20A-report-valid',
      title: 'What a valid intimate image content report declares',
      citation: `${OSA} s. 20A(1)–(2)`,
      quote:
        'A valid report "(a) declares that content present on the service is intimate image content, (b) declares that the report is made by (i) the subject … or (ii) a person acting on that person’s behalf, (c) declares that the report (i) is made in good faith, and (ii) … is true"',
      confidence: 'primary',
      since: '2026-06-29',
      reason: 'Encoded as the `requiredElements` of `uk-osa/10-3A-ncii`.',
    }),
  ],
}
