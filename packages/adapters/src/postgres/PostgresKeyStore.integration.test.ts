/**
 * The data subjects' key store on a real PostgreSQL server, and erasure end
 * to end on the PostgreSQL event store: personal fields are stored encrypted,
 * erasure is refused while a legal hold covers the case and carried out once
 * it is lifted, erased fields read as `[erased]`, and the chain still verifies.
 */
import { randomBytes } from 'node:crypto'
import { Erasure, type EventStore, Integrity, PersonalData } from '@docket/core'
import { collect, ok, Scenario, Services } from '@docket/core/testing'
import * as E from 'fp-ts/lib/Either.js'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import * as MasterKey from './MasterKey.js'
import * as MasterKeyRotation from './MasterKeyRotation.js'
import * as PostgresEventStore from './PostgresEventStore.js'
import * as PostgresKeyStore from './PostgresKeyStore.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the PostgreSQL key store and erasure tests',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

const report = Scenario.personalReport

const hold = Scenario.legalHold

describe.skipIf(!run)('PostgreSQL key store', () => {
  const admin = new pg.Pool({ connectionString: url, max: 2 })
  const schemas: string[] = []
  const fresh = (): string => {
    const s = `docket_keys_${process.pid}_${schemas.length}`
    schemas.push(s)
    return s
  }
  afterAll(async () => {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
    await admin.end()
  })

  it('opens on a fresh schema from many processes at once (the schema and table are created once)', async () => {
    for (let round = 0; round < 20; round++) {
      const schema = fresh()
      const stores = await Promise.all(
        Array.from({ length: 8 }, () => PostgresKeyStore.make(url, { schema, cacheMs: 0 })),
      )
      const keys = await Promise.all(stores.map((s) => s.obtain('bob')))
      for (const k of keys) expect(Buffer.from(k!).equals(Buffer.from(keys[0]!))).toBe(true)
      await Promise.all(stores.map((s) => s.close()))
    }
  })

  it('exists: whether a key store was opened in the schema, creating nothing', async () => {
    const schema = fresh()
    expect(await PostgresKeyStore.exists(url, { schema })).toBe(false)
    expect(await PostgresKeyStore.exists(url, { schema })).toBe(false)
    const keys = await PostgresKeyStore.make(url, { schema, cacheMs: 0 })
    await keys.close()
    expect(await PostgresKeyStore.exists(url, { schema })).toBe(true)
  })

  it("takes the schema from the URL's ?schema=, as the event store does, so that one URL names one schema", async () => {
    const schema = fresh()
    const inUrl = new URL(url)
    inUrl.searchParams.set('schema', schema)
    const master = randomBytes(32)
    const keys = await PostgresKeyStore.make(inUrl.toString(), { masterKey: master, cacheMs: 0 })
    const events = await PostgresEventStore.make(inUrl.toString())
    await keys.obtain('alice')
    await keys.close()
    await events.close()
    const stored = await admin.query(`SELECT count(*)::int AS n FROM "${schema}".subject_keys`)
    expect(stored.rows[0].n).toBe(1)
    expect(await PostgresKeyStore.exists(inUrl.toString())).toBe(true)
    expect(await PostgresEventStore.exists(inUrl.toString())).toBe(true)
    expect(await MasterKey.check(inUrl.toString(), { masterKey: randomBytes(32) })).toEqual(
      E.left(MasterKey.wrong(schema)),
    )
    const rotated = await MasterKeyRotation.rotate(inUrl.toString(), { from: master, to: randomBytes(32) })
    expect(rotated).toEqual(E.right({ schema, keys: 1 }))
    await expect(PostgresKeyStore.make(inUrl.toString(), { schema: 'docket' })).rejects.toThrow(
      `the URL names schema "${schema}" and the schema option "docket": give one`,
    )
  })

  it('makes one key per subject, shared by every process, and destroys it for good', async () => {
    const schema = fresh()
    const [a, b] = await Promise.all([
      PostgresKeyStore.make(url, { schema, cacheMs: 0 }),
      PostgresKeyStore.make(url, { schema, cacheMs: 0 }),
    ])
    // racing first uses from two instances agree on one key
    const [ka, kb] = await Promise.all([a.obtain('alice'), b.obtain('alice')])
    expect(ka?.length).toBe(32)
    expect(Buffer.from(kb!).equals(Buffer.from(ka!))).toBe(true)
    expect(await a.find('nobody')).toBeUndefined()

    await a.destroy('alice')
    expect(await b.isErased('alice')).toBe(true)
    expect(await b.find('alice')).toBeUndefined()
    expect(await b.obtain('alice')).toBeUndefined()
    const row = await admin.query(
      `SELECT key, erased_at FROM "${schema}".subject_keys WHERE subject_id = 'alice'`,
    )
    expect(row.rows[0].key).toBeNull()
    expect(row.rows[0].erased_at).not.toBeNull()
    // erasing a subject never seen leaves a tombstone: no key is ever made for it
    await a.destroy('bob')
    expect(await a.obtain('bob')).toBeUndefined()
    await Promise.all([a.close(), b.close()])
  })

  it('wraps keys with a master key: the table alone does not hold them', async () => {
    const schema = fresh()
    const master = new Uint8Array(randomBytes(32))
    const keys = await PostgresKeyStore.make(url, { schema, masterKey: master })
    const k = await keys.obtain('carol')
    const row = await admin.query(`SELECT key FROM "${schema}".subject_keys WHERE subject_id = 'carol'`)
    expect(Buffer.from(row.rows[0].key).includes(Buffer.from(k!))).toBe(false)
    await keys.close()
    const wrong = await PostgresKeyStore.make(url, { schema, masterKey: new Uint8Array(randomBytes(32)) })
    await expect(wrong.find('carol')).rejects.toThrow()
    await wrong.close()
  })

  it('erasure on the PostgreSQL store: refused under a legal hold, done once lifted, chain intact', async () => {
    const schema = fresh()
    const keys = await PostgresKeyStore.make(url, { schema })
    const raw = await PostgresEventStore.make(url, { schema, max: 3 })
    const store: EventStore.EventStore = PersonalData.protect(Integrity.sealed(raw), keys)
    await ok(store.append('case-1', [report, hold('LegalHoldPlaced', 'h-on', 0)], 'no_stream'))

    // at rest: no personal field in clear
    const rows = await admin.query(`SELECT body FROM "${schema}".events ORDER BY position`)
    const stored = rows.rows.map((r) => r.body as string).join('\n')
    for (const secret of ['Alice Example', 'alice@example.org', 'please remove it']) {
      expect(stored).not.toContain(secret)
    }
    expect(((await ok(store.readStream('case-1')))[0]!.event.data as { text: string }).text).toBe(
      'this is me, please remove it',
    )

    const refused = await Erasure.erase(store, keys, 'alice', { at: '2026-03-01T12:30:00Z' })()
    expect(E.isLeft(refused) && refused.left._tag).toBe('ErasureRefused')
    if (E.isLeft(refused) && refused.left._tag === 'ErasureRefused') {
      expect(Erasure.describeRefusal(refused.left)).toContain('legal_hold:h1')
    }
    expect(await keys.isErased('alice')).toBe(false)

    await ok(store.append('case-1', [hold('LegalHoldLifted', 'h-off', 40)], 'any'))
    const done = await Erasure.erase(store, keys, 'alice', { at: '2026-03-01T12:45:00Z' })()
    expect(E.isRight(done) && done.right.cases).toEqual(['case-1'])

    const after = (await ok(store.readStream('case-1')))[0]!.event.data as Record<string, unknown>
    expect(after.text).toBe(PersonalData.ERASED)
    expect(after.reporter).toEqual({
      subjectId: 'alice',
      name: PersonalData.ERASED,
      email: PersonalData.ERASED,
    })
    expect(after.category).toBe('ncii')
    const verified = await Integrity.verify(raw.readAll())
    expect(verified.failure).toBeNull()
    expect(verified.events).toBe(3)
    expect((await collect(store.readAll())).length).toBe(3)

    // the report retried after the erasure: a no-op that neither stores nor keys anything again
    const table = async () =>
      (
        await admin.query(
          `SELECT (SELECT json_agg(body ORDER BY position) FROM "${schema}".events) AS events,
                  (SELECT json_agg(json_build_array(subject_id, key IS NULL, erased_at IS NULL) ORDER BY subject_id)
                     FROM "${schema}".subject_keys) AS keys`,
        )
      ).rows[0]
    const before = await table()
    expect((await ok(store.append('case-1', [report], 'any'))).appended).toBe(0)
    expect(await table()).toEqual(before)
    expect(before.keys).toContainEqual(['alice', true, false])
    await raw.close()
    await keys.close()
  })
})
