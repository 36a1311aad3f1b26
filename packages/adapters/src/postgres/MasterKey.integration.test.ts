/**
 * The master key checked against the keys a PostgreSQL key store holds, on a
 * real server: wrapped keys need the master key they were wrapped with, bare
 * keys need none, and the check reads only.
 */
import { randomBytes } from 'node:crypto'
import { Services } from '@docket/core/testing'
import * as E from 'fp-ts/lib/Either.js'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { otherFormQuery } from '../internal/keyFormQuery.js'
import { planNodes } from '../internal/pgTest.js'
import * as MasterKey from './MasterKey.js'
import * as PostgresKeyStore from './PostgresKeyStore.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the master key check of the PostgreSQL key store',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

describe.skipIf(!run)('MasterKey.check', () => {
  const admin = new pg.Pool({ connectionString: url, max: 1 })
  const schemas: string[] = []
  const fresh = (): string => {
    const s = `docket_master_${process.pid}_${schemas.length}`
    schemas.push(s)
    return s
  }
  afterAll(async () => {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
    await admin.end()
  })
  /** A key store in `schema` with a key for `subject`, made with `masterKey`. */
  const keyFor = async (schema: string, subject: string, masterKey?: Uint8Array): Promise<void> => {
    const keys = await PostgresKeyStore.make(url, { schema, cacheMs: 0, ...(masterKey ? { masterKey } : {}) })
    await keys.obtain(subject)
    await keys.close()
  }
  const master = randomBytes(32)
  const other = randomBytes(32)

  it('passes where there is no key store or no key yet, creating nothing', async () => {
    const schema = fresh()
    expect(await MasterKey.check(url, { schema })).toEqual(E.right(undefined))
    expect(await MasterKey.check(url, { schema, masterKey: master })).toEqual(E.right(undefined))
    expect(await PostgresKeyStore.exists(url, { schema })).toBe(false)
    await (await PostgresKeyStore.make(url, { schema, cacheMs: 0 })).close()
    expect(await MasterKey.check(url, { schema, masterKey: master })).toEqual(E.right(undefined))
  })

  it('wrapped keys: passes with their master key, Missing without one, Wrong with another', async () => {
    const schema = fresh()
    await keyFor(schema, 'alice', master)
    expect(await MasterKey.check(url, { schema, masterKey: master })).toEqual(E.right(undefined))
    expect(await MasterKey.check(url, { schema })).toEqual(E.left(MasterKey.missing(schema)))
    const wrong = await MasterKey.check(url, { schema, masterKey: other })
    expect(wrong).toEqual(E.left(MasterKey.wrong(schema)))
    if (E.isLeft(wrong)) expect(MasterKey.describe(wrong.left)).toContain('wrapped with another one')
  })

  it('bare keys: pass without a master key, Unused with one; erased subjects are not keys', async () => {
    const schema = fresh()
    await keyFor(schema, 'alice')
    const keys = await PostgresKeyStore.make(url, { schema, cacheMs: 0, masterKey: master })
    await keys.destroy('bob')
    await keys.close()
    expect(await MasterKey.check(url, { schema })).toEqual(E.right(undefined))
    expect(await MasterKey.check(url, { schema, masterKey: master })).toEqual(
      E.left(MasterKey.unused(schema)),
    )
  })

  it('finds a key of the other form through the length index, not by reading every key', async () => {
    const schema = fresh()
    await keyFor(schema, 'alice')
    const table = `"${schema}".subject_keys`
    // a large platform's key store: 50,000 subjects' keys, all bare, and one wrapped among them
    await admin.query(
      `INSERT INTO ${table} (subject_id, key) SELECT 's' || g, decode(repeat('ab', 32), 'hex') FROM generate_series(1, 50000) g`,
    )
    /** Expects the query for keys of the other form to read the length index, not the table. */
    const expectIndexed = async (masterGiven: boolean): Promise<void> => {
      await admin.query(`ANALYZE ${table}`)
      const plan = await admin.query<{ 'QUERY PLAN': unknown }>(
        `EXPLAIN (FORMAT JSON) ${otherFormQuery(table, masterGiven).replaceAll('$1', '32')}`,
      )
      const nodes = planNodes(plan.rows[0]!['QUERY PLAN'])
      expect(
        nodes.some((n) => n.includes('subject_keys_key_length')),
        nodes.join(', '),
      ).toBe(true)
      expect(
        nodes.filter((n) => n.startsWith('Seq Scan')),
        nodes.join(', '),
      ).toEqual([])
    }
    await expectIndexed(false)
    expect(await MasterKey.check(url, { schema })).toEqual(E.right(undefined))
    await admin.query(`INSERT INTO ${table} (subject_id, key) VALUES ('w', decode(repeat('cd', 60), 'hex'))`)
    expect(await MasterKey.check(url, { schema })).toEqual(E.left(MasterKey.missing(schema)))
    // and with every key wrapped, the check with a master key looks for a bare one the same way
    await admin.query(`UPDATE ${table} SET key = decode(repeat('cd', 60), 'hex')`)
    await expectIndexed(true)
  })

  it('keys made both ways fail with and without the master key', async () => {
    const schema = fresh()
    await keyFor(schema, 'alice', master)
    // this version refuses a bare key among wrapped ones (the master key is recorded beside them)
    await expect(keyFor(schema, 'bob')).rejects.toThrow(/rotated since this process started/)
    // as an earlier version, which kept no record, stored it
    await admin.query(
      `INSERT INTO "${schema}".subject_keys (subject_id, key) VALUES ('bob', decode(repeat('ab', 32), 'hex'))`,
    )
    expect(await MasterKey.check(url, { schema })).toEqual(E.left(MasterKey.missing(schema)))
    expect(await MasterKey.check(url, { schema, masterKey: master })).toEqual(
      E.left(MasterKey.unused(schema)),
    )
  })
})
