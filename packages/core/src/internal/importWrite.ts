/**
 * The writing half of `Import`: good lines appended per case, in file order, consecutive lines
 * of one case in one append (at most `size`), expected revision `'any'`. Lines are added one at
 * a time, so at most one batch of events is held, plus the batches of the appends in flight.
 * Not the check of which lines are good (`internal/importCheck.ts`).
 *
 * Up to `inFlight` appends, each of another case, are in flight at once: a file in time order
 * interleaves its cases, so its batches are mostly one event each, and awaiting each append
 * before the next cost a round trip per event (about 300–1,000 events/s into PostgreSQL). The
 * SQL stores join the appends queued while a group commits into the next group (one statement,
 * one transaction). Appends are still issued in file order, and an append of a case waits for
 * that case's append in flight, so each case's events are stored in file order, and a store
 * that runs its appends in the order given (memory, PGlite, PostgreSQL) stores the whole file
 * in its order. After a failure nothing more is issued; the appends already in flight finish,
 * and the failure reported is the one of the earliest line.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as EventStore from '../EventStore.js'
import type { StoreFailed } from '../Import.js'
import type { Pending } from './importCheck.js'

// model

/** What the appends so far did. */
export interface Written {
  readonly appended: number
  readonly duplicates: number
  readonly cases: number
}

/** Appends in flight at once, by default: the SQL stores' largest group. */
export const IN_FLIGHT = 64

// operations

const culprit = (batch: ReadonlyArray<Pending>, error: EventStore.StoreError): Pending => {
  const id = error._tag === 'IdempotencyConflict' ? error.eventId : undefined
  return batch.find((l) => l.event.id === id) ?? batch[0]!
}

/**
 * A writer into `store`: `add` each good line in file order (it issues the batch before it when
 * the case changes or the batch is full), then `finish`. Left: an append failed or was refused
 * (once every append in flight has finished).
 */
export const writer = (store: EventStore.EventStore, size: number, inFlight = IN_FLIGHT) => {
  let appended = 0
  let duplicates = 0
  const cases = new Set<string>()
  let batch: Pending[] = []
  /** The append in flight of each case. */
  const running = new Map<string, Promise<void>>()
  /** The failure of the earliest line so far, without the counts. */
  let failure: Omit<StoreFailed, 'appended' | 'duplicates'> | undefined

  const fail = (lines: ReadonlyArray<Pending>, error: EventStore.StoreError): void => {
    const at = culprit(lines, error)
    if (failure !== undefined && failure.line < at.line) return
    failure = { _tag: 'StoreFailed', line: at.line, eventId: at.event.id, caseId: at.event.caseId, error }
  }
  const send = (lines: ReadonlyArray<Pending>): void => {
    const caseId = lines[0]!.event.caseId
    const done = store
      .append(
        caseId,
        lines.map((l) => l.event),
        'any',
      )()
      .then(
        (result) => {
          if (E.isLeft(result)) return fail(lines, result.left)
          cases.add(caseId)
          appended += result.right.appended
          duplicates += lines.length - result.right.appended
        },
        (e: unknown) =>
          fail(lines, { _tag: 'StoreUnavailable', message: e instanceof Error ? e.message : String(e) }),
      )
      .finally(() => running.delete(caseId))
    running.set(caseId, done)
  }
  /** Waits for every append in flight. */
  const settle = async (): Promise<void> => {
    while (running.size > 0) await Promise.all(running.values())
  }
  const outcome = async (): Promise<E.Either<StoreFailed, void>> => {
    if (failure === undefined) return E.right(undefined)
    await settle()
    return E.left({ ...failure, appended, duplicates })
  }
  const flush = async (): Promise<E.Either<StoreFailed, void>> => {
    if (failure === undefined && batch.length > 0) {
      const lines = batch
      batch = []
      const before = running.get(lines[0]!.event.caseId)
      if (before !== undefined) await before
      while (failure === undefined && running.size >= inFlight) await Promise.race(running.values())
      if (failure === undefined) send(lines)
    }
    return outcome()
  }
  const flushes = (l: Pending): boolean =>
    batch.length > 0 && (batch[0]!.event.caseId !== l.event.caseId || batch.length >= size)
  return {
    /** Whether adding `l` issues the batch before it. */
    flushes,
    /** Adds a good line, issuing the batch before it when `l` starts a new one. */
    add: async (l: Pending): Promise<E.Either<StoreFailed, void>> => {
      const before = flushes(l) ? await flush() : E.right(undefined)
      if (E.isRight(before)) batch.push(l)
      return before
    },
    /** Whether a batch waits to be issued. */
    holds: (): boolean => batch.length > 0,
    /** The line of the first event of the batch waiting to be issued, if any. */
    first: (): number | undefined => batch[0]?.line,
    /** Issues the last batch and waits for every append in flight. */
    finish: async (): Promise<E.Either<StoreFailed, void>> => {
      const last = await flush()
      await settle()
      return E.isLeft(last) ? last : outcome()
    },
    /** Waits for the appends in flight, so that {@link written} counts them. */
    settle,
    /** What the appends finished so far did. */
    written: (): Written => ({ appended, duplicates, cases: cases.size }),
  }
}
