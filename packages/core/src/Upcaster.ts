/**
 * Upcasters let stored history be read after the interchange format evolves.
 * Each upcaster turns the raw JSON of one event type at one `meta.schemaVersion`
 * into the raw JSON of the next version; `upcast` applies them in a chain
 * before decoding, so the codecs only ever see the current version.
 */

// model

/** Raw, not yet decoded JSON of an event. */
export type RawEvent = Readonly<Record<string, unknown>>

/** Turns version `from` of an event type into version `from + 1`. */
export interface Upcaster {
  readonly type: string
  readonly from: number
  readonly up: (raw: RawEvent) => RawEvent
}

/** Upcasters keyed by `type@version`. */
export type Registry = ReadonlyMap<string, Upcaster>

/** The schema version the library writes. */
export const CURRENT_SCHEMA_VERSION = 1

// constructors

/** A registry from a list of upcasters; two for the same type and version are a bug. */
export const registry = (upcasters: ReadonlyArray<Upcaster>): Registry => {
  const map = new Map<string, Upcaster>()
  for (const u of upcasters) {
    const key = `${u.type}@${u.from}`
    if (map.has(key)) throw new Error(`two upcasters for ${key}`)
    map.set(key, u)
  }
  return map
}

/** The empty registry. */
export const empty: Registry = new Map()

// operations

const versionOf = (raw: RawEvent): number => {
  const meta = raw.meta
  if (typeof meta === 'object' && meta !== null) {
    const v = (meta as Record<string, unknown>).schemaVersion
    if (typeof v === 'number') return v
  }
  return 1
}

/** Applies every upcaster in the chain from the event's `meta.schemaVersion` on. */
export const upcast = (reg: Registry, raw: RawEvent): RawEvent => {
  if (reg.size === 0) return raw
  let current = raw
  for (let guard = 0; guard < 1000; guard++) {
    const type = typeof current.type === 'string' ? current.type : ''
    const next = reg.get(`${type}@${versionOf(current)}`)
    if (next === undefined) return current
    const up = next.up(current)
    const meta = (typeof up.meta === 'object' && up.meta !== null ? up.meta : {}) as Record<string, unknown>
    current = { ...up, meta: { ...meta, schemaVersion: next.from + 1 } }
  }
  throw new Error('upcaster chain does not terminate')
}
