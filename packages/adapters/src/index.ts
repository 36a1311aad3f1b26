/**
 * @docket/adapters — opening event stores from URLs, the system clock, the
 * webhook sink with its signatures, and single-owner lock files.
 * Each engine is its own entry point with an optional peer dependency:
 * `@docket/adapters/postgres` (pg), `@docket/adapters/pglite`
 * (@electric-sql/pglite), `@docket/adapters/eventstoredb` (@eventstore/db-client).
 */
export * as LockFile from './LockFile.js'
export * as Store from './Store.js'
export * as StoreUrl from './StoreUrl.js'
export { systemClock } from './SystemClock.js'
export { open as openStore } from './Store.js'
export * as WebhookSignature from './WebhookSignature.js'
export * as WebhookSink from './WebhookSink.js'
