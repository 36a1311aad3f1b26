/**
 * The `EventStore` on PGlite (`@electric-sql/pglite`): PostgreSQL compiled to
 * WebAssembly, embedded in the process, in memory or in a data directory.
 * It runs the very SQL and code of the PostgreSQL store; it is the demo's
 * default (no set-up, data survives a restart).
 *
 * PGlite is one connection in one process. A data directory is locked by a
 * `docket.lock` file; a second process opening it is refused with a clear
 * error. Use PostgreSQL when several processes share a store.
 */
import type { EventStore } from '@docket/core'
import { PGlite } from '@electric-sql/pglite'
import * as E from 'fp-ts/lib/Either.js'
import * as DirLock from '../internal/dirLock.js'
import * as Migrations from '../internal/migrations.js'
import type { Queryable, Sql } from '../internal/sql.js'
import { checkSchema } from '../internal/sql.js'
import * as SqlEventStore from '../internal/sqlEventStore.js'

// model

/** Options of the PGlite store. */
export interface Options extends SqlEventStore.Options {}

/** Where the data lives: `memory`, a data directory, or a PGlite instance the caller owns. */
export type Target = 'memory' | string | PGlite

/** The directory is open in another process; the message says what to do. */
export class StoreLockedError extends Error {
  override readonly name = 'StoreLockedError'
  constructor(
    readonly path: string,
    readonly pid: number,
    message: string,
  ) {
    super(message)
  }
}

// operations

interface PgliteLike {
  readonly query: <R>(
    text: string,
    params?: unknown[],
    options?: { readonly rowMode?: 'array' | 'object' },
  ) => Promise<{ readonly rows: R[] }>
  readonly exec: (text: string) => Promise<unknown>
}

const queryable = (db: PgliteLike): Queryable => ({
  query: async <R>(text: string, params?: ReadonlyArray<unknown>) =>
    (await db.query<R>(text, params as unknown[] | undefined)).rows,
  queryArrays: async (text, params) =>
    (await db.query<unknown[]>(text, params as unknown[] | undefined, { rowMode: 'array' })).rows,
  exec: async (text) => {
    await db.exec(text)
  },
})

/** Wraps a PGlite instance into the shared SQL interface. */
export const fromPglite = (db: PGlite, owned: boolean, release: () => void = () => undefined): Sql => ({
  engine: 'pglite',
  ...queryable(db),
  transaction: (f) => db.transaction((tx) => f(queryable(tx))),
  listen: async (channel, onNotify) => db.listen(channel, onNotify),
  close: async () => {
    try {
      if (owned && !db.closed) await db.close()
    } finally {
      release()
    }
  },
})

/** Opens a store in memory (`'memory'`), in a data directory (locked to this process) or on a given PGlite. */
export const make = async (target: Target, options: Options = {}): Promise<EventStore.EventStore> => {
  const schema = checkSchema(options.schema ?? 'docket')
  let sql: Sql
  if (target instanceof PGlite) {
    sql = fromPglite(target, false)
  } else if (target === 'memory') {
    sql = fromPglite(await PGlite.create(), true)
  } else {
    const lock = DirLock.acquire(target)
    if (E.isLeft(lock)) throw new StoreLockedError(lock.left.path, lock.left.pid, lock.left.message)
    try {
      sql = fromPglite(await PGlite.create(target), true, lock.right)
    } catch (e) {
      lock.right()
      throw e
    }
  }
  try {
    return await SqlEventStore.make(sql, { ...options, schema }, sql.close)
  } catch (e) {
    await sql.close().catch(() => undefined)
    throw e
  }
}

/** The SQL script of the store's schema (the same as PostgreSQL's). */
export const printMigrations = (schema = 'docket', from = 0): string =>
  Migrations.script(checkSchema(schema), from)
