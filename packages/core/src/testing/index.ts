/** @docket/core/testing — helpers for testing code built on Docket. */
export * as History from './History.js'
export * from './EventStoreContract.js'
export * as Services from './Services.js'
export * as DeciderSpec from './DeciderSpec.js'
export * as Scenario from './Scenario.js'
export * as Resume from './Resume.js'
export { testRule } from './Rule.js'
