import { randomUUID } from 'node:crypto'
import { Services } from '@docket/core/testing'
import { eventStoreContract } from '@docket/core/testing/contract'
import { describe } from 'vitest'
import * as EsdbEventStore from './EsdbEventStore.js'

// EventStoreDB is never required (not even with DOCKET_REQUIRE_SERVICES=1): it runs when DOCKET_ESDB_URL is set.
const url = Services.esdbUrl()
const run = await Services.requireOrSkip({
  service: 'EventStoreDB/KurrentDB',
  available: url !== undefined,
  what: 'the EventStoreDB EventStore conformance suite (experimental adapter)',
  howToRun: 'start a node (docs/stores.md) and set DOCKET_ESDB_URL=esdb://localhost:2113?tls=false',
  requiredInCi: false,
})

// One server holds every test's events: each fresh store writes under its own namespace.
describe.skipIf(!run)('EventStoreDB', () => {
  eventStoreContract('EventStoreDB (experimental)', () =>
    EsdbEventStore.make(url!, { namespace: `t${randomUUID().replace(/-/g, '').slice(0, 12)}` }),
  )
})
