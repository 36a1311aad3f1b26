/**
 * The `EventStore` on PostgreSQL (driver `pg`), for stores shared by several
 * processes and for production scale. Schema, ordering guarantee, paging and
 * subscriptions are described in the shared SQL store (same code as PGlite).
 *
 * The pool reconnects by itself: after a server restart the next query opens
 * a new connection (the failed one returned `StoreUnavailable`); a lost
 * LISTEN connection falls back to polling and is re-established.
 */
import type { EventStore } from '@docket/core'
import pg from 'pg'
import * as Migrations from '../internal/migrations.js'
import * as PgBackends from '../internal/pgBackends.js'
import * as PgCancel from '../internal/pgCancel.js'
import { relationExists, withClient } from '../internal/pgClient.js'
import * as PgLockWait from '../internal/pgLockWait.js'
import * as PgStream from '../internal/pgStream.js'
import type { Queryable, Sql } from '../internal/sql.js'
import { checkSchema, locate } from '../internal/sql.js'
import * as SqlEventStore from '../internal/sqlEventStore.js'

// model

/** Options of the PostgreSQL store. */
export interface Options extends SqlEventStore.Options {
  /** Use this pool instead of creating one (the caller then ends it). */
  readonly pool?: pg.Pool
  /** Maximum connections of the created pool (default 10). */
  readonly max?: number
  /** The `application_name` of the connections (default `docket`), to find them in `pg_stat_activity`. */
  readonly applicationName?: string
  /** Rows per batch of the streamed `readAll` (default 5,000; see `internal/pgStream.ts`). */
  readonly streamBatch?: number
  /**
   * Once aborted, the statements the store's connections run are cancelled on the server (again
   * each second until it closes): a read or an append waiting for a lock fails at once with
   * `canceling statement due to user request`, an append's transaction rolls back
   * (`internal/pgCancel.ts`). Not its subscriptions' LISTEN connection, which waits for nothing.
   */
  readonly signal?: AbortSignal
  /**
   * Told once of each statement of the store that has waited 5 s or more for a lock another session
   * holds (asked of `pg_stat_activity` every 5 s while the store runs a statement; see
   * `internal/pgLockWait.ts`). It goes on waiting: a caller says so, or aborts {@link signal}.
   */
  readonly onLockWait?: (wait: PgLockWait.Wait) => void
}

// operations

const queryable = (client: pg.Pool | pg.PoolClient): Queryable => ({
  query: async <R>(text: string, params?: ReadonlyArray<unknown>) =>
    (await client.query(text, params as unknown[] | undefined)).rows as R[],
  queryArrays: async (text, params) =>
    (await client.query<unknown[]>({ text, values: params as unknown[] | undefined, rowMode: 'array' })).rows,
  exec: async (text) => {
    await client.query(text)
  },
})

/** Wraps a pg pool into the shared SQL interface; `listenConfig` opens the dedicated LISTEN connection. */
export const fromPool = (pool: pg.Pool, listenConfig: pg.ClientConfig, owned: boolean): Sql => ({
  engine: 'postgres',
  ...queryable(pool),
  transaction: async (f) => {
    const client = await pool.connect()
    let broken: Error | undefined
    // a checked-out client has no pool listener: without ours, a server-side disconnect would crash the process
    const onError = (e: Error): void => {
      broken = e
    }
    client.on('error', onError)
    try {
      await client.query('BEGIN')
      const a = await f(queryable(client))
      await client.query('COMMIT')
      return a
    } catch (e) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError))
      })
      throw e
    } finally {
      client.removeListener('error', onError)
      client.release(broken)
    }
  },
  listen: async (channel, onNotify, onLost) => {
    const client = new pg.Client(listenConfig)
    let lost = false
    const lose = (e: unknown): void => {
      if (lost) return
      lost = true
      client.removeAllListeners('notification')
      void client.end().catch(() => undefined)
      onLost(e)
    }
    client.on('error', lose)
    client.on('end', () => lose(new Error('the LISTEN connection ended')))
    client.on('notification', (m) => {
      if (m.channel === channel) onNotify(m.payload ?? '')
    })
    try {
      await client.connect()
      await client.query(`LISTEN "${channel}"`)
    } catch (e) {
      lost = true
      await client.end().catch(() => undefined)
      throw e
    }
    return async () => {
      lost = true
      await client.end().catch(() => undefined)
    }
  },
  close: async () => {
    if (owned) await pool.end()
  },
})

/**
 * `close`, which also stops watching `pool`'s backends for {@link Options.signal} (cancelling their
 * statements once it aborts) and {@link Options.onLockWait}, when given.
 */
const watched = (
  pool: pg.Pool,
  url: string,
  { signal, onLockWait }: Options,
  close: () => Promise<void>,
): (() => Promise<void>) => {
  if (signal === undefined && onLockWait === undefined) return close
  const backends = PgBackends.track(pool)
  const stops = [
    backends.stop,
    ...(signal === undefined ? [] : [PgCancel.onAbort(backends, url, signal)]),
    ...(onLockWait === undefined ? [] : [PgLockWait.watch(backends, url, onLockWait)]),
  ]
  return async () => {
    for (const stop of stops) stop()
    await close()
  }
}

/**
 * Whether an event store is in `schema` (default: the URL's `?schema=`, else `docket`) on the
 * server at `url`: its `events` table exists. {@link make} would create an empty one; a command reading history asks this first,
 * so that a typo in the schema is not read as an empty history. Creates nothing; throws when the
 * server cannot be reached.
 */
export const exists = async (url: string, options: Pick<Options, 'schema'> = {}): Promise<boolean> => {
  const target = locate(url, options.schema)
  const table = `${Migrations.quote(target.schema)}.events`
  return withClient(target.url, (client) => relationExists(client, table), 'docket-check')
}

/**
 * Opens a store on the PostgreSQL server at `url` (`postgres://…` or `postgresql://…`), in the
 * schema its `?schema=` names, or `options.schema`, or `docket`.
 */
export const make = async (url: string, options: Options = {}): Promise<EventStore.EventStore> => {
  const target = locate(url, options.schema)
  const schema = target.schema
  const config: pg.PoolConfig = {
    connectionString: target.url,
    application_name: options.applicationName ?? 'docket',
    max: options.max ?? 10,
  }
  const pool = options.pool ?? new pg.Pool(config)
  const owned = options.pool === undefined
  // idle connections die with the server; the pool drops them and reconnects on the next query
  if (owned) pool.on('error', () => undefined)
  const opened = fromPool(pool, owned ? config : (pool.options as pg.ClientConfig), owned)
  const sql: Sql = { ...opened, close: watched(pool, target.url, options, opened.close) }
  try {
    const store = await SqlEventStore.make(sql, { ...options, schema }, sql.close)
    // readAll streams over one portal instead of paging (several times faster; docs/performance.md)
    return {
      ...store,
      readAll: PgStream.readAll(pool, `${Migrations.quote(schema)}.events`, options.streamBatch ?? 5_000),
    }
  } catch (e) {
    await sql.close().catch(() => undefined)
    throw e
  }
}

/** The SQL script that creates (or upgrades from version `from`) the store's schema, for a DBA to apply. */
export const printMigrations = (schema = 'docket', from = 0): string =>
  Migrations.script(checkSchema(schema), from)

/**
 * Applies the missing migrations to `schema` (default: the URL's `?schema=`, else `docket`) on the
 * server at `url`; returns the versions applied.
 */
export const migrate = async (url: string, schema?: string): Promise<ReadonlyArray<number>> => {
  const target = locate(url, schema)
  const pool = new pg.Pool({ connectionString: target.url, application_name: 'docket-migrate', max: 1 })
  pool.on('error', () => undefined)
  try {
    return await Migrations.migrate(fromPool(pool, {}, true).transaction, target.schema)
  } finally {
    await pool.end()
  }
}
