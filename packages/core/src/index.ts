/**
 * @docket/core — the public API on one page.
 */
export * as Clock from './Clock.js'
export * as DecodeError from './DecodeError.js'
export * as Envelope from './Envelope.js'
export * as Event from './Event.js'
export * as EventStore from './EventStore.js'
export * as Refusal from './Refusal.js'
export * as Timestamp from './Timestamp.js'
export * as Upcaster from './Upcaster.js'
export type { DocketEvent, KnownEvent, Recorded, VendorEvent, EventOf } from './Envelope.js'
export * as ClockRule from './ClockRule.js'
export * as Obligation from './Obligation.js'
export * as Profile from './Profile.js'
