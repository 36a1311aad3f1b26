/**
 * The commands of a case: what a moderator, a tool or an intake endpoint asks
 * the `Case` decider to record. Each command names the one event it records
 * (`ReportContent` records `ContentReported`, see {@link COMMANDS}) and carries
 * that event's `data` unchanged, the id the event will have (chosen by the
 * client: it is the idempotency key, so a retried command records nothing
 * twice), `occurredAt` (business time, with offset), and optionally `actor`
 * and `meta`. `RecordVendorEvent` records a platform's own `x-<vendor>.<Name>`
 * event.
 *
 * A command is a request, not a fact: the decider may refuse it. It carries no
 * `recordedAt`; the `CommandHandler` stamps that from its clock.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import * as DecodeError from './DecodeError.js'
import { type Actor, ActorCodec, type DocketEvent, type Meta, MetaCodec } from './Envelope.js'
import { DATA_CODECS, type DataOf, type EventType, Id, isVendorType } from './Event.js'
import * as PersonalData from './PersonalData.js'
import { IsoTimestamp } from './Timestamp.js'

// model

/** Every command name, with the event type it records. */
export const COMMANDS = {
  ReportContent: 'ContentReported',
  CompleteReport: 'ReportCompleted',
  DetectContent: 'ContentDetected',
  ObserveExposure: 'ExposureObserved',
  DecideReview: 'ReviewDecided',
  RequestInformation: 'InformationRequested',
  ProvideInformation: 'InformationProvided',
  ActionContent: 'ContentActioned',
  RestoreContent: 'ContentRestored',
  ActionAccount: 'AccountActioned',
  RestoreAccount: 'AccountRestored',
  LodgeAppeal: 'AppealLodged',
  DecideAppeal: 'AppealDecided',
  RecordAuthorityRequest: 'AuthorityRequestReceived',
  WithdrawAuthorityRequest: 'AuthorityRequestWithdrawn',
  ContestAuthorityRequest: 'AuthorityRequestContested',
  RespondToAuthority: 'AuthorityResponded',
  RequestClarification: 'ClarificationRequested',
  ReceiveClarification: 'ClarificationReceived',
  DeclareForceMajeure: 'ForceMajeureDeclared',
  EndForceMajeure: 'ForceMajeureEnded',
  ExtendDeadline: 'DeadlineExtended',
  FileMandatoryReport: 'MandatoryReportFiled',
  PreserveEvidence: 'EvidencePreserved',
  ReleasePreservation: 'PreservationReleased',
  PlaceLegalHold: 'LegalHoldPlaced',
  LiftLegalHold: 'LegalHoldLifted',
  SendNotification: 'NotificationSent',
  PublishStatementOfReasons: 'StatementOfReasonsPublished',
  RaiseEscalation: 'EscalationRaised',
  AcknowledgeEscalation: 'EscalationAcknowledged',
  CloseCase: 'CaseClosed',
  ReopenCase: 'CaseReopened',
} as const satisfies Readonly<Record<string, EventType>>

/** The name of a command that records a standard event. */
export type StandardType = keyof typeof COMMANDS

/** The name of any command. */
export type CommandType = StandardType | 'RecordVendorEvent'

/** What every command carries besides its payload. */
export interface Base<K extends CommandType> {
  readonly type: K
  readonly caseId: string
  /** The id of the event to record: the idempotency key, chosen by the client. */
  readonly eventId: string
  /** When it happened in the world (ISO-8601 with offset). */
  readonly occurredAt: string
  readonly actor?: Actor
  readonly meta?: Meta
}

/** The command named `K`, carrying the `data` of the event it records. */
export interface Command<K extends StandardType> extends Base<K> {
  readonly data: DataOf<(typeof COMMANDS)[K]>
}

/** Records a platform's own event type `x-<vendor>.<Name>`; the decider checks only that the case is open. */
export interface RecordVendorEvent extends Base<'RecordVendorEvent'> {
  readonly eventType: `x-${string}`
  readonly data: Readonly<Record<string, unknown>>
}

/** Any case command, discriminated on `type`. */
export type CaseCommand = { readonly [K in StandardType]: Command<K> }[StandardType] | RecordVendorEvent

/** The command named `K`. */
export type CommandOf<K extends CommandType> = Extract<CaseCommand, { readonly type: K }>

// codecs

const VendorType = t.refinement(t.string, isVendorType, 'VendorType') as unknown as t.Type<`x-${string}`>

const codecOf = <K extends CommandType>(type: K, extra: t.Props): t.Type<CommandOf<K>, unknown, unknown> =>
  t.intersection(
    [
      t.type({ type: t.literal(type), caseId: Id, eventId: Id, occurredAt: IsoTimestamp, ...extra }),
      t.partial({ actor: ActorCodec, meta: MetaCodec }),
    ],
    type,
  ) as unknown as t.Type<CommandOf<K>, unknown, unknown>

/** One io-ts codec per command name. Unknown keys of `data` are kept, as in events. */
export const CODECS: { readonly [K in CommandType]: t.Type<CommandOf<K>, unknown, unknown> } = {
  ...(Object.fromEntries(
    (Object.keys(COMMANDS) as StandardType[]).map((k) => [
      k,
      codecOf(k, { data: DATA_CODECS[COMMANDS[k]] as t.Mixed }),
    ]),
  ) as { readonly [K in StandardType]: t.Type<CommandOf<K>, unknown, unknown> }),
  RecordVendorEvent: codecOf('RecordVendorEvent', { eventType: VendorType, data: t.UnknownRecord }),
}

/** Every command name, sorted. */
export const COMMAND_TYPES: ReadonlyArray<CommandType> = (Object.keys(CODECS) as CommandType[]).sort()

/** True for a command name. */
export const isCommandType = (s: string): s is CommandType => Object.hasOwn(CODECS, s)

/**
 * An io-ts codec of any case command (a union of {@link CODECS}). Prefer
 * {@link decode} at a boundary: it picks the branch by `type` and so reports
 * only the problems of that command.
 */
export const Codec: t.Type<CaseCommand, unknown, unknown> = t.union(
  Object.values(CODECS) as unknown as [t.Mixed, t.Mixed, ...t.Mixed[]],
  'CaseCommand',
) as unknown as t.Type<CaseCommand, unknown, unknown>

/** Decodes a command from parsed JSON (an HTTP body, a queue message), naming field paths on failure. */
export const decode = (u: unknown): E.Either<DecodeError.DecodeError, CaseCommand> => {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) {
    return E.left(PersonalData.withheld(DecodeError.single('', u, 'a JSON object (one command)')))
  }
  const type = (u as { readonly type?: unknown }).type
  if (typeof type !== 'string' || !isCommandType(type)) {
    return E.left(DecodeError.single('type', type, `a command name: ${COMMAND_TYPES.join(', ')}`))
  }
  const result = (CODECS[type] as t.Decoder<unknown, CaseCommand>).decode(u)
  if (E.isRight(result)) return E.right(result.right)
  const recorded = type === 'RecordVendorEvent' ? undefined : COMMANDS[type]
  return E.left(PersonalData.withheld(DecodeError.fromValidation(result.left), recorded))
}

// operations

/** The event type a command records. */
export const eventTypeOf = (c: CaseCommand): string =>
  c.type === 'RecordVendorEvent' ? c.eventType : COMMANDS[c.type]

/** The event a command records if the decider accepts it (no `recordedAt`: the handler stamps it). */
export const toEvent = (c: CaseCommand): DocketEvent =>
  ({
    id: c.eventId,
    type: eventTypeOf(c),
    caseId: c.caseId,
    occurredAt: c.occurredAt,
    ...(c.actor === undefined ? {} : { actor: c.actor }),
    data: c.data,
    ...(c.meta === undefined ? {} : { meta: c.meta }),
  }) as DocketEvent
