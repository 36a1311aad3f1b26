/**
 * Group commit: the store's append. Appends are serialised by the store's lock and each commit waits
 * for its WAL flush, so appends arriving while one group is in flight queue up and are written
 * together as the next group: one transaction, one lock, one flush, each append checked (revision,
 * idempotency) and answered on its own, seeing the ones before it. A group is tried first by the fast
 * writer (`sqlAppendFast.ts`), then by the checked one (`sqlAppendGroup.ts`); a group that fails is
 * retried append by append, so that one bad append does not fail the others. It is not a buffer that
 * delays writes: an append that finds the queue idle is written at once.
 */
import { EventStore, Integrity, type Recorded } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import { isTransient, messageOf, sqlState } from './sql.js'
import { fast } from './sqlAppendFast.js'
import { checked, type Outcome, type Pending } from './sqlAppendGroup.js'
import { type Context, unavailable } from './sqlContext.js'

// constructors

/** The store's `append`, with its own queue of pending appends. */
export const make = (ctx: Context): EventStore.EventStore['append'] => {
  const { sql, seal, maxGroup } = ctx
  const appendFast = fast(ctx)
  const appendGroup = checked(ctx)
  const queue: Pending[] = []
  let draining = false

  const failed = (p: Pending, e: unknown): Outcome =>
    // class 22: data exceptions (a timestamp PostgreSQL cannot hold…): the input, not the store
    sqlState(e)?.startsWith('22')
      ? E.left(EventStore.invalidAppend(p.caseId, messageOf(e)))
      : E.left(unavailable(ctx, e))

  const runGroup = async (group: ReadonlyArray<Pending>): Promise<void> => {
    try {
      const results = (await appendFast(group)) ?? (await sql.transaction((q) => appendGroup(q, group)))
      for (const [i, p] of group.entries()) p.resolve(results[i]!)
    } catch (e) {
      // one bad append must not fail the others: unless the store itself failed, retry each alone
      if (group.length === 1 || isTransient(e)) for (const p of group) p.resolve(failed(p, e))
      else for (const p of group) await runGroup([p])
    }
  }

  const drain = async (): Promise<void> => {
    draining = true
    try {
      while (queue.length > 0) {
        await runGroup(queue.splice(0, maxGroup))
        // let the writers just answered queue their next appends, so that they join the next group
        await new Promise<void>((resolve) => setImmediate(resolve))
      }
    } finally {
      draining = false
    }
  }

  const append =
    (
      caseId: string,
      events: ReadonlyArray<Recorded>,
      expected: EventStore.ExpectedRevision,
    ): TE.TaskEither<EventStore.StoreError, EventStore.AppendResult> =>
    async () => {
      if (ctx.isClosed()) return E.left(EventStore.unavailable(`${sql.engine} store is closed`))
      const batch = EventStore.checkBatch(caseId, events)
      if (E.isLeft(batch)) return batch
      let texts: ReadonlyArray<string | Integrity.Sealable>
      try {
        texts = batch.right.map((e) => (seal ? Integrity.sealable(e) : JSON.stringify(e)))
      } catch (e) {
        // a BigInt, a cycle…: not an event's content
        return E.left(EventStore.notJson(caseId, e))
      }
      return new Promise((resolve) => {
        queue.push({ caseId, batch: batch.right, texts, expected, resolve })
        if (!draining) void drain()
      })
    }
  return append
}
