/**
 * Upcasters let stored history be read after the interchange format evolves.
 * Each upcaster turns the raw JSON of one event type at one `meta.schemaVersion`
 * into the raw JSON of the next version; `upcast` applies them in a chain
 * before decoding, so the codecs only ever see the current version.
 *
 * The other direction is refused, never guessed: an event whose `meta.schemaVersion` is newer than
 * any this library knows for its type ({@link newer}) was written by a newer Docket, and reading it
 * with this library's codecs could misread a field that changed meaning. A platform's own types
 * (`x-<vendor>.<Name>`) are exempt: their versions are the platform's, and Docket passes them
 * through without reading their data.
 */
import { isVendorType } from './Event.js'

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

// The newest version of each type a registry leads to, computed once per registry.
const latestByRegistry = new WeakMap<Registry, ReadonlyMap<string, number>>()

/**
 * The newest schema version of `type` this library reads with `reg`: {@link CURRENT_SCHEMA_VERSION},
 * or the version the registry's upcasters of `type` lead to when that is newer.
 */
export const latest = (reg: Registry, type: string): number => {
  let byType = latestByRegistry.get(reg)
  if (byType === undefined) {
    const m = new Map<string, number>()
    for (const u of reg.values()) m.set(u.type, Math.max(m.get(u.type) ?? CURRENT_SCHEMA_VERSION, u.from + 1))
    latestByRegistry.set(reg, m)
    byType = m
  }
  return byType.get(type) ?? CURRENT_SCHEMA_VERSION
}

/** An event written by a newer Docket: its type, the version it states, and the newest this library reads. */
export interface Newer {
  readonly type: string
  readonly version: number
  readonly latest: number
}

/**
 * The version `raw` states when it is newer than {@link latest} for its type (a platform's own type
 * excepted), else `undefined`. A `schemaVersion` that is not a whole number is the codecs' to refuse.
 */
export const newer = (reg: Registry, raw: RawEvent): Newer | undefined => {
  const meta = raw.meta
  if (typeof meta !== 'object' || meta === null) return undefined
  const version = (meta as Record<string, unknown>).schemaVersion
  // the common case, a version this library writes, costs two reads
  if (typeof version !== 'number' || version <= CURRENT_SCHEMA_VERSION || !Number.isSafeInteger(version))
    return undefined
  const type = raw.type
  if (typeof type !== 'string' || isVendorType(type)) return undefined
  const known = latest(reg, type)
  return version > known ? { type, version, latest: known } : undefined
}

/** Why a {@link Newer} event is refused, in words: `written by a newer Docket: schemaVersion 2 of …`. */
export const describeNewer = (n: Newer): string =>
  `written by a newer Docket: schemaVersion ${n.version} of ${n.type}; this library reads up to ${n.latest}; upgrade Docket to read it`

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
