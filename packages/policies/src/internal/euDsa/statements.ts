/**
 * What a provider must tell others under the Digital Services Act about what it did or learnt: the
 * statement of reasons to the recipient whose content or account it restricts (Art. 17), the same
 * decision submitted to the Commission's Transparency Database (Art. 24(5)), and a suspected threat to
 * life or safety to law enforcement (Art. 18). Not the notifier's own notification of the decision on
 * a notice (`notices`).
 */
import type { Rule } from '../../Policy.js'
import {
  any,
  byEvent,
  detected,
  filed,
  notified,
  on,
  reported,
  restrictedReachable,
  restrictedWithReasons,
} from '../match.js'
import { at, rule } from '../rule.js'
import { ID, ZONE, VLOPS, GENERAL, DSA, PLATFORMS, EU_EARLY_HOSTING } from './binding.js'

/** Art. 17: a statement of reasons at the latest when a restriction is imposed. */
export const statementOfReasons: Rule = rule({
  policy: ID,
  rule: '17-sor',
  row: 'eu-dsa/17-sor',
  kind: 'deadline',
  title: 'Give the affected recipient a statement of reasons',
  confidence: 'primary',
  dateZone: ZONE,
  scope: EU_EARLY_HOSTING,
  trigger:
    "A restriction: `ContentActioned` (any action but `labelled`) or `AccountActioned` that restricts a recipient in the EEA (its `territories`, else the case's jurisdictions known at its instant), unless it says `recipientContactKnown: false` or `deceptiveHighVolumeCommercial: true`; one clock per restriction.",
  completion: 'A `NotificationSent` to the uploader of kind `statement_of_reasons`.',
  notes: [
    'Due at the restriction instant itself ("at the latest from the date").',
    'Only a restriction of the EU\'s rule (the reference\'s row `eu-dsa/17-sor`, jurisdiction EU: a statement "to the affected recipient" of a restriction "imposed"): a geo-block whose `territories` are all outside the EEA (only `US`, say) restricts no recipient the DSA governs and starts no clock; nor does a restriction on a case with no EEA jurisdiction known at its instant (events at the same instant count whatever their order; one learnt later does not). The EEA is the EU member states at the instant plus Iceland, Liechtenstein and Norway, the codes the Transparency Database takes. The `dsa-sor` report writes statements by the same predicate (`EuDsa.statementOwed`).',
    'Applies only "where the relevant electronic contact details are known": a restriction whose event says `recipientContactKnown: false` (an anonymous upload, say) starts no clock; without the field the details are taken as known. Its submission to the Transparency Database is still owed (see `eu-dsa/24-5-sor-db`).',
    'Not for "deceptive high-volume commercial content": a restriction whose event says `deceptiveHighVolumeCommercial: true` (spam, say) starts no clock; without the field it is taken as not such content.',
  ],
  versions: [
    {
      validFrom: VLOPS,
      validTo: null,
      zone: 'event',
      citation: `${DSA} Art. 17(1)–(3)`,
      quote:
        '"a clear and specific statement of reasons" … "at the latest from the date that the restriction is imposed"',
      start: restrictedReachable,
      key: byEvent,
      complete: notified('uploader', 'statement_of_reasons'),
      period: { duration: 'PT0S', clock: 'event' },
    },
  ],
})

/** Art. 18: inform law enforcement promptly of a suspected threat to life or safety. */
export const notifyLawEnforcement: Rule = rule({
  policy: ID,
  rule: '18-notify-le',
  row: 'eu-dsa/18-notify-le',
  kind: 'deadline',
  title: 'Inform law enforcement of a suspected threat to life or safety',
  confidence: 'primary',
  dateZone: ZONE,
  scope: EU_EARLY_HOSTING,
  trigger: 'A report or detection carrying the `threat_to_life` category.',
  completion: 'A `MandatoryReportFiled` to `police`, `europol` or `le_authority`.',
  versions: [
    {
      validFrom: VLOPS,
      validTo: null,
      zone: 'event',
      citation: `${DSA} Art. 18(1)–(2)`,
      quote:
        '"becomes aware of any information giving rise to a suspicion that a criminal offence involving a threat to the life or safety of a person or persons has taken place, is taking place or is likely to take place" … "inform the law enforcement or judicial authorities … promptly"',
      start: any(reported('threat_to_life'), detected('threat_to_life')),
      complete: filed(['police', 'europol', 'le_authority']),
      period: { duration: null, clock: 'unspecified' },
      defaultTarget: 'PT1H',
    },
  ],
})

const SOR_DB_QUOTE =
  'submit each Art. 17(1) decision and statement of reasons to the Commission "without undue delay"'

/** Art. 24(5): submit statements of reasons to the DSA Transparency Database. */
export const transparencyDatabase: Rule = rule({
  policy: ID,
  rule: '24-5-sor-db',
  row: 'eu-dsa/24-5-sor-db',
  kind: 'deadline',
  title: 'Submit the statement of reasons to the DSA Transparency Database',
  confidence: 'secondary',
  dateZone: ZONE,
  scope: {
    jurisdictions: ['EU'],
    providerTypes: PLATFORMS,
    exemptSizes: ['micro', 'small'],
    generalFrom: GENERAL,
    note: 'VLOPs from the database launch (2023-09-26); other online platforms from 2024-02-17; micro and small enterprises exempt.',
  },
  trigger:
    'A restriction (`ContentActioned` other than `labelled`, or `AccountActioned`) that restricts a recipient in the EEA (as `eu-dsa/17-sor`), unless it says `deceptiveHighVolumeCommercial: true`; also when it says `recipientContactKnown: false`; one clock per restriction.',
  completion: 'A `StatementOfReasonsPublished`.',
  notes: [
    'Art. 17 does not apply to "deceptive high-volume commercial content", so such a restriction has no statement of reasons to submit; nor to a restriction of no recipient in the EEA (see `eu-dsa/17-sor`). Exactly the restrictions the `dsa-sor` report writes a statement for, or reports missing facts for, start this clock (`EuDsa.statementOwed`).',
    'Still owed when the recipient’s contact details are not known (`recipientContactKnown: false`), though no Art. 17 statement is then given to the recipient. The reference’s Art. 24(5) row (`eu-dsa/24-5-sor-db`) triggers on "Each Art. 17(1) decision and statement of reasons", submitted "with no personal data"; its Art. 17 row (`eu-dsa/17-sor`) makes the statement to the recipient apply only "where the relevant electronic contact details are known". The decision is an Art. 17(1) decision either way, and nothing the database takes (dsa-sor-rules.json: no field names or reaches the recipient) needs the recipient to be reachable, so the condition reads as one on telling the recipient, not on the decision. The text can be read the other way (no statement given, so none to submit); the reading kept is the protective one: a submission carries no personal data and nothing in the reference forbids an extra one, while an owed one missed is a breach of Art. 24(5).',
  ],
  versions: [
    {
      validFrom: at('2023-09-26', ZONE),
      validTo: at('2025-07-01', ZONE),
      zone: 'event',
      citation: `${DSA} Art. 24(5)`,
      quote: SOR_DB_QUOTE,
      start: restrictedWithReasons,
      key: byEvent,
      complete: on('StatementOfReasonsPublished'),
      period: { duration: null, clock: 'unspecified' },
      defaultTarget: 'PT24H',
    },
    {
      validFrom: at('2025-07-01', ZONE),
      validTo: null,
      zone: 'event',
      citation: `${DSA} Art. 24(5); data categories of Implementing Regulation (EU) 2024/2835`,
      quote: `${SOR_DB_QUOTE}, using the updated data categories aligned with Implementing Reg. 2024/2835`,
      start: restrictedWithReasons,
      key: byEvent,
      complete: on('StatementOfReasonsPublished'),
      period: { duration: null, clock: 'unspecified' },
      defaultTarget: 'PT24H',
    },
  ],
})
