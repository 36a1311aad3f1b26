/**
 * ISO-8601 timestamps with an explicit offset, the only time format of the
 * interchange format. Events keep the string as written (so exports are
 * byte-identical); clocks read it through a small validated parser into epoch
 * milliseconds, which is far cheaper than luxon on the hot path. Luxon is kept
 * for zone and calendar arithmetic (see `Duration`).
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import * as Written from './internal/written.js'

// model

/** An ISO-8601 timestamp string that carries an offset (`Z` or `±hh:mm`); validated by the codec. */
export type IsoTimestamp = string

/** A parsed timestamp: the instant and the offset it was written with. */
export interface Parsed {
  readonly epochMs: number
  readonly offsetMinutes: number
}

// operations

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}:?\d{2})$/

/**
 * The same with the year in ISO-8601's expanded form, a sign and six digits (`+010000`, `-000001`),
 * as {@link format} writes a year outside 0000–9999 (a due time past 9999, a local time before
 * year 0). Input keeps four-digit years: only what Docket wrote itself is read this way.
 */
const EXPANDED =
  /^([+-]\d{6})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}:?\d{2})$/

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0

/** The general parser (any form the pattern accepts); `parse` tries the fast path first. */
const parseSlow = (s: string, expanded = false): Parsed | undefined => {
  const m = PATTERN.exec(s) ?? (expanded ? EXPANDED.exec(s) : null)
  if (m === null || m[1] === '-000000') return undefined
  const year = +m[1]!
  const month = +m[2]!
  const day = +m[3]!
  const hour = +m[4]!
  const minute = +m[5]!
  const second = m[6] === undefined ? 0 : +m[6]
  // Milliseconds: the first three fraction digits, finer ones truncated.
  const fraction = m[7] === undefined ? 0 : +`${m[7]}00`.slice(0, 3)
  if (month < 1 || month > 12 || day < 1) return undefined
  const maxDay = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!
  if (day > maxDay || hour > 23 || minute > 59 || second > 59) return undefined
  const zone = m[8]!
  let offsetMinutes = 0
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    const oh = +digits.slice(0, 2)
    const om = +digits.slice(2, 4)
    if (oh > 18 || om > 59) return undefined
    offsetMinutes = sign * (oh * 60 + om)
  }
  let epochLocal = Date.UTC(year, month - 1, day, hour, minute, second, fraction)
  if (year < 100) {
    // Date.UTC maps years 0–99 onto 1900–1999 (and 1900 is no leap year, unlike year 0): set the fields again.
    // (An expanded year below 0 takes this way too; `isLeap` holds for them: -4 is a leap year.)
    const d = new Date(0)
    d.setUTCFullYear(year, month - 1, day)
    d.setUTCHours(hour, minute, second, fraction)
    epochLocal = d.getTime()
  }
  const epochMs = epochLocal - offsetMinutes * 60_000
  return Number.isFinite(epochMs) ? { epochMs, offsetMinutes } : undefined
}

// The hot path (replays parse every timestamp many times): a character-code reader of the
// usual form `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM|±HHMM)`, with the same checks as the pattern.
// It returns NaN for anything else (seconds omitted, years before 100, invalid fields), which
// then goes through `parseSlow`: one definition of what is valid. Costs a few percent of the
// regular expression and allocates nothing; `fastOffset` carries the offset out.
let fastOffset = 0

const fastMillis = (s: string): number => {
  const len = s.length
  if (
    len < 20 ||
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 84 ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58
  )
    return Number.NaN
  // Digit values (character code - 48), read once; each must be 0–9.
  const y0 = s.charCodeAt(0) - 48
  const y1 = s.charCodeAt(1) - 48
  const y2 = s.charCodeAt(2) - 48
  const y3 = s.charCodeAt(3) - 48
  const mo0 = s.charCodeAt(5) - 48
  const mo1 = s.charCodeAt(6) - 48
  const d0 = s.charCodeAt(8) - 48
  const d1 = s.charCodeAt(9) - 48
  const h0 = s.charCodeAt(11) - 48
  const h1 = s.charCodeAt(12) - 48
  const mi0 = s.charCodeAt(14) - 48
  const mi1 = s.charCodeAt(15) - 48
  const s0 = s.charCodeAt(17) - 48
  const s1 = s.charCodeAt(18) - 48
  // All digits: no value negative (the OR would be) nor above 9 (its +6 would reach 16).
  const any = y0 | y1 | y2 | y3 | mo0 | mo1 | d0 | d1 | h0 | h1 | mi0 | mi1 | s0 | s1
  const plus6 =
    (y0 + 6) |
    (y1 + 6) |
    (y2 + 6) |
    (y3 + 6) |
    (mo0 + 6) |
    (mo1 + 6) |
    (d0 + 6) |
    (d1 + 6) |
    (h0 + 6) |
    (h1 + 6) |
    (mi0 + 6) |
    (mi1 + 6) |
    (s0 + 6) |
    (s1 + 6)
  if ((any | plus6) >>> 0 >= 16) return Number.NaN
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3
  const month = mo0 * 10 + mo1
  const day = d0 * 10 + d1
  const hour = h0 * 10 + h1
  const minute = mi0 * 10 + mi1
  const second = s0 * 10 + s1
  if (
    !(year >= 100 && month >= 1 && month <= 12 && day >= 1 && hour <= 23 && minute <= 59 && second <= 59) ||
    day > (month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!)
  )
    return Number.NaN
  let i = 19
  let fraction = 0
  if (s.charCodeAt(i) === 46) {
    const start = ++i
    while (i < len) {
      const d = s.charCodeAt(i) - 48
      if (d < 0 || d > 9) break
      i++
    }
    const n = i - start
    if (n < 1 || n > 9) return Number.NaN
    fraction =
      (s.charCodeAt(start) - 48) * 100 +
      (n > 1 ? (s.charCodeAt(start + 1) - 48) * 10 : 0) +
      (n > 2 ? s.charCodeAt(start + 2) - 48 : 0)
  }
  const c = s.charCodeAt(i)
  const rest = len - i
  let offset = 0
  if (rest === 1 && (c === 90 || c === 122)) offset = 0
  else if ((c === 43 || c === 45) && (rest === 6 || rest === 5)) {
    if (rest === 6 && s.charCodeAt(i + 3) !== 58) return Number.NaN
    const m = rest === 6 ? i + 4 : i + 3
    const oh0 = s.charCodeAt(i + 1) - 48
    const oh1 = s.charCodeAt(i + 2) - 48
    const om0 = s.charCodeAt(m) - 48
    const om1 = s.charCodeAt(m + 1) - 48
    if ((oh0 | oh1 | om0 | om1 | ((oh0 + 6) | (oh1 + 6) | (om0 + 6) | (om1 + 6))) >>> 0 >= 16)
      return Number.NaN
    const oh = oh0 * 10 + oh1
    const om = om0 * 10 + om1
    if (!(oh <= 18 && om <= 59)) return Number.NaN
    offset = (c === 45 ? -1 : 1) * (oh * 60 + om)
  } else return Number.NaN
  fastOffset = offset
  return (
    daysFromCivil(year, month, day) * 86_400_000 +
    hour * 3_600_000 +
    (minute - offset) * 60_000 +
    second * 1000 +
    fraction
  )
}

/** Days from 1970-01-01 to a proleptic Gregorian date, year ≥ 0 (H. Hinnant's `days_from_civil`). */
const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468
}

/** Parses a timestamp with offset, or returns `undefined` when it is not one. */
export const parse = (s: string): Parsed | undefined => {
  const ms = fastMillis(s)
  return Number.isNaN(ms) ? parseSlow(s) : { epochMs: ms, offsetMinutes: fastOffset }
}

/** Whether `s` is a timestamp with offset (the test of {@link IsoTimestamp}; allocates nothing in the usual form). */
export const isValid = (s: string): boolean => !Number.isNaN(fastMillis(s)) || parseSlow(s) !== undefined

/**
 * What is wrong with a value written as a timestamp with offset that is none (`2021-02-29T08:00:00Z`:
 * its date does not exist), for error messages; `undefined` when its shape is not that of one.
 */
export const correction = (value: unknown): string | undefined =>
  typeof value === 'string' && PATTERN.test(value) && !isValid(value)
    ? 'it has an offset, but its date or time does not exist'
    : undefined

/** The epoch milliseconds of a timestamp already validated by {@link IsoTimestamp}, or written by {@link format}. */
export const toMillis = (s: string): number => {
  const ms = fastMillis(s)
  if (!Number.isNaN(ms)) return ms
  const p = parseSlow(s, true)
  if (p === undefined) throw new Error(`not an ISO-8601 timestamp with offset: ${JSON.stringify(s)}`)
  return p.epochMs
}

/** The offset in minutes a validated timestamp (or one {@link format} wrote) was written with. */
export const offsetOf = (s: string): number => {
  if (!Number.isNaN(fastMillis(s))) return fastOffset
  const p = parseSlow(s, true)
  if (p === undefined) throw new Error(`not an ISO-8601 timestamp with offset: ${JSON.stringify(s)}`)
  return p.offsetMinutes
}

/**
 * The offset of a timestamp already validated (one Docket wrote or parsed before, such as an
 * obligation's instants), read from its last characters (`Z`, `z` or `±hh:mm`) without parsing
 * it again; any other form goes through {@link offsetOf}.
 */
export const offsetOfValid = (s: string): number => {
  const n = s.length
  const z = s.charCodeAt(n - 1)
  if (z === 90 || z === 122) return 0
  const sign = s.charCodeAt(n - 6)
  if ((sign !== 43 && sign !== 45) || s.charCodeAt(n - 3) !== 58) return offsetOf(s)
  const minutes =
    ((s.charCodeAt(n - 5) - 48) * 10 + s.charCodeAt(n - 4) - 48) * 60 +
    (s.charCodeAt(n - 2) - 48) * 10 +
    s.charCodeAt(n - 1) -
    48
  return (sign === 45 ? -1 : 1) * minutes
}

const pad = (n: number, width = 2): string => String(Math.abs(n)).padStart(width, '0')

const formatSlow = (epochMs: number, offsetMinutes: number): string => {
  const d = new Date(epochMs + offsetMinutes * 60_000)
  const year = d.getUTCFullYear()
  // a year outside 0000–9999 in ISO-8601's expanded form, as Date#toISOString writes it (`+010000`,
  // `-000001`): four digits without the sign wrote year -1 as 0001, another instant
  const yyyy = year >= 0 && year <= 9999 ? pad(year, 4) : `${year < 0 ? '-' : '+'}${pad(year, 6)}`
  const date = `${yyyy}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`
  return `${date}T${time}${zoneOf(offsetMinutes)}`
}

const zoneOf = (offsetMinutes: number): string => {
  if (offsetMinutes === 0) return 'Z'
  const sign = offsetMinutes < 0 ? '-' : '+'
  return `${sign}${pad(Math.trunc(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`
}

/** 9999-12-31T23:59:59.999Z + 1: the fast path covers local times from 1970 to year 9999 (offsets under 100 hours). */
const END_OF_9999 = 253_402_300_800_000

/** Written instants by local time and offset (see {@link format}). */
const written = Written.make<number>()

/**
 * Formats an instant with a fixed offset, as `2020-01-28T09:14:00.000-08:00`
 * (`Z` for offset 0). Deterministic: no zone database is consulted.
 */
export const format = (epochMs: number, offsetMinutes = 0): string => {
  const local = epochMs + offsetMinutes * 60_000
  if (
    !(Number.isInteger(local) && local >= 0 && local < END_OF_9999) ||
    !(Number.isInteger(offsetMinutes) && Math.abs(offsetMinutes) < 6000)
  )
    return formatSlow(epochMs, offsetMinutes)
  // The same instants are written again and again (a due time in its obligation, then in the
  // escalations it raises): the last string written in this instant's slot, when it is the same.
  const slot = written.slot(local, Math.imul(offsetMinutes, 0x27d4eb2d))
  const hit = written.get(slot, local, offsetMinutes)
  if (hit !== undefined) return hit
  const text = formatFast(local, offsetMinutes)
  written.set(slot, local, offsetMinutes, text)
  return text
}

/** The hot path of {@link format}: `local` is the local time in ms (an integer from 1970 to 9999). */
const formatFast = (local: number, offsetMinutes: number): string => {
  // the hot path (reports format every due time): the civil date from the day number, no Date object
  // (days-from-civil inverse, H. Hinnant, "chrono-compatible low-level date algorithms")
  const days = Math.floor(local / 86_400_000)
  let rest = local - days * 86_400_000
  const hour = Math.floor(rest / 3_600_000)
  rest -= hour * 3_600_000
  const minute = Math.floor(rest / 60_000)
  rest -= minute * 60_000
  const second = Math.floor(rest / 1000)
  const milli = rest - second * 1000
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  // One flat string from character codes. A template literal of this many parts is a tree of cons
  // strings: about ten times the memory of the text for as long as it lives (due times live in
  // results), and work for the collector.
  const codes = offsetMinutes === 0 ? UTC_CODES : OFFSET_CODES
  codes[0] = digitCode(year / 1000)
  codes[1] = digitCode(year / 100)
  codes[2] = digitCode(year / 10)
  codes[3] = digitCode(year)
  codes[5] = digitCode(month / 10)
  codes[6] = digitCode(month)
  codes[8] = digitCode(day / 10)
  codes[9] = digitCode(day)
  codes[11] = digitCode(hour / 10)
  codes[12] = digitCode(hour)
  codes[14] = digitCode(minute / 10)
  codes[15] = digitCode(minute)
  codes[17] = digitCode(second / 10)
  codes[18] = digitCode(second)
  codes[20] = digitCode(milli / 100)
  codes[21] = digitCode(milli / 10)
  codes[22] = digitCode(milli)
  if (offsetMinutes !== 0) {
    const abs = Math.abs(offsetMinutes)
    codes[23] = offsetMinutes < 0 ? MINUS : PLUS
    codes[24] = digitCode(abs / 600)
    codes[25] = digitCode(abs / 60)
    codes[27] = digitCode((abs % 60) / 10)
    codes[28] = digitCode(abs % 60)
  }
  return String.fromCharCode.apply(null, codes)
}

/** The character code of the last decimal digit of `n`'s integer part. */
const digitCode = (n: number): number => 48 + (Math.floor(n) % 10)
const PLUS = 43
const MINUS = 45
/** `YYYY-MM-DDTHH:MM:SS.fff` with room for `Z` or `±HH:MM` (the separators written once). */
const template = (zone: string): number[] =>
  Array.from(`0000-00-00T00:00:00.000${zone}`, (ch) => ch.charCodeAt(0))
const UTC_CODES = template('Z')
const OFFSET_CODES = template('+00:00')

// codecs

/** io-ts codec for an ISO-8601 timestamp that must carry an offset. */
export const IsoTimestamp: t.Type<IsoTimestamp, string, unknown> = t.refinement(
  t.string,
  isValid,
  'IsoTimestamp',
)

/** Decodes an unknown value into a timestamp, with a plain message on failure. */
export const decode = (u: unknown): E.Either<string, IsoTimestamp> =>
  IsoTimestamp.is(u)
    ? E.right(u)
    : E.left('an ISO-8601 timestamp with offset, such as 2020-01-28T09:14:00-08:00')
