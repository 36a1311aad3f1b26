/**
 * A small, pure, deterministic 128-bit string hash (four 32-bit lanes with
 * murmur3's finaliser). It names derived things (escalation ids) so that the
 * same inputs give the same id on every run and on every platform. It is not
 * cryptographic: integrity lives in `Integrity`, not here.
 */

const fmix = (h0: number): number => {
  let h = h0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r))

/**
 * Below this many characters the lanes are kept as 32-bit integers. The reference loop
 * (`hash128Exact`) adds without truncating, so a lane grows by at most 2^33 a character; every
 * use of a lane truncates it to 32 bits, and the sums stay exact doubles below 2^53, so reducing
 * after each addition gives the same digest while the lanes stay small integers.
 */
const EXACT_BELOW = 1 << 20

/** The 128-bit hash of `s` as 32 lowercase hex digits. */
export const hash128 = (s: string): string => {
  if (s.length >= EXACT_BELOW) return hash128Exact(s)
  begin()
  feed(s)
  return end()
}

/**
 * The reference loop (lanes added without truncation, exact doubles, truncated only where they
 * are read), for inputs long enough that the lanes' doubles could lose precision; the tests'
 * oracle for the streamed form.
 */
export const hash128Exact = (s: string): string => {
  let h1 = 0x9e3779b9
  let h2 = 0x243f6a88
  let h3 = 0xb7e15162
  let h4 = 0x7f4a7c15
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    h1 = Math.imul(rotl(h1 ^ c, 13), 0xcc9e2d51) + h4
    h2 = Math.imul(rotl(h2 ^ c, 15), 0x1b873593) + h1
    h3 = Math.imul(rotl(h3 ^ c, 17), 0x38b34ae5) + h2
    h4 = Math.imul(rotl(h4 ^ c, 19), 0xa1e38b93) + h3
  }
  return digest(h1, h2, h3, h4, s.length)
}

const digest = (a: number, b: number, c: number, d: number, n: number): string => {
  const h1 = fmix(a ^ n)
  const h2 = fmix(b ^ h1)
  const h3 = fmix(c ^ h2)
  const h4 = fmix(d ^ h3)
  return hex8(fmix(h1 ^ h4)) + hex8(h2) + hex8(h3) + hex8(h4)
}

// The streaming form: `begin`, then `feed`/`feedCode`/`feedJson` pieces, then `end` gives the
// hash of their concatenation without building it. One hash at a time (synchronous callers only).
let l1 = 0
let l2 = 0
let l3 = 0
let l4 = 0
let fed = 0

/** Starts a streamed hash. */
export const begin = (): void => {
  l1 = 0x9e3779b9 | 0
  l2 = 0x243f6a88 | 0
  l3 = 0xb7e15162 | 0
  l4 = 0x7f4a7c15 | 0
  fed = 0
}

/** Feeds one UTF-16 code unit. */
export const feedCode = (c: number): void => {
  l1 = (Math.imul(rotl(l1 ^ c, 13), 0xcc9e2d51) + l4) | 0
  l2 = (Math.imul(rotl(l2 ^ c, 15), 0x1b873593) + l1) | 0
  l3 = (Math.imul(rotl(l3 ^ c, 17), 0x38b34ae5) + l2) | 0
  l4 = (Math.imul(rotl(l4 ^ c, 19), 0xa1e38b93) + l3) | 0
  fed++
}

/** Feeds a string. */
export const feed = (s: string): void => {
  let h1 = l1
  let h2 = l2
  let h3 = l3
  let h4 = l4
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    h1 = (Math.imul(rotl(h1 ^ c, 13), 0xcc9e2d51) + h4) | 0
    h2 = (Math.imul(rotl(h2 ^ c, 15), 0x1b873593) + h1) | 0
    h3 = (Math.imul(rotl(h3 ^ c, 17), 0x38b34ae5) + h2) | 0
    h4 = (Math.imul(rotl(h4 ^ c, 19), 0xa1e38b93) + h3) | 0
  }
  l1 = h1
  l2 = h2
  l3 = h3
  l4 = h4
  fed += s.length
}

/**
 * Feeds `s` as `JSON.stringify(s)` writes it when it has nothing to escape (`"` + s + `"`), and
 * returns true; returns false, having fed nothing, when `s` holds a character `JSON.stringify`
 * would escape (quote, backslash, control, any surrogate): the caller starts again another way.
 * One pass: each character is checked as it is hashed, into locals kept only on success. The
 * quotes are mixed in here too: through `feedCode`, or a loop shared with `feed`, this cost
 * 1.5 times as much (the module's lanes are slower to reach than locals).
 */
export const feedJson = (s: string): boolean => {
  let h1 = (Math.imul(rotl(l1 ^ 34, 13), 0xcc9e2d51) + l4) | 0
  let h2 = (Math.imul(rotl(l2 ^ 34, 15), 0x1b873593) + h1) | 0
  let h3 = (Math.imul(rotl(l3 ^ 34, 17), 0x38b34ae5) + h2) | 0
  let h4 = (Math.imul(rotl(l4 ^ 34, 19), 0xa1e38b93) + h3) | 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x20 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return false
    h1 = (Math.imul(rotl(h1 ^ c, 13), 0xcc9e2d51) + h4) | 0
    h2 = (Math.imul(rotl(h2 ^ c, 15), 0x1b873593) + h1) | 0
    h3 = (Math.imul(rotl(h3 ^ c, 17), 0x38b34ae5) + h2) | 0
    h4 = (Math.imul(rotl(h4 ^ c, 19), 0xa1e38b93) + h3) | 0
  }
  l1 = (Math.imul(rotl(h1 ^ 34, 13), 0xcc9e2d51) + h4) | 0
  l2 = (Math.imul(rotl(h2 ^ 34, 15), 0x1b873593) + l1) | 0
  l3 = (Math.imul(rotl(h3 ^ 34, 17), 0x38b34ae5) + l2) | 0
  l4 = (Math.imul(rotl(h4 ^ 34, 19), 0xa1e38b93) + l3) | 0
  fed += s.length + 2
  return true
}

/** The code units fed since `begin` (a caller checks it stays below {@link EXACT_BELOW}). */
export const fedLength = (): number => fed

/** Whether a streamed hash of this many code units equals `hash128` of their concatenation. */
export const streamable = (length: number): boolean => length < EXACT_BELOW

/** Ends a streamed hash: `hash128` of everything fed since `begin`. */
export const end = (): string => digest(l1, l2, l3, l4, fed)

const HEX: ReadonlyArray<string> = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** An unsigned 32-bit number as 8 lowercase hex digits. */
const hex8 = (h: number): string =>
  HEX[h >>> 24]! + HEX[(h >>> 16) & 255]! + HEX[(h >>> 8) & 255]! + HEX[h & 255]!
