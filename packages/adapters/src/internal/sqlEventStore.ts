/**
 * The `EventStore` over SQL, shared by PostgreSQL and PGlite (same SQL, same
 * code path; only the `Sql` wrapper differs).
 *
 * Ordering guarantee: every append takes a per-store transaction-scoped
 * advisory lock (`pg_advisory_xact_lock`) before reading the head, and
 * assigns positions head+1, head+2… PostgreSQL makes a transaction visible
 * before it releases its locks, so the next appender, which can only start
 * after that release, always gets higher positions than everything already
 * visible. Positions are therefore dense and become visible in order: a
 * reader that has seen position N will never later see a position below N
 * appear, so following the log with `position > last` never skips an event
 * (no gap from a slow concurrent transaction, unlike a bare sequence). The
 * price is that appends to one store are serialised; an append is a few
 * milliseconds, far above Docket's write rates, and imports batch events.
 * Inside the lock, idempotency and the expected revision are checked against
 * committed state without races.
 *
 * Reads page by position (keyset pagination on the primary key, one page
 * prefetched), so a read of millions of events holds two pages in memory and
 * never pins a connection or a snapshot for the length of the read.
 * Erasure's lookup of a subject's cases (`casesOfSubject`) reads the rows an
 * index of subject ids finds (migration 7), not the log.
 * A partitioned read (`readAll({ partition })`) adds `partition_key % count =
 * index` to the query (the key is written with each event, migration 3), so
 * the other partitions' rows stay on the server.
 * Subscriptions catch up the same way, then wait for a NOTIFY sent by each
 * append's commit, with a poll as a safety net (and as the only mechanism,
 * with backoff, while the listening connection is lost).
 *
 * This module opens the store (migrating, or checking the schema is current)
 * and assembles it from its parts, each given the store's context
 * (`sqlContext.ts`): the group commit that writes appends (`sqlGroupCommit.ts`,
 * with its two writers `sqlAppendFast.ts` and `sqlAppendGroup.ts`), the reads
 * (`sqlReads.ts` over `sqlPages.ts`), the subscriptions (`sqlSubscribe.ts`,
 * woken by `sqlWakeups.ts`) and the checkpoints (`sqlCheckpoints.ts`).
 */
import { EventStore, Observability } from '@docket/core'
import * as Migrations from './migrations.js'
import { checkPosition, type Sql } from './sql.js'
import * as Checkpoints from './sqlCheckpoints.js'
import { type Context, channelOf } from './sqlContext.js'
import * as GroupCommit from './sqlGroupCommit.js'
import * as Pages from './sqlPages.js'
import * as Reads from './sqlReads.js'
import * as Subscribe from './sqlSubscribe.js'
import * as Wakeups from './sqlWakeups.js'

// model

/** Options of the SQL store. */
export interface Options {
  /** The schema holding the store's tables (default `docket`). */
  readonly schema?: string
  /** Run the migrations on open (default true); when false, open fails unless the schema is current. */
  readonly migrate?: boolean
  /** Events per page when reading (default 5000). */
  readonly pageSize?: number
  /** Longest wait between polls of a subscription, in ms (default 1000). */
  readonly pollMs?: number
  /** Most appends written together in one transaction when they arrive concurrently (default 64). */
  readonly maxGroup?: number
  /**
   * Seal every append onto its stream's chain (`Integrity`) inside the append itself, against the
   * head read under the store's lock (default false: events are stored as given). The seals are
   * those `Integrity.sealed` gives, without its read of the stream; an event that carries a seal
   * already is sealed again.
   */
  readonly seal?: boolean
}

// constructors

/** Opens the store on `sql` (running migrations unless told not to). `onClose` releases what the caller opened. */
export const make = async (
  sql: Sql,
  options: Options & { readonly schema: string },
  onClose: () => Promise<void>,
): Promise<EventStore.EventStore> => {
  const schema = options.schema

  if (options.migrate === false) {
    const at = await Migrations.currentVersion(sql, schema)
    if (at < Migrations.LATEST) {
      throw new Error(
        `the Docket schema ${schema} is at version ${at}, this version needs ${Migrations.LATEST}: ` +
          'open the store with migrations enabled, or apply the script from printMigrations()',
      )
    }
  } else {
    await Migrations.migrate(sql.transaction, schema)
  }

  let closed = false
  const ctx: Context = {
    sql,
    schema,
    s: Migrations.quote(schema),
    pageSize: options.pageSize ?? 5000,
    pollMs: options.pollMs ?? 1000,
    maxGroup: options.maxGroup ?? 64,
    seal: options.seal === true,
    appendKey: Migrations.lockKey(schema, 'append'),
    channel: channelOf(schema),
    isClosed: () => closed,
  }
  const pages = Pages.make(ctx)
  const wakeups = Wakeups.make(ctx)

  return Observability.traceStore({
    append: GroupCommit.make(ctx),
    ...Reads.make(ctx, pages),
    subscribe: Subscribe.make(ctx, pages, wakeups),
    comparePositions: (a, b) => EventStore.compareDecimal(checkPosition(a), checkPosition(b)),
    checkpoints: Checkpoints.make(ctx),
    close: async () => {
      if (closed) return
      closed = true
      await wakeups.close()
      await onClose()
    },
  })
}
