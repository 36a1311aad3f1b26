/**
 * @docket/adapters/postgres — the event store on PostgreSQL (peer dependency `pg`).
 */
export * as PostgresEventStore from './PostgresEventStore.js'
