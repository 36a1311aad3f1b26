/**
 * @docket/core/testing — helpers for testing code built on Docket, for any test runner (none imports one).
 * The store conformance suite, which registers vitest tests, is `@docket/core/testing/contract`.
 */
export * as History from './History.js'
export * from './StoreFixtures.js'
export * as Services from './Services.js'
export * as DeciderSpec from './DeciderSpec.js'
export * as Scenario from './Scenario.js'
export * as Resume from './Resume.js'
export { testRule } from './Rule.js'
