/** @docket/core/testing — helpers for testing code built on Docket. */
export * as History from './History.js'
