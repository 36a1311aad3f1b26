import type { EventStore } from '@docket/core'
import { eventStoreContract } from '@docket/core/testing'
import { PGlite } from '@electric-sql/pglite'
import { afterAll } from 'vitest'
import * as PgliteEventStore from './PgliteEventStore.js'

// One embedded database for the file (starting PGlite takes seconds); each store gets its own schema.
const db = await PGlite.create()
const schemas = new Map<EventStore.EventStore, string>()
let n = 0

afterAll(() => db.close())

eventStoreContract(
  'PGlite (memory)',
  async () => {
    const schema = `contract_${++n}`
    const store = await PgliteEventStore.make(db, { schema, pollMs: 200, pageSize: 128 })
    schemas.set(store, schema)
    return store
  },
  {
    dispose: async (store) => {
      await store.close()
      await db.exec(`DROP SCHEMA "${schemas.get(store)}" CASCADE`)
    },
  },
)
