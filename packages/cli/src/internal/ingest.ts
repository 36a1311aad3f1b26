/**
 * Appending decoded events to a store, case by case, in input order. Shared
 * by `import` and `demo`. Appends use expected revision `any`: the store's
 * global idempotency makes a repeated import a no-op, and an id stored with
 * different content stops the import with an `IdempotencyConflict`.
 */
import { EventStore, type Recorded } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'

/** What an import did. */
export interface Result {
  readonly appended: number
  readonly repeated: number
  readonly cases: number
}

/** Groups events by case, keeping the order of first appearance and the input order within a case. */
export const byCase = (events: ReadonlyArray<Recorded>): ReadonlyMap<string, ReadonlyArray<Recorded>> => {
  const groups = new Map<string, Recorded[]>()
  for (const e of events) {
    const g = groups.get(e.caseId)
    if (g === undefined) groups.set(e.caseId, [e])
    else g.push(e)
  }
  return groups
}

/** Appends every event; Left with a message at the first store error (earlier cases stay stored). */
export const append = async (
  store: EventStore.EventStore,
  events: ReadonlyArray<Recorded>,
): Promise<E.Either<string, Result>> => {
  let appended = 0
  const groups = byCase(events)
  for (const [caseId, batch] of groups) {
    const r = await store.append(caseId, batch, 'any')()
    if (E.isLeft(r)) return E.left(EventStore.describe(r.left))
    appended += r.right.appended
  }
  return E.right({ appended, repeated: events.length - appended, cases: groups.size })
}
