/**
 * Opening an event store from a `--store URL` (`memory:`, `pglite:<dir>`,
 * `pglite:memory`, `postgres://…`, `esdb://…`, `kurrentdb://…`) through
 * `openStore` of `@docket/adapters`, which loads an engine's driver only when
 * its URL is used. This adds what a command line needs: a relative PGlite
 * directory is resolved against the invocation's working directory, and
 * failures become one message for standard error.
 *
 * Personal data: with `DOCKET_KEYS=postgres` in the invocation's environment
 * (postgres:// stores only), personal fields are encrypted per data subject
 * with the PostgreSQL key store in the store's schema (`keys.ts`), its keys
 * wrapped with `DOCKET_MASTER_KEY` (base64 of 32 bytes) when set; erased
 * subjects then read as `[erased]` in every command's output
 * (docs/security.md). Without it, a command that needs the keys (`import`)
 * refuses a store whose schema has a key store, naming the variable, and one
 * whose output shows personal fields (`export`, `replay --report dsa-sor`)
 * says on standard error that they are shown encrypted.
 */
import { existsSync, statSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { openStore, Store, StoreUrl } from '@docket/adapters'
import { EventStore } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import type { Invocation } from '../Command.js'
import * as Output from '../Output.js'
import * as Keys from './keys.js'

/** The URL with any password hidden, for logs and errors. */
export const redact = (url: string): string => StoreUrl.redact(url)

/**
 * Whether the store at `url` can be opened again by other threads while it is open (a server's:
 * PostgreSQL, KurrentDB), not held by one process (PGlite, memory).
 */
export const servesThreads = (url: string): boolean => {
  const parsed = StoreUrl.parse(url)
  return E.isRight(parsed) && (parsed.right.kind === 'postgres' || parsed.right.kind === 'esdb')
}

/** Why no store is at a URL: none is there (`reason`), or the server could not be asked (`error`). */
export type Absence =
  | { readonly _tag: 'None'; readonly reason: string }
  | { readonly _tag: 'Unknown'; readonly error: string }

/**
 * Why no store is at `url` (absolute), or `undefined` when one may be: a PGlite directory that does
 * not exist or holds no database cluster, a PostgreSQL schema without Docket's `events` table.
 * Opening either would create an empty store. Other stores are not asked (memory stores are
 * always new; a KurrentDB server has no store to create). Asks the server without writing.
 */
export const absence = async (url: string): Promise<Absence | undefined> => {
  const parsed = StoreUrl.parse(url)
  if (E.isLeft(parsed)) return undefined
  const u = parsed.right
  const none = (reason: string): Absence => ({ _tag: 'None', reason })
  if (u.kind === 'pglite' && u.dir !== 'memory') {
    const stat = statSync(u.dir, { throwIfNoEntry: false })
    if (stat === undefined) return none('the directory does not exist')
    if (!stat.isDirectory()) return none('not a directory')
    return existsSync(join(u.dir, 'PG_VERSION')) ? undefined : none('the directory holds no PGlite store')
  }
  if (u.kind !== 'postgres') return undefined
  const schema = u.schema ?? 'docket'
  try {
    const { PostgresEventStore } = await Store.loadPostgres()
    return (await PostgresEventStore.exists(u.url, { schema }))
      ? undefined
      : none(`schema ${schema} has no events table`)
  } catch (e) {
    return { _tag: 'Unknown', error: Store.describeError(Store.openFailed(url, e)) }
  }
}

/** {@link absence} as the refusal of a command that reads: the message to print, or `undefined`. */
export const missing = async (url: string): Promise<string | undefined> => {
  const a = await absence(url)
  if (a === undefined) return undefined
  if (a._tag === 'Unknown') return a.error
  return `no store at ${redact(url)}: ${a.reason}${a.reason === 'not a directory' ? '' : '; a command that reads creates none (docket import creates one)'}`
}

/** The URL with a relative `pglite:` directory made absolute against `cwd`. */
export const absolute = (url: string, cwd: string): string => {
  if (!url.startsWith('pglite:')) return url
  const dir = url.slice('pglite:'.length)
  if (dir === '' || dir === 'memory' || dir === ':memory:' || dir.startsWith('//') || isAbsolute(dir))
    return url
  return `pglite:${resolve(cwd, dir)}`
}

/** Where a command opens a store: its working directory, its environment (the key store's variables) and standard error. */
export type Context = Pick<Invocation, 'cwd' | 'env' | 'stderr'>

/**
 * The context of a caller of the public API that may not give its environment or standard error
 * (`Source.read`, `Input.open`): the process's then, as before they could be given.
 */
export const context = (
  inv: Pick<Invocation, 'cwd'> & Partial<Pick<Invocation, 'env' | 'stderr'>>,
): Context => ({ cwd: inv.cwd, env: inv.env ?? process.env, stderr: inv.stderr ?? process.stderr })

/**
 * How {@link open} opens a store: `quiet` to keep an adapter's experimental label off standard
 * error (a replay worker opening the store again after the calling thread has shown it), and,
 * for a store that keeps personal data encrypted opened without `DOCKET_KEYS`, `keysNeeded` to
 * refuse it or `shows` to warn that personal fields are shown encrypted.
 */
export interface OpenOptions {
  readonly quiet?: boolean
  /**
   * The command reads a history that must already be there (evaluate, replay, export, verify):
   * a PGlite directory or a PostgreSQL schema holding no store is refused ({@link missing}) instead
   * of created empty, which a typo in the URL would otherwise pass for an empty, intact history.
   */
  readonly existing?: boolean
  /**
   * Why the command needs the key store on a store that keeps personal data encrypted (one whose
   * schema has a key store, `PostgresKeyStore.exists`): without `DOCKET_KEYS`, {@link open} then
   * refuses it, naming the variable and giving this reason. Absent: such a store opens without
   * keys (personal fields read as their ciphertext).
   */
  readonly keysNeeded?: string
  /**
   * What the command's output shows of personal fields (`the exported events' personal fields`):
   * opening a store that keeps personal data encrypted without `DOCKET_KEYS`, {@link open} says on
   * standard error, in one line, that they are shown encrypted and why. Absent: no such line (the
   * output shows none).
   */
  readonly shows?: string
  /**
   * The command's interrupt (`Interrupt.signal`): once aborted, a PostgreSQL store cancels the
   * statements it runs, so that one waiting for a lock ends at once (`Store.Options.signal` of the
   * adapters) and the command stops at its next safe point.
   */
  readonly signal?: AbortSignal
}

/**
 * Without keys: Left the refusal when the command needs them and the store keeps personal data
 * encrypted, else Right the warning to give once it is open, if any.
 */
const withoutKeys = async (
  url: string,
  { keysNeeded, shows }: OpenOptions,
): Promise<E.Either<string, string | undefined>> => {
  if (keysNeeded === undefined && shows === undefined) return E.right(undefined)
  const encrypted = await Keys.encrypted(url)
  if (E.isLeft(encrypted) || encrypted.right === undefined) return encrypted
  const schema = encrypted.right
  if (keysNeeded !== undefined) return E.left(Keys.refusal(url, schema, keysNeeded))
  return E.right(shows === undefined ? undefined : Keys.shownEncrypted(url, schema, shows))
}

/**
 * Opens the store a URL names, with the key store the context's environment names (`DOCKET_KEYS`,
 * `DOCKET_MASTER_KEY`), if any. Left: a message saying why not (a key variable malformed or not
 * fitting the stored keys, an encrypted store without `DOCKET_KEYS` when
 * {@link OpenOptions.keysNeeded}), given before anything is read or written.
 */
export const open = async (
  url: string,
  ctx: Context,
  options: OpenOptions = {},
): Promise<E.Either<string, EventStore.EventStore>> => {
  if (options.existing === true) {
    const why = await missing(absolute(url, ctx.cwd))
    if (why !== undefined) return E.left(why)
  }
  const keys = await Keys.open(url, ctx.env)
  if (E.isLeft(keys)) return keys
  const k = keys.right
  const note = k === undefined ? await withoutKeys(url, options) : E.right(undefined)
  if (E.isLeft(note)) return note
  // The experimental label of an adapter (EventStoreDB today) goes to standard error, never to the output.
  const warn = (message: string): void => {
    if (options.quiet !== true) ctx.stderr.write(`docket: ${message}\n`)
  }
  // a wait for a lock is silent on the server's side: said once per statement, after 5 s
  const onLockWait = (w: Store.LockWait): void => {
    if (options.quiet !== true) Output.warn(ctx, lockWaitNote(url, w))
  }
  const opened = await openStore(absolute(url, ctx.cwd), {
    warn,
    signal: options.signal,
    keys: k,
    onLockWait,
  })()
  if (E.isLeft(opened)) {
    await k?.close()
    return E.left(Store.describeError(opened.left))
  }
  if (note.right !== undefined && options.quiet !== true) Output.warn(ctx, note.right)
  if (k === undefined) return opened
  const store = opened.right
  return E.right({
    ...store,
    close: async () => {
      await store.close()
      await k.close()
    },
  })
}

/**
 * What a command says when its statement on `url` has waited `seconds` for a lock held by the
 * sessions `blockers` (their `pg_stat_activity` pids): that it waits, and what ends the wait.
 */
export const lockWaitNote = (url: string, { blockers, seconds }: Store.LockWait): string =>
  `waiting ${seconds} s so far for a lock on ${redact(url)} held by another session${blockers.length === 0 ? '' : ` (pid ${blockers.join(', ')} in pg_stat_activity)`}; the command goes on once it is released, SIGINT or SIGTERM stops it (a lock_timeout in the URL makes such a wait fail: docs/stores.md)`

/**
 * The cut a command reads the log to (`readAll({ until })`): `until` when given, checked against
 * the store (a position it gave, no further than its end: a cut is a point the log has reached),
 * else the log's current end. Right `undefined`: the log is empty. Left: a message saying why not.
 */
export const cut = async (
  store: EventStore.EventStore,
  until?: EventStore.Position,
): Promise<E.Either<string, EventStore.Position | undefined>> => {
  try {
    const end = await store.head()
    if (until === undefined) return E.right(end)
    // a read of nothing at `until`: the store checks that it is one of its positions
    for await (const _ of store.readAll({ after: until, until })) break
    if (end === undefined || store.comparePositions(until, end) > 0)
      return E.left(
        `--until ${until}: past the end of the log (${end === undefined ? 'empty' : `position ${end}`}); a cut is a position the log has reached (docket verify prints the end it checked)`,
      )
    return E.right(until)
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e)
    return E.left(until === undefined ? `cannot read the end of the log: ${why}` : `--until ${until}: ${why}`)
  }
}

/**
 * Why reading the store at `url` failed, naming the store: a driver's message alone (`write
 * ECONNRESET`, `canceling statement due to lock timeout`) says neither which store nor that it
 * was one.
 */
export const readFailure = (url: string, e: unknown): string =>
  `cannot read ${redact(url)}: ${e instanceof Error ? e.message : String(e)}`

/** A one-line description of a store error. */
export const describeError = (e: EventStore.StoreError): string => EventStore.describe(e)
