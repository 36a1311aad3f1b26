/**
 * Runs a case command against an event store: read the case stream, fold it
 * with `Case.evolve`, `Case.decide`, stamp `recordedAt` from the injected
 * clock, and append with the revision the decision was based on (optimistic
 * concurrency). When another writer got there first (`WrongExpectedRevision`)
 * it reloads and decides again, a bounded number of times.
 *
 * Idempotent by the command's `eventId`: a command whose event is already in
 * the case is a successful no-op (`appended: 0`), and a lost reply can be
 * retried safely. The handler owns no state and no time of its own; it is not
 * a process manager (nothing here reacts to events).
 */
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import * as Case from './Case.js'
import type * as CaseCommand from './CaseCommand.js'
import * as Clock from './Clock.js'
import { type Recorded, withRecordedAt } from './Envelope.js'
import * as EventStore from './EventStore.js'

// model

/** Options for {@link handle}. */
export interface Options {
  /** Reloads and re-decisions after a `WrongExpectedRevision` before giving up. Default 3. */
  readonly maxRetries?: number
}

/** What a handled command did. */
export interface Result {
  readonly caseId: string
  /** The command's events as stored (already stored ones for an idempotent repeat). */
  readonly events: ReadonlyArray<Recorded>
  /** Events actually written: 0 for an idempotent repeat. */
  readonly appended: number
  /** Revision of the case stream's last event afterwards. */
  readonly revision: number
  /** The case state after the command. */
  readonly state: Case.State
}

/** The decider refused the command (a domain rule). */
export interface Rejected {
  readonly _tag: 'Rejected'
  readonly error: Case.CaseError
}

/** The command names another case than the one it was sent to. */
export interface CaseMismatch {
  readonly _tag: 'CaseMismatch'
  readonly caseId: string
  readonly commandCaseId: string
}

/**
 * Why a command was not handled: refused by the rules, sent to the wrong case,
 * or a store error (a `WrongExpectedRevision` after every retry was used, an
 * `IdempotencyConflict` when the event id is stored in another case…).
 */
export type HandlerError = Rejected | CaseMismatch | EventStore.StoreError

// constructors

/** A `Rejected` error. */
export const rejected = (error: Case.CaseError): HandlerError => ({ _tag: 'Rejected', error })

// operations

const DEFAULT_RETRIES = 3

const attempt = async (
  store: EventStore.EventStore,
  clock: Clock.Clock,
  command: CaseCommand.CaseCommand,
): Promise<E.Either<HandlerError, Result>> => {
  const stream = await store.readStream(command.caseId)()
  if (E.isLeft(stream)) return stream
  const stored = stream.right
  const state = Case.fold(stored.map((s) => s.event))
  const decided = Case.decide(command, state)
  if (E.isLeft(decided)) return E.left(rejected(decided.left))
  const last = stored.length === 0 ? undefined : stored[stored.length - 1]!.revision
  if (decided.right.length === 0) {
    const already = stored.filter((s) => s.event.id === command.eventId).map((s) => s.event)
    return E.right({ caseId: command.caseId, events: already, appended: 0, revision: last ?? -1, state })
  }
  const now = Clock.nowIso(clock)
  const events = decided.right.map((e) => withRecordedAt(e, now))
  const appended = await store.append(command.caseId, events, last ?? 'no_stream')()
  if (E.isLeft(appended)) return appended
  const after = Case.fold(events, state)
  return E.right({
    caseId: command.caseId,
    events,
    appended: appended.right.appended,
    revision: appended.right.revision,
    state: after,
  })
}

/**
 * Handles one command for case `caseId`: decide on the current stream and
 * append, retrying on concurrent writes up to `maxRetries` times.
 *
 * @example
 * const result = await CommandHandler.handle(store, clock, 'case-1', command)()
 */
export const handle = (
  store: EventStore.EventStore,
  clock: Clock.Clock,
  caseId: string,
  command: CaseCommand.CaseCommand,
  options: Options = {},
): TE.TaskEither<HandlerError, Result> => {
  const maxRetries = options.maxRetries ?? DEFAULT_RETRIES
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new Error(`maxRetries must be an integer ≥ 0, got ${maxRetries}`)
  }
  if (command.caseId !== caseId) {
    return TE.left({ _tag: 'CaseMismatch', caseId, commandCaseId: command.caseId })
  }
  return async () => {
    let result = await attempt(store, clock, command)
    for (let retry = 0; retry < maxRetries; retry++) {
      if (E.isRight(result) || result.left._tag !== 'WrongExpectedRevision') return result
      result = await attempt(store, clock, command)
    }
    return result
  }
}

/** Folds a handler error into a value, one branch per tag. */
export const match =
  <A>(cases: {
    readonly Rejected: (e: Rejected) => A
    readonly CaseMismatch: (e: CaseMismatch) => A
    readonly StoreError: (e: EventStore.StoreError) => A
  }) =>
  (e: HandlerError): A =>
    e._tag === 'Rejected'
      ? cases.Rejected(e)
      : e._tag === 'CaseMismatch'
        ? cases.CaseMismatch(e)
        : cases.StoreError(e)

/** A one-line description of a handler error. */
export const describe: (e: HandlerError) => string = match({
  Rejected: (e) => Case.describe(e.error),
  CaseMismatch: (e) => `command for case ${e.commandCaseId} was sent to case ${e.caseId}`,
  StoreError: EventStore.describe,
})
