/**
 * The paged read of the log: keyset pagination on the primary key (`position > last ORDER BY
 * position LIMIT pageSize`, the query of `sql.ts`'s `pageQuery`), kept to some types or one
 * partition when asked, with the next page prefetched while the current one is consumed. A read of
 * millions of events thus holds two pages in memory and never pins a connection or a snapshot for
 * the length of the read. It is the reading shared by `readAll` and subscriptions; it is not a
 * read of one stream (`sqlReads.ts`) and it never waits for new events (`sqlSubscribe.ts`).
 */
import { type CasePartition, EventStore } from '@docket/core'
import { pageQuery } from './sql.js'
import type { Context, Row } from './sqlContext.js'

// model

/** Pages of rows from `after` (up to `upTo` when given), of `types` and `partition` when given. */
export type Pages = (
  after: string,
  upTo: string | undefined,
  types: ReadonlyArray<string> | undefined,
  partition?: CasePartition.Partition,
) => AsyncGenerator<ReadonlyArray<Row>>

// constructors

/** The paged read of the store of `ctx`. */
export const make = (ctx: Context): Pages => {
  const { sql, s, pageSize } = ctx
  // the query: sql.ts pageQuery
  const page = async (
    after: string,
    types: ReadonlyArray<string> | undefined,
    partition: CasePartition.Partition | undefined,
  ): Promise<Row[]> => {
    const q = pageQuery(`${s}.events`, after, pageSize, types, partition)
    const rows = await sql.queryArrays(q.text, q.params)
    return rows.map((r) => ({ position: r[0] as string, revision: r[1] as number, body: r[2] as string }))
  }

  /** Pages from `after` (up to `upTo` when given), prefetching the next page while the current one is consumed. */
  const pages = async function* (
    after: string,
    upTo: string | undefined,
    types: ReadonlyArray<string> | undefined,
    partition?: CasePartition.Partition,
  ): AsyncGenerator<ReadonlyArray<Row>> {
    // a prefetch may fail while the consumer holds the previous page: mark it handled now, it is awaited later
    const prefetch = (from: string): Promise<Row[]> => {
      const p = page(from, types, partition)
      p.catch(() => undefined)
      return p
    }
    let next: Promise<Row[]> | undefined = prefetch(after)
    while (next !== undefined) {
      let rows: Row[] = await next
      const last = rows[rows.length - 1]
      const beyond =
        upTo !== undefined && last !== undefined && EventStore.compareDecimal(last.position, upTo) >= 0
      next = rows.length < pageSize || beyond || last === undefined ? undefined : prefetch(last.position)
      if (upTo !== undefined && beyond)
        rows = rows.filter((r) => EventStore.compareDecimal(r.position, upTo) <= 0)
      if (rows.length > 0) yield rows
    }
  }
  return pages
}
