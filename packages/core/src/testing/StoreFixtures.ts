/**
 * Fixtures for tests of code that reads and writes an `EventStore`: a valid
 * stored event, and small runners for the port's `TaskEither`s and async
 * iterables. They throw plain `Error`s and import no test runner, so they work
 * under vitest, Jest or `node:test` alike. The conformance suite
 * (`@docket/core/testing/contract`) is built on them.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { Recorded } from '../Envelope.js'
import type * as EventStore from '../EventStore.js'

// constructors

let counter = 0

/** A valid stored event for tests: a platform event `x-test.Noted` with `data.n`, or the given type and data. */
export const testEvent = (
  caseId: string,
  n: number,
  overrides: Partial<Omit<Recorded, 'caseId'>> = {},
): Recorded =>
  ({
    id: `evt-${process.pid}-${++counter}-${n}`,
    type: 'x-test.Noted',
    caseId,
    occurredAt: '2026-03-01T10:00:00.000+01:00',
    recordedAt: '2026-03-01T09:00:01.000Z',
    data: { n },
    ...overrides,
  }) as Recorded

// operations

/** Runs a `TaskEither` and returns its `Either`. */
export const run = <A>(
  te: TE.TaskEither<EventStore.StoreError, A>,
): Promise<E.Either<EventStore.StoreError, A>> => te()

/** Runs a `TaskEither` expected to succeed and returns its value (the test fails otherwise). */
export const ok = async <A>(te: TE.TaskEither<EventStore.StoreError, A>): Promise<A> => {
  const r = await te()
  if (E.isLeft(r)) throw new Error(`expected success, got ${JSON.stringify(r.left)}`)
  return r.right
}

/** Runs a `TaskEither` expected to fail and returns its error (the test fails otherwise). */
export const fails = async <A>(
  te: TE.TaskEither<EventStore.StoreError, A>,
): Promise<EventStore.StoreError> => {
  const r = await te()
  if (E.isRight(r)) throw new Error(`expected a store error, got ${JSON.stringify(r.right)}`)
  return r.left
}

/** Collects an async iterable into an array (tests only: the port never returns arrays). */
export const collect = async <A>(it: AsyncIterable<A>): Promise<ReadonlyArray<A>> => {
  const out: A[] = []
  for await (const a of it) out.push(a)
  return out
}

/** Takes `n` items of an async iterable, then stops it. */
export const take = async <A>(it: AsyncIterable<A>, n: number): Promise<ReadonlyArray<A>> => {
  const out: A[] = []
  if (n <= 0) return out
  for await (const a of it) {
    out.push(a)
    if (out.length >= n) break
  }
  return out
}

/** Waits until `condition` holds, polling every 10 ms, for at most `ms` (default 10 s). */
export const until = async (condition: () => boolean, ms = 10_000): Promise<void> => {
  for (let waited = 0; !condition() && waited < ms; waited += 10) await new Promise((r) => setTimeout(r, 10))
}
