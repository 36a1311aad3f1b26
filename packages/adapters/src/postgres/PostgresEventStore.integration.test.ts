import type { EventStore } from '@docket/core'
import { eventStoreContract, Services } from '@docket/core/testing'
import pg from 'pg'
import { afterAll, describe } from 'vitest'
import * as PostgresEventStore from './PostgresEventStore.js'

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
