/**
 * Rotating the master key of a PostgreSQL key store on a real server: every
 * subject keeps its key under the new wrapping, a wrong or missing current
 * key changes nothing, and a store with keys of both forms is repaired.
 */
import { randomBytes } from 'node:crypto'
import { Services } from '@docket/core/testing'
import * as E from 'fp-ts/lib/Either.js'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import * as MasterKey from './MasterKey.js'
import * as MasterKeyRotation from './MasterKeyRotation.js'
import * as PostgresKeyStore from './PostgresKeyStore.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the master key rotation of the PostgreSQL key store',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

describe.skipIf(!run)('MasterKeyRotation.rotate', () => {
  const admin = new pg.Pool({ connectionString: url, max: 1 })
  const schemas: string[] = []
  const fresh = (): string => {
    const s = `docket_rotate_${process.pid}_${schemas.length}`
    schemas.push(s)
    return s
  }
  afterAll(async () => {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
    await admin.end()
  })
  const a = randomBytes(32)
  const b = randomBytes(32)
  const subjects = ['alice', 'bob', 'carol', 'dan', 'erin']

  /** Opens the key store in `schema` with `masterKey`, runs `f`, closes it. */
  const withKeys = async <A>(
    schema: string,
    masterKey: Uint8Array | undefined,
    f: (keys: PostgresKeyStore.PostgresKeyStore) => Promise<A>,
  ): Promise<A> => {
    const keys = await PostgresKeyStore.make(url, { schema, cacheMs: 0, ...(masterKey ? { masterKey } : {}) })
    try {
      return await f(keys)
    } finally {
      await keys.close()
    }
  }
  /** The subjects' keys (hex) as a store opened with `masterKey` reads them. */
  const keysWith = (schema: string, masterKey: Uint8Array | undefined): Promise<ReadonlyArray<string>> =>
    withKeys(schema, masterKey, async (keys) =>
      Promise.all(subjects.map(async (s) => Buffer.from((await keys.find(s)) ?? []).toString('hex'))),
    )
  /** The table's rows as stored (hex), to show nothing changed. */
  const stored = async (schema: string): Promise<string> =>
    JSON.stringify(
      (
        await admin.query(
          `SELECT subject_id, encode(key, 'hex') AS k FROM "${schema}".subject_keys ORDER BY 1`,
        )
      ).rows,
    )
  /** A key store in a fresh schema with keys for the subjects made with `masterKey`, one erased. */
  const storeWith = async (
    masterKey: Uint8Array | undefined,
  ): Promise<{ schema: string; keys: string[] }> => {
    const schema = fresh()
    const keys = await withKeys(schema, masterKey, async (k) => {
      const made = []
      for (const s of subjects) made.push(Buffer.from((await k.obtain(s))!).toString('hex'))
      await k.destroy('zed')
      return made
    })
    return { schema, keys }
  }

  it('adopts, replaces and drops a master key; every subject keeps its key', async () => {
    const { schema, keys } = await storeWith(undefined)
    expect(await MasterKeyRotation.rotate(url, { schema, to: a, batchSize: 2 })).toEqual(
      E.right({ schema, keys: subjects.length }),
    )
    expect(await MasterKey.check(url, { schema, masterKey: a })).toEqual(E.right(undefined))
    expect(await MasterKey.check(url, { schema })).toEqual(E.left(MasterKey.missing(schema)))
    expect(await keysWith(schema, a)).toEqual(keys)

    expect(await MasterKeyRotation.rotate(url, { schema, from: a, to: b })).toEqual(
      E.right({ schema, keys: subjects.length }),
    )
    expect(await MasterKey.check(url, { schema, masterKey: a })).toEqual(E.left(MasterKey.wrong(schema)))
    expect(await keysWith(schema, b)).toEqual(keys)

    expect(await MasterKeyRotation.rotate(url, { schema, from: b })).toEqual(
      E.right({ schema, keys: subjects.length }),
    )
    expect(await MasterKey.check(url, { schema })).toEqual(E.right(undefined))
    expect(await keysWith(schema, undefined)).toEqual(keys)
    // the erased subject stays erased, with no key
    expect(await withKeys(schema, undefined, (k) => k.isErased('zed'))).toBe(true)
  })

  it('changes nothing when the current master key is wrong or missing', async () => {
    const { schema } = await storeWith(a)
    const before = await stored(schema)
    expect(await MasterKeyRotation.rotate(url, { schema, from: b, to: a, batchSize: 2 })).toEqual(
      E.left(MasterKey.wrong(schema)),
    )
    expect(await MasterKeyRotation.rotate(url, { schema, to: b })).toEqual(E.left(MasterKey.missing(schema)))
    expect(await stored(schema)).toBe(before)
  })

  it('rolls back every batch already rewrapped when a later key does not unwrap', async () => {
    const { schema } = await storeWith(a)
    // a key wrapped with another master key, last by subject id: found in the third batch of two
    await admin.query(
      `UPDATE "${schema}".subject_keys SET key = decode(repeat('ab', 60), 'hex') WHERE subject_id = 'erin'`,
    )
    const before = await stored(schema)
    expect(await MasterKeyRotation.rotate(url, { schema, from: a, to: b, batchSize: 2 })).toEqual(
      E.left(MasterKey.wrong(schema)),
    )
    expect(await stored(schema)).toBe(before)
  })

  it('repairs a store whose keys were made both bare and wrapped', async () => {
    const { schema, keys } = await storeWith(a)
    // an earlier version, run once without the master key, stored bob's key bare
    await admin.query(
      `UPDATE "${schema}".subject_keys SET key = decode($1, 'hex') WHERE subject_id = 'bob'`,
      [keys[1]],
    )
    expect(await MasterKey.check(url, { schema, masterKey: a })).toEqual(E.left(MasterKey.unused(schema)))
    expect(await MasterKeyRotation.rotate(url, { schema, from: a, to: a })).toEqual(
      E.right({ schema, keys: subjects.length }),
    )
    expect(await MasterKey.check(url, { schema, masterKey: a })).toEqual(E.right(undefined))
    expect(await keysWith(schema, a)).toEqual(keys)
  })

  it('rotates nothing where there is no key store, creating nothing', async () => {
    const schema = fresh()
    expect(await MasterKeyRotation.rotate(url, { schema, to: a })).toEqual(E.right({ schema, keys: 0 }))
    expect(await PostgresKeyStore.exists(url, { schema })).toBe(false)
  })
})
