/**
 * The key store a command's environment names for personal data
 * (docs/security.md): `DOCKET_KEYS=postgres` opens the PostgreSQL key store
 * in a postgres:// store's schema, its keys wrapped with `DOCKET_MASTER_KEY`
 * (base64 of 32 bytes) when set. Both variables are decoded and the master
 * key is checked against the stored keys (`MasterKey.check`) before the key
 * store is opened, so a wrong setting stops the command with a message naming
 * the variable, what is wrong and what to do, before anything is read or
 * written. Also: whether a store keeps personal data encrypted (a key store
 * in its schema), for commands run without `DOCKET_KEYS`.
 *
 * The environment is the invocation's (`Invocation.env`), never read from
 * `process.env` here. Not: opening the event store (`store.ts`).
 */
import { Store, StoreUrl } from '@docket/adapters'
import type { MasterKey } from '@docket/adapters/postgres'
import type { KeyStore } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as t from 'io-ts'

// model

/** An environment, as `Invocation.env`. */
export type Env = Readonly<Record<string, string | undefined>>

/** A key store that also releases its connections. */
export type Keys = KeyStore.KeyStore & { readonly close: () => Promise<void> }

/** A postgres:// store's URL, parsed. */
type Postgres = Extract<StoreUrl.StoreUrl, { readonly kind: 'postgres' }>

/** The variables naming the key store, the only ones this module reads. */
export const VARIABLES = ['DOCKET_KEYS', 'DOCKET_MASTER_KEY'] as const

const SEE = '(docs/security.md)'

/** A master key: standard base64 of 32 bytes, decoded strictly (never echoed: it is a secret). */
const MasterKeyFromBase64 = new t.Type<Buffer, string, string>(
  'DOCKET_MASTER_KEY',
  (u): u is Buffer => Buffer.isBuffer(u),
  (s, c) => {
    const text = s.trim()
    if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text))
      return t.failure(s, c, 'is not base64 (only A-Z, a-z, 0-9, +, / and = padding, in groups of 4)')
    const key = Buffer.from(text, 'base64')
    return key.length === 32 ? t.success(key) : t.failure(s, c, `decodes to ${key.length} bytes, not 32`)
  },
  (key) => key.toString('base64'),
)

// operations

/** Only the key variables of `env` (what a replay worker is handed to open the store again). */
export const pick = (env: Env): Env =>
  Object.fromEntries(VARIABLES.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]])))

/**
 * The master key the variable `name` of `env` holds (default `DOCKET_MASTER_KEY`); `undefined` when
 * unset or empty. Left: why it is malformed.
 */
const masterKeyOf = (env: Env, name = 'DOCKET_MASTER_KEY'): E.Either<string, Buffer | undefined> => {
  const value = env[name]
  if (value === undefined || value === '') return E.right(undefined)
  const what =
    name === 'DOCKET_MASTER_KEY' ? "the store's keys are wrapped with" : "to wrap the store's keys with"
  return pipe(
    MasterKeyFromBase64.validate(value, [{ key: '', type: MasterKeyFromBase64, actual: value }]),
    E.mapLeft(
      (errors) =>
        `${name} ${errors[0]?.message ?? 'is malformed'}: set it to the base64 of the 32-byte master key ` +
        `${what} (a new one: head -c 32 /dev/urandom | base64) ${SEE}.`,
    ),
  )
}

/** The postgres:// store a key store is asked for, or why `DOCKET_KEYS` cannot be used with `url`. */
const postgresOf = (url: string, kind: string): E.Either<string, Postgres> => {
  if (kind !== 'postgres')
    return E.left(
      `DOCKET_KEYS=${JSON.stringify(kind)} is not a key store: the only one is postgres (DOCKET_KEYS=postgres, ` +
        `for postgres:// stores); set it so, or unset DOCKET_KEYS to store and show personal fields as given ${SEE}.`,
    )
  const parsed = StoreUrl.parse(url)
  if (E.isLeft(parsed) || parsed.right.kind !== 'postgres')
    return E.left(
      `DOCKET_KEYS=postgres keeps keys in a PostgreSQL store's schema, and ${StoreUrl.redact(url)} is not a ` +
        `postgres:// store; unset DOCKET_KEYS for it ${SEE}.`,
    )
  return E.right(parsed.right)
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/** Where the key store of the store at `url` is, for messages. */
const where = (url: string, schema: string): string =>
  `${StoreUrl.redact(url)} (schema ${schema}, table subject_keys)`

/** What is wrong with `DOCKET_MASTER_KEY` for the keys stored at `url`, and what to do. */
const mismatch = (url: string, e: MasterKey.MasterKeyError): string => {
  switch (e._tag) {
    case 'MasterKeyMissing':
      return (
        `DOCKET_MASTER_KEY is not set, but the subjects' keys of ${where(url, e.schema)} are wrapped with a master ` +
        `key: without it no personal field can be read, and new keys would be stored unwrapped; nothing was read ` +
        `or stored. Set DOCKET_MASTER_KEY to the base64 of the master key they were wrapped with ${SEE}.`
      )
    case 'MasterKeyWrong':
      return (
        `DOCKET_MASTER_KEY is not the master key the subjects' keys of ${where(url, e.schema)} are wrapped with ` +
        `(it does not unwrap them); nothing was read or stored. Set DOCKET_MASTER_KEY to the base64 of that key ${SEE}.`
      )
    case 'MasterKeyUnused':
      return (
        `DOCKET_MASTER_KEY is set, but subjects' keys of ${where(url, e.schema)} are stored unwrapped (made without ` +
        `a master key): they cannot be read with one; nothing was read or stored. Unset DOCKET_MASTER_KEY for this ` +
        `store ${SEE}.`
      )
  }
}

/**
 * The key store `env` asks for the store at `url` (`undefined`: none, `DOCKET_KEYS` unset or
 * empty), its master key checked against the stored keys first. Left: a message naming the
 * variable that is malformed or does not fit the stored keys, and what to do; nothing is
 * written before it (the key store's table is created only once every check passed).
 */
export const open = async (url: string, env: Env): Promise<E.Either<string, Keys | undefined>> => {
  const kind = env.DOCKET_KEYS
  if (kind === undefined || kind === '') return E.right(undefined)
  const store = postgresOf(url, kind)
  if (E.isLeft(store)) return store
  const masterKey = masterKeyOf(env)
  if (E.isLeft(masterKey)) return masterKey
  const u = store.right
  const options = {
    ...(u.schema === undefined ? {} : { schema: u.schema }),
    ...(masterKey.right === undefined ? {} : { masterKey: masterKey.right }),
  }
  try {
    const { MasterKey, PostgresKeyStore } = await Store.loadPostgres()
    const checked = await MasterKey.check(u.url, options)
    if (E.isLeft(checked)) return E.left(mismatch(url, checked.left))
    return E.right(await PostgresKeyStore.make(u.url, options))
  } catch (e) {
    return E.left(`cannot open the key store of ${StoreUrl.redact(url)}: ${messageOf(e)}`)
  }
}

/**
 * Whether the store at `url` keeps personal data encrypted: Right its schema when a key store
 * was opened in it (`PostgresKeyStore.exists`; only postgres:// stores have one), else Right
 * `undefined`. Left: the server could not be asked.
 */
export const encrypted = async (url: string): Promise<E.Either<string, string | undefined>> => {
  const parsed = StoreUrl.parse(url)
  if (E.isLeft(parsed) || parsed.right.kind !== 'postgres') return E.right(undefined)
  const schema = parsed.right.schema ?? 'docket'
  try {
    const { PostgresKeyStore } = await Store.loadPostgres()
    return E.right((await PostgresKeyStore.exists(parsed.right.url, { schema })) ? schema : undefined)
  } catch (e) {
    return E.left(Store.describeError(Store.openFailed(url, e)))
  }
}

/** Why a command that needs the keys (`why`) refuses the encrypted store at `url` without `DOCKET_KEYS`. */
export const refusal = (url: string, schema: string, why: string): string =>
  `DOCKET_KEYS is not set, but ${StoreUrl.redact(url)} keeps personal data encrypted (schema ${schema} has a key store, ` +
  `the table subject_keys): ${why}. Set DOCKET_KEYS=postgres, and DOCKET_MASTER_KEY to the master key ` +
  `its keys are wrapped with ${SEE}.`

/** The warning of a command showing `what` (personal fields) as ciphertext, read from the encrypted store at `url`. */
export const shownEncrypted = (url: string, schema: string, what: string): string =>
  `${what} are shown encrypted (enc:v1:…) because DOCKET_KEYS is not set: ${StoreUrl.redact(url)} keeps personal ` +
  `data encrypted (schema ${schema} has a key store). Set DOCKET_KEYS=postgres and DOCKET_MASTER_KEY to show them ` +
  `decrypted ${SEE}.`

/**
 * Rewraps the subjects' keys of the postgres:// store at `url` (`MasterKeyRotation.rotate`): from
 * the master key `DOCKET_MASTER_KEY` holds (unset: keys stored bare) to the one
 * `DOCKET_NEW_MASTER_KEY` holds, or to none with `unwrapped`. Right: how many keys, and where.
 * Left: a message naming the variable that is missing, malformed or does not fit the stored keys
 * (nothing was changed), a schema without a key store, or the server's error.
 */
export const rotate = async (
  url: string,
  env: Env,
  unwrapped: boolean,
): Promise<E.Either<string, { readonly keys: number; readonly where: string }>> => {
  const parsed = StoreUrl.parse(url)
  if (E.isLeft(parsed) || parsed.right.kind !== 'postgres')
    return E.left(`${StoreUrl.redact(url)} is not a postgres:// store: only those keep a key store ${SEE}.`)
  const from = masterKeyOf(env)
  if (E.isLeft(from)) return from
  const to = masterKeyOf(env, 'DOCKET_NEW_MASTER_KEY')
  if (E.isLeft(to)) return to
  if (unwrapped && to.right !== undefined)
    return E.left(
      `DOCKET_NEW_MASTER_KEY is set, and --unwrap stores the keys bare: give one or the other ${SEE}.`,
    )
  if (!unwrapped && to.right === undefined)
    return E.left(
      `DOCKET_NEW_MASTER_KEY is not set: set it to the base64 of the new 32-byte master key ` +
        `(head -c 32 /dev/urandom | base64), or give --unwrap to store the keys bare ${SEE}.`,
    )
  const u = parsed.right
  const schema = u.schema ?? 'docket'
  try {
    const { MasterKeyRotation, PostgresKeyStore } = await Store.loadPostgres()
    // A mistyped --store would otherwise "rotate 0 keys" and tell the user to restart everything
    // with the new key, which the real store's keys are not wrapped with.
    if (!(await PostgresKeyStore.exists(u.url, { schema })))
      return E.left(
        `no key store at ${StoreUrl.redact(url)}: schema ${schema} has no table subject_keys, so there is ` +
          'nothing to rotate and nothing was changed. Check --store; a store gets its keys from the first ' +
          `command run on it with DOCKET_KEYS=postgres, which takes DOCKET_MASTER_KEY from the start ${SEE}.`,
      )
    const rotated = await MasterKeyRotation.rotate(u.url, {
      schema,
      ...(from.right === undefined ? {} : { from: from.right }),
      ...(to.right === undefined ? {} : { to: to.right }),
    })
    return pipe(
      rotated,
      E.bimap(
        (e) => mismatch(url, e),
        (r) => ({ keys: r.keys, where: where(url, schema) }),
      ),
    )
  } catch (e) {
    return E.left(`cannot rotate the keys of ${StoreUrl.redact(url)}: ${messageOf(e)}`)
  }
}
