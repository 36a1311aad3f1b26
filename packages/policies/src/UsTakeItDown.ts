/**
 * The TAKE IT DOWN Act (Pub. L. 119-12, 47 U.S.C. § 223a): a covered platform
 * must remove an intimate visual depiction "as soon as possible, but not later
 * than 48 hours after receiving" a valid removal request. The 48 hours are
 * elapsed hours from receipt of a *valid* request: one with the four written
 * elements of § 3(a)(1)(B) (`signature`, `identification`,
 * `goodFaithStatement`, `contact`). A request completed later starts the clock
 * at completion, with a shadow due time from first receipt.
 *
 * The statute has no pause and no extension: asking the requester for more
 * information (`InformationRequested`) does not stop a valid request's clock,
 * and a `no_violation` decision does not complete it. It applies to any
 * identifiable individual, adult or minor. Compliance date 2026-05-19: an
 * earlier request creates no statutory clock (pre-effective).
 */
import { all, byReport, removed, reported, stillUp } from './internal/match.js'
import { at, entry, rule, STILL_UP } from './internal/rule.js'
import { HOSTING } from './internal/scope.js'
import type { Policy, Rule } from './Policy.js'

const ID = 'us-take-it-down'
const ZONE = 'America/New_York'
const COMPLIANCE = at('2026-05-19', ZONE)

/** § 3(a)(1)(B)(i)–(iv): the elements of a valid removal request, as `removalRequest` keys. */
export const REQUIRED_ELEMENTS: ReadonlyArray<string> = [
  'signature',
  'identification',
  'goodFaithStatement',
  'contact',
]

/** Categories whose report can be a request about an intimate visual depiction. */
export const INTIMATE_CATEGORIES: ReadonlyArray<string> = ['ncii', 'synthetic_sexual', 'sextortion', 'csam']

/** § 3(a)(3): remove within 48 hours of a valid request. */
export const removal: Rule = rule({
  policy: ID,
  rule: 'removal',
  row: 'us-tida/removal',
  kind: 'deadline',
  title: 'Remove an intimate visual depiction within 48 hours of a valid request',
  confidence: 'primary',
  dateZone: ZONE,
  scope: {
    jurisdictions: ['US'],
    providerTypes: HOSTING,
    note: 'A "covered platform" (the reference’s words); a profile without a provider type is taken to be one, a search service is not.',
  },
  trigger:
    'A `ContentReported` of category `ncii`, `synthetic_sexual`, `sextortion` or `csam` whose `removalRequest` has all four elements (`signature`, `identification`, `goodFaithStatement`, `contact`), on the report or a later `ReportCompleted`.',
  completion: 'The content removed or disabled (`ContentActioned` `removed` or `disabled`).',
  pauses: 'None. `InformationRequested` does not stop a valid request’s clock.',
  restarts: 'None.',
  extensions: 'None in the statute.',
  notes: [
    STILL_UP,
    'ASAP with a cap: `dueAt` is the 48-hour cap, `targetAt` the internal target (default PT24H).',
    'The duty also covers "reasonable efforts to identify and remove any known identical copies" (`copiesActioned`).',
  ],
  versions: [
    {
      validFrom: COMPLIANCE,
      validTo: null,
      zone: ZONE,
      citation: 'TAKE IT DOWN Act §3(a)(3), 47 U.S.C. §223a(a)(3)',
      quote:
        '"Upon receiving a valid removal request … (A) remove the intimate visual depiction; and (B) make reasonable efforts to identify and remove any known identical copies of such depiction" "as soon as possible, but not later than 48 hours after receiving such request"',
      start: all(reported(...INTIMATE_CATEGORIES), stillUp),
      key: byReport,
      requiredElements: REQUIRED_ELEMENTS,
      complete: removed(),
      period: { duration: 'PT48H', clock: 'elapsed' },
      defaultTarget: 'PT24H',
    },
  ],
})

/** The TAKE IT DOWN Act. */
export const policy: Policy = {
  id: ID,
  title: 'TAKE IT DOWN Act (Pub. L. 119-12): notice and removal of intimate images',
  jurisdictions: ['US'],
  summary:
    'From 2026-05-19, remove an intimate visual depiction as soon as possible and within 48 hours of a valid removal request.',
  rules: [removal],
  entries: [
    entry({
      policy: ID,
      rule: 'process',
      row: 'us-tida/process',
      title: 'Set up and post a notice-and-removal process',
      citation: 'TAKE IT DOWN Act § 3(a)(1)(A), (a)(2); 47 U.S.C. § 223a',
      quote:
        '"Not later than 1 year after May 19, 2025" … "a clear and conspicuous notice" that is "easy to read and in plain language"',
      confidence: 'primary',
      since: '2026-05-19',
      reason: 'A compliance date for the platform as a whole, not a clock on a case.',
    }),
    entry({
      policy: ID,
      rule: 'valid-request',
      row: 'us-tida/valid-request',
      title: 'Elements of a valid removal request',
      citation: 'TAKE IT DOWN Act § 3(a)(1)(B)(i)–(iv); 47 U.S.C. § 223a(a)(1)(B)',
      quote:
        '"in writing": (i) "a physical or electronic signature …"; (ii) "an identification of, and information reasonably sufficient … to locate, the intimate visual depiction"; (iii) "a brief statement that the identifiable individual has a good faith belief …"; (iv) "information sufficient to enable the covered platform to contact" the requester',
      confidence: 'primary',
      since: '2026-05-19',
      reason: 'Encoded as the `requiredElements` of `us-take-it-down/removal`, not as a clock of its own.',
    }),
    entry({
      policy: ID,
      rule: 'safe-harbor',
      row: 'us-tida/safe-harbor',
      title: 'Safe harbour for good-faith removal',
      citation: 'TAKE IT DOWN Act § 3(a)(4)',
      quote:
        'No liability for "good faith disabling of access to, or removal of, material claimed to be a nonconsensual intimate visual depiction"',
      confidence: 'primary',
      since: '2026-05-19',
      reason: 'A liability shield, not a clock.',
    }),
    entry({
      policy: ID,
      rule: 'ftc',
      row: 'us-tida/ftc',
      title: 'FTC enforcement',
      citation: 'TAKE IT DOWN Act § 3(b)(1)–(2)',
      quote:
        '"A failure to reasonably comply with the notice and takedown obligations … shall be treated as a violation of a rule defining an unfair or a deceptive act or practice"',
      confidence: 'primary',
      since: '2026-05-19',
      reason: 'Enforcement and penalties, not a clock (the per-violation figure is unconfirmed).',
    }),
  ],
}
