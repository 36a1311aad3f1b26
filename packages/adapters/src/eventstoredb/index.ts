/**
 * @docket/adapters/eventstoredb — the event store on EventStoreDB/KurrentDB
 * (peer dependency `@eventstore/db-client`). Experimental.
 */
export * as EsdbEventStore from './EsdbEventStore.js'
