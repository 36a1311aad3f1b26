/**
 * The case decider: the rules a live command must pass before its event is
 * recorded in a case stream (Emmett style: {@link initialState}, {@link evolve},
 * {@link decide}, all pure). One case is one piece of reported content and
 * everything done about it.
 *
 * The rules keep the record coherent, not compliant: the decider refuses what
 * cannot have happened (deciding an appeal never lodged, restoring content never
 * actioned, a second report with the same `reportId`), and refuses new
 * *decisions* on a closed case (reopen it first) while still accepting new
 * *facts* there (a report, an authority request, an appeal, a preservation), so
 * that nothing the law cares about is ever turned away. Whether deadlines were
 * met is the obligation engine's business, never the decider's.
 *
 * `evolve` is total: it accepts any decoded event, including imported
 * histories that never went through `decide`, and never throws. The state
 * keeps the whole history so that `Refusal` (the one definition of a refusal)
 * can be asked about it.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as CaseCommand from './CaseCommand.js'
import { blocksClose } from './Escalation.js'
import type { Decider } from './Decider.js'
import { type DocketEvent, fingerprint } from './Envelope.js'
import * as PersonalData from './PersonalData.js'
import * as Refusal from './Refusal.js'

// model

/** Where a case is in its life cycle: no event yet, open, or closed. */
export type Status = 'new' | 'open' | 'closed'

/** What the decider remembers of a case. Maps are never mutated: `evolve` returns new ones. */
export interface State {
  readonly caseId: string | undefined
  readonly status: Status
  /** Every event of the case, in stream order (what `Refusal` needs). */
  readonly history: ReadonlyArray<DocketEvent>
  /** Reports by `reportId`, with whether more information was asked for and not yet provided. */
  readonly reports: ReadonlyMap<string, { readonly informationPending: boolean }>
  /** Review decisions, content and account actions so far (what an appeal can be against). */
  readonly decisions: number
  /** True while content is actioned and not restored. */
  readonly contentActioned: boolean
  /** Accounts actioned and not restored. */
  readonly accountsActioned: ReadonlySet<string>
  /** Appeals by `appealId`. */
  readonly appeals: ReadonlyMap<string, 'lodged' | 'decided'>
  /** Authority requests by `requestId`. */
  readonly requests: ReadonlyMap<string, 'open' | 'withdrawn'>
  /** Active preservations, keyed `basis` + `requestId`. */
  readonly preservations: ReadonlySet<string>
  /** Legal holds in place, by `holdId`. */
  readonly holds: ReadonlySet<string>
  /** Escalations raised, by `escalationId`. */
  readonly escalations: ReadonlySet<string>
}

/** A command refused by the rules of the case. Tagged plain objects: they serialise. */
export type CaseError =
  | { readonly _tag: 'CaseNotStarted'; readonly caseId: string; readonly command: CaseCommand.CommandType }
  | { readonly _tag: 'CaseIsClosed'; readonly caseId: string; readonly command: CaseCommand.CommandType }
  | { readonly _tag: 'CaseNotClosed'; readonly caseId: string }
  | { readonly _tag: 'EventIdReused'; readonly caseId: string; readonly eventId: string }
  | { readonly _tag: 'ReportAlreadyReceived'; readonly caseId: string; readonly reportId: string }
  | { readonly _tag: 'ReportNotFound'; readonly caseId: string; readonly reportId: string }
  | { readonly _tag: 'InformationNotRequested'; readonly caseId: string; readonly reportId: string }
  | { readonly _tag: 'ContentNotActioned'; readonly caseId: string }
  | { readonly _tag: 'AccountNotActioned'; readonly caseId: string; readonly accountRef: string }
  | { readonly _tag: 'NothingToAppeal'; readonly caseId: string; readonly appealId: string }
  | { readonly _tag: 'AppealAlreadyLodged'; readonly caseId: string; readonly appealId: string }
  | { readonly _tag: 'AppealNotLodged'; readonly caseId: string; readonly appealId: string }
  | { readonly _tag: 'AppealAlreadyDecided'; readonly caseId: string; readonly appealId: string }
  | { readonly _tag: 'RequestAlreadyReceived'; readonly caseId: string; readonly requestId: string }
  | { readonly _tag: 'RequestNotFound'; readonly caseId: string; readonly requestId: string }
  | { readonly _tag: 'RequestWithdrawn'; readonly caseId: string; readonly requestId: string }
  | {
      readonly _tag: 'PreservationNotFound'
      readonly caseId: string
      readonly basis: string
      readonly requestId?: string
    }
  | { readonly _tag: 'LegalHoldAlreadyPlaced'; readonly caseId: string; readonly holdId: string }
  | { readonly _tag: 'LegalHoldNotFound'; readonly caseId: string; readonly holdId: string }
  | { readonly _tag: 'EscalationNotRaised'; readonly caseId: string; readonly escalationId: string }
  | { readonly _tag: 'SpecialistDecisionPending'; readonly caseId: string }

/** The tag of a case error. */
export type CaseErrorTag = CaseError['_tag']

/** The case error with tag `K`. */
export type CaseErrorOf<K extends CaseErrorTag> = Extract<CaseError, { readonly _tag: K }>

// constructors

/** The state of a case with no events. */
export const initialState = (): State => ({
  caseId: undefined,
  status: 'new',
  history: [],
  reports: new Map(),
  decisions: 0,
  contentActioned: false,
  accountsActioned: new Set(),
  appeals: new Map(),
  requests: new Map(),
  preservations: new Set(),
  holds: new Set(),
  escalations: new Set(),
})

/** A case error with tag `K` and its fields (`error('AppealNotLodged', { caseId, appealId })`). */
export const error = <K extends CaseErrorTag>(tag: K, fields: Omit<CaseErrorOf<K>, '_tag'>): CaseErrorOf<K> =>
  ({ _tag: tag, ...fields }) as CaseErrorOf<K>

// operations: evolve

const preservationKey = (basis: string, requestId: string | undefined): string =>
  JSON.stringify([basis, requestId ?? null])

/** The mutable counterpart of a readonly collection type. */
type Mutable<T> =
  T extends ReadonlyMap<infer K, infer V>
    ? Map<K, V>
    : T extends ReadonlySet<infer V>
      ? Set<V>
      : T extends ReadonlyArray<infer V>
        ? V[]
        : T

/** A state being built: the same fields, mutable, so that folding a long stream stays linear. */
type Draft = { -readonly [K in keyof State]: Mutable<State[K]> }

const draftOf = (s: State): Draft => ({
  caseId: s.caseId,
  status: s.status,
  history: [...s.history],
  reports: new Map(s.reports),
  decisions: s.decisions,
  contentActioned: s.contentActioned,
  accountsActioned: new Set(s.accountsActioned),
  appeals: new Map(s.appeals),
  requests: new Map(s.requests),
  preservations: new Set(s.preservations),
  holds: new Set(s.holds),
  escalations: new Set(s.escalations),
})

/** Applies one event to a draft, in place. */
const apply = (d: Draft, event: DocketEvent): void => {
  d.caseId ??= event.caseId
  if (d.status === 'new') d.status = 'open'
  d.history.push(event)
  switch (event.type) {
    case 'ContentReported':
    case 'InformationProvided':
      d.reports.set(event.data.reportId, { informationPending: false })
      return
    case 'InformationRequested':
      d.reports.set(event.data.reportId, { informationPending: true })
      return
    case 'ReviewDecided':
      d.decisions++
      return
    case 'ContentActioned':
      d.decisions++
      d.contentActioned = true
      return
    case 'ContentRestored':
      d.contentActioned = false
      return
    case 'AccountActioned':
      d.decisions++
      d.accountsActioned.add(event.data.accountRef)
      return
    case 'AccountRestored':
      d.accountsActioned.delete(event.data.accountRef)
      return
    case 'AppealLodged':
      d.appeals.set(event.data.appealId, 'lodged')
      return
    case 'AppealDecided':
      d.appeals.set(event.data.appealId, 'decided')
      return
    case 'AuthorityRequestReceived':
      d.requests.set(event.data.requestId, 'open')
      return
    case 'AuthorityRequestWithdrawn':
      d.requests.set(event.data.requestId, 'withdrawn')
      return
    case 'EvidencePreserved':
      d.preservations.add(preservationKey(event.data.basis, event.data.requestId))
      return
    case 'PreservationReleased':
      d.preservations.delete(preservationKey(event.data.basis, event.data.requestId))
      return
    case 'LegalHoldPlaced':
      d.holds.add(event.data.holdId)
      return
    case 'LegalHoldLifted':
      d.holds.delete(event.data.holdId)
      return
    case 'EscalationRaised':
      d.escalations.add(event.data.escalationId)
      return
    case 'CaseClosed':
      d.status = 'closed'
      return
    case 'CaseReopened':
      d.status = 'open'
      return
    default:
      return
  }
}

/**
 * The state after one more event. Pure (the given state is not touched) and
 * total: any decoded event is accepted, in any order. It copies the state, so
 * fold a whole stream with {@link fold}, which is linear.
 */
export const evolve = (state: State, event: DocketEvent): State => {
  const d = draftOf(state)
  apply(d, event)
  return d
}

/** The state after every event of `events`, in stream order (linear in the number of events). */
export const fold = (events: Iterable<DocketEvent>, from: State = initialState()): State => {
  const d = draftOf(from)
  for (const e of events) apply(d, e)
  return d
}

// operations: decide

/** Commands that may open a case: the ways a platform first learns of content. */
const STARTERS: ReadonlySet<CaseCommand.CommandType> = new Set([
  'ReportContent',
  'DetectContent',
  'RecordAuthorityRequest',
])

/**
 * Commands that record a platform's own decision or action: refused on a closed
 * case (reopen it first). Everything else records a fact from outside or a
 * compliance duty, and is accepted on a closed case.
 */
const DECISIONS: ReadonlySet<CaseCommand.CommandType> = new Set([
  'DecideReview',
  'RequestInformation',
  'ActionContent',
  'RestoreContent',
  'ActionAccount',
  'RestoreAccount',
  'DecideAppeal',
  'CloseCase',
])

type Check = E.Either<CaseError, void>
const ok: Check = E.right(undefined)

const requestOpen = (state: State, caseId: string, requestId: string): Check => {
  const r = state.requests.get(requestId)
  if (r === undefined) return E.left(error('RequestNotFound', { caseId, requestId }))
  if (r === 'withdrawn') return E.left(error('RequestWithdrawn', { caseId, requestId }))
  return ok
}

const reportKnown = (state: State, caseId: string, reportId: string): Check =>
  state.reports.has(reportId) ? ok : E.left(error('ReportNotFound', { caseId, reportId }))

/** The rule of each command, on a started case that accepts it. */
const rule = (c: CaseCommand.CaseCommand, state: State): Check => {
  const caseId = c.caseId
  switch (c.type) {
    case 'ReportContent':
      return state.reports.has(c.data.reportId)
        ? E.left(error('ReportAlreadyReceived', { caseId, reportId: c.data.reportId }))
        : ok
    case 'CompleteReport':
    case 'RequestInformation':
      return reportKnown(state, caseId, c.data.reportId)
    case 'ProvideInformation': {
      const report = state.reports.get(c.data.reportId)
      if (report === undefined) return E.left(error('ReportNotFound', { caseId, reportId: c.data.reportId }))
      return report.informationPending
        ? ok
        : E.left(error('InformationNotRequested', { caseId, reportId: c.data.reportId }))
    }
    case 'DecideReview':
      return c.data.reportId === undefined ? ok : reportKnown(state, caseId, c.data.reportId)
    case 'RestoreContent':
      return state.contentActioned ? ok : E.left(error('ContentNotActioned', { caseId }))
    case 'RestoreAccount':
      return state.accountsActioned.has(c.data.accountRef)
        ? ok
        : E.left(error('AccountNotActioned', { caseId, accountRef: c.data.accountRef }))
    case 'LodgeAppeal': {
      const appealId = c.data.appealId
      if (state.appeals.has(appealId)) return E.left(error('AppealAlreadyLodged', { caseId, appealId }))
      return state.decisions > 0 ? ok : E.left(error('NothingToAppeal', { caseId, appealId }))
    }
    case 'DecideAppeal': {
      const appealId = c.data.appealId
      const appeal = state.appeals.get(appealId)
      if (appeal === undefined) return E.left(error('AppealNotLodged', { caseId, appealId }))
      return appeal === 'decided' ? E.left(error('AppealAlreadyDecided', { caseId, appealId })) : ok
    }
    case 'RecordAuthorityRequest':
      return state.requests.has(c.data.requestId)
        ? E.left(error('RequestAlreadyReceived', { caseId, requestId: c.data.requestId }))
        : ok
    case 'WithdrawAuthorityRequest':
    case 'ContestAuthorityRequest':
    case 'RespondToAuthority':
    case 'RequestClarification':
    case 'ReceiveClarification':
    case 'DeclareForceMajeure':
    case 'EndForceMajeure':
      return requestOpen(state, caseId, c.data.requestId)
    case 'ExtendDeadline':
      return typeof c.data.target === 'string' ? ok : requestOpen(state, caseId, c.data.target.requestId)
    case 'ReleasePreservation': {
      const { basis, requestId } = c.data
      return state.preservations.has(preservationKey(basis, requestId))
        ? ok
        : E.left(
            error('PreservationNotFound', {
              caseId,
              basis,
              ...(requestId === undefined ? {} : { requestId }),
            }),
          )
    }
    case 'PlaceLegalHold':
      return state.holds.has(c.data.holdId)
        ? E.left(error('LegalHoldAlreadyPlaced', { caseId, holdId: c.data.holdId }))
        : ok
    case 'LiftLegalHold':
      return state.holds.has(c.data.holdId)
        ? ok
        : E.left(error('LegalHoldNotFound', { caseId, holdId: c.data.holdId }))
    case 'AcknowledgeEscalation':
      return state.escalations.has(c.data.escalationId)
        ? ok
        : E.left(error('EscalationNotRaised', { caseId, escalationId: c.data.escalationId }))
    case 'ReopenCase':
      return state.status === 'closed' ? ok : E.left(error('CaseNotClosed', { caseId }))
    case 'CloseCase':
      // The refusal guard keeps a case open until a specialist decides (issue: escalation engine).
      return blocksClose(state.history) ? E.left(error('SpecialistDecisionPending', { caseId })) : ok
    default:
      return ok
  }
}

/**
 * What a command records: its one event, nothing when the same event (same
 * id, same content) is already in the case (a retry), or the rule it breaks.
 * Throws when the state belongs to another case: a caller bug.
 */
export const decide = (
  command: CaseCommand.CaseCommand,
  state: State,
): E.Either<CaseError, ReadonlyArray<DocketEvent>> => {
  if (state.caseId !== undefined && state.caseId !== command.caseId) {
    throw new Error(`command for case ${command.caseId} decided on the state of case ${state.caseId}`)
  }
  const caseId = command.caseId
  const event = CaseCommand.toEvent(command)
  const previous = state.history.find((e) => e.id === command.eventId)
  if (previous !== undefined) {
    return fingerprint(previous) === fingerprint(PersonalData.asRetryOf(event, previous))
      ? E.right([])
      : E.left(error('EventIdReused', { caseId, eventId: command.eventId }))
  }
  if (state.status === 'new' && !STARTERS.has(command.type)) {
    return E.left(error('CaseNotStarted', { caseId, command: command.type }))
  }
  if (state.status === 'closed' && DECISIONS.has(command.type)) {
    return E.left(error('CaseIsClosed', { caseId, command: command.type }))
  }
  const check = rule(command, state)
  return E.isLeft(check) ? check : E.right([event])
}

/** The case decider as one value, for `CommandHandler` and `DeciderSpec`. */
export const decider: Decider<CaseCommand.CaseCommand, DocketEvent, State, CaseError> = {
  initialState,
  evolve,
  decide,
}

/** The review decisions of the case that are refusals, per `Refusal` (the one definition). */
export const refusals = (state: State): ReadonlyArray<Refusal.Decision> => Refusal.refusals(state.history)

/** Folds a case error into a value, one branch per tag. */
export const match =
  <A>(cases: { readonly [K in CaseErrorTag]: (e: CaseErrorOf<K>) => A }) =>
  (e: CaseError): A =>
    (cases[e._tag] as (e: CaseError) => A)(e)

/** A one-line description of a case error, for logs and HTTP problem bodies. */
export const describe: (e: CaseError) => string = match({
  CaseNotStarted: (e) => `case ${e.caseId} has no event yet: ${e.command} cannot be its first`,
  CaseIsClosed: (e) => `case ${e.caseId} is closed: reopen it before ${e.command}`,
  CaseNotClosed: (e) => `case ${e.caseId} is not closed: nothing to reopen`,
  EventIdReused: (e) => `case ${e.caseId}: event id ${e.eventId} is already recorded with other content`,
  ReportAlreadyReceived: (e) => `case ${e.caseId}: report ${e.reportId} was already received`,
  ReportNotFound: (e) => `case ${e.caseId}: no report ${e.reportId}`,
  InformationNotRequested: (e) => `case ${e.caseId}: no information was requested for report ${e.reportId}`,
  ContentNotActioned: (e) => `case ${e.caseId}: the content is not actioned, nothing to restore`,
  AccountNotActioned: (e) => `case ${e.caseId}: account ${e.accountRef} is not actioned, nothing to restore`,
  NothingToAppeal: (e) => `case ${e.caseId}: appeal ${e.appealId} has no decision or action to appeal`,
  AppealAlreadyLodged: (e) => `case ${e.caseId}: appeal ${e.appealId} was already lodged`,
  AppealNotLodged: (e) => `case ${e.caseId}: appeal ${e.appealId} was never lodged`,
  AppealAlreadyDecided: (e) => `case ${e.caseId}: appeal ${e.appealId} was already decided`,
  RequestAlreadyReceived: (e) => `case ${e.caseId}: authority request ${e.requestId} was already received`,
  RequestNotFound: (e) => `case ${e.caseId}: no authority request ${e.requestId}`,
  RequestWithdrawn: (e) => `case ${e.caseId}: authority request ${e.requestId} was withdrawn`,
  PreservationNotFound: (e) =>
    `case ${e.caseId}: no preservation on basis ${e.basis}${e.requestId === undefined ? '' : ` for request ${e.requestId}`}`,
  LegalHoldAlreadyPlaced: (e) => `case ${e.caseId}: legal hold ${e.holdId} is already in place`,
  LegalHoldNotFound: (e) => `case ${e.caseId}: no legal hold ${e.holdId} in place`,
  EscalationNotRaised: (e) => `case ${e.caseId}: escalation ${e.escalationId} was never raised`,
  SpecialistDecisionPending: (e) =>
    `case ${e.caseId}: a guarded refusal awaits a specialist's decision; the case stays open until one decides`,
})
