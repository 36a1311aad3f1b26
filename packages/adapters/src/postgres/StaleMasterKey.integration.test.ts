/**
 * A process still holding the master key a rotation replaced, on a real
 * PostgreSQL server: it cannot create a subject's key (which would be of the
 * old wrapping, exposed with the old key), so an append with personal fields
 * of a new subject is refused with nothing stored; keys it cached still read,
 * and a process started with the new key works. A store made before the
 * wrapping was recorded keeps working and records it.
 */
import { randomBytes } from 'node:crypto'
import { type EventStore, PersonalData, type Recorded } from '@docket/core'
import { ok, Scenario, Services } from '@docket/core/testing'
import * as E from 'fp-ts/lib/Either.js'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { fingerprint } from '../internal/keyWrapping.js'
import * as MasterKey from './MasterKey.js'
import * as MasterKeyRotation from './MasterKeyRotation.js'
import * as PostgresEventStore from './PostgresEventStore.js'
import * as PostgresKeyStore from './PostgresKeyStore.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the refusal of keys made with a rotated master key',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

const STALE =
  "the key store's master key was rotated since this process started: restart it with the new DOCKET_MASTER_KEY"

/** The personal report of `Scenario`, for `subjectId` in its own case. */
const reportOf = (subjectId: string): Recorded =>
  ({
    ...Scenario.personalReport,
    id: `r-${subjectId}`,
    caseId: `case-${subjectId}`,
    data: {
      ...(Scenario.personalReport.data as Record<string, unknown>),
      reporter: { subjectId, name: `${subjectId} Example`, email: `${subjectId}@example.org` },
      victim: { subjectId, name: `${subjectId} Example`, dateOfBirth: '2010-01-01' },
    },
  }) as Recorded

describe.skipIf(!run)('a process left running with a rotated master key', () => {
  const admin = new pg.Pool({ connectionString: url, max: 1 })
  const schemas: string[] = []
  const fresh = (): string => {
    const s = `docket_stale_${process.pid}_${schemas.length}`
    schemas.push(s)
    return s
  }
  const open: Array<{ readonly close: () => Promise<void> }> = []
  const keep = <A extends { readonly close: () => Promise<void> }>(a: A): A => {
    open.push(a)
    return a
  }
  afterAll(async () => {
    for (const o of open) await o.close().catch(() => undefined)
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
    await admin.end()
  })
  const a = new Uint8Array(randomBytes(32))
  const b = new Uint8Array(randomBytes(32))

  const keysWith = async (schema: string, masterKey: Uint8Array | undefined, cacheMs = 0) =>
    keep(await PostgresKeyStore.make(url, { schema, cacheMs, ...(masterKey ? { masterKey } : {}) }))
  /** An event store in `schema` encrypting with `keys`. */
  const storeWith = async (
    schema: string,
    keys: PostgresKeyStore.PostgresKeyStore,
  ): Promise<EventStore.EventStore> =>
    PersonalData.protect(keep(await PostgresEventStore.make(url, { schema, max: 2 })), keys)
  const keyRows = async (schema: string): Promise<ReadonlyArray<string>> =>
    (await admin.query(`SELECT subject_id FROM "${schema}".subject_keys ORDER BY 1`)).rows.map(
      (r) => r.subject_id,
    )
  const eventIds = async (schema: string): Promise<ReadonlyArray<string>> =>
    (await admin.query(`SELECT body FROM "${schema}".events ORDER BY position`)).rows.map(
      (r) => (JSON.parse(r.body) as { id: string }).id,
    )
  const recorded = async (schema: string): Promise<string | undefined> =>
    (await admin.query(`SELECT fingerprint FROM "${schema}".subject_keys_wrapping`)).rows[0]?.fingerprint
  /** Appends `subjectId`'s report; the error's message when refused. */
  const append = async (store: EventStore.EventStore, subjectId: string): Promise<string | undefined> => {
    const r = await store.append(`case-${subjectId}`, [reportOf(subjectId)], 'no_stream')()
    return E.isLeft(r) ? JSON.stringify(r.left) : undefined
  }

  it('refuses to create a key after A→B, storing nothing; cached keys still read; a process with B works', async () => {
    const schema = fresh()
    const staleKeys = await keysWith(schema, a, 600_000)
    const stale = await storeWith(schema, staleKeys)
    expect(await append(stale, 'alice')).toBeUndefined()
    expect(staleKeys.listening()).toBe(true)
    const alice = Buffer.from((await staleKeys.find('alice'))!).toString('hex')

    expect(await MasterKeyRotation.rotate(url, { schema, from: a, to: b })).toEqual(
      E.right({ schema, keys: 1 }),
    )
    expect(await recorded(schema)).toBe(fingerprint(b))

    const refused = await append(stale, 'bob')
    expect(refused).toContain('StoreUnavailable')
    expect(refused).toContain(STALE)
    expect(await keyRows(schema)).toEqual(['alice'])
    expect(await eventIds(schema)).toEqual(['r-alice'])
    await expect(staleKeys.obtain('bob')).rejects.toThrow(STALE)
    expect(await keyRows(schema)).toEqual(['alice'])

    // as documented: a key it cached still reads, one it has not does not
    expect(Buffer.from((await staleKeys.find('alice'))!).toString('hex')).toBe(alice)
    expect(
      ((await ok(stale.readStream('case-alice')))[0]!.event.data as { reporter: { email: string } }).reporter
        .email,
    ).toBe('alice@example.org')

    const current = await storeWith(schema, await keysWith(schema, b))
    expect(await append(current, 'bob')).toBeUndefined()
    expect(await keyRows(schema)).toEqual(['alice', 'bob'])
    await expect(staleKeys.find('bob')).rejects.toThrow()
    expect(await MasterKey.check(url, { schema, masterKey: b })).toEqual(E.right(undefined))
  })

  it('a key asked for while a rotation runs waits for it, then is refused', async () => {
    const schema = fresh()
    const stale = await keysWith(schema, a)
    await stale.obtain('alice')
    // a rotation under way: the table held as `rotate` holds it, the record changed, not committed
    const rotation = new pg.Client({ connectionString: url })
    await rotation.connect()
    try {
      await rotation.query('BEGIN')
      await rotation.query(`LOCK TABLE "${schema}".subject_keys IN SHARE ROW EXCLUSIVE MODE`)
      await rotation.query(`UPDATE "${schema}".subject_keys_wrapping SET fingerprint = $1`, [fingerprint(b)])
      const asked = stale.obtain('bob').then(
        () => 'created',
        (e: Error) => e.message,
      )
      await new Promise((r) => setTimeout(r, 200))
      await rotation.query('COMMIT')
      expect(await asked).toContain(STALE)
    } finally {
      await rotation.end()
    }
    expect(await keyRows(schema)).toEqual(['alice'])
  })

  it('refuses a process with the old key after --unwrap, and one without a key after adopting one', async () => {
    const schema = fresh()
    const staleA = await keysWith(schema, a)
    const staleBare = await keysWith(schema, undefined)
    await staleA.obtain('alice')
    expect(await MasterKeyRotation.rotate(url, { schema, from: a })).toEqual(E.right({ schema, keys: 1 }))
    expect(await recorded(schema)).toBe('bare')
    await expect(staleA.obtain('bob')).rejects.toThrow(STALE)
    expect(await staleBare.obtain('bob')).toBeDefined()

    expect(await MasterKeyRotation.rotate(url, { schema, to: b })).toEqual(E.right({ schema, keys: 2 }))
    await expect(staleBare.obtain('carol')).rejects.toThrow(STALE)
    expect(await keyRows(schema)).toEqual(['alice', 'bob'])
    expect(await MasterKey.check(url, { schema, masterKey: b })).toEqual(E.right(undefined))
  })

  it('a store made before the wrapping was recorded keeps working and records it', async () => {
    const schema = fresh()
    const made = await keysWith(schema, a)
    await made.obtain('alice')
    // as an earlier version left it: keys, and no record of their wrapping
    await admin.query(`DROP TABLE "${schema}".subject_keys_wrapping`)

    // a process whose master key does not fit records nothing and creates nothing
    const wrong = await keysWith(schema, b)
    await expect(wrong.obtain('bob')).rejects.toThrow(
      /no key was created: the masterKey given does not unwrap/,
    )
    expect(await recorded(schema)).toBeUndefined()
    expect(await keyRows(schema)).toEqual(['alice'])

    // one that fits records its master key when it creates its first key
    const fits = await storeWith(schema, await keysWith(schema, a))
    expect(await append(fits, 'bob')).toBeUndefined()
    expect(await recorded(schema)).toBe(fingerprint(a))
    expect(await keyRows(schema)).toEqual(['alice', 'bob'])
    await expect(wrong.obtain('carol')).rejects.toThrow(STALE)
  })

  it('a rotation of a store made before the wrapping was recorded records it', async () => {
    const schema = fresh()
    const stale = await keysWith(schema, a)
    await stale.obtain('alice')
    await admin.query(`DROP TABLE "${schema}".subject_keys_wrapping`)
    expect(await MasterKeyRotation.rotate(url, { schema, from: a, to: b })).toEqual(
      E.right({ schema, keys: 1 }),
    )
    expect(await recorded(schema)).toBe(fingerprint(b))
    await expect(stale.obtain('bob')).rejects.toThrow(STALE)
    expect(await keyRows(schema)).toEqual(['alice'])
    expect(await (await keysWith(schema, b)).obtain('bob')).toBeDefined()
  })

  it('records a fingerprint that does not show the master key', async () => {
    const schema = fresh()
    await (await keysWith(schema, a)).obtain('alice')
    const fp = (await recorded(schema))!
    expect(fp).toMatch(/^hmac-sha256:[0-9a-f]{64}$/)
    expect(fp).not.toContain(Buffer.from(a).toString('hex'))
    expect(fp).not.toBe(fingerprint(b))
  })
})
