import * as E from 'fp-ts/lib/Either.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Timestamp from './Timestamp.js'

const pad = (n: number, w = 2): string => String(n).padStart(w, '0')
const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
const daysIn = (y: number, m: number): number =>
  [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!

/** Offsets in minutes as written: ±hh:mm with hh ≤ 18. */
const offset = fc.integer({ min: -18 * 60, max: 18 * 60 })

/** A canonical timestamp (the form `format` writes), built from valid calendar fields, years 0000–9999. */
const fields = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    ms: fc.integer({ min: 0, max: 999 }),
    offset,
  })
  .map((f) => ({ ...f, day: Math.min(f.day, daysIn(f.year, f.month)) }))

const write = (f: {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  ms: number
  offset: number
}): string => {
  const zone =
    f.offset === 0
      ? 'Z'
      : `${f.offset < 0 ? '-' : '+'}${pad(Math.trunc(Math.abs(f.offset) / 60))}:${pad(Math.abs(f.offset) % 60)}`
  return `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}T${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}.${pad(f.ms, 3)}${zone}`
}

/** Instants whose local date stays within years 0001–9998 whatever the offset. */
const YEAR_1 = new Date(0).setUTCFullYear(1, 0, 2)
const instant = fc.integer({ min: YEAR_1, max: Date.UTC(9998, 11, 31) })

describe('Timestamp.format / parse', () => {
  it('round trip: format then parse gives back the instant and the offset', () => {
    fc.assert(
      fc.property(instant, offset, (ms, off) => {
        const p = Timestamp.parse(Timestamp.format(ms, off))
        expect(p).toEqual({ epochMs: ms, offsetMinutes: off })
      }),
    )
  })

  it('round trip: parse then format gives back the same text, for every valid calendar date (years 0–9999)', () => {
    fc.assert(
      fc.property(fields, (f) => {
        const s = write(f)
        const p = Timestamp.parse(s)
        expect(p).toBeDefined()
        expect(Timestamp.format(p!.epochMs, p!.offsetMinutes)).toBe(s)
      }),
    )
  })

  it('parses the instant the calendar fields and offset name (years ≥ 100, where Date.UTC is exact)', () => {
    fc.assert(
      fc.property(
        fields.filter((f) => f.year >= 100),
        (f) => {
          const expected =
            Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second, f.ms) - f.offset * 60_000
          expect(Timestamp.toMillis(write(f))).toBe(expected)
          expect(Timestamp.offsetOf(write(f))).toBe(f.offset)
        },
      ),
    )
  })

  it('rejects any timestamp without an offset', () => {
    fc.assert(
      fc.property(fields, (f) => {
        const local = write(f).replace(/(Z|[+-]\d{2}:\d{2})$/, '')
        expect(Timestamp.parse(local)).toBeUndefined()
        expect(E.isLeft(Timestamp.decode(local))).toBe(true)
      }),
    )
  })

  it('rejects dates and times that do not exist', () => {
    for (const s of [
      '2021-02-29T00:00:00Z',
      '2100-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2021-04-31T00:00:00Z',
      '2021-13-01T00:00:00Z',
      '2021-00-10T00:00:00Z',
      '2021-01-00T00:00:00Z',
      '2021-01-01T24:00:00Z',
      '2021-01-01T23:60:00Z',
      '2021-01-01T23:59:60Z',
      '2021-01-01T00:00:00+19:00',
      '2021-01-01T00:00:00+05:60',
      '2021-01-01',
      '2021-01-01 00:00:00Z',
      '2021-01-01T00:00:00.Z',
      'yesterday',
      '',
    ]) {
      expect(Timestamp.parse(s), s).toBeUndefined()
    }
  })

  it('accepts leap days of leap years, including year 0000 and 2000', () => {
    for (const s of ['2000-02-29T12:00:00Z', '2024-02-29T00:00:00-08:00', '0000-02-29T10:00:00Z']) {
      const p = Timestamp.parse(s)
      expect(p, s).toBeDefined()
      expect(Timestamp.format(p!.epochMs, p!.offsetMinutes)).toBe(s.replace(/:00(Z|[+-])/, ':00.000$1'))
    }
  })

  it('reads fractions to the millisecond exactly and truncates finer digits', () => {
    expect(Timestamp.toMillis('1970-01-01T00:00:00.285Z')).toBe(285)
    expect(Timestamp.toMillis('1970-01-01T00:00:00.5Z')).toBe(500)
    expect(Timestamp.toMillis('1970-01-01T00:00:00.123456789Z')).toBe(123)
    expect(Timestamp.toMillis('1970-01-01T00:00Z')).toBe(0)
  })

  it('accepts the offset forms ±hh:mm, ±hhmm, Z and z; the instant ignores how it is written', () => {
    const a = Timestamp.toMillis('2020-01-28T09:14:00-08:00')
    expect(Timestamp.toMillis('2020-01-28T09:14:00-0800')).toBe(a)
    expect(Timestamp.toMillis('2020-01-28T17:14:00Z')).toBe(a)
    expect(Timestamp.toMillis('2020-01-28T17:14:00z')).toBe(a)
    expect(Timestamp.offsetOf('2020-01-28T09:14:00-08:00')).toBe(-480)
  })

  it('the codec refuses non-strings and names what it expected', () => {
    expect(Timestamp.IsoTimestamp.is(12)).toBe(false)
    expect(Timestamp.decode(null)).toEqual(
      E.left('an ISO-8601 timestamp with offset, such as 2020-01-28T09:14:00-08:00'),
    )
    expect(() => Timestamp.toMillis('2021-02-29T00:00Z')).toThrow(/not an ISO-8601/)
  })

  it('the fast path agrees with the pattern on any one-character change of a timestamp (valid or not)', () => {
    // the reference: the documented pattern and field checks, written independently of the fast path
    const PATTERN =
      /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}:?\d{2})$/
    const reference = (x: string): number | undefined => {
      const m = PATTERN.exec(x)
      if (m === null) return undefined
      const [y, mo, d, h, mi] = [+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!]
      const sec = m[6] === undefined ? 0 : +m[6]
      if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || sec > 59) return undefined
      const z = m[8]!
      const digits = z.slice(1).replace(':', '')
      const off =
        z === 'Z' || z === 'z'
          ? 0
          : (z[0] === '-' ? -1 : 1) * (+digits.slice(0, 2) * 60 + +digits.slice(2, 4))
      if (z.length > 1 && (+digits.slice(0, 2) > 18 || +digits.slice(2, 4) > 59)) return undefined
      if (y < 100) return Timestamp.parse(x)?.epochMs // years 0–99: Date.UTC differs, the slow path is tested above
      const ms = m[7] === undefined ? 0 : +`${m[7]}00`.slice(0, 3)
      return Date.UTC(y, mo - 1, d, h, mi, sec, ms) - off * 60_000
    }
    const variants = fc.tuple(
      fields,
      fc.nat(),
      fc.constantFrom('0', '9', '3', ':', '-', '+', 'Z', '.', 'x', '', '12', '0000'),
      fc.integer({ min: 0, max: 4 }),
    )
    fc.assert(
      fc.property(variants, ([f, at, ch, style]) => {
        let x = write(f)
        if (style === 1) x = x.replace(/\.\d{3}/, '') // no fraction
        if (style === 2) x = x.replace(/(\.\d{3})/, '$1456789') // nine digits
        if (style === 3) x = x.replace(/([+-]\d{2}):(\d{2})$/, '$1$2') // ±hhmm
        const i = at % (x.length + 1)
        const y = style === 4 ? x : x.slice(0, i) + ch + x.slice(i + 1)
        expect(Timestamp.parse(y)?.epochMs).toBe(reference(y))
        expect(Timestamp.isValid(y)).toBe(reference(y) !== undefined)
      }),
      { numRuns: 3000 },
    )
  })

  it('the fast formatter writes what Date writes, for every instant from 1970 to year 9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => {
        expect(Timestamp.format(ms)).toBe(new Date(ms).toISOString())
      }),
      { numRuns: 5000 },
    )
    for (const ms of [0, 951_782_400_000, 1_709_164_800_000, 253_402_300_799_999, 4_107_542_400_000]) {
      expect(Timestamp.format(ms)).toBe(new Date(ms).toISOString())
    }
  })

  it('writes each local time and offset anew, in any order (many more pairs than cache slots)', () => {
    const offsets = [0, 60, -60, 330, -300, 345, -210, 1080]
    const pairs: Array<readonly [number, number]> = []
    for (let k = 0; k < 400; k++)
      for (const off of offsets) pairs.push([1_750_000_000_000 + k * 86_400_000, off])
    for (const order of [pairs, [...pairs].reverse(), pairs.filter((_, i) => i % 3 === 0)]) {
      for (const [t, off] of order) {
        const text = Timestamp.format(t - off * 60_000, off)
        expect(text.slice(0, 23)).toBe(new Date(t).toISOString().slice(0, 23))
        expect(Timestamp.offsetOf(text)).toBe(off)
      }
    }
  })

  it('writes each instant and offset anew, whatever it wrote before (its cache of written instants)', () => {
    // Few distinct local times and offsets, so that a local time comes back at other offsets.
    const local = fc.oneof(
      fc.integer({ min: 0, max: 7 }).map((k) => 1_750_000_000_000 + k * 1024),
      fc.integer({ min: 0, max: 7 }).map((k) => 1_750_000_000_000 + k * 4_294_967_296),
      fc.integer({ min: 2_000_000_000, max: 253_402_300_799_999 - 2_000_000_000 }),
    )
    const offset = fc.constantFrom(0, 60, -60, 330, -300, 1024, -1024, 1080)
    fc.assert(
      fc.property(fc.array(fc.tuple(local, offset), { maxLength: 60 }), (calls) => {
        for (const [t, off] of calls) {
          const ms = t - off * 60_000
          const text = Timestamp.format(ms, off)
          expect(text.slice(0, 23)).toBe(new Date(ms + off * 60_000).toISOString().slice(0, 23))
          expect(Timestamp.parse(text)).toEqual({ epochMs: ms, offsetMinutes: off })
        }
      }),
      { numRuns: 500 },
    )
  })

  it('writes a local year outside 0000–9999 in the expanded form Date writes, and reads it back (never year -1 as 0001)', () => {
    // the instant of `0000-01-01T00:00:00+01:00` (input may give it) lies in year -1; a due time may pass 9999
    const beforeYear0 = Timestamp.toMillis('0000-01-01T00:00:00+01:00')
    expect(Timestamp.format(beforeYear0)).toBe('-000001-12-31T23:00:00.000Z')
    const after9999 = Timestamp.toMillis('9999-12-31T23:59:59-18:00')
    expect(Timestamp.format(after9999)).toBe('+010000-01-01T17:59:59.000Z')
    expect(Timestamp.format(after9999, -300)).toBe('+010000-01-01T12:59:59.000-05:00')
    // every instant Date can hold: written as Date writes it (offset 0), and read back with its offset
    const anyInstant = fc.integer({ min: -8.64e15 + 86_400_000, max: 8.64e15 - 86_400_000 })
    fc.assert(
      fc.property(anyInstant, offset, (ms, off) => {
        if (off === 0) expect(Timestamp.format(ms)).toBe(new Date(ms).toISOString())
        const text = Timestamp.format(ms, off)
        expect(Timestamp.toMillis(text)).toBe(ms)
        expect(Timestamp.offsetOf(text)).toBe(off)
      }),
      { numRuns: 3000 },
    )
    // input keeps four-digit years: the expanded form is what Docket writes, not what it reads from a file
    expect(Timestamp.isValid('+010000-01-01T00:00:00Z')).toBe(false)
    expect(Timestamp.parse('-000001-12-31T23:00:00Z')).toBeUndefined()
    expect(() => Timestamp.toMillis('-000000-01-01T00:00:00Z')).toThrow()
  })
})
