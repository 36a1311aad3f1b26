/**
 * The store's reads that end: one stream in revision order, the whole log (or some types of it, or
 * one partition) up to the head as it was when the read began, the head itself, the stored events
 * an append's ids would conflict with, and erasure's lookup of a subject's cases, which reads the
 * rows an index of subject ids finds (migration 7), not the log. Each is one query or a paged read
 * (`sqlPages.ts`), and a failure of the database is a `StoreError`. It is not the reading of new
 * events as they are appended (`sqlSubscribe.ts`).
 */
import { CasePartition, EventStore, PersonalData, type Recorded } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import * as Migrations from './migrations.js'
import { checkPosition } from './sql.js'
import { type Context, type Row, toStored, unavailable } from './sqlContext.js'
import type { Pages } from './sqlPages.js'

// model

/** The reads of the store, as `EventStore` names them. */
export type Reads = Pick<
  EventStore.EventStore,
  'readStream' | 'conflicts' | 'casesOfSubject' | 'readAll' | 'head'
>

// constructors

/** The reads of the store of `ctx`, paging with `pages`. */
export const make = (ctx: Context, pages: Pages): Reads => {
  const { sql, s } = ctx
  const readStream =
    (caseId: string): TE.TaskEither<EventStore.StoreError, ReadonlyArray<EventStore.StoredEvent>> =>
    async () => {
      try {
        const rows = await sql.query<Row>(
          `SELECT position::text AS position, revision, body FROM ${s}.events WHERE stream = $1 ORDER BY revision`,
          [caseId],
        )
        return E.right(rows.map(toStored))
      } catch (e) {
        return E.left(unavailable(ctx, e))
      }
    }

  /** One query on the `event_id` unique index, however many events. */
  const conflicts =
    (
      events: ReadonlyArray<Recorded>,
    ): TE.TaskEither<EventStore.StoreError, ReadonlyArray<EventStore.IdempotencyConflict>> =>
    async () => {
      if (ctx.isClosed()) return E.left(EventStore.unavailable(`${sql.engine} store is closed`))
      // an id holding NUL cannot be stored (append refuses it), and PostgreSQL text cannot carry it
      const ids = [...new Set(events.map((e) => e.id))].filter((id) => !id.includes('\u0000'))
      if (ids.length === 0) return E.right([])
      let rows: unknown[][]
      try {
        rows = await sql.queryArrays(
          `SELECT event_id, position::text, revision, body FROM ${s}.events WHERE event_id = ANY($1::text[])`,
          [ids],
        )
      } catch (e) {
        return E.left(unavailable(ctx, e))
      }
      const stored = new Map(
        rows.map((r) => [
          r[0] as string,
          toStored({ position: r[1] as string, revision: r[2] as number, body: r[3] as string }),
        ]),
      )
      return E.right(
        events.flatMap((e) => {
          const c = EventStore.conflict(e, stored.get(e.id))
          return c === undefined ? [] : [c]
        }),
      )
    }

  /**
   * The rows version 7's index finds for the subject (with those of its case, for `case:<id>`), judged
   * by `PersonalData`: the index holds every id a row may name, the store keeps the rows that name it.
   */
  const casesOfSubject =
    (subjectId: string): TE.TaskEither<EventStore.StoreError, ReadonlyArray<string>> =>
    async () => {
      if (ctx.isClosed()) return E.left(EventStore.unavailable(`${sql.engine} store is closed`))
      const q = Migrations.subjectQuery(s, subjectId)
      try {
        const rows = await sql.queryArrays(q.text, q.params)
        return E.right(
          PersonalData.casesNaming(
            subjectId,
            rows.map((r) => JSON.parse(r[0] as string) as Recorded),
          ),
        )
      } catch (e) {
        return E.left(unavailable(ctx, e))
      }
    }

  const head = async (): Promise<EventStore.Position | undefined> =>
    (await sql.query<{ head: string | null }>(`SELECT max(position)::text AS head FROM ${s}.events`))[0]!
      .head ?? undefined

  const readAll = async function* (
    options: EventStore.ReadAllOptions = {},
  ): AsyncGenerator<EventStore.StoredEvent> {
    const after = checkPosition(options.after)
    const partition = CasePartition.option(options.partition)
    const until = options.until === undefined ? undefined : checkPosition(options.until)
    const last = (await head()) ?? '0'
    const upTo = until === undefined || EventStore.compareDecimal(last, until) < 0 ? last : until
    for await (const rows of pages(after, upTo, options.types, partition)) {
      for (const r of rows) yield toStored(r)
    }
  }
  return { readStream, conflicts, casesOfSubject, readAll, head }
}
