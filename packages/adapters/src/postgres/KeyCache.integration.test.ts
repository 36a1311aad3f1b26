/**
 * The key store's cache against erasures made elsewhere, on a real PostgreSQL
 * server: two instances on one schema stand for two processes, each with a
 * cache far longer than the test. An erasure through one stops the other
 * decrypting once it commits, not when its cached key expires; a listener
 * whose connection the server kills serves no stale key meanwhile and comes
 * back; closing releases every connection and timer. The waits poll a
 * condition with a bound; nothing is asserted about how fast.
 */
import { Services } from '@docket/core/testing'
import pg from 'pg'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import * as PostgresKeyStore from './PostgresKeyStore.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the PostgreSQL key cache tests',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

/** Polls `condition` every 20 ms until it holds or `ms` have passed; whether it held. */
const eventually = async (condition: () => Promise<boolean> | boolean, ms = 10_000): Promise<boolean> => {
  const end = performance.now() + ms
  for (;;) {
    if (await condition()) return true
    if (performance.now() > end) return false
    await new Promise((r) => setTimeout(r, 20))
  }
}

const LONG = 600_000

describe.skipIf(!run)('PostgreSQL key cache and erasures made elsewhere', () => {
  const admin = new pg.Pool({ connectionString: url, max: 2 })
  const schemas: string[] = []
  const open: PostgresKeyStore.PostgresKeyStore[] = []
  const fresh = (): string => {
    const s = `docket_keycache_${process.pid}_${schemas.length}`
    schemas.push(s)
    return s
  }
  const appName = (): string => `docket-keycache-${process.pid}-${schemas.length}`
  const keep = (k: PostgresKeyStore.PostgresKeyStore): PostgresKeyStore.PostgresKeyStore => {
    open.push(k)
    return k
  }
  afterEach(async () => {
    for (const k of open.splice(0)) await k.close()
  })
  afterAll(async () => {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
    await admin.end()
  })
  const backends = async (applicationName: string): Promise<number> =>
    (
      await admin.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
        [applicationName],
      )
    ).rows[0]!.n
  // an erasure made around the library (no notification), to see whether a key comes from the cache
  const eraseSilently = async (schema: string, subjectId: string): Promise<void> => {
    await admin.query(
      `UPDATE "${schema}".subject_keys SET key = NULL, erased_at = now() WHERE subject_id = $1`,
      [subjectId],
    )
  }

  it('an erasure through one instance stops another decrypting, whatever its cacheMs', async () => {
    const schema = fresh()
    const a = keep(await PostgresKeyStore.make(url, { schema, cacheMs: LONG }))
    const b = keep(await PostgresKeyStore.make(url, { schema, cacheMs: LONG }))
    const key = await a.obtain('alice')
    expect(Buffer.from((await b.find('alice'))!).equals(Buffer.from(key!))).toBe(true)
    await b.obtain('bob')

    await a.destroy('alice')
    expect(await eventually(async () => (await b.find('alice')) === undefined)).toBe(true)
    expect(await b.obtain('alice')).toBeUndefined()
    expect(await b.isErased('alice')).toBe(true)
    // the other subjects stay cached: the cache still serves them
    await eraseSilently(schema, 'bob')
    expect(await b.find('bob')).toBeDefined()
  })

  it('a read answered before the erasure commits, and returned after, does not cache its key', async () => {
    const schema = fresh()
    // b's reads go through this pool, whose answers the test can hold back (the server is real)
    const pool = new pg.Pool({ connectionString: url, max: 2 })
    const query = pool.query.bind(pool) as (text: string, params?: unknown[]) => Promise<pg.QueryResult>
    let gate: Promise<void> | undefined
    let answered = false
    pool.query = (async (text: string, params?: unknown[]) => {
      const result = await query(text, params)
      if (gate !== undefined && text.startsWith('SELECT key')) {
        answered = true
        await gate
      }
      return result
    }) as unknown as typeof pool.query
    // hears the erasure's notification as b does
    const heard = new pg.Client({ connectionString: url })
    let notified = false
    heard.on('notification', () => {
      notified = true
    })
    await heard.connect()
    try {
      await heard.query(`LISTEN "docket_keys.${schema}"`)
      const a = keep(await PostgresKeyStore.make(url, { schema, cacheMs: LONG }))
      const b = keep(await PostgresKeyStore.make(url, { schema, cacheMs: LONG, pool }))
      await a.obtain('alice')
      let release = (): void => undefined
      gate = new Promise((r) => {
        release = r
      })
      const reading = b.find('alice')
      expect(await eventually(() => answered)).toBe(true)
      await a.destroy('alice')
      expect(await eventually(() => notified)).toBe(true)
      // b's listener got the same message; a moment for it to be handled (b is correct either way:
      // handled later, the notification evicts the key; this only makes a missed race visible)
      await new Promise((r) => setTimeout(r, 50))
      gate = undefined
      release()
      expect(await reading).toBeDefined() // read before the erasure: that key, this once
      expect(await eventually(async () => (await b.find('alice')) === undefined)).toBe(true)
    } finally {
      for (const k of open.splice(0)) await k.close()
      await heard.end()
      await pool.end()
    }
  })

  it('a listener killed by the server serves no stale key, and comes back', async () => {
    const schema = fresh()
    const applicationName = appName()
    const a = keep(await PostgresKeyStore.make(url, { schema, cacheMs: LONG }))
    const b = keep(await PostgresKeyStore.make(url, { schema, cacheMs: LONG, applicationName }))
    await a.obtain('carol')
    await a.obtain('dave')
    expect(await b.find('carol')).toBeDefined()
    expect(b.listening()).toBe(true)

    const killed = await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
      [`${applicationName}-listen`],
    )
    expect(killed.rowCount).toBe(1)
    expect(await eventually(() => !b.listening())).toBe(true)
    // erased while b cannot hear it: b must not answer from its cache
    await a.destroy('carol')
    expect(await b.find('carol')).toBeUndefined()

    // back: listening again, and caching again
    expect(await eventually(() => b.listening())).toBe(true)
    expect(await backends(`${applicationName}-listen`)).toBe(1)
    expect(await b.find('dave')).toBeDefined()
    await eraseSilently(schema, 'dave')
    expect(await b.find('dave')).toBeDefined()
    // and hearing erasures again
    await a.destroy('dave')
    expect(await eventually(async () => (await b.find('dave')) === undefined)).toBe(true)
  })

  it('with cacheMs: 0 there is no listener and nothing cached', async () => {
    const schema = fresh()
    const applicationName = appName()
    const a = keep(await PostgresKeyStore.make(url, { schema, cacheMs: 0, applicationName }))
    expect(a.listening()).toBe(false)
    expect(await backends(`${applicationName}-listen`)).toBe(0)
    await a.obtain('erin')
    await eraseSilently(schema, 'erin')
    expect(await a.find('erin')).toBeUndefined()
  })

  it('close ends the listener and the pool, and leaves no timer or socket behind', async () => {
    const schema = fresh()
    const applicationName = appName()
    const count = (): Record<string, number> => {
      const n: Record<string, number> = {}
      for (const r of process.getActiveResourcesInfo()) n[r] = (n[r] ?? 0) + 1
      return n
    }
    await admin.query('SELECT 1')
    const before = count()
    const k = await PostgresKeyStore.make(url, { schema, cacheMs: LONG, applicationName })
    await k.obtain('frank')
    expect(await backends(`${applicationName}-listen`)).toBe(1)
    expect(await backends(applicationName)).toBeGreaterThan(0)
    await k.close()
    expect(k.listening()).toBe(false)
    expect(
      await eventually(
        async () => (await backends(applicationName)) + (await backends(`${applicationName}-listen`)) === 0,
      ),
    ).toBe(true)
    // a socket's handle goes when its close event has run, a moment after the server sees it go
    const settled = (): boolean =>
      ['TCPSocketWrap', 'Timeout'].every((resource) => (count()[resource] ?? 0) <= (before[resource] ?? 0))
    expect(await eventually(settled, 5_000), JSON.stringify({ before, after: count() })).toBe(true)
  })

  it('close while the listener is reconnecting ends it too', async () => {
    const schema = fresh()
    const applicationName = appName()
    const k = await PostgresKeyStore.make(url, { schema, cacheMs: LONG, applicationName })
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
      `${applicationName}-listen`,
    ])
    expect(await eventually(() => !k.listening())).toBe(true)
    await k.close()
    // no reconnection after close
    await new Promise((r) => setTimeout(r, 1_500))
    expect(await backends(`${applicationName}-listen`)).toBe(0)
  })
})
