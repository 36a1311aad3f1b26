/**
 * Periods of legal time: adding an ISO-8601 duration to an instant in a
 * clock kind (`ClockRule.ClockType`), shifting a due time by a paused
 * interval in that kind, and reading a zone's offset at an instant.
 *
 * The rules, stated once:
 * - `elapsed`: real time. `PT48H` is 48 × 3,600,000 ms added to the instant,
 *   whatever the zone and across DST changes (days count 24 h, weeks 7 days).
 * - `calendar-days` / `-months` / `-years`: date arithmetic on the local date in
 *   the rule's zone, keeping the wall time. A wall time that does not exist
 *   (DST gap) moves forward by the gap; an ambiguous one (DST end) keeps the
 *   start's offset when it is one of the two, else takes the earlier instant
 *   (luxon's rules, reproduced on cached offsets). Months and years keep the day of the
 *   month, and when the last month has no such day (a period starting on
 *   29 February, or on the 31st) the period ends on the last day of that month:
 *   Regulation 1182/71 Art. 3(2)(c). `endOfDay` ends the period at 24:00 of the
 *   last day (the next day's 00:00 in the zone).
 * - `business-days`: count working days (Calendar: no weekend, no public
 *   holiday) after the start day, keep the wall time (or 24:00 with
 *   `endOfDay`). `business-hours`: run the time only inside the working hours
 *   of working days (default 09:00–17:00 local).
 * - `euPeriodRule`: a period whose last day is a Saturday, Sunday or holiday
 *   ends at 24:00 of the next working day (Regulation 1182/71 Art. 3(4)).
 * - `event`: due at the start instant.
 *
 * This module does not decide which period applies; the engine does.
 */
import { DateTime, IANAZone, Info, type Zone } from 'luxon'
import * as Calendar from './Calendar.js'
import type { ClockType, Period } from './ClockRule.js'

// model

/** The parts of an ISO-8601 duration. */
export interface Parts {
  readonly years: number
  readonly months: number
  readonly weeks: number
  readonly days: number
  readonly hours: number
  readonly minutes: number
  readonly seconds: number
}

/** Where a period is counted: the zone and the calendar options of `ClockRule.Period`. */
export interface Context {
  /** IANA zone, or a fixed offset `UTC±hh:mm`. */
  readonly zone: string
  readonly endOfDay?: boolean
  readonly calendar?: string
  readonly euPeriodRule?: boolean
  readonly businessHours?: { readonly start: string; readonly end: string }
}

/** How a period is counted: a clock type, or `mixed` (luxon's rule: date parts in the zone, time parts elapsed), used for internal targets. */
export type Kind = ClockType | 'mixed'

// constructors

const PATTERN =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/
const partsCache = new Map<string, Parts>()

/** Parses an ISO-8601 duration (`PT48H`, `P15D`, `P6M`, `P1Y`); throws on anything else (a rule bug). */
export const parse = (iso: string): Parts => {
  const cached = partsCache.get(iso)
  if (cached !== undefined) return cached
  const m = PATTERN.exec(iso)
  if (m === null) throw new Error(`not an ISO-8601 duration: ${JSON.stringify(iso)}`)
  const n = (i: number): number => (m[i] === undefined ? 0 : +m[i]!)
  const parts = {
    years: n(1),
    months: n(2),
    weeks: n(3),
    days: n(4),
    hours: n(5),
    minutes: n(6),
    seconds: n(7),
  }
  partsCache.set(iso, parts)
  return parts
}

/** The length of a duration in real milliseconds (days = 24 h); `undefined` when it has months or years. */
export const toMillis = (iso: string): number | undefined => {
  const p = parse(iso)
  if (p.years !== 0 || p.months !== 0) return undefined
  return ((((p.weeks * 7 + p.days) * 24 + p.hours) * 60 + p.minutes) * 60 + p.seconds) * 1000
}

// operations: zones

/** One hour in milliseconds. */
export const HOUR_MS = 3_600_000
/** One day of 24 hours in milliseconds (elapsed time, not a calendar day). */
export const DAY_MS = 24 * HOUR_MS
const DAY = DAY_MS
/**
 * An IANA zone whose offsets are cached: per UTC day when the offset is the same at
 * both ends of the day (no zone changes twice within a day), else per quarter hour when
 * it is the same at both ends of the quarter; within the quarter of a change, asked each
 * time (not every change falls on a quarter hour of UTC: St. John's changed at 00:01 local
 * time until 2011). Luxon's own zone (Intl) stays the source of truth; this only avoids
 * asking twice.
 */
class CachedZone extends IANAZone {
  private readonly days = new Map<number, number | null>()
  private readonly quarters = new Map<number, number | null>()
  private exact(ts: number): number {
    const q = Math.floor(ts / 900_000)
    let o = this.quarters.get(q)
    if (o === undefined) {
      const a = super.offset(q * 900_000)
      o = a === super.offset((q + 1) * 900_000 - 1) ? a : null
      if (this.quarters.size > 50_000) this.quarters.clear()
      this.quarters.set(q, o)
    }
    return o === null ? super.offset(ts) : o
  }
  override offset(ts: number): number {
    const day = Math.floor(ts / DAY)
    let o = this.days.get(day)
    if (o === undefined) {
      const a = this.exact(day * DAY)
      const b = this.exact((day + 1) * DAY - 1)
      o = a === b ? a : null
      if (this.days.size > 200_000) this.days.clear()
      this.days.set(day, o)
    }
    return o === null ? this.exact(ts) : o
  }
}

const zones = new Map<string, Zone>()

/** The luxon zone of a name (IANA, cached offsets; or a fixed `UTC±hh:mm`); throws on an unknown zone. */
const zoneObject = (name: string): Zone => {
  let z = zones.get(name)
  if (z === undefined) {
    if (IANAZone.isValidZone(name)) z = new CachedZone(name)
    else {
      const n = Info.normalizeZone(name)
      if (n === null || !n.isValid) throw new Error(`unknown time zone ${JSON.stringify(name)}`)
      z = n
    }
    zones.set(name, z)
  }
  return z
}

/** The offset in minutes of a zone (IANA or `UTC±hh:mm`) at an instant. */
export const offsetAt = (zone: string, ms: number): number =>
  zone === 'UTC' || zone === 'Etc/UTC' || zone === 'Z' ? 0 : zoneObject(zone).offset(ms)

/** The fixed-offset zone name (`UTC-04:00`) luxon understands for an offset in minutes. */
export const fixedZone = (offsetMinutes: number): string => {
  const a = Math.abs(offsetMinutes)
  const hh = String(Math.trunc(a / 60)).padStart(2, '0')
  const mm = String(a % 60).padStart(2, '0')
  return `UTC${offsetMinutes < 0 ? '-' : '+'}${hh}:${mm}`
}

/** Whether a zone name is valid for luxon. */
export const isValidZone = (zone: string): boolean => {
  try {
    zoneObject(zone)
    return true
  } catch {
    return false
  }
}

// operations: working time

const local = (ms: number, zone: string): DateTime => DateTime.fromMillis(ms, { zone: zoneObject(zone) })

const isWorking = (d: DateTime, calendar: string | undefined): boolean =>
  Calendar.isWorkingDay(calendar, d.year, d.month, d.day, d.weekday)

const hm = (s: string): { readonly hour: number; readonly minute: number } => {
  const [h, m] = s.split(':')
  return { hour: Number(h), minute: Number(m ?? 0) }
}

/** The working interval `[from, to)` of the local day `day`, or `undefined` on a non-working day. */
const segment = (
  day: DateTime,
  kind: 'business-days' | 'business-hours',
  ctx: Context,
): readonly [number, number] | undefined => {
  if (!isWorking(day, ctx.calendar)) return undefined
  const start = day.startOf('day')
  if (kind === 'business-days') return [start.toMillis(), start.plus({ days: 1 }).toMillis()]
  const bh = ctx.businessHours ?? { start: '09:00', end: '17:00' }
  return [start.set(hm(bh.start)).toMillis(), start.set(hm(bh.end)).toMillis()]
}

const MAX_DAYS = 366 * 50

/** Working time (ms) between two instants: the overlap of `[a, b)` with the working intervals. */
export const workingBetween = (
  a: number,
  b: number,
  kind: 'business-days' | 'business-hours',
  ctx: Context,
): number => {
  if (b <= a) return 0
  let total = 0
  let day = local(a, ctx.zone).startOf('day')
  for (let i = 0; i < MAX_DAYS && day.toMillis() < b; i++) {
    const seg = segment(day, kind, ctx)
    if (seg !== undefined) total += Math.max(0, Math.min(seg[1], b) - Math.max(seg[0], a))
    day = day.plus({ days: 1 }).startOf('day')
  }
  return total
}

/** The instant at which `amount` ms of working time have run from `from`. */
export const addWorking = (
  from: number,
  amount: number,
  kind: 'business-days' | 'business-hours',
  ctx: Context,
): number => {
  if (amount <= 0) return from
  let left = amount
  let day = local(from, ctx.zone).startOf('day')
  for (let i = 0; i < MAX_DAYS; i++) {
    const seg = segment(day, kind, ctx)
    if (seg !== undefined) {
      const s = Math.max(seg[0], from)
      if (s < seg[1]) {
        if (left <= seg[1] - s) return s + left
        left -= seg[1] - s
      }
    }
    day = day.plus({ days: 1 }).startOf('day')
  }
  throw new Error(`no working time within ${MAX_DAYS} days in calendar ${ctx.calendar ?? '(weekends only)'}`)
}

// operations: periods

const endOfDay = (d: DateTime): DateTime => d.startOf('day').plus({ days: 1 })

/**
 * Luxon's rule for turning a local wall time into an instant, given a guessed offset:
 * a gap moves forward, an overlap keeps the guessed offset when it is one of the two.
 * Same algorithm as luxon (`fixOffset`), on the cached offsets.
 */
const fixOffset = (localTs: number, o: number, zone: string): readonly [number, number] => {
  let utc = localTs - o * 60_000
  const o2 = offsetAt(zone, utc)
  if (o === o2) return [utc, o]
  utc -= (o2 - o) * 60_000
  const o3 = offsetAt(zone, utc)
  if (o2 === o3) return [utc, o2]
  return [localTs - Math.min(o2, o3) * 60_000, Math.max(o2, o3)]
}

/** 10000-01-01T00:00:00Z: far enough from the end of `Date`'s range (275760) that no month end overflows. */
const YEAR_10000_MS = 253_402_300_800_000

/** The wall time `wall` (local ms) moved by the date parts of `p`, the day clamped to the month's last. */
const localPlus = (wall: number, p: Parts): number => {
  const w = new Date(wall)
  const year = w.getUTCFullYear() + p.years
  const month = w.getUTCMonth() + p.months
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  const day = Math.min(w.getUTCDate(), lastDay) + p.days + p.weeks * 7
  return Date.UTC(
    year,
    month,
    day,
    w.getUTCHours(),
    w.getUTCMinutes(),
    w.getUTCSeconds(),
    w.getUTCMilliseconds(),
  )
}

/**
 * `DateTime.fromMillis(ms, { zone }).plus(duration)` without building DateTimes: date parts move the
 * local date (months and years clamp the day to the month's last), time parts add real time.
 * A property test checks it against luxon.
 */
export const plusInZone = (startMs: number, p: Parts, zone: string): number => {
  const o = offsetAt(zone, startMs)
  const wall = startMs + o * 60_000
  const n = p.days + p.weeks * 7
  const localTs =
    p.years === 0 &&
    p.months === 0 &&
    Number.isInteger(wall) &&
    wall >= 0 &&
    Number.isInteger(n) &&
    n >= 0 &&
    wall + n * DAY < YEAR_10000_MS
      ? // Whole days on a wall time from 1970 to 9999: what `Date.UTC` gives for the same fields, without Dates.
        wall + n * DAY
      : localPlus(wall, p)
  const dateMoved = p.years !== 0 || p.months !== 0 || p.days !== 0 || p.weeks !== 0
  const ts = dateMoved ? fixOffset(localTs, o, zone)[0] : startMs
  return ts + Math.round(((p.hours * 60 + p.minutes) * 60 + p.seconds) * 1000)
}

/** 24:00 of the local day of an instant (the next day's 00:00 in the zone), as luxon's `startOf('day').plus({ days: 1 })`. */
export const endOfLocalDay = (ms: number, zone: string): number => {
  const o = offsetAt(zone, ms)
  const local0 = Math.floor((ms + o * 60_000) / DAY) * DAY
  const [t0, o0] = fixOffset(local0, o, zone)
  return fixOffset(t0 + o0 * 60_000 + DAY, o0, zone)[0]
}

const euRule = (endMs: number, eod: boolean, ctx: Context): number => {
  // On local dates read from cached offsets, without DateTime objects.
  const at = eod ? endMs - 1 : endMs
  const o = offsetAt(ctx.zone, at)
  const local = new Date(at + o * 60_000)
  let day = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate())
  for (let i = 0; i < 366; i++) {
    const d = new Date(day)
    const weekday = ((d.getUTCDay() + 6) % 7) + 1
    if (
      Calendar.isWorkingDay(ctx.calendar, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), weekday)
    ) {
      // The last day is a working day: unchanged; else 24:00 of the first working day after it.
      return i === 0 ? endMs : endOfLocalDay(fixOffset(day + 12 * HOUR_MS, o, ctx.zone)[0], ctx.zone)
    }
    day += DAY
  }
  throw new Error('no working day within a year')
}

/**
 * The instant a period of `iso` counted in `kind` ends when it starts at `startMs`.
 * Applies `endOfDay` and the EU period rule when the context asks for them.
 */
export const add = (startMs: number, iso: string, kind: Kind, ctx: Context): number => {
  let end: number
  const eod = ctx.endOfDay === true && kind !== 'elapsed' && kind !== 'event' && kind !== 'business-hours'
  switch (kind) {
    case 'event':
      return startMs
    case 'elapsed': {
      const ms = toMillis(iso)
      end = ms === undefined ? plusInZone(startMs, parse(iso), ctx.zone) : startMs + ms
      break
    }
    case 'business-hours': {
      // Days and weeks in a business-hours period count 24 working hours each.
      end = addWorking(startMs, toMillis(iso) ?? 0, kind, ctx)
      break
    }
    case 'business-days': {
      const p = parse(iso)
      const n = p.days + p.weeks * 5
      const start = local(startMs, ctx.zone)
      let d = start.startOf('day')
      for (let c = 0, i = 0; c < n; i++) {
        if (i > MAX_DAYS) throw new Error('no working days found')
        d = d.plus({ days: 1 })
        if (isWorking(d, ctx.calendar)) c++
      }
      end = eod
        ? endOfDay(d).toMillis()
        : d
            .set({
              hour: start.hour,
              minute: start.minute,
              second: start.second,
              millisecond: start.millisecond,
            })
            .toMillis()
      break
    }
    default: {
      // calendar-days, calendar-months, calendar-years, unspecified, mixed: luxon's rules in the zone.
      const d = plusInZone(startMs, parse(iso), ctx.zone)
      end = eod ? endOfLocalDay(d, ctx.zone) : d
    }
  }
  return ctx.euPeriodRule === true && kind !== 'elapsed' ? euRule(end, eod, ctx) : end
}

/** The end of a rule's period from `startMs` (`Period.duration` must not be null). */
export const addPeriod = (startMs: number, period: Period, zone: string, iso = period.duration): number => {
  if (iso === null) throw new Error('a period without duration has no end; use the internal target')
  return add(startMs, iso, period.clock, { ...period, zone })
}

/**
 * Moves a due time by a pause from `pausedAt` to `resumedAt`, measured in the clock kind:
 * elapsed (and event, unspecified, mixed) by the real time paused; calendar kinds by the
 * wall-clock time paused in the zone; business kinds by the working time paused.
 */
export const shift = (
  dueMs: number,
  pausedAt: number,
  resumedAt: number,
  kind: Kind,
  ctx: Context,
): number => {
  if (resumedAt <= pausedAt) return dueMs
  switch (kind) {
    case 'business-days':
    case 'business-hours':
      return addWorking(dueMs, workingBetween(pausedAt, resumedAt, kind, ctx), kind, ctx)
    case 'calendar-days':
    case 'calendar-months':
    case 'calendar-years': {
      const wall = (ms: number): number => ms + offsetAt(ctx.zone, ms) * 60_000
      const delta = wall(resumedAt) - wall(pausedAt)
      return DateTime.fromMillis(wall(dueMs) + delta, { zone: 'utc' })
        .setZone(zoneObject(ctx.zone), { keepLocalTime: true })
        .toMillis()
    }
    default:
      return dueMs + (resumedAt - pausedAt)
  }
}

/** Extends a due time by `iso` in the clock kind (no end-of-day rounding: the due time is already set). */
export const extend = (dueMs: number, iso: string, kind: Kind, ctx: Context): number =>
  add(dueMs, iso, kind === 'event' || kind === 'unspecified' ? 'mixed' : kind, {
    ...ctx,
    endOfDay: false,
    euPeriodRule: false,
  })
