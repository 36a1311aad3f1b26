/**
 * The Terrorist Content Online Regulation (EU) 2021/784: remove terrorist
 * content "as soon as possible and in any event within one hour of receipt of
 * the removal order" (Art. 3(3)), preserve removed content for six months
 * (Art. 6), inform the authority of the removal (Art. 3(6)) and report
 * imminent threats to life (Art. 14(5)). Applies from 2022-06-07 (Brussels).
 *
 * Force majeure or de facto impossibility (Art. 3(7)) and manifest errors or
 * missing information (Art. 3(8)) do not pause the hour: the deadline "shall
 * start to run" again in full when the grounds cease or the clarification
 * arrives (note (b)5). So `ForceMajeureDeclared` / `ClarificationRequested`
 * stop the clock and `ForceMajeureEnded` / `ClarificationReceived` restart it.
 */
import {
  all,
  any,
  authorityRequest,
  byRequest,
  caseHas,
  detected,
  filed,
  notified,
  released,
  removed,
  reported,
  sameRequest,
  stillUp,
  withdrawn,
} from './internal/match.js'
import { at, entry, rule, STILL_UP } from './internal/rule.js'
import { HOSTING } from './internal/scope.js'
import type { Policy, Rule } from './Policy.js'

const ID = 'eu-tco'
const ZONE = 'Europe/Brussels'
const APPLIES = at('2022-06-07', ZONE)
const TCO = 'Regulation (EU) 2021/784 (TCO)'
const BASES = ['eu-tco', 'eu-tco/3-3-removal']
/** The reference's Art. 3 row: the deadline runs once "the hosting service provider has received the necessary clarification". */
const TCO_HOSTING = 'Hosting service providers (online platforms among them), not search services.'

const removalOrder = authorityRequest(['removal_order'], BASES)
const tcoCase = caseHas(removalOrder)

/** Art. 3(3): remove within one hour of receipt of a removal order. */
export const removal: Rule = rule({
  policy: ID,
  rule: '3-3-removal',
  row: 'eu-tco/3-3-removal',
  kind: 'deadline',
  title: 'Remove terrorist content within one hour of a removal order',
  confidence: 'primary',
  dateZone: ZONE,
  scope: { jurisdictions: ['EU'], providerTypes: HOSTING, note: TCO_HOSTING },
  trigger:
    'An `AuthorityRequestReceived` of kind `removal_order` with legal basis `eu-tco` or `eu-tco/3-3-removal`, at the contact point.',
  completion: 'The content removed or disabled "in all Member States".',
  pauses:
    '`ForceMajeureDeclared` or `ClarificationRequested` for the order stop the clock until it restarts.',
  restarts:
    'The full hour runs again from `ForceMajeureEnded` (Art. 3(7)) or `ClarificationReceived` (Art. 3(8)) for the same order.',
  notes: [
    STILL_UP,
    'ASAP with a cap: `dueAt` is the one-hour cap, `targetAt` the internal target (default PT30M).',
    'A withdrawn order waives the clock.',
  ],
  versions: [
    {
      validFrom: APPLIES,
      validTo: null,
      zone: ZONE,
      citation: `${TCO} Art. 3(3), (7), (8)`,
      quote:
        '"remove terrorist content or disable access to terrorist content in all Member States" "as soon as possible and in any event within one hour of receipt of the removal order"; the deadline "shall start to run as soon as the grounds … have ceased to exist" / "as soon as the hosting service provider has received the necessary clarification"',
      start: all(removalOrder, stillUp),
      key: byRequest,
      complete: removed(),
      pause: sameRequest('ForceMajeureDeclared', 'ClarificationRequested'),
      restart: sameRequest('ForceMajeureEnded', 'ClarificationReceived'),
      cancel: withdrawn,
      period: { duration: 'PT1H', clock: 'elapsed' },
      defaultTarget: 'PT30M',
    },
  ],
})

/** Art. 3(6): inform the issuing authority of the removal. */
export const inform: Rule = rule({
  policy: ID,
  rule: '3-6-inform',
  row: 'eu-tco/3-6-inform',
  kind: 'deadline',
  title: 'Inform the issuing authority of the removal and its time',
  confidence: 'unconfirmed',
  dateZone: ZONE,
  scope: { jurisdictions: ['EU'], providerTypes: HOSTING, note: TCO_HOSTING },
  trigger: 'The content removed or disabled on a case with a TCO removal order.',
  completion: 'An `AuthorityResponded` or a `NotificationSent` to the authority.',
  notes: ['From memory in the reference: off unless the profile enables it.'],
  versions: [
    {
      validFrom: APPLIES,
      validTo: null,
      zone: ZONE,
      citation: `${TCO} Art. 3(6)`,
      quote:
        'Inform the issuing authority of the removal and its time (Annex II template) "without undue delay"',
      start: all(removed(), tcoCase),
      complete: any(
        (e) => e.type === 'AuthorityResponded',
        notified('authority', 'decision', 'acknowledgement'),
      ),
      period: { duration: null, clock: 'unspecified' },
      defaultTarget: 'PT1H',
    },
  ],
})

/** Art. 6: preserve removed terrorist content for six months. */
export const preserve: Rule = rule({
  policy: ID,
  rule: '6-preserve',
  row: 'eu-tco/6-preserve',
  kind: 'hold',
  title: 'Preserve removed terrorist content and related data for six months',
  confidence: 'primary',
  dateZone: ZONE,
  scope: { jurisdictions: ['EU'], providerTypes: HOSTING, note: TCO_HOSTING },
  trigger: 'The content removed or disabled on a case with a TCO removal order.',
  completion:
    'A `PreservationReleased` for `eu-tco/6-preserve` (or a general release); before `dueAt` it is a breach.',
  extensions: '"or longer upon request from the competent authorities or courts": `DeadlineExtended`.',
  versions: [
    {
      validFrom: APPLIES,
      validTo: null,
      zone: ZONE,
      citation: `${TCO} Art. 6`,
      quote:
        'preserve the content and related data "for six months or longer upon request from the competent authorities or courts"',
      start: all(removed(), tcoCase),
      complete: released('eu-tco/6-preserve'),
      extendable: true,
      period: { duration: 'P6M', clock: 'calendar-months', endOfDay: true },
    },
  ],
})

/** Art. 14(5): promptly inform authorities of terrorist content involving an imminent threat to life. */
export const threat: Rule = rule({
  policy: ID,
  rule: '14-5-threat',
  row: 'eu-tco/14-5-threat',
  kind: 'deadline',
  title: 'Inform the authorities of terrorist content involving an imminent threat to life',
  confidence: 'secondary',
  dateZone: ZONE,
  scope: { jurisdictions: ['EU'], providerTypes: HOSTING, note: TCO_HOSTING },
  trigger: 'A report or detection carrying both `terrorism` and `threat_to_life`.',
  completion: 'A `MandatoryReportFiled` to `police`, `europol` or `le_authority`.',
  versions: [
    {
      validFrom: APPLIES,
      validTo: null,
      zone: ZONE,
      citation: `${TCO} Art. 14(5)`,
      quote:
        'terrorist content "involving an imminent threat to life": inform the competent authorities or Europol "promptly" (France: "informer immédiatement")',
      start: any(
        all(reported('terrorism'), reported('threat_to_life')),
        all(detected('terrorism'), detected('threat_to_life')),
      ),
      complete: filed(['police', 'europol', 'le_authority']),
      period: { duration: null, clock: 'unspecified' },
      defaultTarget: 'PT1H',
    },
  ],
})

/** The TCO Regulation. */
export const policy: Policy = {
  id: ID,
  title: 'Terrorist Content Online Regulation (EU) 2021/784',
  jurisdictions: ['EU'],
  summary:
    'Remove terrorist content within one hour of a removal order (restarting in full after force majeure or a clarification), inform the authority, preserve for six months, report imminent threats.',
  rules: [removal, inform, preserve, threat],
  entries: [
    entry({
      policy: ID,
      rule: '3-2-first-order',
      row: 'eu-tco/3-2-first-order',
      title: 'Advance information before a first removal order (authority side)',
      citation: `${TCO} Art. 3(2)`,
      quote:
        'information "on the applicable procedures and deadlines, at least 12 hours before issuing the removal order"; not "in duly justified cases of emergency"',
      confidence: 'unconfirmed',
      since: '2022-06-07',
      reason: 'Binds the authority, not the platform.',
    }),
  ],
}
