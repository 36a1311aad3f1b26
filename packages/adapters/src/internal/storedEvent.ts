/**
 * The `StoredEvent` the SQL stores return for a row: position, revision, the
 * stored JSON text as `json`, and `event`, parsed from that text when it is
 * first read (an export that writes `json` verbatim never parses). It is not
 * a decoder: the text was validated when it was appended.
 *
 * `event` is an own, enumerable getter, as an object literal's would be (a
 * spread or `Object.keys` sees it), but every instance shares one getter
 * function. An object literal `{ get event() {…} }` per row gives each object
 * its own accessor, hence its own hidden class: reading 300,000 rows built
 * 300,000 hidden classes, and that (allocation in old space and the
 * collections it caused) cost more than parsing the bodies.
 */
import type { EventStore, Recorded } from '@docket/core'

// internal

const EVENT: PropertyDescriptor = {
  get(this: Stored): Recorded {
    return this.parsed()
  },
  enumerable: true,
}

class Stored implements EventStore.StoredEvent {
  declare readonly event: Recorded
  declare readonly revision: number
  declare readonly position: string
  declare readonly json: string
  #parsed: Recorded | undefined

  constructor(revision: number, position: string, json: string) {
    // the same own keys, in the same order, as the object literal it replaces
    Object.defineProperty(this, 'event', EVENT)
    this.revision = revision
    this.position = position
    this.json = json
  }

  parsed(): Recorded {
    if (this.#parsed === undefined) this.#parsed = JSON.parse(this.json) as Recorded
    return this.#parsed
  }
}

// constructors

/** A stored event from a row; `event` is parsed from `json` on first access. */
export const stored = (position: string, revision: number, json: string): EventStore.StoredEvent =>
  new Stored(revision, position, json)
