/**
 * Orders and redress under the Digital Services Act: the routes by which a decision on content is
 * sought or challenged from outside the notice flow — an authority's order and the report on the
 * effect given to it (Art. 9), the internal complaint window and its handling (Art. 20), and the
 * out-of-court body's decision period (Art. 21). Not notices (`notices`), nor the statements that open
 * the complaint window (`statements`).
 */
import type { Rule } from '../../Policy.js'
import {
  any,
  appealed,
  authorityRequest,
  byEvent,
  byRequest,
  notified,
  sameAppealDecided,
  sameRequest,
  withdrawn,
} from '../match.js'
import { rule } from '../rule.js'
import { ID, ZONE, VLOPS, GENERAL, DSA, EU, EU_EARLY, PLATFORMS, VLOPS_BY_ART_92 } from './binding.js'

/** Art. 9(1): inform the issuing authority of the effect given to an order. */
export const orders: Rule = rule({
  policy: ID,
  rule: '9-orders',
  row: 'eu-dsa/9-orders',
  kind: 'deadline',
  title: 'Inform the authority of the effect given to an order against illegal content',
  confidence: 'primary',
  dateZone: ZONE,
  scope: {
    ...EU_EARLY,
    note: `${EU_EARLY.note} Any provider, a search service included: the reference’s Art. 9 row names no provider type, and its DSA section binds "VLOPs and VLOSEs" under Art. 92.`,
  },
  trigger:
    'An `AuthorityRequestReceived` of kind `removal_order` or `court_order` with legal basis `eu-dsa` or `eu-dsa/9-orders`.',
  completion: 'An `AuthorityResponded` for the same request.',
  versions: [
    {
      ...VLOPS_BY_ART_92,
      validTo: null,
      zone: 'event',
      citation: `${DSA} Art. 9(1)`,
      quote:
        '"inform the authority issuing the order … of any effect given to the order … specifying if and when effect was given" "without undue delay"',
      start: authorityRequest(['removal_order', 'court_order'], ['eu-dsa', 'eu-dsa/9-orders']),
      key: byRequest,
      complete: sameRequest('AuthorityResponded'),
      cancel: withdrawn,
      period: { duration: null, clock: 'unspecified' },
      defaultTarget: 'PT24H',
    },
  ],
})

/** Art. 20(1)–(2): keep the internal complaint system open for at least six months. */
export const complaintWindow: Rule = rule({
  policy: ID,
  rule: '20-window',
  row: 'eu-dsa/20-window',
  kind: 'window',
  title: 'Keep the internal complaint window open for at least six months',
  confidence: 'primary',
  dateZone: ZONE,
  scope: { ...EU_EARLY, providerTypes: PLATFORMS, exemptSizes: ['micro', 'small'] },
  trigger:
    'The recipient is informed of the decision: a `NotificationSent` of kind `decision` to the reporter (Art. 16(5)) or `statement_of_reasons` to the uploader (Art. 17).',
  completion:
    'Closing the right early — an `AppealDecided` of outcome `inadmissible_late` — before `dueAt` is a breach.',
  extensions: 'The platform may keep it open longer ("at least").',
  notes: [
    'Counted in calendar months from the day the recipient is informed, to the end of the last day, in the zone and holiday calendar of the Member State of establishment (Belgium when none).',
    'Regulation 1182/71 Art. 3(4): a window ending on a Saturday, Sunday or public holiday runs to the end of the next working day (it protects the user).',
    'Online platforms only; micro and small enterprises are exempt (Art. 19).',
  ],
  versions: [
    {
      validFrom: VLOPS,
      validTo: null,
      zone: ZONE,
      establishmentZone: true,
      citation: `${DSA} Art. 20(1)–(2)`,
      quote:
        '"for a period of at least six months following the decision"; the period "shall start on the day on which the recipient of the service is informed about the decision"',
      start: any(notified('reporter', 'decision'), notified('uploader', 'statement_of_reasons')),
      key: byEvent,
      complete: (e) => e.type === 'AppealDecided' && e.data.outcome === 'inadmissible_late',
      period: {
        duration: 'P6M',
        clock: 'calendar-months',
        endOfDay: true,
        euPeriodRule: true,
        calendar: 'BE',
      },
    },
  ],
})

/** Art. 20(4)–(5): handle complaints in a timely manner and inform complainants. */
export const complaintHandling: Rule = rule({
  policy: ID,
  rule: '20-handle',
  row: 'eu-dsa/20-handle',
  kind: 'deadline',
  title: 'Handle an internal complaint and inform the complainant of the reasoned decision',
  confidence: 'secondary',
  dateZone: ZONE,
  scope: { ...EU_EARLY, providerTypes: PLATFORMS, exemptSizes: ['micro', 'small'] },
  trigger: 'An `AppealLodged` with venue `internal`.',
  completion: 'The `AppealDecided` on that appeal.',
  versions: [
    {
      ...VLOPS_BY_ART_92,
      validTo: null,
      zone: 'event',
      citation: `${DSA} Art. 20(4)–(5)`,
      quote:
        'handle complaints "in a timely, non-discriminatory, diligent and non-arbitrary manner"; "inform complainants without undue delay of their reasoned decision"',
      start: appealed('internal'),
      key: byEvent,
      complete: sameAppealDecided,
      period: { duration: null, clock: 'unspecified' },
      defaultTarget: 'PT72H',
    },
  ],
})

/** Art. 21: the out-of-court body's decision period (binds the body). */
export const outOfCourt: Rule = rule({
  policy: ID,
  rule: '21-ods',
  row: 'eu-dsa/21-ods',
  kind: 'deadline',
  title: 'Out-of-court dispute settlement decision (binds the body)',
  confidence: 'unconfirmed',
  dateZone: ZONE,
  scope: { ...EU, providerTypes: PLATFORMS },
  trigger: 'An `AppealLodged` with venue `out_of_court`.',
  completion: 'The `AppealDecided` on that appeal.',
  extensions: 'The body may extend to 180 days for complex cases (`DeadlineExtended` `by: P90D`).',
  notes: [
    'From memory in the reference, not read: off unless the profile enables it. The clock binds the body, not the platform.',
  ],
  versions: [
    {
      validFrom: GENERAL,
      validTo: null,
      zone: ZONE,
      citation: `${DSA} Art. 21`,
      quote:
        'Body’s decision deadline: 90 calendar days, extendable to 180 for complex cases (reference paraphrase, UNCONFIRMED)',
      start: appealed('out_of_court'),
      key: byEvent,
      complete: sameAppealDecided,
      extendable: true,
      period: { duration: 'P90D', clock: 'calendar-days', endOfDay: true },
    },
  ],
})
