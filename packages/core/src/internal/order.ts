/** Decorated events: epoch ms read once, and the engine's order. */
import type { DocketEvent } from '../Envelope.js'
import * as Timestamp from '../Timestamp.js'

/** An event with its instants read once (`recorded` when first needed: ties and `knownAt` only). */
export class Entry {
  readonly at: number
  #recorded: number | undefined
  constructor(readonly event: DocketEvent) {
    this.at = Timestamp.toMillis(event.occurredAt)
  }
  /** `recordedAt` in epoch ms (`occurredAt` when absent, as on import). */
  get recorded(): number {
    if (this.#recorded === undefined) {
      const r = this.event.recordedAt
      // Imported events often carry the same string twice: parse it once.
      this.#recorded = r === undefined || r === this.event.occurredAt ? this.at : Timestamp.toMillis(r)
    }
    return this.#recorded
  }
}

/** Reads an event's instants (`recordedAt` defaults to `occurredAt`, as on import). */
export const entry = (event: DocketEvent): Entry => new Entry(event)

/** The engine's order of a case's events: `occurredAt`, then `recordedAt`, then `id`. */
export const compare = (a: Entry, b: Entry): number =>
  a.at - b.at || a.recorded - b.recorded || (a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0)

/**
 * Reads an instant given as ISO-8601 with offset or epoch ms. Throws on a malformed timestamp and
 * on a number that is no instant (`NaN`, as `Date.parse` gives for bad input, or an infinity), which
 * every comparison would read as "not yet" or "always".
 */
export const instant = (t: string | number): number => {
  if (typeof t !== 'number') return Timestamp.toMillis(t)
  if (!Number.isFinite(t))
    throw new Error(`not an instant: ${t} (epoch milliseconds must be a finite number)`)
  return t
}
