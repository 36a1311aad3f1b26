import type { EventStore } from '@docket/core'
import { ok, Services, testEvent, until } from '@docket/core/testing'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { channelOf } from '../internal/sqlContext.js'
import * as PostgresEventStore from './PostgresEventStore.js'

// Two schemas whose names share their first 56 characters: `docket_<name>` is 64 bytes, one more
// than PostgreSQL keeps of an identifier, so truncated they would be one NOTIFY channel.

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the NOTIFY channels of long schema names',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

const shared = `docket_channel_${process.pid}_`.padEnd(56, 'x')

describe('channelOf', () => {
  it('keeps docket_<schema> when it fits, else a unique name of at most 63 bytes', () => {
    expect(channelOf('docket')).toBe('docket_docket')
    expect(channelOf('a'.repeat(56))).toBe(`docket_${'a'.repeat(56)}`)
    const long = [`${shared}a`, `${shared}b`, `${shared}ab`, 'z'.repeat(63)].map(channelOf)
    expect(new Set(long).size).toBe(4)
    for (const c of long) {
      expect(Buffer.byteLength(c)).toBeLessThanOrEqual(63)
      expect(c).toMatch(/^docketh_[a-z0-9_]+$/)
    }
  })
})

describe.skipIf(!run)('PostgreSQL NOTIFY channels of long schema names', () => {
  const names = [`${shared}a`, `${shared}b`]
  const admin = new pg.Pool({ connectionString: url, max: 2 })
  const stores: EventStore.EventStore[] = []
  afterAll(async () => {
    for (const s of stores) await s.close()
    for (const schema of names) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await admin.end()
  })

  /** The store on `schema`, subscribed and listening, with the channel its LISTEN connection named. */
  const listening = async (schema: string, i: number) => {
    const applicationName = `docket-channel-${process.pid}-${i}`
    // polls once a minute: a live event seen sooner came by NOTIFY
    const store = await PostgresEventStore.make(url, { schema, applicationName, pollMs: 60_000, max: 2 })
    stores.push(store)
    const controller = new AbortController()
    const seen: EventStore.StoredEvent[] = []
    const following = (async () => {
      for await (const e of store.subscribe({ signal: controller.signal })) seen.push(e)
    })()
    let channel: string | undefined
    for (let waited = 0; channel === undefined && waited < 10_000; waited += 50) {
      const r = await admin.query<{ query: string }>(
        `SELECT query FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN %'`,
        [applicationName],
      )
      channel = /^LISTEN "(.*)"$/.exec(r.rows[0]?.query ?? '')?.[1]
      if (channel === undefined) await new Promise((r) => setTimeout(r, 50))
    }
    if (channel === undefined) throw new Error(`the store on ${schema} never listened`)
    const stop = async (): Promise<void> => {
      controller.abort()
      await following
    }
    return { store, seen, channel, stop }
  }

  it('gives each schema its own channel: a subscriber is woken by its own appends only', async () => {
    const a = await listening(names[0]!, 0)
    const b = await listening(names[1]!, 1)
    expect(Buffer.byteLength(a.channel)).toBeLessThanOrEqual(63)
    expect(a.channel).not.toBe(b.channel)

    // a client of its own on A's channel, as the server names it
    const spy = new pg.Client({ connectionString: url })
    await spy.connect()
    const heard: string[] = []
    spy.on('notification', (m) => heard.push(m.payload ?? ''))
    await spy.query(`LISTEN "${a.channel}"`)
    try {
      await ok(b.store.append('c-b', [testEvent('c-b', 0)], 'no_stream'))
      await until(() => b.seen.length === 1)
      expect(b.seen.length).toBe(1)
      await new Promise((r) => setTimeout(r, 300))
      expect(heard).toEqual([])

      await ok(a.store.append('c-a', [testEvent('c-a', 0)], 'no_stream'))
      await until(() => a.seen.length === 1 && heard.length === 1)
      expect(a.seen.map((e) => e.event.caseId)).toEqual(['c-a'])
      expect(heard.length).toBe(1)
    } finally {
      await spy.end()
      await a.stop()
      await b.stop()
    }
  })
})
