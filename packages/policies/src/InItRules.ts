/**
 * India's Information Technology (Intermediary Guidelines and Digital Media
 * Ethics Code) Rules 2021, as amended: removal on a court order or government
 * notification (Rule 3(1)(d)), information for law enforcement (3(1)(j)),
 * grievances (3(2)(a)), intimate-image complaints (3(2)(b)) and the Grievance
 * Appellate Committee (3A). Hours are elapsed hours; day periods are counted
 * in Asia/Kolkata, where every date is read.
 *
 * G.S.R. 120(E) of 2026-02-10 shortened most clocks from **2026-02-20**: the
 * version in force at the instant the clock starts applies (a complaint at
 * 2026-02-19T23:59+05:30 keeps 24 hours under 3(2)(b); one at 2026-02-20T00:00
 * gets 2 hours). The numbers are secondary (the Gazette was not read).
 */
import { Event } from '@docket/core'
import {
  all,
  answered,
  any,
  authorityRequest,
  byReport,
  byRequest,
  decisionOn,
  historyHas,
  notified,
  on,
  removed,
  reported,
  stillUp,
  withdrawn,
} from './internal/match.js'
import { at, entry, rule, STILL_UP } from './internal/rule.js'
import type { Policy, Rule } from './Policy.js'

const ID = 'in-it-rules'
const ZONE = 'Asia/Kolkata'
const RULES = 'IT (Intermediary Guidelines and Digital Media Ethics Code) Rules 2021'
const NOTIFIED = at('2021-02-25', ZONE)
const AMENDED_2022 = at('2022-10-28', ZONE)
const AMENDED_2026 = at('2026-02-20', ZONE)
const IN = { jurisdictions: ['IN'] }

const order = authorityRequest(
  ['removal_order', 'court_order'],
  ['in-it-rules', 'in-it-rules/3-1-d-order'],
  ['IN'],
)

/** Rule 3(1)(d): remove on a court order or government notification. */
export const removalOrder: Rule = rule({
  policy: ID,
  rule: '3-1-d-order',
  row: 'in-itr/3-1-d-order',
  kind: 'deadline',
  title: 'Remove unlawful information on a court order or government notification',
  confidence: 'secondary',
  dateZone: ZONE,
  scope: IN,
  trigger:
    'An `AuthorityRequestReceived` of kind `removal_order` or `court_order` with legal basis `in-it-rules` or `in-it-rules/3-1-d-order` (or none, from an Indian authority).',
  completion: 'The information removed or disabled.',
  notes: [
    STILL_UP,
    'Verbatim text unconfirmed; the numbers agree across sources.',
    'From 2025-11-15 only officers of Joint Secretary or DIG rank or above may issue the notification: the rule does not check the issuing officer’s rank.',
  ],
  versions: [
    {
      validFrom: NOTIFIED,
      validTo: AMENDED_2026,
      zone: ZONE,
      citation: `${RULES}, Rule 3(1)(d) (2021 text)`,
      quote: '"thirty-six hours"',
      start: all(order, stillUp),
      key: byRequest,
      complete: removed(),
      cancel: withdrawn,
      period: { duration: 'PT36H', clock: 'elapsed' },
    },
    {
      validFrom: AMENDED_2026,
      validTo: null,
      zone: ZONE,
      citation: `${RULES}, Rule 3(1)(d), as amended by G.S.R. 120(E)`,
      quote: '"three hours" for "thirty-six hours"',
      start: all(order, stillUp),
      key: byRequest,
      complete: removed(),
      cancel: withdrawn,
      period: { duration: 'PT3H', clock: 'elapsed' },
    },
  ],
})

/** Rule 3(1)(j): provide information to a lawfully authorised agency within 72 hours. */
export const lawEnforcementInfo: Rule = rule({
  policy: ID,
  rule: '3-1-j-le-info',
  row: 'in-itr/3-1-j-le-info',
  kind: 'deadline',
  title: 'Provide information or assistance on a government agency’s order',
  confidence: 'secondary',
  dateZone: ZONE,
  scope: IN,
  trigger:
    'An `AuthorityRequestReceived` of kind `information_request` with legal basis `in-it-rules` or `in-it-rules/3-1-j-le-info` (or none, from an Indian authority).',
  completion: 'An `AuthorityResponded` (not `declined`) for the same order.',
  notes: [
    'ASAP with a cap: `dueAt` is the 72-hour cap, `targetAt` the internal target (default PT24H). Whether 2026 changed it is unconfirmed.',
  ],
  versions: [
    {
      validFrom: NOTIFIED,
      validTo: null,
      zone: ZONE,
      citation: `${RULES}, Rule 3(1)(j)`,
      quote: '"as soon as possible, but not later than seventy-two hours of the receipt of an order"',
      start: authorityRequest(['information_request'], ['in-it-rules', 'in-it-rules/3-1-j-le-info'], ['IN']),
      key: byRequest,
      complete: answered,
      cancel: withdrawn,
      period: { duration: 'PT72H', clock: 'elapsed' },
      defaultTarget: 'PT24H',
    },
  ],
})

const complaint = on('ContentReported')

/** Rule 3(2)(a)(i): dispose of a grievance within 15 days, 7 from 2026-02-20. */
export const grievance: Rule = rule({
  policy: ID,
  rule: '3-2-a-grievance',
  row: 'in-itr/3-2-a-grievance',
  kind: 'deadline',
  title: 'Dispose of a grievance',
  confidence: 'secondary',
  dateZone: ZONE,
  scope: IN,
  trigger: 'A complaint (`ContentReported` naming IN), one clock per report.',
  completion: 'A `ReviewDecided` on that report.',
  versions: [
    {
      validFrom: NOTIFIED,
      validTo: AMENDED_2026,
      zone: ZONE,
      citation: `${RULES}, Rule 3(2)(a)(i) (2021 text)`,
      quote: '"dispose off such complaint within a period of fifteen days from the date of its receipt"',
      start: complaint,
      key: byReport,
      complete: decisionOn,
      period: { duration: 'P15D', clock: 'calendar-days', endOfDay: true },
    },
    {
      validFrom: AMENDED_2026,
      validTo: null,
      zone: ZONE,
      citation: `${RULES}, Rule 3(2)(a)(i), as amended by G.S.R. 120(E)`,
      quote: '"seven days" for "fifteen days"',
      start: complaint,
      key: byReport,
      complete: decisionOn,
      period: { duration: 'P7D', clock: 'calendar-days', endOfDay: true },
    },
  ],
})

/** Rule 3(2)(a)(i): acknowledge a grievance within 24 hours. */
export const grievanceAck: Rule = rule({
  policy: ID,
  rule: '3-2-a-grievance-ack',
  row: 'in-itr/3-2-a-grievance',
  kind: 'deadline',
  title: 'Acknowledge a grievance',
  confidence: 'secondary',
  dateZone: ZONE,
  scope: IN,
  trigger: 'A complaint (`ContentReported` naming IN), one clock per report.',
  completion: 'A `NotificationSent` to the reporter of kind `acknowledgement`.',
  notes: [
    'Stays 24 hours after 2026 (a "7-day acknowledgement" in one checklist is a mislabel, per the cross-check).',
  ],
  versions: [
    {
      validFrom: NOTIFIED,
      validTo: null,
      zone: ZONE,
      citation: `${RULES}, Rule 3(2)(a)(i)`,
      quote: '"acknowledge the complaint within twenty-four hours"',
      start: complaint,
      key: byReport,
      complete: notified('reporter', 'acknowledgement'),
      period: { duration: 'PT24H', clock: 'elapsed' },
    },
  ],
})

/** Categories a Rule 3(1)(b) removal complaint may concern (for the proviso's shorter clock). */
export const RULE_3_1_B: ReadonlyArray<string> = Event.CATEGORIES.filter(
  (c) => c !== 'policy_other' && c !== 'ip',
)

const proviso = reported(...RULE_3_1_B)
const redressed = any(removed(), decisionOn)

/** Proviso to Rule 3(2)(a)(i): act on a Rule 3(1)(b) removal complaint within 72 hours, 36 from 2026-02-20. */
export const removalComplaint: Rule = rule({
  policy: ID,
  rule: '3-2-a-proviso',
  row: 'in-itr/3-2-a-proviso',
  kind: 'deadline',
  title: 'Act on a complaint asking for removal under Rule 3(1)(b)',
  confidence: 'secondary',
  dateZone: ZONE,
  scope: IN,
  trigger:
    'A complaint asking for removal of content of a Rule 3(1)(b) kind (every illegal category but `ip`), one clock per report.',
  completion: 'The content removed, or a decision on the report.',
  versions: [
    {
      validFrom: AMENDED_2022,
      validTo: AMENDED_2026,
      zone: ZONE,
      citation: `${RULES}, proviso to Rule 3(2)(a)(i) (added 2022-10-28)`,
      quote: '"seventy-two hours"',
      start: proviso,
      key: byReport,
      complete: redressed,
      period: { duration: 'PT72H', clock: 'elapsed' },
    },
    {
      validFrom: AMENDED_2026,
      validTo: null,
      zone: ZONE,
      citation: `${RULES}, proviso to Rule 3(2)(a)(i), as amended by G.S.R. 120(E)`,
      quote: '"thirty-six hours" for "seventy-two hours"',
      start: proviso,
      key: byReport,
      complete: redressed,
      period: { duration: 'PT36H', clock: 'elapsed' },
    },
  ],
})

/** Categories of a Rule 3(2)(b) complaint: private areas, nudity, sexual acts, impersonation, morphed images. */
export const RULE_3_2_B: ReadonlyArray<string> = [
  'ncii',
  'synthetic_sexual',
  'impersonation',
  'sextortion',
  'csam',
]

const intimate = reported(...RULE_3_2_B)

/** Rule 3(2)(b): remove intimate or impersonating content within 24 hours, 2 from 2026-02-20. */
export const intimateComplaint: Rule = rule({
  policy: ID,
  rule: '3-2-b-ncii',
  row: 'in-itr/3-2-b-ncii',
  kind: 'deadline',
  title: 'Remove content exposing or impersonating an individual on their complaint',
  confidence: 'secondary',
  dateZone: ZONE,
  scope: IN,
  trigger:
    'A complaint (`ContentReported`) of category `ncii`, `synthetic_sexual`, `impersonation`, `sextortion` or `csam`, one clock per report.',
  completion: 'The content removed or disabled.',
  notes: [STILL_UP],
  versions: [
    {
      validFrom: NOTIFIED,
      validTo: AMENDED_2026,
      zone: ZONE,
      citation: `${RULES}, Rule 3(2)(b) (2021 text)`,
      quote:
        'content that "exposes the private area of such individual, shows such individual in full or partial nudity or shows or depicts such individual in any sexual act or conduct, or is in the nature of impersonation in an electronic form, including artificially morphed images": remove "within twenty-four hours from the receipt of a complaint"',
      start: all(intimate, stillUp),
      key: byReport,
      complete: removed(),
      period: { duration: 'PT24H', clock: 'elapsed' },
    },
    {
      validFrom: AMENDED_2026,
      validTo: null,
      zone: ZONE,
      citation: `${RULES}, Rule 3(2)(b), as amended by G.S.R. 120(E)`,
      quote: '"two hours" for "twenty-four hours"',
      start: all(intimate, stillUp),
      key: byReport,
      complete: removed(),
      period: { duration: 'PT2H', clock: 'elapsed' },
    },
  ],
})

/** Rule 3A: the window to appeal a grievance decision to the Grievance Appellate Committee (unconfirmed). */
export const appellateWindow: Rule = rule({
  policy: ID,
  rule: '3A-gac',
  row: 'in-itr/3A-gac',
  kind: 'window',
  title: 'Window to appeal to the Grievance Appellate Committee',
  confidence: 'unconfirmed',
  dateZone: ZONE,
  scope: IN,
  trigger: 'A `ReviewDecided` on a complaint (the Grievance Officer’s decision).',
  completion:
    'Closing the right early — an `AppealDecided` of outcome `inadmissible_late` — before `dueAt` is a breach.',
  notes: [
    'From memory in the reference (30-day appeal window; the GAC decides within 30 days): off unless the profile enables it.',
  ],
  versions: [
    {
      validFrom: AMENDED_2022,
      validTo: null,
      zone: ZONE,
      citation: `${RULES}, Rule 3A`,
      quote: '30-day appeal window; GAC decides within 30 days (UNCONFIRMED)',
      start: all(on('ReviewDecided'), historyHas(on('ContentReported'))),
      complete: (e) => e.type === 'AppealDecided' && e.data.outcome === 'inadmissible_late',
      period: { duration: 'P30D', clock: 'calendar-days', endOfDay: true },
    },
  ],
})

/** The IT Rules 2021. */
export const policy: Policy = {
  id: ID,
  title: 'IT (Intermediary Guidelines and Digital Media Ethics Code) Rules 2021 (India)',
  jurisdictions: ['IN'],
  summary:
    'Orders (36 h, 3 h from 2026-02-20), law-enforcement information (72 h), grievances (24 h acknowledgement; 15 days, 7 from 2026-02-20), removal complaints (72 h, 36 h) and intimate-image complaints (24 h, 2 h from 2026-02-20).',
  rules: [
    removalOrder,
    lawEnforcementInfo,
    grievance,
    grievanceAck,
    removalComplaint,
    intimateComplaint,
    appellateWindow,
  ],
  entries: [
    entry({
      policy: ID,
      rule: '4-ssmi',
      row: 'in-itr/4-ssmi',
      title: 'Significant social media intermediaries: officers and monthly compliance report',
      citation: `${RULES}, Rule 4 (Rule 4(1A) added 2026)`,
      quote:
        'Chief Compliance Officer, 24×7 nodal contact, Resident Grievance Officer; monthly compliance report',
      confidence: 'unconfirmed',
      since: '2021 (SSMI duties); 2026-02-20 (Rule 4(1A))',
      reason: 'Organisational duties and a periodic report, not a clock on a case.',
    }),
  ],
}
