/**
 * 18 U.S.C. § 2258A: a provider's duty to report apparent child sexual
 * exploitation to NCMEC's CyberTipline "as soon as reasonably possible after
 * obtaining actual knowledge", the preservation that a completed report
 * triggers (§ 2258A(h)), and the destruction-on-request of § 2258B(c).
 *
 * Actual knowledge is the clock's start, not a triage outcome. The clock
 * starts at the earliest of: a report alleging a minor in sexual content
 * (a `csam`, `sextortion` or `ncii` report — and from the REPORT Act also
 * `enticement` and `trafficking` — with `depictsMinor`, an age under 18 or a
 * police reference), a detection of CSAM, a violation decision on such a
 * case, or an authority's contact about it. Reference note (b)2: "Actual
 * knowledge may come before triage ends. Doe v. Twitter shows that a report
 * stating the child's age plus a police case number is the kind of fact a
 * plaintiff will call actual knowledge." A later `no_violation` decision does
 * not stop the clock: knowledge once obtained is not undone by a refusal
 * (note (b)9). Dates are read in America/New_York (federal enactment dates).
 *
 * Not here: the imminent-violation report (permissive, "may"), the report's
 * contents (discretionary) and the fines: metadata entries with no clock.
 */
import {
  all,
  allegesMinor,
  answered,
  any,
  authorityRequest,
  byEvent,
  caseHas,
  decided,
  detected,
  filed,
  on,
  released,
  reported,
  sameRequest,
} from './internal/match.js'
import { at, entry, rule } from './internal/rule.js'
import type { ClockRule, DocketEvent } from '@docket/core'
import type { Policy, Rule } from './Policy.js'

const ID = 'us-2258a'
const ZONE = 'America/New_York'
const US = { jurisdictions: ['US'] }

const PL_110_401 = at('2008-10-13', ZONE)
const PL_115_395 = at('2018-12-21', ZONE)
const REPORT_ACT = at('2024-05-07', ZONE)

/** Categories whose report, with a minor alleged, is "child pornography" knowledge before the REPORT Act. */
export const SEXUAL_CONTENT_CATEGORIES: ReadonlyArray<string> = ['csam', 'sextortion', 'ncii']
/** The REPORT Act (Pub. L. 118-59 § 4(a)(1)) added § 1591 (trafficking of a minor) and § 2422(b) (enticement). */
export const REPORT_ACT_CATEGORIES: ReadonlyArray<string> = [
  ...SEXUAL_CONTENT_CATEGORIES,
  'enticement',
  'trafficking',
]

/** The case is about apparent child sexual exploitation of these categories. */
const exploitationCase = (categories: ReadonlyArray<string>): ClockRule.Condition =>
  any(reported('csam'), detected('csam'), all(reported(...categories), allegesMinor))

/** Actual knowledge of an apparent violation, for the categories in force. */
export const knowledge = (categories: ReadonlyArray<string>): ClockRule.Condition =>
  any(
    all(reported(...categories), allegesMinor),
    detected('csam'),
    all(decided('violation'), caseHas(exploitationCase(categories))),
    all(on('AuthorityRequestReceived'), caseHas(exploitationCase(categories))),
  )

const completedReport = filed(['NCMEC'], 'completed')

const KNOWLEDGE_WORDS =
  'Actual knowledge, at the earliest of: a report of a {cats} category alleging a minor (`depictsMinor`, an age under 18, or a police reference); a CSAM detection; a `violation` decision on such a case; an authority request or contact about it. A later `no_violation` decision does not stop the clock.'

/** § 2258A(a): report to the CyberTipline as soon as reasonably possible after actual knowledge. */
export const report: Rule = rule({
  policy: ID,
  rule: 'report',
  row: 'us-2258a/report',
  kind: 'deadline',
  title: 'Report apparent child sexual exploitation to the NCMEC CyberTipline',
  confidence: 'primary',
  dateZone: ZONE,
  scope: US,
  trigger: KNOWLEDGE_WORDS.replace(
    '{cats}',
    '`csam`, `sextortion` or `ncii` (from 2024-05-07 also `enticement`, `trafficking`)',
  ),
  completion:
    'A completed CyberTipline report (`MandatoryReportFiled` to `NCMEC`, status `completed`); an unfinished submission does not discharge the duty.',
  notes: [
    'No number in the law: the due time is the internal target (`internalTargets["us-2258a/report"]`, default PT24H, the reference notes’ suggestion), never statutory.',
    'Before 2008-10-13 the same duty stood in 42 U.S.C. 13032 (since 1998, no exact date in the reference): triggers then are pre-effective.',
  ],
  versions: [
    {
      validFrom: PL_110_401,
      validTo: PL_115_395,
      zone: 'profile',
      citation: '18 U.S.C. § 2258A(a)(1) (Pub. L. 110-401)',
      quote:
        'Provider obtains "actual knowledge of any facts or circumstances" of an apparent child-pornography violation; report "as soon as reasonably possible after obtaining actual knowledge"',
      trigger: KNOWLEDGE_WORDS.replace('{cats}', '`csam`, `sextortion` or `ncii`'),
      start: knowledge(SEXUAL_CONTENT_CATEGORIES),
      complete: completedReport,
      period: { duration: null, clock: 'unspecified' },
      defaultTarget: 'PT24H',
    },
    {
      validFrom: PL_115_395,
      validTo: REPORT_ACT,
      zone: 'profile',
      citation: '18 U.S.C. § 2258A(a)(1)(A)(i), (a)(1)(B), (a)(2)(A) (Pub. L. 115-395)',
      quote:
        'Provider "obtain[s] actual knowledge of any facts or circumstances" of "an apparent violation of section 2251, 2251A, 2252, 2252A, 2252B, or 2260 that involves child pornography"; make "a report of such facts or circumstances to the CyberTipline" "as soon as reasonably possible after obtaining actual knowledge"',
      trigger: KNOWLEDGE_WORDS.replace('{cats}', '`csam`, `sextortion` or `ncii`'),
      start: knowledge(SEXUAL_CONTENT_CATEGORIES),
      complete: completedReport,
      period: { duration: null, clock: 'unspecified' },
      defaultTarget: 'PT24H',
    },
    {
      validFrom: REPORT_ACT,
      validTo: null,
      zone: 'profile',
      citation:
        '18 U.S.C. § 2258A(a)(1)(A)(i), (a)(1)(B), (a)(2)(A), as amended by the REPORT Act (Pub. L. 118-59 § 4(a)(1))',
      quote:
        'Provider "obtain[s] actual knowledge of any facts or circumstances" of "an apparent violation of section 2251, 2251A, 2252, 2252A, 2252B, or 2260 that involves child pornography, of section 1591 (if the violation involves a minor), or of 2422(b)"; report "as soon as reasonably possible after obtaining actual knowledge"',
      trigger: KNOWLEDGE_WORDS.replace(
        '{cats}',
        '`csam`, `sextortion`, `ncii`, `enticement` or `trafficking`',
      ),
      start: knowledge(REPORT_ACT_CATEGORIES),
      complete: completedReport,
      period: { duration: null, clock: 'unspecified' },
      defaultTarget: 'PT24H',
    },
  ],
})

/** A release of preserved data that a law-enforcement destruction request under § 2258B(c) asked for. */
const destructionRelease: ClockRule.Condition = (e: DocketEvent, v) =>
  e.type === 'PreservationReleased' &&
  e.data.requestId !== undefined &&
  v.history.some(
    (x) =>
      x.type === 'AuthorityRequestReceived' &&
      x.data.kind === 'destruction_request' &&
      x.data.requestId === e.data.requestId,
  )

/** § 2258A(h): preserve the reported contents after each completed submission (90 days, then 1 year). */
export const preserve: Rule = rule({
  policy: ID,
  rule: 'preserve',
  row: 'us-2258a/preserve',
  kind: 'hold',
  title: 'Preserve the contents of a CyberTipline report',
  confidence: 'primary',
  dateZone: ZONE,
  scope: US,
  trigger:
    'Each completed CyberTipline submission (`MandatoryReportFiled` to `NCMEC`, status `completed`): one hold per submission.',
  completion:
    'A `PreservationReleased` with basis `us-2258a/preserve` (or a general release) ends the hold; before `dueAt` it is a breach. A release asked for by a law-enforcement destruction request (§ 2258B(c)) waives it.',
  extensions:
    'The provider "may voluntarily preserve … for longer than 1 year" ((h)(5)): not a legal extension.',
  notes: ['A § 2703(f) request is a separate hold (`us-2703f/preserve`); the later of all holds wins.'],
  versions: [
    {
      validFrom: PL_110_401,
      validTo: REPORT_ACT,
      dateSource: 'us-2258a/report',
      zone: 'profile',
      citation: '18 U.S.C. § 2258A(h) (before the REPORT Act)',
      quote:
        'a completed submission … to the CyberTipline is treated as a request to preserve the contents provided in the report for "90 days"',
      start: completedReport,
      key: byEvent,
      complete: released('us-2258a/preserve'),
      cancel: destructionRelease,
      period: { duration: 'P90D', clock: 'calendar-days', endOfDay: true },
    },
    {
      validFrom: REPORT_ACT,
      validTo: null,
      zone: 'profile',
      citation: '18 U.S.C. § 2258A(h)(1)–(3), (5), (6), as amended by the REPORT Act § 3(1)',
      quote:
        '"a completed submission by a provider of a report to the CyberTipline" … preserve "the contents provided in the report" "for 1 year after the submission to the CyberTipline"',
      start: completedReport,
      key: byEvent,
      complete: released('us-2258a/preserve'),
      cancel: destructionRelease,
      period: { duration: 'P1Y', clock: 'calendar-years', endOfDay: true },
    },
  ],
})

/** § 2258B(c): destroy visual depictions when a law-enforcement agency asks. */
export const destroy: Rule = rule({
  policy: ID,
  rule: 'destroy',
  row: 'us-2258b/destroy',
  kind: 'deadline',
  title: 'Destroy visual depictions on a law-enforcement request (§ 2258B(c))',
  confidence: 'primary',
  dateZone: ZONE,
  scope: US,
  trigger:
    'An `AuthorityRequestReceived` of kind `destruction_request` (legal basis `us-2258a/destroy`, `us-2258b`, or none from a US authority). The request is recorded; the § 2258A(h) hold it releases is waived.',
  completion: 'A `PreservationReleased` or a complying `AuthorityResponded` for the same request.',
  notes: [
    'Row `us-2258b/destroy` of the reference is encoded here, in the module of the duty it limits.',
    'Applies only to the visual depictions, and only when a law-enforcement agency asks (note (b)11).',
  ],
  versions: [
    {
      validFrom: PL_110_401,
      validTo: null,
      zone: 'profile',
      citation: '18 U.S.C. § 2258B(c) (Pub. L. 110-401 § 501(a); current wording Pub. L. 115-395 § 3)',
      quote:
        '"minimize the number of employees that are provided access to any visual depiction" and "ensure that any such visual depiction is permanently destroyed, upon a request from a law enforcement agency"',
      start: authorityRequest(
        ['destruction_request'],
        ['us-2258a', 'us-2258a/destroy', 'us-2258b', 'us-2258b/destroy'],
        ['US'],
      ),
      key: (e) => (e.type === 'AuthorityRequestReceived' ? e.data.requestId : e.id),
      complete: any(sameRequest('PreservationReleased'), answered),
      period: { duration: null, clock: 'unspecified' },
      defaultTarget: 'PT24H',
    },
  ],
})

/** 18 U.S.C. § 2258A and § 2258B. */
export const policy: Policy = {
  id: ID,
  title: '18 U.S.C. § 2258A: reporting to the NCMEC CyberTipline',
  jurisdictions: ['US'],
  summary:
    'Report apparent child sexual exploitation to NCMEC as soon as reasonably possible after actual knowledge; preserve each completed report (90 days, 1 year from 2024-05-07); destroy depictions when law enforcement asks.',
  rules: [report, preserve, destroy],
  entries: [
    entry({
      policy: ID,
      rule: 'imminent',
      row: 'us-2258a/imminent',
      title: 'Report planned or imminent violations (permissive)',
      citation: '18 U.S.C. § 2258A(a)(1)(A)(ii), (a)(2)(B)',
      quote: '"may, after obtaining actual knowledge … take the actions"',
      confidence: 'primary',
      since: '2018-12-21',
      reason:
        'Permissive ("may"): no duty, no clock. A secondary summary says the REPORT Act made it mandatory; the codified text still reads "may".',
    }),
    entry({
      policy: ID,
      rule: 'contents',
      row: 'us-2258a/contents',
      title: 'Contents of a CyberTipline report',
      citation: '18 U.S.C. § 2258A(b)(1)–(5)',
      quote: 'the report "may, at the sole discretion of the provider, include" …',
      confidence: 'primary',
      since: '2018-12-21',
      reason: 'What a report may contain: no clock.',
    }),
    entry({
      policy: ID,
      rule: 'fines',
      row: 'us-2258a/fines',
      title: 'Fines for a knowing and wilful failure to report',
      citation: '18 U.S.C. § 2258A(e)',
      quote:
        'A "knowingly and willfully" failure to report: up to $850,000 / $600,000 (initial), $1,000,000 / $850,000 (later); before 2024-05-07 $150,000 and $300,000',
      confidence: 'primary',
      since: '2024-05-07',
      reason: 'A penalty, not a clock.',
    }),
  ],
}
