/** Decorated events: epoch ms read once, and the engine's order. */
import type { DocketEvent } from '../Envelope.js'
import * as Timestamp from '../Timestamp.js'

/** An event with its instants read once. */
export interface Entry {
  readonly event: DocketEvent
  readonly at: number
  readonly recorded: number
}

/** Reads an event's instants (`recordedAt` defaults to `occurredAt`, as on import). */
export const entry = (event: DocketEvent): Entry => {
  const at = Timestamp.toMillis(event.occurredAt)
  const r = event.recordedAt
  // Imported events often carry the same string twice: parse it once.
  return { event, at, recorded: r === undefined || r === event.occurredAt ? at : Timestamp.toMillis(r) }
}

/** The engine's order of a case's events: `occurredAt`, then `recordedAt`, then `id`. */
export const compare = (a: Entry, b: Entry): number =>
  a.at - b.at || a.recorded - b.recorded || (a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0)

/** Reads an instant given as ISO-8601 with offset or epoch ms. */
export const instant = (t: string | number): number => (typeof t === 'number' ? t : Timestamp.toMillis(t))
