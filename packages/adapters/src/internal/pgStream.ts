/**
 * A streaming read of the PostgreSQL log: one query over a named portal
 * (`pgPortal.ts`), its batches of rows handed out as stored events one by one.
 * It replaces keyset paging for `readAll` on PostgreSQL: paging plans and runs
 * a new query per page, and its round trips left the reader idle half the
 * time (about 100,000 rows per second with 20,000-row pages, against several
 * hundred thousand streamed; see docs/performance.md).
 *
 * Consistency: the portal's read sees one snapshot, so it ends at the head
 * committed when it started, as `readAll` promises. The price is one
 * connection (and one snapshot) held for the length of the read;
 * subscriptions still page, since they follow the log for ever.
 *
 * Not a general cursor: parameters must be strings (no value preparation),
 * rows have exactly the three text columns position, revision and body.
 */
import { CasePartition, type EventStore } from '@docket/core'
import type pg from 'pg'
import { rows } from './pgPortal.js'
import { checkPosition, filteredFrom } from './sql.js'
import { stored } from './storedEvent.js'

export { rows } from './pgPortal.js'

// internal

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true as const })

/**
 * The events of a stream of batches, one by one. Hand-written rather than an
 * async generator: an event already received is returned as a resolved
 * promise, without resuming a generator (about a tenth of the read's CPU).
 * Calls that must wait (the next batch, `return`) are chained, so that calls
 * made without awaiting the previous one still get the events in order.
 */
class Events implements AsyncIterableIterator<EventStore.StoredEvent> {
  private batch: ReadonlyArray<string | number> = []
  private i = 0
  private source: AsyncGenerator<ReadonlyArray<string | number>> | undefined
  private pending: Promise<unknown> | undefined
  private finished = false

  constructor(private readonly open: () => AsyncGenerator<ReadonlyArray<string | number>>) {}

  [Symbol.asyncIterator](): this {
    return this
  }

  next(): Promise<IteratorResult<EventStore.StoredEvent, undefined>> {
    if (this.pending === undefined) {
      const b = this.batch
      const i = this.i
      if (i < b.length) {
        this.i = i + 3
        return Promise.resolve({
          value: stored(b[i] as string, b[i + 1] as number, b[i + 2] as string),
          done: false,
        })
      }
    }
    return this.chain(() => this.refill())
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    return this.chain(async () => {
      this.finished = true
      this.batch = []
      await this.source?.return(undefined)
      return DONE
    })
  }

  private chain<A>(f: () => Promise<A>): Promise<A> {
    const before = this.pending
    const p = before === undefined ? f() : before.then(f, f)
    this.pending = p
    const settled = (): void => {
      if (this.pending === p) this.pending = undefined
    }
    p.then(settled, settled)
    return p
  }

  private async refill(): Promise<IteratorResult<EventStore.StoredEvent, undefined>> {
    for (;;) {
      const b = this.batch
      const i = this.i
      if (i < b.length) {
        this.i = i + 3
        return { value: stored(b[i] as string, b[i + 1] as number, b[i + 2] as string), done: false }
      }
      if (this.finished) return DONE
      let r: IteratorResult<ReadonlyArray<string | number>>
      try {
        this.source ??= this.open()
        r = await this.source.next()
      } catch (e) {
        this.finished = true
        throw e
      }
      if (r.done === true) {
        this.finished = true
        return DONE
      }
      this.batch = r.value
      this.i = 0
    }
  }
}

/** The query of {@link readAll} on `table`: its text and its parameters, all strings (see the module header). */
export const readAllQuery = (
  table: string,
  options: EventStore.ReadAllOptions,
): { readonly text: string; readonly values: ReadonlyArray<string> } => {
  // parameters are strings (see the module header)
  const bounds = [checkPosition(options.after)]
  if (options.until !== undefined) bounds.push(checkPosition(options.until))
  const where =
    options.until === undefined ? 'e.position > $1' : 'e.position > $1 AND e.position <= $2::bigint'
  const q = filteredFrom(table, where, bounds, {
    partition: CasePartition.option(options.partition),
    types: options.types,
  })
  return {
    text: `SELECT e.position::text, e.revision::text, e.body FROM ${q.from} ORDER BY e.position`,
    values: q.params,
  }
}

/** `readAll` of the SQL store, streamed over one portal (see the module header). */
export const readAll =
  (
    pool: pg.Pool,
    table: string,
    batch: number,
  ): ((options?: EventStore.ReadAllOptions) => AsyncIterable<EventStore.StoredEvent>) =>
  (options = {}) =>
    new Events(() => {
      const q = readAllQuery(table, options)
      return rows(pool, q.text, q.values, batch)
    })
