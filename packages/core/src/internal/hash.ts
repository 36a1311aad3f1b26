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

/** The 128-bit hash of `s` as 32 lowercase hex digits. */
export const hash128 = (s: string): string => {
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
  const n = s.length
  h1 = fmix(h1 ^ n)
  h2 = fmix(h2 ^ h1)
  h3 = fmix(h3 ^ h2)
  h4 = fmix(h4 ^ h3)
  h1 = fmix(h1 ^ h4)
  return hex8(h1) + hex8(h2) + hex8(h3) + hex8(h4)
}

const HEX: ReadonlyArray<string> = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** An unsigned 32-bit number as 8 lowercase hex digits. */
const hex8 = (h: number): string =>
  HEX[h >>> 24]! + HEX[(h >>> 16) & 255]! + HEX[(h >>> 8) & 255]! + HEX[h & 255]!
