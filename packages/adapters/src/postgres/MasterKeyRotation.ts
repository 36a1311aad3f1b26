/**
 * Changing the master key that wraps the subjects' keys of a PostgreSQL key
 * store (`<schema>.subject_keys`): adopting one on a store whose keys were
 * made without it, replacing it with a new one, or dropping it. Only the
 * wrapping changes: every subject keeps its key, so every encrypted field
 * stays readable and every seal still verifies.
 *
 * All keys are rewrapped in one transaction that holds the table against
 * writes (reads go on): any key the current master key does not unwrap
 * rolls the whole rotation back, so a store is never left with keys of two
 * master keys. The old row versions, which hold the old wrapping, are then
 * vacuumed away. Keys stored bare among wrapped ones (a store an earlier
 * version wrote both ways) are wrapped too, which repairs such a store.
 *
 * The rotation records the new master key (or `bare`) beside the keys in
 * the same transaction; processes that hold the key store open keep the
 * master key they were started with, and from then on are refused when they
 * try to create a key (so none is made with the old wrapping): stop them
 * before rotating, and start them again with the new key
 * (docs/security.md). It is not: a rotation of the subjects' own keys,
 * which would mean re-encrypting every event.
 */
import * as E from 'fp-ts/lib/Either.js'
import type pg from 'pg'
import { checkMasterKey, isWrapped, unwrap, wrap } from '../internal/keyWrap.js'
import * as KeyWrapping from '../internal/keyWrapping.js'
import * as Migrations from '../internal/migrations.js'
import { relationExists, withClient } from '../internal/pgClient.js'
import { locate } from '../internal/sql.js'
import * as MasterKey from './MasterKey.js'

// model

/** Options of {@link rotate}. */
export interface Options {
  /** The schema holding the `subject_keys` table (default: the URL's `?schema=`, else `docket`). */
  readonly schema?: string
  /** The master key the keys are wrapped with now; absent: they are stored bare. */
  readonly from?: Uint8Array
  /** The master key to wrap them with; absent: store them bare. */
  readonly to?: Uint8Array
  /** Keys read and written per round trip (default 1,000). */
  readonly batchSize?: number
}

/** What a rotation did. */
export interface Rotated {
  readonly schema: string
  /** Subjects whose key was rewrapped (erased subjects have none). */
  readonly keys: number
}

// operations

/** One page of stored keys after `after` (by subject id), at most `limit`. */
const page = (
  client: pg.Client,
  table: string,
  after: string | undefined,
  limit: number,
): Promise<pg.QueryResult<{ subject_id: string; key: Buffer }>> =>
  client.query<{ subject_id: string; key: Buffer }>(
    `SELECT subject_id, key FROM ${table}
      WHERE key IS NOT NULL AND ($1::text IS NULL OR subject_id > $1)
      ORDER BY subject_id LIMIT $2`,
    [after ?? null, limit],
  )

/**
 * Rewraps every subject's key of the key store in `schema` on the server at `url` from `from` to
 * `to` (either absent: bare), in one transaction. Left, with nothing changed: a key is wrapped and
 * `from` is absent (`MasterKeyMissing`), or `from` does not unwrap it (`MasterKeyWrong`). A store
 * without a key store or without keys rotates nothing. Throws when the server cannot be reached
 * or a master key is not 32 bytes.
 */
export const rotate = async (
  url: string,
  options: Options = {},
): Promise<E.Either<MasterKey.MasterKeyError, Rotated>> => {
  const target = locate(url, options.schema)
  const schema = target.schema
  const { from, to } = options
  checkMasterKey('from', from)
  checkMasterKey('to', to)
  const batchSize = options.batchSize ?? 1_000
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('batchSize must be a positive integer')
  const table = `${Migrations.quote(schema)}.subject_keys`
  return withClient(target.url, async (client) => {
    if (!(await relationExists(client, table))) return E.right({ schema, keys: 0 })
    await KeyWrapping.ensure(client, schema)
    await client.query('BEGIN')
    try {
      // writers (new keys, erasures) wait; readers go on reading the old wrapping until the commit
      await client.query(`LOCK TABLE ${table} IN SHARE ROW EXCLUSIVE MODE`)
      let keys = 0
      let after: string | undefined
      for (;;) {
        const rows = (await page(client, table, after, batchSize)).rows
        if (rows.length === 0) break
        const ids: string[] = []
        const rewrapped: Buffer[] = []
        for (const { subject_id, key } of rows) {
          if (isWrapped(key) && from === undefined) {
            await client.query('ROLLBACK')
            return E.left(MasterKey.missing(schema))
          }
          let bare: Uint8Array
          try {
            bare = isWrapped(key) ? unwrap(from, subject_id, key) : new Uint8Array(key)
          } catch {
            await client.query('ROLLBACK')
            return E.left(MasterKey.wrong(schema))
          }
          ids.push(subject_id)
          rewrapped.push(wrap(to, subject_id, Buffer.from(bare)))
          bare.fill(0)
        }
        await client.query(
          `UPDATE ${table} AS k SET key = v.key
             FROM unnest($1::text[], $2::bytea[]) AS v(subject_id, key)
            WHERE k.subject_id = v.subject_id`,
          [ids, rewrapped],
        )
        keys += rows.length
        after = rows[rows.length - 1]!.subject_id
      }
      // processes still holding `from` can no longer create keys (they would be of the old wrapping)
      await KeyWrapping.record(client, schema, to)
      await client.query('COMMIT')
      // the old row versions hold the old wrapping until vacuumed
      await client.query(`VACUUM ${table}`).catch(() => undefined)
      return E.right({ schema, keys })
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw e
    }
  })
}
