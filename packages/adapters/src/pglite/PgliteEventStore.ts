/**
 * The `EventStore` on PGlite (`@electric-sql/pglite`): PostgreSQL compiled to
 * WebAssembly, embedded in the process, in memory or in a data directory.
 * It runs the very SQL and code of the PostgreSQL store; it is the demo's
 * default (no set-up, data survives a restart).
 *
 * PGlite is one connection in one process. A data directory is locked by a
 * `docket.lock` file; a second process opening it is refused with a clear
 * error. Use PostgreSQL when several processes share a store.
 *
 * A new store is loaded from a template of PGlite's initdb output kept in the
 * user's cache (`internal/pgliteTemplate.ts`), made by the first new store:
 * initdb is most of the cost of a new store.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { EventStore } from '@docket/core'
import { PGlite } from '@electric-sql/pglite'
import * as E from 'fp-ts/lib/Either.js'
import * as DirLock from '../internal/dirLock.js'
import * as Migrations from '../internal/migrations.js'
import * as Template from '../internal/pgliteTemplate.js'
import type { Queryable, Sql } from '../internal/sql.js'
import { checkSchema } from '../internal/sql.js'
import * as SqlEventStore from '../internal/sqlEventStore.js'

// model

/** Options of the PGlite store. */
export interface Options extends SqlEventStore.Options {
  /**
   * Where the template of a new data directory is kept (default: Docket's directory in the user's cache,
   * e.g. `~/.cache/docket`), or false to run PGlite's initdb for every new store and keep nothing. A new
   * store is loaded from the template when there is one for the installed PGlite, and the first new store
   * makes it; an existing store never reads it.
   */
  readonly templateDir?: string | false
}

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

/**
 * A new PGlite in memory (`dataDir` undefined) or in a directory: loaded from the template when the
 * directory is new and one is kept, else made by initdb (and, when new, saved as the template).
 */
const create = async (dataDir: string | undefined, templateDir: string | false): Promise<PGlite> => {
  const fresh = dataDir === undefined || Template.isEmpty(dataDir)
  const file = templateDir === false || !fresh ? undefined : Template.file(templateDir)
  if (file === undefined) return PGlite.create(dataDir)
  const tar = await Template.load(file)
  if (tar !== undefined) {
    try {
      return await PGlite.create({ dataDir, loadDataDir: tar })
    } catch {
      // a template PGlite refuses: drop it, empty the directory again (it held only the lock) and run initdb
      Template.discard(file)
      if (dataDir !== undefined)
        for (const f of fs.readdirSync(dataDir))
          if (path.join(dataDir, f) !== DirLock.lockFile(dataDir))
            fs.rmSync(path.join(dataDir, f), { recursive: true, force: true })
    }
  }
  const db = await PGlite.create(dataDir)
  await Template.save(db, file)
  return db
}

/** Opens a store in memory (`'memory'`), in a data directory (locked to this process) or on a given PGlite. */
export const make = async (target: Target, options: Options = {}): Promise<EventStore.EventStore> => {
  const schema = checkSchema(options.schema ?? 'docket')
  const templates = options.templateDir ?? Template.defaultDir()
  let sql: Sql
  if (target instanceof PGlite) {
    sql = fromPglite(target, false)
  } else if (target === 'memory') {
    sql = fromPglite(await create(undefined, templates), true)
  } else {
    const lock = DirLock.acquire(target)
    if (E.isLeft(lock)) throw new StoreLockedError(lock.left.path, lock.left.pid, lock.left.message)
    try {
      sql = fromPglite(await create(target, templates), true, lock.right)
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
