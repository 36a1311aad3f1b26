/**
 * Whether a master key fits the subjects' keys a PostgreSQL key store holds
 * (`<schema>.subject_keys`), checked before the store is used: keys wrapped
 * with a master key cannot be used without it or with another one, and keys
 * stored unwrapped cannot be used with one. Used unchecked, each mismatch
 * surfaces only when a personal field is read (a bare crypto error), after
 * new keys may have been stored in the wrong form. It is not the key store
 * (`PostgresKeyStore`), and it reads only: it creates and changes nothing.
 */
import * as E from 'fp-ts/lib/Either.js'
import { mismatch } from '../internal/keyFormQuery.js'
import { checkMasterKey } from '../internal/keyWrap.js'
import * as Migrations from '../internal/migrations.js'
import { relationExists, withClient } from '../internal/pgClient.js'
import { locate } from '../internal/sql.js'

// model

/** The stored keys are wrapped with a master key, and none was given. */
export interface Missing {
  readonly _tag: 'MasterKeyMissing'
  readonly schema: string
}

/** The master key given does not unwrap the stored keys: they were wrapped with another one. */
export interface Wrong {
  readonly _tag: 'MasterKeyWrong'
  readonly schema: string
}

/** A master key was given, but stored keys are not wrapped (they were made without one). */
export interface Unused {
  readonly _tag: 'MasterKeyUnused'
  readonly schema: string
}

/** Why a master key (or its absence) does not fit a key store's keys. */
export type MasterKeyError = Missing | Wrong | Unused

/** Options of {@link check}. */
export interface Options {
  /** The schema holding the `subject_keys` table (default: the URL's `?schema=`, else `docket`). */
  readonly schema?: string
  /** The 32-byte master key the keys will be unwrapped with; absent: keys are expected unwrapped. */
  readonly masterKey?: Uint8Array
}

// constructors

/** The stored keys need a master key. */
export const missing = (schema: string): MasterKeyError => ({ _tag: 'MasterKeyMissing', schema })
/** The master key is not the one the keys were wrapped with. */
export const wrong = (schema: string): MasterKeyError => ({ _tag: 'MasterKeyWrong', schema })
/** The keys were stored without a master key. */
export const unused = (schema: string): MasterKeyError => ({ _tag: 'MasterKeyUnused', schema })

// operations

/** Folds a {@link MasterKeyError} by its tag. */
export const match =
  <A>(cases: { readonly [K in MasterKeyError['_tag']]: (e: Extract<MasterKeyError, { _tag: K }>) => A }) =>
  (e: MasterKeyError): A => {
    switch (e._tag) {
      case 'MasterKeyMissing':
        return cases.MasterKeyMissing(e)
      case 'MasterKeyWrong':
        return cases.MasterKeyWrong(e)
      case 'MasterKeyUnused':
        return cases.MasterKeyUnused(e)
    }
  }

/** A one-line description of a {@link MasterKeyError}. */
export const describe: (e: MasterKeyError) => string = match({
  MasterKeyMissing: (e) =>
    `the keys in ${e.schema}.subject_keys are wrapped with a master key, and no masterKey was given`,
  MasterKeyWrong: (e) =>
    `the masterKey given does not unwrap the keys in ${e.schema}.subject_keys: they were wrapped with another one`,
  MasterKeyUnused: (e) =>
    `a masterKey was given, but keys in ${e.schema}.subject_keys are stored unwrapped (made without one)`,
})

/**
 * Checks `masterKey` (or its absence) against the keys stored in `schema` on the server at `url`:
 * Right when they can be used with it (or when there is no key store or no key yet). Probes one
 * wrapped key and looks for any key in the other form, so a store whose keys were made with
 * different settings is found out too. Reads only; throws when the server cannot be reached.
 */
export const check = async (url: string, options: Options = {}): Promise<E.Either<MasterKeyError, void>> => {
  const target = locate(url, options.schema)
  const schema = target.schema
  const master = options.masterKey
  checkMasterKey('masterKey', master)
  const table = `${Migrations.quote(schema)}.subject_keys`
  return withClient(target.url, async (client) => {
    if (!(await relationExists(client, table))) return E.right(undefined)
    const found = await mismatch(client, table, master)
    return found === undefined ? E.right(undefined) : E.left({ _tag: found, schema })
  })
}
