import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Hash from './hash.js'

// The digest as first written: lanes added without truncation (exact doubles), truncated only
// where they are read. `hash128` keeps its lanes as 32-bit integers; the digests must not change.
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
const hex8 = (h: number): string => h.toString(16).padStart(8, '0')
const reference = (s: string): string => {
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

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ minLength: 200, maxLength: 2000 }),
)

describe('hash128', () => {
  it('keeps the digests of the first version (known values)', () => {
    expect(Hash.hash128('')).toBe('c844f2b936dd7f57f6796f04b5eb1a3f')
    expect(Hash.hash128('abc')).toBe('235a4171e6f91030db7aa04d2fe9ecb9')
    expect(Hash.hash128('["c1","reach","",1,"x"]')).toBe('b680d55b81d1995e39d744fe919859b4')
    // past the length where the lanes are kept as 32-bit integers
    expect(Hash.hash128('x'.repeat(1 << 20))).toBe('32992b7bb8120bbd9ca98745a6211a0b')
  })

  it('equals the untruncated reference for any text', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(Hash.hash128(s)).toBe(reference(s))
      }),
      { numRuns: 1000 },
    )
  })

  it('streamed pieces hash as their concatenation', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 6 }), (pieces) => {
        Hash.begin()
        for (const [i, p] of pieces.entries()) {
          if (i % 2 === 0) Hash.feed(p)
          else for (let k = 0; k < p.length; k++) Hash.feedCode(p.charCodeAt(k))
        }
        expect(Hash.fedLength()).toBe(pieces.join('').length)
        expect(Hash.end()).toBe(reference(pieces.join('')))
      }),
      { numRuns: 500 },
    )
  })

  it('feedJson hashes a quoted string, and refuses one JSON would escape', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        Hash.begin()
        Hash.feed(a)
        const ok = Hash.feedJson(b)
        expect(ok).toBe(JSON.stringify(b) === `"${b}"` && !/[\ud800-\udfff]/.test(b))
        if (ok) expect(Hash.end()).toBe(reference(`${a}"${b}"`))
      }),
      { numRuns: 1000 },
    )
  })

  it('feedJson in one pass feeds what the old scan-then-feed did, and nothing when it refuses', () => {
    // The old two passes: a scan for a character JSON escapes, then the quoted string fed.
    const twoPass = (s: string): boolean => {
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i)
        if (c < 0x20 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return false
      }
      Hash.feedCode(34)
      Hash.feed(s)
      Hash.feedCode(34)
      return true
    }
    const unit = fc.oneof(
      fc.constantFrom(
        '"',
        '\\',
        '\u0000',
        '\u001f',
        '\u007f',
        '\ud800',
        '\udbff',
        '\udc00',
        '\udfff',
        '\u2028',
      ),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
    )
    const tricky = fc.oneof(fc.string({ unit, maxLength: 40 }), text)
    fc.assert(
      fc.property(text, fc.array(tricky, { maxLength: 4 }), text, (head, pieces, tail) => {
        const run = (json: (s: string) => boolean): readonly [string, number, ReadonlyArray<boolean>] => {
          Hash.begin()
          Hash.feed(head)
          const fed = pieces.map(json)
          Hash.feed(tail)
          return [Hash.end(), Hash.fedLength(), fed]
        }
        expect(run(Hash.feedJson)).toEqual(run(twoPass))
      }),
      { numRuns: 2000 },
    )
  })
})
