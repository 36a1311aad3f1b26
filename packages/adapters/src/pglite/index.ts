/**
 * @docket/adapters/pglite — the embedded event store on PGlite (peer dependency `@electric-sql/pglite`).
 */
export * as PgliteEventStore from './PgliteEventStore.js'
