/**
 * Notices and their handling under the Digital Services Act: what counts as a notice of illegal
 * content (Art. 16(2), with the child-sexual-abuse waiver of the notifier's identity), acting on it to
 * keep the hosting exemption (Art. 6), confirming it, deciding on it and telling the notifier (Art.
 * 16(4)–(6)), and the priority of a trusted flagger's (Art. 22). Not what is owed once content is
 * restricted (`statements`), nor orders and complaints (`redress`).
 */
import { ClockRule, Event } from '@docket/core'
import type { EventOf } from '@docket/core'
import type { Rule } from '../../Policy.js'
import {
  all,
  allegesMinor,
  any,
  byEvent,
  byReport,
  completeNotice,
  decisionOn,
  historyHas,
  notified,
  on,
  removed,
  reported,
} from '../match.js'
import { categoriesOf } from '../eventScope.js'
import { rule } from '../rule.js'
import {
  ID,
  ZONE,
  VLOPS,
  GENERAL,
  DSA,
  EU,
  HOSTING_DUTY,
  EU_EARLY,
  PLATFORMS,
  EU_EARLY_HOSTING,
  VLOPS_BY_ART_92,
} from './binding.js'

/** Categories of content a notice may allege to be illegal (everything but a terms-of-service matter). */
export const ILLEGAL: ReadonlyArray<string> = Event.CATEGORIES.filter((c) => c !== 'policy_other')

/** Art. 16(2): the elements a notice must let a diligent provider act on, as `removalRequest` keys. */
export const NOTICE_ELEMENTS: ReadonlyArray<string> = [
  'explanation',
  'exactLocation',
  'notifierIdentity',
  'bonaFideStatement',
]

/** Art. 16(2)(c): no notifier identity for offences of Arts. 3–7 of Directive 2011/93/EU (child sexual abuse). */
export const waivedFor = (report: EventOf<'ContentReported'>): ReadonlyArray<string> => {
  const cats = categoriesOf(report)
  const childSexual =
    cats.includes('csam') ||
    cats.includes('enticement') ||
    ((cats.includes('sextortion') || cats.includes('ncii')) &&
      allegesMinor(report, { caseId: report.caseId, history: [report] }))
  return childSexual ? ['notifierIdentity'] : []
}

const notice = any(
  all(reported(...ILLEGAL), completeNotice(NOTICE_ELEMENTS, waivedFor)),
  all(on('ReportCompleted'), completeNotice(NOTICE_ELEMENTS, waivedFor)),
)

/** Art. 6(1)(b) with Art. 16(3): act expeditiously on actual knowledge to keep the hosting exemption. */
export const expeditious: Rule = rule({
  policy: ID,
  rule: '6-expeditious',
  row: 'eu-dsa/6-expeditious',
  kind: 'deadline',
  title: 'Act expeditiously on a notice giving actual knowledge of illegal content',
  confidence: 'primary',
  dateZone: ZONE,
  condition: true,
  scope: { ...EU, ...HOSTING_DUTY },
  trigger:
    'A notice of allegedly illegal content with the Art. 16(2) elements (`explanation`, `exactLocation`, `notifierIdentity` — never for child sexual abuse — and `bonaFideStatement`), on the report or a later `ReportCompleted`. A report with no `removalRequest` came through the platform’s own form and counts as complete.',
  completion: 'The content removed, disabled or geo-blocked.',
  notes: [
    'A condition of the liability exemption rather than a free-standing duty; "expeditiously" has no number (internal target, default PT24H).',
  ],
  versions: [
    {
      validFrom: GENERAL,
      validTo: null,
      zone: 'event',
      citation: `${DSA} Art. 6(1)(b), Art. 16(3)`,
      quote:
        '"acts expeditiously to remove or to disable access" on "actual knowledge or awareness"; a notice lets "a diligent provider … identify the illegality … without a detailed legal examination"',
      start: notice,
      key: byReport,
      complete: removed({ territorial: true }),
      period: { duration: null, clock: 'unspecified' },
      defaultTarget: 'PT24H',
    },
  ],
})

/** Art. 16(4): confirm receipt of a notice without undue delay. */
export const ack: Rule = rule({
  policy: ID,
  rule: '16-ack',
  row: 'eu-dsa/16-ack',
  kind: 'deadline',
  title: 'Confirm receipt of a notice',
  confidence: 'secondary',
  dateZone: ZONE,
  scope: EU_EARLY_HOSTING,
  trigger:
    'A notice (a report of allegedly illegal content: any category but `policy_other`) that "contains the electronic contact information" of the notifier (a reporter email, or the `notifierIdentity` element).',
  completion: 'A `NotificationSent` to the reporter of kind `acknowledgement`.',
  versions: [
    {
      validFrom: VLOPS,
      validTo: null,
      zone: 'event',
      citation: `${DSA} Art. 16(4)`,
      quote: 'send "a confirmation of receipt" "without undue delay"',
      start: all(
        reported(...ILLEGAL),
        ClockRule.typed(
          ['ContentReported'],
          (e) =>
            e.type === 'ContentReported' &&
            (e.data.reporter?.email !== undefined || e.data.removalRequest?.notifierIdentity === true),
        ),
      ),
      key: byReport,
      complete: notified('reporter', 'acknowledgement'),
      period: { duration: null, clock: 'unspecified' },
      defaultTarget: 'PT1H',
    },
  ],
})

/** Art. 16(6): decide on notices in a timely manner. */
export const decide: Rule = rule({
  policy: ID,
  rule: '16-decide',
  row: 'eu-dsa/16-decide',
  kind: 'deadline',
  title: 'Decide on a notice in a timely, diligent, non-arbitrary and objective manner',
  confidence: 'secondary',
  dateZone: ZONE,
  scope: EU_EARLY_HOSTING,
  trigger:
    'A notice of allegedly illegal content (`ContentReported`, any category but `policy_other`), one clock per report.',
  completion: 'A `ReviewDecided` on that report (or a case-level decision naming no report).',
  versions: [
    {
      validFrom: VLOPS,
      validTo: null,
      zone: 'event',
      citation: `${DSA} Art. 16(6)`,
      quote: 'decide "in a timely, diligent, non-arbitrary and objective manner"',
      start: reported(...ILLEGAL),
      key: byReport,
      complete: decisionOn,
      period: { duration: null, clock: 'unspecified' },
      defaultTarget: 'PT24H',
    },
  ],
})

/** Art. 16(5): notify the notifier of the decision, with redress options. */
export const notifyDecision: Rule = rule({
  policy: ID,
  rule: '16-notify-decision',
  row: 'eu-dsa/16-notify-decision',
  kind: 'deadline',
  title: 'Notify the notifier of the decision, with redress options',
  confidence: 'secondary',
  dateZone: ZONE,
  scope: EU_EARLY_HOSTING,
  trigger:
    'A `ReviewDecided` on a case that has a notice (a report of any category but `policy_other`), including a refusal ("no violation").',
  completion: 'A `NotificationSent` to the reporter of kind `decision`.',
  versions: [
    {
      validFrom: VLOPS,
      validTo: null,
      zone: 'event',
      citation: `${DSA} Art. 16(5)`,
      quote:
        '"notify that individual or entity of its decision … providing information on the possibilities for redress" "without undue delay"',
      start: all(on('ReviewDecided'), historyHas(reported(...ILLEGAL))),
      key: byEvent,
      complete: notified('reporter', 'decision'),
      period: { duration: null, clock: 'unspecified' },
      defaultTarget: 'PT24H',
    },
  ],
})
/** Art. 22(1): trusted flaggers' notices are processed with priority. */
export const trustedFlagger: Rule = rule({
  policy: ID,
  rule: '22-trusted-flagger',
  row: 'eu-dsa/22-trusted-flagger',
  kind: 'deadline',
  title: 'Process a trusted flagger’s notice with priority',
  confidence: 'secondary',
  dateZone: ZONE,
  scope: { ...EU_EARLY, providerTypes: PLATFORMS },
  trigger: 'A `ContentReported` through channel `trusted_flagger` or with a `flagger`.',
  completion: 'A `ReviewDecided` on that report.',
  notes: [
    '"given priority": its default internal target (PT4H) is shorter than an ordinary notice’s (PT24H).',
  ],
  versions: [
    {
      ...VLOPS_BY_ART_92,
      validTo: null,
      zone: 'event',
      citation: `${DSA} Art. 22(1)`,
      quote:
        'notices from trusted flaggers "within their designated area of expertise" are "given priority and processed and decided upon without undue delay"',
      start: ClockRule.typed(
        ['ContentReported'],
        (e) => e.type === 'ContentReported' && Event.byTrustedFlagger(e.data),
      ),
      key: byReport,
      complete: decisionOn,
      period: { duration: null, clock: 'unspecified' },
      defaultTarget: 'PT4H',
    },
  ],
})
