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

  it('keys made both ways fail with and without the master key', async () => {
    const schema = fresh()
    await keyFor(schema, 'alice', master)
    await keyFor(schema, 'bob')
    expect(await MasterKey.check(url, { schema })).toEqual(E.left(MasterKey.missing(schema)))
    expect(await MasterKey.check(url, { schema, masterKey: master })).toEqual(
      E.left(MasterKey.unused(schema)),
    )
  })
})
