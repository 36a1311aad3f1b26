/**
 * How stored keys are checked against a master key (given or not): a key of
 * the form it cannot read, found through the key store's index on
 * `length(key)`, and one wrapped key probed. Used by `MasterKey.check` and
 * by the key store when it records which master key wraps its keys. Not: the
 * public check (`MasterKey`) or how keys are wrapped (`keyWrap`).
 */
import type pg from 'pg'
import { isWrapped, KEY_BYTES, unwrap } from './keyWrap.js'

/**
 * The query finding one key of the form a master key (given or not) cannot read: a bare key when
 * one is given, a wrapped key (any other length) when none is. Written as ranges of `length(key)`
 * so the key store's index on it (`subject_keys_key_length`) answers at once, where a scan would
 * read every subject's key at the start of each command. `$1` is the length of a bare key.
 */
export const otherFormQuery = (table: string, masterGiven: boolean): string =>
  masterGiven
    ? `SELECT 1 FROM ${table} WHERE length(key) = $1 LIMIT 1`
    : `SELECT 1 FROM ${table} WHERE length(key) < $1 OR length(key) > $1 LIMIT 1`

/**
 * Why the keys in `table` cannot be used with `master` (or without one), by the tag of
 * `MasterKey`'s error; `undefined` when they can (or there is none yet). Reads only.
 */
export const mismatch = async (
  client: pg.ClientBase,
  table: string,
  master: Uint8Array | undefined,
): Promise<'MasterKeyMissing' | 'MasterKeyWrong' | 'MasterKeyUnused' | undefined> => {
  const other = await client.query(otherFormQuery(table, master !== undefined), [KEY_BYTES])
  if (other.rows.length > 0) return master === undefined ? 'MasterKeyMissing' : 'MasterKeyUnused'
  if (master === undefined) return undefined
  const probe = await client.query<{ subject_id: string; key: Buffer }>(
    `SELECT subject_id, key FROM ${table} WHERE key IS NOT NULL LIMIT 1`,
  )
  const row = probe.rows[0]
  if (row === undefined || !isWrapped(row.key)) return undefined
  try {
    unwrap(master, row.subject_id, row.key).fill(0)
    return undefined
  } catch {
    return 'MasterKeyWrong'
  }
}
