import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Hash from './hash.js'

// The digest as first written: `hash128Exact`, the loop without truncation (exact doubles),
// pinned by the known values below. The streamed form keeps its lanes as 32-bit integers; the
// digests must not change.
const reference = Hash.hash128Exact

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
