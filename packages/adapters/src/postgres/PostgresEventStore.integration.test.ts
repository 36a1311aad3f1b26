import { type EventStore, PersonalData } from '@docket/core'
import { ok, Services, take, testEvent } from '@docket/core/testing'
import { eventStoreContract } from '@docket/core/testing/contract'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import * as PostgresEventStore from './PostgresEventStore.js'
import {
  dropSchema,
  expectRareReportsRead,
  expectTypeIndexPlan,
  planNodes,
  rareReports,
} from '../internal/pgTest.js'
import { readAllQuery } from '../internal/pgStream.js'
import { pageQuery } from '../internal/sql.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the PostgreSQL EventStore conformance suite',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

describe.skipIf(!run)('PostgreSQL', () => {
  const admin = new pg.Pool({ connectionString: url, max: 2 })
  const schemas = new Map<EventStore.EventStore, string>()
  let n = 0
  afterAll(() => admin.end())

  eventStoreContract(
    'PostgreSQL',
    async () => {
      const schema = `docket_contract_${process.pid}_${++n}`
      const store = await PostgresEventStore.make(url, {
        schema,
        pollMs: 200,
        max: 6,
        pageSize: 128,
        streamBatch: 100,
      })
      schemas.set(store, schema)
      return store
    },
    {
      dispose: async (store) => {
        await store.close()
        await admin.query(`DROP SCHEMA IF EXISTS "${schemas.get(store)}" CASCADE`)
      },
    },
  )
})

describe.skipIf(!run)('PostgreSQL streamed reads stopped early', () => {
  it('leave every pooled connection usable', async () => {
    const schema = `docket_early_${process.pid}`
    const store = await PostgresEventStore.make(url, { schema, max: 2, streamBatch: 7 })
    try {
      await ok(
        store.append(
          'c',
          Array.from({ length: 200 }, (_, i) => testEvent('c', i)),
          'no_stream',
        ),
      )
      for (let i = 0; i < 25; i++) {
        expect((await take(store.readAll(), 1 + ((i * 5) % 30))).length).toBe(1 + ((i * 5) % 30))
        // a connection left mid-protocol would make this append wait for ever
        await ok(store.append(`after-${i}`, [testEvent(`after-${i}`, i)], 'no_stream'))
      }
    } finally {
      await store.close()
      await dropSchema(url, schema)
    }
  })
})

describe.skipIf(!run)('PostgreSQL ?schema= in the URL', () => {
  it('opens the schema the URL names, as docket store URLs do, and refuses a second name', async () => {
    const schema = `docket_urlschema_${process.pid}`
    const withSchema = new URL(url)
    withSchema.searchParams.set('schema', schema)
    try {
      const store = await PostgresEventStore.make(withSchema.toString(), { max: 2 })
      await ok(store.append('c', [testEvent('c', 0)], 'no_stream'))
      await store.close()
      const again = await PostgresEventStore.make(url, { schema, max: 2 })
      expect((await ok(again.readStream('c'))).length).toBe(1)
      await again.close()
      await expect(
        PostgresEventStore.make(withSchema.toString(), { schema: 'docket_other' }),
      ).rejects.toThrow(/names schema "docket_urlschema_\d+" and the schema option "docket_other"/)
      expect(await PostgresEventStore.migrate(withSchema.toString())).toEqual([])
    } finally {
      await dropSchema(url, schema)
    }
  })
})

describe.skipIf(!run)('PostgreSQL reads by type', () => {
  const admin = new pg.Pool({ connectionString: url, max: 1 })
  const schema = `docket_types_${process.pid}`
  afterAll(async () => {
    await dropSchema(url, schema)
    await admin.end()
  })

  it('reads rare types on the (type, position) index, never the whole log: the streamed readAll, the pages, Erasure.erase', async () => {
    const store = await PostgresEventStore.make(url, { schema })
    try {
      await rareReports(store, 1000)
      await admin.query(`ANALYZE "${schema}".events`)
      const table = `"${schema}".events`
      const streamed = readAllQuery(table, { types: PersonalData.TYPES })
      const paged = pageQuery(table, '0', 128, PersonalData.TYPES, undefined)
      for (const [text, values] of [
        [streamed.text, streamed.values],
        [paged.text, paged.params],
      ] as const) {
        const explained = await admin.query(`EXPLAIN (FORMAT JSON) ${text}`, [...values])
        expectTypeIndexPlan(planNodes(explained.rows[0]['QUERY PLAN']))
      }
      await expectRareReportsRead(store, 1000)
    } finally {
      await store.close()
    }
  })
})

describe.skipIf(!run)('PostgreSQL stores opening one new schema at once', () => {
  it('migrate it once (the advisory lock), and each appends', async () => {
    const schema = `docket_opening_${process.pid}`
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    try {
      for (let round = 0; round < 3; round++) {
        await dropSchema(url, schema)
        // each store its own pool: separate sessions, as separate processes
        const stores = await Promise.all(
          Array.from({ length: 6 }, () => PostgresEventStore.make(url, { schema, max: 1 })),
        )
        try {
          await Promise.all(stores.map((s, i) => ok(s.append(`c${i}`, [testEvent(`c${i}`, i)], 'no_stream'))))
          const applied = await admin.query<{ version: number }>(
            `SELECT version FROM "${schema}".schema_migrations ORDER BY version`,
          )
          expect(applied.rows.map((r) => r.version)).toEqual(
            Array.from({ length: applied.rows.at(-1)!.version }, (_, i) => i + 1),
          )
          expect((await admin.query(`SELECT 1 FROM "${schema}".events`)).rowCount).toBe(6)
        } finally {
          for (const s of stores) await s.close()
        }
      }
    } finally {
      await admin.end()
      await dropSchema(url, schema)
    }
  })
})
