/**
 * Opening an event store from a `--store URL` (`memory:`, `pglite:<dir>`,
 * `pglite:memory`, `postgres://…`, `esdb://…`, `kurrentdb://…`) through
 * `openStore` of `@docket/adapters`, which loads an engine's driver only when
 * its URL is used. This adds what a command line needs: a relative PGlite
 * directory is resolved against the invocation's working directory, and
 * failures become one message for standard error.
 *
 * Personal data: with `DOCKET_KEYS=postgres` in the environment (postgres://
 * stores only), personal fields are encrypted per data subject with the
 * PostgreSQL key store in the store's schema, its keys wrapped with
 * `DOCKET_MASTER_KEY` (base64 of 32 bytes) when set; erased subjects then
 * read as `[erased]` in every command's output (docs/security.md). Without it, a
 * command that needs the keys (`import`) refuses a store whose schema has a
 * key store, naming the variable.
 */
import { isAbsolute, resolve } from 'node:path'
import { openStore, Store, StoreUrl } from '@docket/adapters'
import { EventStore, type KeyStore } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'

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

/** The URL with a relative `pglite:` directory made absolute against `cwd`. */
export const absolute = (url: string, cwd: string): string => {
  if (!url.startsWith('pglite:')) return url
  const dir = url.slice('pglite:'.length)
  if (dir === '' || dir === 'memory' || dir === ':memory:' || dir.startsWith('//') || isAbsolute(dir))
    return url
  return `pglite:${resolve(cwd, dir)}`
}

type Keys = KeyStore.KeyStore & { readonly close: () => Promise<void> }

/** The key store `DOCKET_KEYS` asks for, if any. */
const keysFor = async (
  url: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<E.Either<string, Keys | undefined>> => {
  const kind = env.DOCKET_KEYS
  if (kind === undefined || kind === '') return E.right(undefined)
  const parsed = StoreUrl.parse(url)
  if (kind !== 'postgres' || E.isLeft(parsed) || parsed.right.kind !== 'postgres') {
    return E.left(`DOCKET_KEYS=${kind}: the only key store is postgres, for postgres:// stores`)
  }
  const master = env.DOCKET_MASTER_KEY
  const masterKey = master === undefined || master === '' ? undefined : Buffer.from(master, 'base64')
  if (masterKey !== undefined && masterKey.length !== 32) {
    return E.left('DOCKET_MASTER_KEY must be the base64 of 32 bytes')
  }
  try {
    const { PostgresKeyStore } = await import('@docket/adapters/postgres')
    const u = parsed.right
    return E.right(
      await PostgresKeyStore.make(u.url, {
        ...(u.schema === undefined ? {} : { schema: u.schema }),
        ...(masterKey === undefined ? {} : { masterKey }),
      }),
    )
  } catch (e) {
    return E.left(
      `cannot open the key store of ${redact(url)}: ${e instanceof Error ? e.message : String(e)}`,
    )
  }
}

/**
 * How {@link open} opens a store: the environment naming the key store (`process.env` by
 * default), `quiet` to keep an adapter's experimental label off standard error (a replay
 * worker opening the store again after the calling thread has shown it), and `keysNeeded`,
 * what the command needs the subjects' keys for, when it must not run on an encrypted store
 * without them.
 */
export interface OpenOptions {
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly quiet?: boolean
  /**
   * Why the command needs the key store on a store that keeps personal data encrypted (one whose
   * schema has a key store, `PostgresKeyStore.exists`): without `DOCKET_KEYS`, {@link open} then
   * refuses it, naming the variable and giving this reason. Absent: such a store opens without
   * keys (personal fields read as their ciphertext).
   */
  readonly keysNeeded?: string
}

/**
 * Without `DOCKET_KEYS`: Left when the command needs keys (`why`) and the store at `url` keeps
 * personal data encrypted (a key store in its schema; only postgres:// stores have one).
 */
const refuseEncrypted = async (url: string, why: string | undefined): Promise<E.Either<string, void>> => {
  const parsed = StoreUrl.parse(url)
  if (why === undefined || E.isLeft(parsed) || parsed.right.kind !== 'postgres') return E.right(undefined)
  const u = parsed.right
  const schema = u.schema ?? 'docket'
  try {
    const { PostgresKeyStore } = await import('@docket/adapters/postgres')
    if (!(await PostgresKeyStore.exists(u.url, { schema }))) return E.right(undefined)
  } catch (e) {
    return E.left(`cannot open ${redact(url)}: ${e instanceof Error ? e.message : String(e)}`)
  }
  return E.left(
    `DOCKET_KEYS is not set, but ${redact(url)} keeps personal data encrypted (schema ${schema} has a key store, ` +
      `the table subject_keys): ${why}. Set DOCKET_KEYS=postgres, and DOCKET_MASTER_KEY to the master key ` +
      `its keys are wrapped with (docs/security.md).`,
  )
}

/**
 * Opens the store a URL names (with the key store `DOCKET_KEYS` names, if any). Left: a message
 * saying why not (an encrypted store without `DOCKET_KEYS` when {@link OpenOptions.keysNeeded}).
 */
export const open = async (
  url: string,
  cwd: string,
  { env = process.env, quiet = false, keysNeeded }: OpenOptions = {},
): Promise<E.Either<string, EventStore.EventStore>> => {
  const keys = await keysFor(url, env)
  if (E.isLeft(keys)) return keys
  const k = keys.right
  if (k === undefined) {
    const refused = await refuseEncrypted(url, keysNeeded)
    if (E.isLeft(refused)) return refused
  }
  // The experimental label of an adapter (EventStoreDB today) goes to standard error, never to the output.
  const warn = (message: string): void => {
    if (!quiet) process.stderr.write(`docket: ${message}\n`)
  }
  const opened = await openStore(absolute(url, cwd), k === undefined ? { warn } : { keys: k, warn })()
  if (E.isLeft(opened)) {
    await k?.close()
    return E.left(Store.describeError(opened.left))
  }
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

/** A one-line description of a store error. */
export const describeError = (e: EventStore.StoreError): string => EventStore.describe(e)
