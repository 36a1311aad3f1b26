/**
 * The Digital Services Act, Regulation (EU) 2022/2065: the per-case clocks of
 * hosting providers and online platforms — acting on notices (Arts. 6, 16),
 * statements of reasons (Art. 17), notifying suspected threats to life
 * (Art. 18), orders (Art. 9), the internal complaint window and its handling
 * (Art. 20), out-of-court settlement (Art. 21), trusted flaggers (Art. 22)
 * and the Transparency Database (Art. 24(5)).
 *
 * The DSA applies from 2024-02-17; designated VLOPs and VLOSEs were bound
 * "from four months after the notification", 2023-08-25 for the first
 * designations, so rows that say so start at 2023-08-25 and bind only them
 * until 2024-02-17. So do the duties whose rows give only the general date
 * (Arts. 9, 20(4)–(5), 22): Art. 92 bound them to the whole Regulation. Art. 6 (a
 * condition of the liability exemption, not a duty) and Art. 21 (binding the
 * out-of-court body) keep 2024-02-17. `Policy.forProfile` starts these
 * rules' first version when the profile is bound (2024-02-17 unless it is a
 * VLOP or VLOSE), so an earlier trigger gives a pre-effective obligation from then, as
 * the reference's note 7 asks, not none.
 * Dates are read in Europe/Brussels. Most clocks have no number ("without
 * undue delay", "timely"): their due time is the internal target, never
 * statutory. The Art. 20 window is counted in the zone and holiday calendar
 * of the Member State of establishment, with Regulation 1182/71 Art. 3(4)
 * (a window ending on a weekend or holiday runs to the end of the next
 * working day), because that protects the user.
 *
 * A notice about child sexual abuse never needs the notifier's identity
 * (Art. 16(2)(c)).
 *
 * This module is the policy: the rules live by theme under `internal/euDsa/`
 * (notices, statements, redress, and who is bound from when) and are
 * re-exported here under their names, with `statementOwed`, the one
 * predicate of whether a restriction owes a statement of reasons, which the
 * Art. 17 and Art. 24(5) clocks and the `dsa-sor` report share.
 */
import { entry } from './internal/rule.js'
import { DSA, ID } from './internal/euDsa/binding.js'
import { ack, decide, expeditious, notifyDecision, trustedFlagger } from './internal/euDsa/notices.js'
import { complaintHandling, complaintWindow, orders, outOfCourt } from './internal/euDsa/redress.js'
import {
  notifyLawEnforcement,
  statementOfReasons,
  transparencyDatabase,
} from './internal/euDsa/statements.js'
import type { Policy } from './Policy.js'

export {
  ack,
  decide,
  expeditious,
  ILLEGAL,
  NOTICE_ELEMENTS,
  notifyDecision,
  trustedFlagger,
  waivedFor,
} from './internal/euDsa/notices.js'
export { complaintHandling, complaintWindow, orders, outOfCourt } from './internal/euDsa/redress.js'
export {
  inEea,
  knownAt,
  type Owed,
  type Restriction,
  statementOwed,
} from './internal/euDsa/reach.js'
export {
  notifyLawEnforcement,
  statementOfReasons,
  transparencyDatabase,
} from './internal/euDsa/statements.js'
/** The zone the DSA's dates are read in (`Europe/Brussels`): its dates in force, and the days and periods of its reports. */
export { ZONE } from './internal/euDsa/binding.js'

/** The Digital Services Act. */
export const policy: Policy = {
  id: ID,
  title: 'Digital Services Act, Regulation (EU) 2022/2065',
  jurisdictions: ['EU'],
  summary:
    'Notices, decisions, statements of reasons, law-enforcement notification, orders, complaints, trusted flaggers and the Transparency Database, for hosting providers and online platforms in the EU.',
  rules: [
    expeditious,
    ack,
    decide,
    notifyDecision,
    statementOfReasons,
    notifyLawEnforcement,
    orders,
    complaintWindow,
    complaintHandling,
    outOfCourt,
    trustedFlagger,
    transparencyDatabase,
  ],
  entries: [
    entry({
      policy: ID,
      rule: '16-notice-fields',
      row: 'eu-dsa/16-notice-fields',
      title: 'Notice mechanism fields',
      citation: `${DSA} Art. 16(1)–(2)`,
      quote:
        '(a) "a sufficiently substantiated explanation"; (b) the "exact electronic location"; (c) "the name and email address … except in the case of information considered to involve one of the offences referred to in Articles 3 to 7 of Directive 2011/93/EU"; (d) a "bona fide belief" statement',
      confidence: 'primary',
      since: '2024-02-17 (VLOPs 2023-08-25)',
      reason:
        'Encoded as the elements a notice needs in `eu-dsa/6-expeditious`; identity is never required for child sexual abuse.',
    }),
    entry({
      policy: ID,
      rule: '15-24-42-transparency',
      row: 'eu-dsa/15-24-42-transparency',
      title: 'Transparency reports',
      citation: `${DSA} Art. 15(1)(a)–(e), 24(1)–(3), 42`,
      quote:
        'Publish machine-readable reports "at least once a year"; average monthly active recipients "at least once every six months"',
      confidence: 'primary',
      since: 'Art. 24(2): 2022-11-16; others 2024-02-17',
      reason:
        'Periodic reports of the platform, not a clock on a case (`docket replay --report dsa-transparency`).',
    }),
    entry({
      policy: ID,
      rule: 'ir2024-2835-periods',
      row: 'eu-ir2024-2835/periods',
      title: 'Harmonised transparency reporting periods (Implementing Reg. 2024/2835)',
      citation:
        'Commission Implementing Regulation (EU) 2024/2835, Art. 1 (templates), Art. 2 (period), Art. 3 (retention), Art. 4',
      quote: '"within two months" of the period end',
      confidence: 'secondary',
      since: '2025-07-01',
      reason: 'Periodic reports, not a clock on a case.',
    }),
    entry({
      policy: ID,
      rule: 'interim-2021-1232',
      row: 'eu-2021-1232/interim',
      title: 'Interim CSAM detection regulation (EU) 2021/1232',
      citation: 'Regulation (EU) 2021/1232, extended by Reg. 2024/1307',
      quote: 'Permissive legal basis for voluntary detection and reporting',
      confidence: 'secondary',
      since: '2021 (expired 2026-04-03)',
      reason:
        'A permissive legal basis with no platform clock; listed here as the EU instrument nearest the DSA.',
    }),
  ],
}
