/**
 * The port every store implements: one stream per case, a global log in
 * commit order, idempotent appends and catch-up-then-live subscriptions.
 * Expected failures are values (`StoreError`), returned through fp-ts
 * `TaskEither`; adapters translate driver exceptions into them.
 *
 * Idempotency is global: appending an event whose `id` is already stored with
 * the same content (see `Envelope.fingerprint`) is a no-op; the same `id` with
 * different content is an `IdempotencyConflict`. When every event of an append
 * is such a no-op, the append succeeds whatever the expected revision, so a
 * retried command after a lost reply is harmless.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type * as CasePartition from './CasePartition.js'
import { fingerprint, type Recorded } from './Envelope.js'
import { isWellFormed } from './internal/text.js'
import * as Timestamp from './Timestamp.js'
import * as Upcaster from './Upcaster.js'

// model

/** An opaque, totally ordered position in the global log; compare with the store's `comparePositions`. */
export type Position = string

/**
 * What the caller believes about the stream: it does not exist yet, anything
 * goes, or its last event has exactly this revision (0-based).
 */
export type ExpectedRevision = 'no_stream' | 'any' | number

/** An event with where it sits in its stream and in the global log. */
export interface StoredEvent {
  readonly event: Recorded
  /** 0-based index of the event in its case stream. */
  readonly revision: number
  /** Opaque global position; readers resume after it. */
  readonly position: Position
  /**
   * The event's JSON text exactly as stored, when the store keeps it (the SQL
   * stores do, and parse `event` only when it is first read): an exporter can
   * write it verbatim without parsing and re-serialising.
   */
  readonly json?: string
}

/** What an append did. */
export interface AppendResult {
  /** Revision of the stream's last event after the append. */
  readonly revision: number
  /** Events actually written (idempotent repeats are not counted). */
  readonly appended: number
  /** Global position of the last event written, or of the stream's last event when nothing was written. */
  readonly position: Position
}

/** The stream's revision was not the one expected. */
export interface WrongExpectedRevision {
  readonly _tag: 'WrongExpectedRevision'
  readonly caseId: string
  readonly expected: ExpectedRevision
  readonly actual: number | 'no_stream'
}
/** An event id is already stored with different content. */
export interface IdempotencyConflict {
  readonly _tag: 'IdempotencyConflict'
  readonly eventId: string
  readonly caseId: string
  readonly storedCaseId: string
}
/** An append was malformed (events of another case, an empty batch…). */
export interface InvalidAppend {
  readonly _tag: 'InvalidAppend'
  readonly caseId: string
  readonly message: string
}
/** The store could not be reached or failed; nothing was written. */
export interface StoreUnavailable {
  readonly _tag: 'StoreUnavailable'
  readonly message: string
}

/** Expected store failures. */
export type StoreError = WrongExpectedRevision | IdempotencyConflict | InvalidAppend | StoreUnavailable

/** What both a read of the global log and a subscription take. */
export interface ReadOptions {
  /** Read events strictly after this position; from the beginning when absent. */
  readonly after?: Position
  /** Only events of these types (a store may filter server-side). */
  readonly types?: ReadonlyArray<string>
}

/** Options for reading the global log. */
export interface ReadAllOptions extends ReadOptions {
  /**
   * Only the events of the cases in this partition (`CasePartition.includes`: the case id's
   * FNV-1a hash modulo `count` is `index`; the integrity checkpoints are in partition 0). The
   * partitions of one `count` are disjoint and together are the whole log, each in log order.
   * A bad value (not integers, not 0 ≤ index < count) throws when the read starts, naming the field.
   */
  readonly partition?: CasePartition.Partition
  /**
   * Read no further than this position (included): a position this store gave, from {@link
   * EventStore.head} or a stored event. Readers that share one cut of a live log (partitions read
   * on several threads or machines) read the same events; to the head when absent.
   */
  readonly until?: Position
}

/** Options for a subscription. */
export interface SubscribeOptions extends ReadOptions {
  /** Ends the subscription: the iterator returns after the event in hand. */
  readonly signal?: AbortSignal
}

/**
 * Durable positions of named subscribers, so they resume after a restart. A store keeps any text
 * as a value, not only positions (`docket watch` keeps the cases it watches there), and checks
 * none: a subscriber checks its position when it saves and loads it (the outbox and the process
 * manager do). Every store refuses (the promise rejects) a name or value holding NUL (U+0000) or
 * an unpaired surrogate ({@link checkCheckpoint}), which PostgreSQL cannot keep.
 */
export interface CheckpointStore {
  /** The value last saved under `subscriber`, `undefined` when none was. */
  readonly load: (subscriber: string) => Promise<Position | undefined>
  /** Saves `position` under `subscriber`, replacing what was saved there. */
  readonly save: (subscriber: string, position: Position) => Promise<void>
}

/** The event store port. */
export interface EventStore {
  /** Appends events (all of `caseId`) atomically, checking the expected revision. */
  readonly append: (
    caseId: string,
    events: ReadonlyArray<Recorded>,
    expected: ExpectedRevision,
  ) => TE.TaskEither<StoreError, AppendResult>
  /** Reads one case stream in revision order (empty when it does not exist). */
  readonly readStream: (caseId: string) => TE.TaskEither<StoreError, ReadonlyArray<StoredEvent>>
  /**
   * The idempotency check of an append, without writing, for events of any cases: an
   * `IdempotencyConflict` for each event whose id is already stored in another case or with other
   * content (in the order given); an event not stored, or stored with the same content, gives none.
   * The events are compared with what is stored, not with one another. One call checks many events
   * (SQL: one query; KurrentDB: the ids' claim streams, read in parallel), so a caller with a large
   * input checks it in batches, not event by event. The answer is the store's at the time of the
   * call: another writer may store one of the ids right after, and the append then refuses it.
   */
  readonly conflicts: (
    events: ReadonlyArray<Recorded>,
  ) => TE.TaskEither<StoreError, ReadonlyArray<IdempotencyConflict>>
  /**
   * The cases holding an event that names the data subject `subjectId` (`PersonalData.subjectsOf`),
   * distinct and sorted (`Array.prototype.sort`): what `Erasure.erase` looks up. Optional: where a
   * store has none, erasure reads every event of `PersonalData.TYPES` instead. PostgreSQL and PGlite
   * answer from an index (schema version 7), the memory store by scanning; the KurrentDB store has none.
   */
  readonly casesOfSubject?: (subjectId: string) => TE.TaskEither<StoreError, ReadonlyArray<string>>
  /** Streams the global log in position order, in bounded memory; ends at the current head. */
  readonly readAll: (options?: ReadAllOptions) => AsyncIterable<StoredEvent>
  /**
   * The log's current end, `undefined` when it is empty: `readAll({ until })` with it reads every
   * event committed so far and none committed later (several readers, one cut).
   */
  readonly head: () => Promise<Position | undefined>
  /** Catch-up then live: every event after `after`, then new ones as they commit, until aborted. */
  readonly subscribe: (options?: SubscribeOptions) => AsyncIterable<StoredEvent>
  /**
   * Orders two positions of this store (negative, zero, positive); throws, naming it, on a value
   * that is no position of this store (what `readAll`'s `after` refuses).
   */
  readonly comparePositions: (a: Position, b: Position) => number
  readonly checkpoints: CheckpointStore
  /** Releases connections and stops subscriptions. */
  readonly close: () => Promise<void>
}

// constructors

/** A `WrongExpectedRevision` error. */
export const wrongExpectedRevision = (
  caseId: string,
  expected: ExpectedRevision,
  actual: number | 'no_stream',
): StoreError => ({ _tag: 'WrongExpectedRevision', caseId, expected, actual })

/** An `IdempotencyConflict` error. */
export const idempotencyConflict = (
  eventId: string,
  caseId: string,
  storedCaseId: string,
): IdempotencyConflict => ({
  _tag: 'IdempotencyConflict',
  eventId,
  caseId,
  storedCaseId,
})

/** An `InvalidAppend` error. */
export const invalidAppend = (caseId: string, message: string): StoreError => ({
  _tag: 'InvalidAppend',
  caseId,
  message,
})

/** A `StoreUnavailable` error. */
export const unavailable = (message: string): StoreError => ({ _tag: 'StoreUnavailable', message })

// operations

/** Folds a store error into a value, one branch per tag. */
export const match =
  <A>(cases: { readonly [K in StoreError['_tag']]: (e: Extract<StoreError, { _tag: K }>) => A }) =>
  (e: StoreError): A =>
    (cases[e._tag] as (e: StoreError) => A)(e)

/** A one-line description of a store error. */
export const describe: (e: StoreError) => string = match({
  WrongExpectedRevision: (e) =>
    `case ${e.caseId}: expected revision ${String(e.expected)}, stream is at ${String(e.actual)}`,
  IdempotencyConflict: (e) =>
    `event ${e.eventId} is already stored (case ${e.storedCaseId}) with different content (IdempotencyConflict: an id is stored once, with one content)`,
  InvalidAppend: (e) => `case ${e.caseId}: ${e.message}`,
  StoreUnavailable: (e) => `store unavailable: ${e.message}`,
})

/**
 * The stream name of a case: `case-<id>` with the id escaped so it never starts with `$` nor holds a
 * separator. Letters, digits and `_.~-` stay; any other UTF-16 code unit below U+0100 becomes `%XX`
 * and any other `%uXXXX` (fixed widths, so two case ids never share a name).
 */
export const streamName = (caseId: string): string =>
  `case-${caseId.replace(/[^A-Za-z0-9_.~-]/g, escapeUnit)}`

const escapeUnit = (c: string): string => {
  const code = c.charCodeAt(0)
  const hex = code.toString(16).toUpperCase()
  return code < 0x100 ? `%${hex.padStart(2, '0')}` : `%u${hex.padStart(4, '0')}`
}

/** What is wrong with an event's `occurredAt` or `recordedAt` when one is not a timestamp with offset. */
const badInstant = (e: Recorded): string | undefined => {
  for (const field of ['occurredAt', 'recordedAt'] as const) {
    const value: unknown = e[field]
    if (typeof value !== 'string' || !Timestamp.isValid(value))
      return `${field} ${JSON.stringify(value)} is not an ISO-8601 timestamp with offset`
  }
  return undefined
}

/**
 * What is wrong with a case id, event id or type as a store key: NUL, which PostgreSQL text cannot
 * hold, or an unpaired UTF-16 surrogate, which it stores as U+FFFD (so that two such ids would be one).
 */
const badKey = (what: string, value: string): string | undefined =>
  value.includes('\u0000')
    ? `${what} ${JSON.stringify(value)} holds NUL (U+0000), which no store keeps`
    : !isWellFormed(value)
      ? `${what} ${JSON.stringify(value)} holds an unpaired surrogate, which is not Unicode text (a database stores it as U+FFFD)`
      : undefined

/** What is wrong with an event's `type`: not a non-empty string, or not a key a store keeps. */
const badType = (e: Recorded): string | undefined => {
  const type: unknown = e.type
  if (typeof type !== 'string' || type.length === 0)
    return `type ${JSON.stringify(type)} is not a non-empty string`
  return badKey('type', type)
}

/**
 * Throws when a checkpoint's subscriber name, or the value saved under it, is not text every store
 * keeps (NUL, which PostgreSQL text cannot hold, or an unpaired surrogate, which it stores as
 * U+FFFD), naming it. Every store's checkpoints run it before touching storage ({@link checkedCheckpoints}).
 */
export const checkCheckpoint = (subscriber: string, value?: string): void => {
  const bad =
    badKey('checkpoint name', subscriber) ??
    (value === undefined ? undefined : badKey(`value of checkpoint ${JSON.stringify(subscriber)}:`, value))
  if (bad !== undefined) throw new Error(bad)
}

/**
 * `checkpoints` checking every name and value with {@link checkCheckpoint} before it reaches storage
 * (the promise rejects): what each store wraps its own checkpoints in, so that all refuse alike.
 */
export const checkedCheckpoints = (checkpoints: CheckpointStore): CheckpointStore => ({
  load: async (subscriber) => {
    checkCheckpoint(subscriber)
    return checkpoints.load(subscriber)
  },
  save: async (subscriber, position) => {
    checkCheckpoint(subscriber, position)
    return checkpoints.save(subscriber, position)
  },
})

/** An `InvalidAppend` for an event that `JSON.stringify` refuses (a BigInt, a cycle, nesting too deep): `error` is what it threw. */
export const notJson = (caseId: string, error: unknown): StoreError =>
  invalidAppend(
    caseId,
    `an event cannot be written as JSON: ${error instanceof Error ? error.message : String(error)}`,
  )

/**
 * Validates an append batch and drops in-batch repeats: every event must be of
 * `caseId` and carry `recordedAt`, its `occurredAt` and `recordedAt` timestamps
 * with offset (what `Envelope.decode` accepts), its case id, id and type text a
 * database keeps (no NUL, no unpaired surrogate), its `meta.schemaVersion` none newer than this
 * library writes (`Upcaster.newer`: a store never holds what its readers would misread); the batch must not be empty; an
 * `id` twice in the batch is kept once when its content is equal, else a conflict.
 * Every store runs this before touching storage, so all report alike.
 */
export const checkBatch = (
  caseId: string,
  events: ReadonlyArray<Recorded>,
): E.Either<StoreError, ReadonlyArray<Recorded>> => {
  if (caseId.length === 0) return E.left(invalidAppend(caseId, 'the case id is empty'))
  const badCase = badKey('case id', caseId)
  if (badCase !== undefined) return E.left(invalidAppend(caseId, badCase))
  if (events.length === 0) return E.left(invalidAppend(caseId, 'nothing to append (empty batch)'))
  // Fingerprints are compared only between events that share an id (usually none do).
  const first = new Map<string, Recorded>()
  const kept: Recorded[] = []
  for (const e of events) {
    if (e.caseId !== caseId) {
      return E.left(invalidAppend(caseId, `event ${e.id} belongs to case ${e.caseId}`))
    }
    if (typeof e.id !== 'string' || e.id.length === 0)
      return E.left(invalidAppend(caseId, 'an event has no id'))
    const badId = badKey('event id', e.id)
    if (badId !== undefined) return E.left(invalidAppend(caseId, badId))
    const type = badType(e)
    if (type !== undefined) return E.left(invalidAppend(caseId, `event ${e.id}: ${type}`))
    if (typeof e.recordedAt !== 'string') {
      return E.left(invalidAppend(caseId, `event ${e.id} has no recordedAt`))
    }
    const time = badInstant(e)
    if (time !== undefined) return E.left(invalidAppend(caseId, `event ${e.id}: ${time}`))
    const newer = Upcaster.newer(Upcaster.empty, e as unknown as Upcaster.RawEvent)
    if (newer !== undefined)
      return E.left(invalidAppend(caseId, `event ${e.id}: ${Upcaster.describeNewer(newer)}`))
    const previous = first.get(e.id)
    if (previous === undefined) {
      first.set(e.id, e)
      kept.push(e)
    } else {
      let same: boolean
      try {
        same = fingerprint(previous) === fingerprint(e)
      } catch (error) {
        return E.left(notJson(caseId, error))
      }
      if (!same) return E.left(idempotencyConflict(e.id, caseId, caseId))
    }
  }
  return E.right(kept)
}

/**
 * The `IdempotencyConflict` of appending `event` when `stored` is the event of that id already stored
 * (`undefined`: the id is not stored): its case or its content (`Envelope.fingerprint`) differs.
 * `undefined` when the append would write the event or be a no-op. For stores implementing
 * {@link EventStore.conflicts}.
 */
export const conflict = (
  event: Recorded,
  stored: StoredEvent | undefined,
): IdempotencyConflict | undefined =>
  stored === undefined ||
  (stored.event.caseId === event.caseId && fingerprint(stored.event) === fingerprint(event))
    ? undefined
    : idempotencyConflict(event.id, event.caseId, stored.event.caseId)

/** Checks an expected revision against the stream's actual one (`undefined` when the stream does not exist). */
export const checkExpected = (
  caseId: string,
  expected: ExpectedRevision,
  actual: number | undefined,
): E.Either<StoreError, void> => {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && actual === undefined) ||
    (typeof expected === 'number' && actual === expected)
  return ok ? E.right(undefined) : E.left(wrongExpectedRevision(caseId, expected, actual ?? 'no_stream'))
}

/**
 * Orders two positions written as non-negative decimal integers of any size
 * (the memory and SQL stores' positions) without converting them to numbers.
 */
export const compareDecimal = (a: Position, b: Position): number =>
  a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0
