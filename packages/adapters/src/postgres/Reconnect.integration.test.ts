/**
 * The server drops every connection of the store (as in a restart): the next
 * operations reconnect by themselves, and a live subscription resumes (its
 * LISTEN connection is re-established; polling covers the gap) without
 * skipping or repeating an event.
 */
import { ok, run as runTE, Services, testEvent, until } from '@docket/core/testing'
import type { EventStore } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import * as PostgresEventStore from './PostgresEventStore.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the PostgreSQL reconnection test',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

describe.skipIf(!run)('PostgreSQL connections dropped by the server', () => {
  const schema = `docket_reconnect_${process.pid}`
  const applicationName = `docket-reconnect-${process.pid}`
  const admin = new pg.Pool({ connectionString: url, max: 1 })
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await admin.end()
  })

  it('reconnects on the next operation and the subscription goes on', async () => {
    const store = await PostgresEventStore.make(url, { schema, applicationName, pollMs: 200 })
    const controller = new AbortController()
    const seen: EventStore.StoredEvent[] = []
    const following = (async () => {
      for await (const e of store.subscribe({ signal: controller.signal })) seen.push(e)
    })()
    await ok(store.append('c1', [testEvent('c1', 0)], 'no_stream'))
    await until(() => seen.length === 1)

    const killed = await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    )
    expect(killed.rowCount).toBeGreaterThan(0)

    let appended = false
    for (let attempt = 0; attempt < 5 && !appended; attempt++) {
      const r = await runTE(store.append('c1', [testEvent('c1', 1)], 0))
      if (E.isRight(r)) appended = true
      else expect(r.left._tag).toBe('StoreUnavailable')
    }
    expect(appended).toBe(true)
    await ok(store.append('c1', [testEvent('c1', 2)], 1))
    await until(() => seen.length === 3)
    controller.abort()
    await following
    expect(seen.map((e) => e.revision)).toEqual([0, 1, 2])
    await store.close()
  })
})
