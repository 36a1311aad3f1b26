/**
 * @docket/adapters/postgres — the event store on PostgreSQL (peer dependency `pg`), and the
 * data subjects' key store for personal-data encryption and erasure, with the check of a master key
 * against its keys and its rotation.
 */
export * as PostgresEventStore from './PostgresEventStore.js'
export * as PostgresKeyStore from './PostgresKeyStore.js'
export * as MasterKey from './MasterKey.js'
export * as MasterKeyRotation from './MasterKeyRotation.js'
