/** @docket/core/testing/contract — the `EventStore` conformance suite (registers vitest tests: needs `vitest`). */
export { type ContractOptions, eventStoreContract } from '../EventStoreContract.js'
