/**
 * Where each key's record lies in a file (position and length), in typed
 * arrays: 21 bytes a slot, and between 1.33 and 2.7 slots a key (open
 * addressing, at most three quarters of the slots taken), where a `Map` of
 * strings to objects takes some 120 bytes an entry, so that an archive of millions of cases
 * (`replay/Archive.ts`) stays small in memory. Keys are not stored, only two
 * 32-bit hashes of them: a lookup yields every slot whose hashes match, and
 * the caller tells the right one by the key written in the record itself.
 * Not a general map: no iteration, no key retrieval.
 */

/** A record's place in a file. */
export interface Extent {
  readonly pos: number
  readonly len: number
}

/** The index (see the module header). */
export interface Extents {
  /** The slots whose hashes match `key`'s, with their extents: one of them is `key`'s, if any. */
  readonly candidates: (key: string) => ReadonlyArray<{ readonly slot: number; readonly extent: Extent }>
  /** Adds an extent for `key` (the caller has removed any earlier one). */
  readonly add: (key: string, extent: Extent) => void
  /** Removes a slot returned by `candidates` (before any other change). */
  readonly remove: (slot: number) => void
  readonly size: () => number
}

const EMPTY = 0
const USED = 1
const GONE = 2

/** Two 32-bit hashes of a key. */
export type Hash = (key: string) => readonly [number, number]

/** FNV-1a over UTF-16 code units, and a second hash with another basis and multiplier. */
export const hashes: Hash = (key) => {
  let a = 0x811c9dc5
  let b = 0x9747b28c
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995)
    b ^= b >>> 15
  }
  return [a | 0, b | 0]
}

/** An empty index (`hash` replaceable for tests, to make twins). */
export const make = (initial = 1024, hash: Hash = hashes): Extents => {
  let cap = 1
  while (cap < initial) cap *= 2
  let h1 = new Int32Array(cap)
  let h2 = new Int32Array(cap)
  let pos = new Float64Array(cap)
  // a record is shorter than 4 GiB; a file may be longer
  let len = new Uint32Array(cap)
  let state = new Uint8Array(cap)
  let live = 0
  let taken = 0 // used or gone
  const place = (a: number, b: number, p: number, l: number): void => {
    let i = a & (cap - 1)
    while (state[i] === USED) i = (i + 1) & (cap - 1)
    if (state[i] === EMPTY) taken++
    state[i] = USED
    h1[i] = a
    h2[i] = b
    pos[i] = p
    len[i] = l
    live++
  }
  const rebuild = (size: number): void => {
    const old = { h1, h2, pos, len, state, cap }
    cap = size
    h1 = new Int32Array(cap)
    h2 = new Int32Array(cap)
    pos = new Float64Array(cap)
    len = new Uint32Array(cap)
    state = new Uint8Array(cap)
    live = 0
    taken = 0
    for (let i = 0; i < old.cap; i++)
      if (old.state[i] === USED) place(old.h1[i]!, old.h2[i]!, old.pos[i]!, old.len[i]!)
  }
  return {
    candidates: (key) => {
      const [a, b] = hash(key)
      const out: Array<{ slot: number; extent: Extent }> = []
      let i = a & (cap - 1)
      while (state[i] !== EMPTY) {
        if (state[i] === USED && h1[i] === a && h2[i] === b)
          out.push({ slot: i, extent: { pos: pos[i]!, len: len[i]! } })
        i = (i + 1) & (cap - 1)
      }
      return out
    },
    add: (key, extent) => {
      if (!(extent.len >= 0 && extent.len < 2 ** 32)) throw new Error(`bug: a record of ${extent.len} bytes`)
      // at most 75 % of slots used or gone: then double when half are live, else clear the gone
      if (taken + 1 > cap * 0.75) rebuild(live + 1 > cap * 0.5 ? cap * 2 : cap)
      const [a, b] = hash(key)
      place(a, b, extent.pos, extent.len)
    },
    remove: (slot) => {
      if (state[slot] !== USED) throw new Error(`bug: slot ${slot} is not in use`)
      state[slot] = GONE
      live--
    },
    size: () => live,
  }
}
