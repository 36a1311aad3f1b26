/**
 * A direct-mapped cache of written instants: per slot, the last (instant, key) written and its
 * text. Reports write the same instants again and again (a due time in its obligation, then in
 * the escalations it raises), so a hit skips the formatting. Not a map: a slot holds one entry,
 * and a later write to it replaces the earlier one.
 */

/** Slots (2^10: the slot is the top 10 bits of a 32-bit hash). */
const SLOTS = 1024

/** A cache of texts by instant and key (see the module header). */
export interface Written<K> {
  /** The slot of an instant, `salt` mixed in (multiplicative hashing: round instants spread out). */
  readonly slot: (ms: number, salt: number) => number
  /** The text written for `ms` and `key` in `slot`, if it is still there. */
  readonly get: (slot: number, ms: number, key: K) => string | undefined
  readonly set: (slot: number, ms: number, key: K, text: string) => void
}

/** An empty cache. */
export const make = <K>(): Written<K> => {
  const instants = new Float64Array(SLOTS).fill(Number.NaN)
  const keys = new Array<K | undefined>(SLOTS).fill(undefined)
  const texts = new Array<string>(SLOTS).fill('')
  return {
    slot: (ms, salt) => Math.imul(ms ^ (ms / 4_294_967_296) ^ salt, 0x9e3779b1) >>> 22,
    get: (slot, ms, key) => (instants[slot] === ms && keys[slot] === key ? texts[slot] : undefined),
    set: (slot, ms, key, text) => {
      instants[slot] = ms
      keys[slot] = key
      texts[slot] = text
    },
  }
}
