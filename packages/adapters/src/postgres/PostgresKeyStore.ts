/**
 * Data subjects' keys in PostgreSQL (core's `KeyStore` port), for stores
 * shared by several processes: one row per subject in `<schema>.subject_keys`
 * with the key (wrapped with a master key when one is given) and an erased
 * marker. Creating a key is race-free across processes (the first insert
 * wins, everyone reads the winner), and refused when the master key recorded
 * in `<schema>.subject_keys_wrapping` is not this instance's (a rotation
 * since it opened: a key of the old wrapping would be exposed with the old
 * master key). Destroying a subject overwrites the key with NULL, keeps the
 * row as a tombstone so that no new key is ever made for it, and vacuums the
 * table so that the old row version does not linger in the heap. It is not:
 * a guarantee about copies outside this table (backups, WAL archives,
 * replicas keep the key until they are rotated; see docs/security.md).
 *
 * Keys are cached in the process for `cacheMs`. The cache is only trusted
 * while the instance listens for erasures: destroying a key sends a NOTIFY
 * on the schema's channel in the statement that erases it (so only once it
 * commits), and every instance with a cache drops that subject when it
 * arrives. While the listening connection is down (being opened, lost,
 * re-established) the cache is bypassed and emptied, so an erasure is never
 * missed silently; see {@link Options.cacheMs} for what is immediate and
 * what depends on the listener.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { KeyStore } from '@docket/core'
import pg from 'pg'
import { checkMasterKey, unwrap, wrap } from '../internal/keyWrap.js'
import * as KeyWrapping from '../internal/keyWrapping.js'
import * as Migrations from '../internal/migrations.js'
import { relationExists, withClient } from '../internal/pgClient.js'
import * as PgListener from '../internal/pgListener.js'
import { locate } from '../internal/sql.js'

// model

/** Options of the PostgreSQL key store. */
export interface Options {
  /** The schema holding the `subject_keys` table (default: the URL's `?schema=`, else `docket`; created if missing). */
  readonly schema?: string
  /** Use this pool instead of creating one (the caller then ends it). */
  readonly pool?: pg.Pool
  /**
   * A 32-byte master key (AES-256-GCM) wrapping every subject key at rest, so
   * that a copy of the database alone does not decrypt personal data. Keep it
   * outside the database (a secret manager, an environment variable).
   */
  readonly masterKey?: Uint8Array
  /**
   * How long a key is cached in this process, in ms (default 30,000; 0 disables the cache, and the
   * listening connection with it).
   *
   * With a cache, the instance holds one more connection, of its own, listening for erasures on the
   * channel `docket_keys.<schema>`. An erasure made through this instance is effective here at once.
   * One made through another instance (another process, worker or pod, on this version or later)
   * stops this one decrypting as soon as the notification arrives, sent when the erasure commits: a
   * read already under way then returns the key but does not cache it. While the listener is not
   * connected (at start until `LISTEN` returns, after losing it until it is back: it retries every
   * second) the cache is emptied and bypassed, every read goes to the table, and
   * {@link PostgresKeyStore.listening} is false. What still depends on the listener: a connection
   * cut without the process being told (a network partition) is noticed by a heartbeat within
   * about 10 s, and until then cached keys are served (never longer than `cacheMs`); and the
   * listener needs a session of its own (a direct connection or session pooling, not a
   * transaction-pooling PgBouncer: there set `cacheMs: 0`). Erasures made without the
   * notification (an older version of this library, SQL by hand) reach this process only when
   * its cached key expires, after `cacheMs`.
   */
  readonly cacheMs?: number
  /** The `application_name` of the store's connections (default `docket-keys`; its listener's gets `-listen`). */
  readonly applicationName?: string
}

/** A key store that also releases its connections. */
export interface PostgresKeyStore extends KeyStore.KeyStore {
  /**
   * Whether the cache is in use: the listener is connected, so an erasure made through another
   * instance reaches this one's cache when it commits (always false with `cacheMs: 0`). For
   * health checks; while false every read goes to the table.
   */
  readonly listening: () => boolean
  /** Ends the listener and the connections (the pool's, when the store made it). */
  readonly close: () => Promise<void>
}

/** The NOTIFY channel of the key store in `schema` (at most 63 bytes, PostgreSQL's limit; never an event store's). */
const channelOf = (schema: string): string => {
  const c = `docket_keys.${schema}`
  return c.length <= 63
    ? c
    : `docket_keys.${schema.slice(0, 34)}.${createHash('sha1').update(schema).digest('hex').slice(0, 16)}`
}

// operations

/**
 * Whether a key store was ever opened in `schema` (default: the URL's `?schema=`, else `docket`)
 * on the server at `url`: its table exists. An event store sharing that schema then holds personal fields encrypted, so a
 * writer without the key store would compare them wrongly and store new ones in clear. Creates
 * nothing; throws when the server cannot be reached.
 */
export const exists = async (url: string, options: Pick<Options, 'schema'> = {}): Promise<boolean> => {
  const target = locate(url, options.schema)
  const table = `${Migrations.quote(target.schema)}.subject_keys`
  return withClient(target.url, (client) => relationExists(client, table))
}

/** Whether the key store's tables and index are all there (then opening it changes nothing). */
const made = async (client: pg.ClientBase, schema: string): Promise<boolean> => {
  const s = Migrations.quote(schema)
  for (const relation of ['subject_keys', 'subject_keys_wrapping', 'subject_keys_key_length']) {
    if (!(await relationExists(client, `${s}.${relation}`))) return false
  }
  return true
}

/**
 * Creates what is missing of the key store. Processes opening the store at once would race on the
 * catalog (`CREATE … IF NOT EXISTS` is not atomic: "type subject_keys already exists"): the
 * schema's DDL takes the lock the event store's migrations take, in one transaction.
 */
const create = async (client: pg.ClientBase, schema: string): Promise<void> => {
  const table = `${Migrations.quote(schema)}.subject_keys`
  try {
    await client.query('BEGIN')
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [Migrations.lockKey(schema, 'migrate')])
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${Migrations.quote(schema)}`)
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${table} (
         subject_id text PRIMARY KEY,
         key        bytea,
         created_at timestamptz NOT NULL DEFAULT now(),
         erased_at  timestamptz,
         CONSTRAINT subject_keys_erased_has_no_key CHECK (erased_at IS NULL OR key IS NULL)
       )`,
    )
    // which master key wraps the keys (`keyWrapping`): a key is created only with that one
    await KeyWrapping.create(client, schema)
    // `MasterKey.check` looks for a key of the other form (bare or wrapped) by its length. Made
    // only where missing: `CREATE INDEX IF NOT EXISTS` would take a lock that holds up other
    // processes' new keys at every open.
    const index = `${Migrations.quote(schema)}.subject_keys_key_length`
    if (!(await relationExists(client, index))) {
      await client.query(`CREATE INDEX IF NOT EXISTS subject_keys_key_length ON ${table} (length(key))`)
    }
    await client.query('COMMIT')
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw e
  }
}

/** Opens the key store on the server at `url`, creating its table if missing. */
export const make = async (url: string, options: Options = {}): Promise<PostgresKeyStore> => {
  const target = locate(url, options.schema)
  const schema = target.schema
  const table = `${Migrations.quote(schema)}.subject_keys`
  const master = options.masterKey
  checkMasterKey('masterKey', master)
  const cacheMs = options.cacheMs ?? 30_000
  const applicationName = options.applicationName ?? 'docket-keys'
  const config: pg.ClientConfig = { connectionString: target.url, application_name: applicationName }
  const pool = options.pool ?? new pg.Pool({ ...config, max: 4 })
  const owned = options.pool === undefined
  if (owned) pool.on('error', () => undefined)
  try {
    const client = await pool.connect()
    try {
      // a key store already made is only read, so a role without CREATE (least privilege) opens it
      if (!(await made(client, schema))) await create(client, schema)
    } finally {
      client.release()
    }
  } catch (e) {
    if (owned) await pool.end().catch(() => undefined)
    throw e
  }
  const channel = channelOf(schema)
  const cache = new Map<string, { readonly key: Uint8Array; readonly until: number }>()
  const erased = new Set<string>()
  // Bumped whenever the cache may have missed something (a notification, the listener up or
  // down): a read caches its key only if nothing happened while it was in flight.
  let epoch = 0
  const forget = (subjectId: string): void => {
    cache.get(subjectId)?.key.fill(0)
    cache.delete(subjectId)
  }
  const invalidate = (): void => {
    epoch++
    cache.clear()
  }
  const listener =
    cacheMs > 0
      ? await PgListener.start(
          {
            ...(owned ? config : (pool.options as pg.ClientConfig)),
            application_name: `${applicationName}-listen`,
          },
          channel,
          {
            notify: (subjectId) => {
              epoch++
              // a notification only evicts (anyone may NOTIFY): the table stays the truth, and the
              // key's bytes are left to whoever still holds them (zeroing them here could hand a
              // caller a key of zeros)
              if (subjectId === '') cache.clear()
              else cache.delete(subjectId)
            },
            up: invalidate,
            down: invalidate,
          },
          { retryMs: 1_000, heartbeatMs: 5_000 },
        )
      : undefined
  const cached = (): boolean => listener?.isUp() === true

  const read = async (subjectId: string): Promise<Uint8Array | undefined> => {
    if (erased.has(subjectId)) return undefined
    const trusted = cached()
    const hit = trusted ? cache.get(subjectId) : undefined
    if (hit !== undefined && hit.until > performance.now()) return hit.key
    const since = epoch
    const rows = await pool.query<{ key: Buffer | null; erased_at: Date | null }>(
      `SELECT key, erased_at FROM ${table} WHERE subject_id = $1`,
      [subjectId],
    )
    const row = rows.rows[0]
    if (row === undefined) return undefined
    if (row.erased_at !== null || row.key === null) {
      forget(subjectId)
      erased.add(subjectId)
      return undefined
    }
    const key = unwrap(master, subjectId, row.key)
    if (trusted && since === epoch && cached())
      cache.set(subjectId, { key, until: performance.now() + cacheMs })
    return key
  }

  return {
    obtain: async (subjectId) => {
      const found = await read(subjectId)
      if (found !== undefined || erased.has(subjectId)) return found
      await KeyWrapping.insert(pool, schema, subjectId, wrap(master, subjectId, randomBytes(32)), master)
      return read(subjectId)
    },
    find: read,
    destroy: async (subjectId) => {
      // One statement, so one transaction: the NOTIFY is delivered when the erasure commits, and
      // not at all if it does not. A payload has to stay under 8,000 bytes: an id too long for it
      // sends '' instead, which empties every cache.
      await pool.query(
        `WITH erased AS (
           INSERT INTO ${table} (subject_id, key, erased_at) VALUES ($1, NULL, now())
           ON CONFLICT (subject_id) DO UPDATE SET key = NULL, erased_at = coalesce(${table}.erased_at, now())
         )
         SELECT pg_notify($2, $3)`,
        [subjectId, channel, Buffer.byteLength(subjectId) <= 4_000 ? subjectId : ''],
      )
      epoch++
      forget(subjectId)
      erased.add(subjectId)
      // the overwritten row version stays in the heap until vacuumed
      await pool.query(`VACUUM ${table}`).catch(() => undefined)
    },
    isErased: async (subjectId) => {
      if (erased.has(subjectId)) return true
      const rows = await pool.query<{ erased: boolean }>(
        `SELECT erased_at IS NOT NULL AS erased FROM ${table} WHERE subject_id = $1`,
        [subjectId],
      )
      return rows.rows[0]?.erased === true
    },
    listening: cached,
    close: async () => {
      await listener?.close()
      for (const { key } of cache.values()) key.fill(0)
      cache.clear()
      if (owned) await pool.end()
    },
  }
}
