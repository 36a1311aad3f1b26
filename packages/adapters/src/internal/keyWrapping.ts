/**
 * Which master key wraps the subjects' keys of a PostgreSQL key store, as
 * recorded beside them in `<schema>.subject_keys_wrapping` (one row): a
 * fingerprint of the master key (HMAC-SHA-256 of a fixed label under it,
 * which tells nothing about the key), or `bare`. A key is inserted only in a
 * statement that finds this process's fingerprint recorded, and a rotation
 * changes the record in its transaction, so a process still holding the
 * master key a rotation replaced (a leaked one, perhaps) cannot add a key of
 * the old wrapping: it is refused, and nothing is inserted.
 *
 * A store made before the record existed gets it when a key is first
 * created (or at its next rotation): the process's fingerprint is recorded
 * if the stored keys fit its master key (`MasterKey.check`'s test), else
 * none is, and keys are refused until a process that fits, or a rotation,
 * records one. Not: how keys are wrapped (`keyWrap`) or the key store.
 */
import { createHmac } from 'node:crypto'
import type pg from 'pg'
import * as MasterKey from '../postgres/MasterKey.js'
import { mismatch } from './keyFormQuery.js'
import * as Migrations from './migrations.js'
import { relationExists } from './pgClient.js'

/** The fingerprint recorded for keys stored without a master key. */
export const BARE = 'bare'

/** What `master` is recorded as: an HMAC-SHA-256 of a fixed label under it, or {@link BARE}. */
export const fingerprint = (master: Uint8Array | undefined): string =>
  master === undefined
    ? BARE
    : `hmac-sha256:${createHmac('sha256', master).update('docket subject_keys master key v1').digest('hex')}`

const tables = (schema: string): { readonly keys: string; readonly wrapping: string } => ({
  keys: `${Migrations.quote(schema)}.subject_keys`,
  wrapping: `${Migrations.quote(schema)}.subject_keys_wrapping`,
})

/** Creates the record's table if missing; the caller holds the schema's `migrate` lock. */
export const create = async (client: pg.ClientBase, schema: string): Promise<void> => {
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${tables(schema).wrapping} (
       id          boolean PRIMARY KEY DEFAULT true CHECK (id),
       fingerprint text NOT NULL,
       recorded_at timestamptz NOT NULL DEFAULT now()
     )`,
  )
}

/** Creates the record's table if missing, in a transaction of its own holding the `migrate` lock. */
export const ensure = async (client: pg.ClientBase, schema: string): Promise<void> => {
  if (await relationExists(client, tables(schema).wrapping)) return
  await client.query('BEGIN')
  try {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [Migrations.lockKey(schema, 'migrate')])
    await create(client, schema)
    await client.query('COMMIT')
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw e
  }
}

/** Records `master` as the one wrapping the keys, in the caller's transaction (a rotation's). */
export const record = async (
  client: pg.ClientBase,
  schema: string,
  master: Uint8Array | undefined,
): Promise<void> => {
  await client.query(
    `INSERT INTO ${tables(schema).wrapping} (id, fingerprint) VALUES (true, $1)
     ON CONFLICT (id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, recorded_at = now()`,
    [fingerprint(master)],
  )
}

/**
 * Inserts `stored` as the subject's key if none exists and `mine` is recorded, in one statement;
 * the fingerprint recorded (undefined: none). A rotation holds `subject_keys` in SHARE ROW
 * EXCLUSIVE mode while it changes the record: this statement, which needs ROW EXCLUSIVE on it,
 * waits for the rotation to end and then reads the new record (its snapshot is taken after its locks).
 */
const insertIfRecorded = async (
  pool: pg.Pool,
  schema: string,
  subjectId: string,
  stored: Buffer,
  mine: string,
): Promise<string | undefined> => {
  const { keys, wrapping } = tables(schema)
  const r = await pool.query<{ fingerprint: string }>(
    `WITH recorded AS (SELECT fingerprint FROM ${wrapping} WHERE id),
          inserted AS (
            INSERT INTO ${keys} (subject_id, key)
            SELECT $1, $2 FROM recorded WHERE fingerprint = $3
            ON CONFLICT (subject_id) DO NOTHING
          )
     SELECT fingerprint FROM recorded`,
    [subjectId, stored, mine],
  )
  return r.rows[0]?.fingerprint
}

/**
 * Records `master` if nothing is recorded yet and the stored keys fit it; why they do not fit
 * otherwise. Holds `subject_keys` as a rotation does, so no key is added or rewrapped meanwhile.
 */
const adopt = async (
  pool: pg.Pool,
  schema: string,
  master: Uint8Array | undefined,
): Promise<MasterKey.MasterKeyError | undefined> => {
  const { keys, wrapping } = tables(schema)
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    await client.query(`LOCK TABLE ${keys} IN SHARE ROW EXCLUSIVE MODE`)
    const recorded = await client.query(`SELECT 1 FROM ${wrapping} WHERE id`)
    const found = recorded.rows.length > 0 ? undefined : await mismatch(client, keys, master)
    if (recorded.rows.length === 0 && found === undefined) await record(client, schema, master)
    await client.query('COMMIT')
    return found === undefined ? undefined : { _tag: found, schema }
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw e
  } finally {
    client.release()
  }
}

/**
 * Stores `stored` (wrapped with `master`, or bare) as the subject's key unless it has one; throws,
 * inserting nothing, when the keys are recorded as wrapped otherwise (a rotation since this process
 * started) or, with nothing recorded, do not fit `master`.
 */
export const insert = async (
  pool: pg.Pool,
  schema: string,
  subjectId: string,
  stored: Buffer,
  master: Uint8Array | undefined,
): Promise<void> => {
  const mine = fingerprint(master)
  let recorded = await insertIfRecorded(pool, schema, subjectId, stored, mine)
  if (recorded === undefined) {
    const unfit = await adopt(pool, schema, master)
    if (unfit !== undefined)
      throw new Error(
        `no key was created: ${MasterKey.describe(unfit)}, and no master key is recorded for them yet; check the master key (MasterKey.check), or repair the store with a rotation (docket rotate-keys)`,
      )
    recorded = await insertIfRecorded(pool, schema, subjectId, stored, mine)
  }
  if (recorded !== mine)
    throw new Error(
      `the key store's master key was rotated since this process started: restart it with the new DOCKET_MASTER_KEY (the keys in ${schema}.subject_keys are ${recorded === BARE ? 'now stored bare' : master === undefined ? 'now wrapped with a master key' : "wrapped with a master key other than this process's"}; no key was created)`,
    )
}
