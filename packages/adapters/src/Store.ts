/**
 * Opening a store from a URL (see `StoreUrl`). Each engine's adapter is
 * loaded with a dynamic `import()` only when its URL is used, so that a user
 * installs only the driver of the engine they use (the drivers are optional
 * peer dependencies). Failures to open are values: a bad URL, a missing
 * driver, a PGlite directory held by another process, a server that does not
 * answer.
 *
 * Every store opened here is sealed: each append is chained into its case
 * stream's SHA-256 chain, so `docket verify` works on any store the library
 * or the CLI wrote. The SQL stores (PostgreSQL, PGlite) seal inside their own
 * append, against the stream's head read under their lock (one round trip,
 * as an unsealed append); the others are wrapped in `Integrity.sealed`,
 * which reads the stream's head (or remembers it), seals and appends at
 * exactly that revision, retrying when a concurrent writer got there first.
 * Both give the same seals. `seal: false` opens a raw store (tests, or tools
 * that write pre-sealed events). With `keys`, personal data is
 * encrypted per data subject on top (`PersonalData.protect`), outside the
 * seal so that seals cover the encrypted form. See docs/security.md.
 */
import { type EventStore, Integrity, type KeyStore, MemoryEventStore, PersonalData } from '@docket/core'
import * as TE from 'fp-ts/lib/TaskEither.js'
import * as OpenHint from './internal/openHint.js'
import type * as PgLockWait from './internal/pgLockWait.js'
import { forgetStaleStat } from './internal/staleStat.js'
import * as StoreUrl from './StoreUrl.js'

// loading an engine's adapter

/**
 * Loads `@docket/adapters/postgres` (its driver, `pg`, an optional peer dependency), as {@link open}
 * does: use it rather than an `import()` of your own after a `statSync` of a named pipe (see
 * `internal/staleStat.ts`).
 */
export const loadPostgres = (): Promise<typeof import('./postgres/index.js')> => {
  forgetStaleStat()
  return import('./postgres/index.js')
}

/** Loads `@docket/adapters/pglite` (driver `@electric-sql/pglite`), as {@link loadPostgres} does. */
export const loadPglite = (): Promise<typeof import('./pglite/index.js')> => {
  forgetStaleStat()
  return import('./pglite/index.js')
}

/** Loads `@docket/adapters/eventstoredb` (driver `@eventstore/db-client`), as {@link loadPostgres} does. */
export const loadEventStoreDb = (): Promise<typeof import('./eventstoredb/index.js')> => {
  forgetStaleStat()
  return import('./eventstoredb/index.js')
}

// model

/** Options for {@link open}. */
export interface Options {
  /** SQL stores: the schema holding the tables (default `docket`; a `?schema=` in the URL wins). */
  readonly schema?: string
  /** SQL stores: run migrations on open (default true). */
  readonly migrate?: boolean
  /** Longest wait between polls of a subscription, in ms. */
  readonly pollMs?: number
  /** Receives a one-line warning when the store is experimental (EventStoreDB today); `docket` should print it. */
  readonly warn?: (message: string) => void
  /** Seal every append into the integrity chain (default true; false opens the raw store, for tests). */
  readonly seal?: boolean
  /** Encrypt personal data with a key per data subject from this key store (default: stored in clear). */
  readonly keys?: KeyStore.KeyStore
  /**
   * PostgreSQL: once aborted, the statements the store runs are cancelled on the server, so that
   * one waiting for a lock fails at once instead of waiting as long as the lock is held (an append
   * rolls back). Other stores ignore it.
   */
  readonly signal?: AbortSignal
  /**
   * PostgreSQL: told once of each statement that has waited 5 s or more for a lock another session
   * holds, which it goes on waiting for (`PostgresEventStore.Options.onLockWait`). Others ignore it.
   */
  readonly onLockWait?: (wait: LockWait) => void
}

/** A PostgreSQL statement of the store waiting for a lock: its backend, the backends blocking it, seconds waited. */
export type LockWait = PgLockWait.Wait

/** The engine's driver (an optional peer dependency) is not installed. */
export interface MissingDriver {
  readonly _tag: 'MissingDriver'
  readonly driver: string
  readonly message: string
}

/** A PGlite data directory is open in another process. */
export interface StoreLocked {
  readonly _tag: 'StoreLocked'
  readonly path: string
  readonly message: string
}

/** The store could not be opened (server unreachable, schema not migrated…). */
export interface OpenFailed {
  readonly _tag: 'OpenFailed'
  readonly url: string
  readonly message: string
}

/** Why a store could not be opened. */
export type OpenError = StoreUrl.InvalidStoreUrl | MissingDriver | StoreLocked | OpenFailed

// operations

const DRIVERS: Readonly<Record<Exclude<StoreUrl.Kind, 'memory'>, string>> = {
  pglite: '@electric-sql/pglite',
  postgres: 'pg',
  esdb: '@eventstore/db-client',
}

const missingDriver = (e: unknown, kind: Exclude<StoreUrl.Kind, 'memory'>): MissingDriver | undefined => {
  const driver = DRIVERS[kind]
  const code = (e as { code?: unknown } | null)?.code
  const message = e instanceof Error ? e.message : ''
  if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(driver)) {
    return {
      _tag: 'MissingDriver',
      driver,
      message: `the ${kind} store needs the package ${driver}: install it next to @docket/adapters (npm install ${driver})`,
    }
  }
  return undefined
}

const sealing = (options: Options): boolean => options.seal !== false

/** The SQL stores seal inside their own append (`seal` option of the SQL store). */
const sealsItself = (u: StoreUrl.StoreUrl): boolean => u.kind === 'pglite' || u.kind === 'postgres'

const openParsed = async (u: StoreUrl.StoreUrl, options: Options): Promise<EventStore.EventStore> => {
  const sql = {
    schema: options.schema,
    migrate: options.migrate,
    pollMs: options.pollMs,
    seal: sealing(options),
  }
  switch (u.kind) {
    case 'memory':
      return MemoryEventStore.make()
    case 'pglite': {
      const { PgliteEventStore } = await loadPglite()
      return PgliteEventStore.make(u.dir, sql)
    }
    case 'postgres': {
      const { PostgresEventStore } = await loadPostgres()
      return PostgresEventStore.make(u.url, {
        ...sql,
        schema: u.schema ?? options.schema,
        signal: options.signal,
        onLockWait: options.onLockWait,
      })
    }
    case 'esdb': {
      const { EsdbEventStore } = await loadEventStoreDb()
      return EsdbEventStore.make(u.url, { pollMs: options.pollMs })
    }
  }
}

/** Opens the store a URL names (`memory:`, `pglite:<dir>`, `pglite:memory`, `postgres://…`, `esdb://…`). */
export const open =
  (url: string, options: Options = {}): TE.TaskEither<OpenError, EventStore.EventStore> =>
  async () => {
    const parsed = StoreUrl.parse(url)
    if (parsed._tag === 'Left') return parsed
    const u = parsed.right
    if (StoreUrl.isExperimental(u)) {
      options.warn?.(
        `the ${u.kind} store adapter is experimental: no run against a real server is recorded yet (docs/stores.md)`,
      )
    }
    return TE.tryCatch(
      async () => {
        const raw = await openParsed(u, options)
        const store = sealing(options) && !sealsItself(u) ? Integrity.sealed(raw) : raw
        return options.keys === undefined ? store : PersonalData.protect(store, options.keys)
      },
      (e): OpenError => {
        if (u.kind !== 'memory') {
          const missing = missingDriver(e, u.kind)
          if (missing !== undefined) return missing
        }
        if ((e as { name?: unknown } | null)?.name === 'StoreLockedError') {
          return { _tag: 'StoreLocked', path: (e as { path: string }).path, message: (e as Error).message }
        }
        return openFailed(url, e)
      },
    )()
  }

/**
 * The store at `url` could not be opened because of `e` (a driver's error): the message names the
 * store (its password hidden), the driver's words, and what to check when the error suggests
 * something (a refused connection: whether the server runs; a refused login: the user and password).
 */
export const openFailed = (url: string, e: unknown): OpenFailed => {
  const hint = OpenHint.hint(e)
  return {
    _tag: 'OpenFailed',
    url: StoreUrl.redact(url),
    message: `cannot open ${StoreUrl.redact(url)}: ${e instanceof Error ? e.message : String(e)}${hint === undefined ? '' : `; ${hint}`}`,
  }
}

/** A one-line description of an open error. */
export const describeError = (e: OpenError): string =>
  e._tag === 'InvalidStoreUrl' ? `invalid store URL ${e.url}: ${e.message}` : e.message
