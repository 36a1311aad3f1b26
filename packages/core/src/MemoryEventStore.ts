/**
 * An `EventStore` held in the process's memory: the reference implementation
 * of the port, used by tests, by `memory:` store URLs and as the model the
 * database adapters are checked against (`@docket/core/testing/contract`).
 *
 * It is not durable and not shared between processes. Positions are decimal
 * strings of the 1-based global index. Events are copied through JSON on the
 * way in, as a database would, so a caller mutating its objects afterwards
 * changes nothing stored.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import * as CasePartition from './CasePartition.js'
import { fingerprint, type Recorded } from './Envelope.js'
import * as EventStore from './EventStore.js'
import * as Observability from './Observability.js'
import * as PersonalData from './PersonalData.js'

// model

/** Options for {@link make}. */
export interface Options {
  /** Events to start with, in global order (each must have a unique id). */
  readonly initial?: ReadonlyArray<Recorded>
}

interface Stored {
  readonly stored: EventStore.StoredEvent
  readonly fingerprint: string
  /** The case's partition key (`CasePartition.key`), for partitioned reads. */
  readonly key: number
}

/** The conflict of appending `e` over the event of its id already stored (its remembered fingerprint). */
const conflictWith = (existing: Stored, e: Recorded): EventStore.IdempotencyConflict | undefined =>
  existing.stored.event.caseId !== e.caseId || existing.fingerprint !== fingerprint(e)
    ? EventStore.idempotencyConflict(e.id, e.caseId, existing.stored.event.caseId)
    : undefined

// constructors

/** A new, empty (or pre-filled) in-memory event store. */
export const make = (options: Options = {}): EventStore.EventStore => {
  const log: Stored[] = []
  const byId = new Map<string, Stored>()
  const streams = new Map<string, Stored[]>()
  const checkpoints = new Map<string, EventStore.Position>()
  let waiters: Array<() => void> = []
  let closed = false

  const wake = (): void => {
    const ws = waiters
    waiters = []
    for (const w of ws) w()
  }

  /** The event as a database would keep it (a copy through JSON) and its fingerprint; throws what `JSON.stringify` throws. */
  const prepare = (e: Recorded): { readonly copy: Recorded; readonly fingerprint: string } => {
    const copy = JSON.parse(JSON.stringify(e)) as Recorded
    return { copy, fingerprint: fingerprint(copy) }
  }

  const write = ({ copy, fingerprint }: ReturnType<typeof prepare>): Stored => {
    const stream = streams.get(copy.caseId) ?? []
    const s: Stored = {
      stored: { event: copy, revision: stream.length, position: String(log.length + 1) },
      fingerprint,
      key: stream[0]?.key ?? CasePartition.key(copy.caseId),
    }
    log.push(s)
    stream.push(s)
    streams.set(copy.caseId, stream)
    byId.set(copy.id, s)
    return s
  }

  const appendNow = (
    caseId: string,
    events: ReadonlyArray<Recorded>,
    expected: EventStore.ExpectedRevision,
  ): E.Either<EventStore.StoreError, EventStore.AppendResult> => {
    if (closed) return E.left(EventStore.unavailable('the memory store is closed'))
    const batch = EventStore.checkBatch(caseId, events)
    if (E.isLeft(batch)) return batch
    // every event is copied before any is written: one that JSON refuses leaves nothing half-written
    const fresh: Array<ReturnType<typeof prepare>> = []
    try {
      for (const e of batch.right) {
        const existing = byId.get(e.id)
        if (existing === undefined) fresh.push(prepare(e))
        else {
          const conflict = conflictWith(existing, e)
          if (conflict !== undefined) return E.left(conflict)
        }
      }
    } catch (error) {
      return E.left(EventStore.notJson(caseId, error))
    }
    const stream = streams.get(caseId)
    const last = stream?.[stream.length - 1]
    if (fresh.length === 0 && last !== undefined) {
      return E.right({ revision: last.stored.revision, appended: 0, position: last.stored.position })
    }
    const check = EventStore.checkExpected(caseId, expected, last?.stored.revision)
    if (E.isLeft(check)) return check
    let written: Stored | undefined
    for (const e of fresh) written = write(e)
    wake()
    return E.right({
      revision: written!.stored.revision,
      appended: fresh.length,
      position: written!.stored.position,
    })
  }

  /** The index a position (`after` or `until`) reads from: decimal digits only, as the store writes them. */
  const from = (after: EventStore.Position | undefined): number => {
    if (after === undefined) return 0
    const n = /^\d{1,16}$/.test(after) ? Number(after) : Number.NaN
    if (!Number.isSafeInteger(n))
      throw new Error(`not a position of the memory store: ${JSON.stringify(after)}`)
    return n
  }

  const matches = (types: ReadonlyArray<string> | undefined) => {
    if (types === undefined) return () => true
    const set = new Set(types)
    return (s: Stored): boolean => set.has(s.stored.event.type)
  }

  const readAll = async function* (
    options: EventStore.ReadAllOptions = {},
  ): AsyncGenerator<EventStore.StoredEvent> {
    const head = options.until === undefined ? log.length : Math.min(log.length, from(options.until))
    const keep = matches(options.types)
    const start = from(options.after)
    const partition = CasePartition.option(options.partition)
    for (let i = start; i < head; i++) {
      const s = log[i]!
      if ((partition === undefined || s.key % partition.count === partition.index) && keep(s)) yield s.stored
    }
  }

  const subscribe = async function* (
    options: EventStore.SubscribeOptions = {},
  ): AsyncGenerator<EventStore.StoredEvent> {
    const keep = matches(options.types)
    const signal = options.signal
    let i = from(options.after)
    while (!closed && !signal?.aborted) {
      if (i < log.length) {
        const s = log[i++]!
        if (keep(s)) yield s.stored
        continue
      }
      await new Promise<void>((resolve) => {
        const done = (): void => {
          signal?.removeEventListener('abort', done)
          resolve()
        }
        waiters.push(done)
        signal?.addEventListener('abort', done, { once: true })
      })
    }
  }

  for (const e of options.initial ?? []) {
    if (byId.has(e.id)) throw new Error(`duplicate event id in the initial events: ${e.id}`)
    write(prepare(e))
  }

  return Observability.traceStore({
    append:
      (caseId, events, expected): TE.TaskEither<EventStore.StoreError, EventStore.AppendResult> =>
      () =>
        Promise.resolve(appendNow(caseId, events, expected)),
    readStream: (caseId) => () =>
      Promise.resolve(
        closed
          ? E.left(EventStore.unavailable('the memory store is closed'))
          : E.right((streams.get(caseId) ?? []).map((s) => s.stored)),
      ),
    conflicts: (events) => () => {
      if (closed) return Promise.resolve(E.left(EventStore.unavailable('the memory store is closed')))
      const found: EventStore.IdempotencyConflict[] = []
      for (const e of events) {
        const existing = byId.get(e.id)
        const conflict = existing === undefined ? undefined : conflictWith(existing, e)
        if (conflict !== undefined) found.push(conflict)
      }
      return Promise.resolve(E.right(found))
    },
    // a scan of the whole log: the reference the SQL stores' index is checked against
    casesOfSubject: (subjectId) => () =>
      Promise.resolve(
        closed
          ? E.left(EventStore.unavailable('the memory store is closed'))
          : E.right(
              PersonalData.casesNaming(
                subjectId,
                log.map((s) => s.stored.event),
              ),
            ),
      ),
    readAll,
    head: () => Promise.resolve(log.at(-1)?.stored.position),
    subscribe,
    comparePositions: (a, b) => from(a) - from(b),
    checkpoints: EventStore.checkedCheckpoints({
      load: async (subscriber) => checkpoints.get(subscriber),
      save: async (subscriber, position) => {
        checkpoints.set(subscriber, position)
      },
    }),
    close: () => {
      closed = true
      wake()
      return Promise.resolve()
    },
  })
}
