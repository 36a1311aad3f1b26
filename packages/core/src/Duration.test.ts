import fc from 'fast-check'
import { DateTime } from 'luxon'
import { describe, expect, it } from 'vitest'
import * as Calendar from './Calendar.js'
import * as Duration from './Duration.js'
import * as Timestamp from './Timestamp.js'

const ms = Timestamp.toMillis
const at = (zone: string, t: number): string => Timestamp.format(t, Duration.offsetAt(zone, t))

const ZONES = [
  'UTC',
  'America/Los_Angeles',
  'America/New_York',
  'Europe/Paris',
  'Europe/London',
  'Australia/Sydney',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'America/Sao_Paulo',
  'Pacific/Chatham',
] as const

describe('elapsed hours', () => {
  it('PT48H is 48 real hours across the spring-forward change in Los Angeles', () => {
    // 2026-03-08 02:00 PST → 03:00 PDT
    const start = ms('2026-03-07T12:00:00-08:00')
    const due = Duration.add(start, 'PT48H', 'elapsed', { zone: 'America/Los_Angeles' })
    expect(due - start).toBe(48 * 3_600_000)
    expect(at('America/Los_Angeles', due)).toBe('2026-03-09T13:00:00.000-07:00')
  })

  it('PT48H is 48 real hours across the fall-back change in Paris', () => {
    // 2026-10-25 03:00 CEST → 02:00 CET
    const start = ms('2026-10-24T12:00:00+02:00')
    const due = Duration.add(start, 'PT48H', 'elapsed', { zone: 'Europe/Paris' })
    expect(at('Europe/Paris', due)).toBe('2026-10-26T11:00:00.000+01:00')
  })

  it('is exact in UTC for arbitrary zones, start times and durations', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) }),
        fc.integer({ min: 0, max: 24 * 400 }),
        fc.integer({ min: 0, max: 59 }),
        (zone, start, hours, minutes) => {
          const iso = minutes === 0 ? `PT${hours}H` : `PT${hours}H${minutes}M`
          const due = Duration.add(start, iso, 'elapsed', { zone })
          expect(due - start).toBe((hours * 60 + minutes) * 60_000)
        },
      ),
    )
  })
})

describe('calendar days and months', () => {
  it('one calendar day over the spring-forward change in Los Angeles keeps the wall time (23 real hours)', () => {
    const start = ms('2026-03-07T10:00:00-08:00')
    const due = Duration.add(start, 'P1D', 'calendar-days', { zone: 'America/Los_Angeles' })
    expect(at('America/Los_Angeles', due)).toBe('2026-03-08T10:00:00.000-07:00')
    expect(due - start).toBe(23 * 3_600_000)
  })

  it('one calendar day over the fall-back change in Los Angeles is 25 real hours', () => {
    const start = ms('2026-10-31T10:00:00-07:00')
    const due = Duration.add(start, 'P1D', 'calendar-days', { zone: 'America/Los_Angeles' })
    expect(at('America/Los_Angeles', due)).toBe('2026-11-01T10:00:00.000-08:00')
    expect(due - start).toBe(25 * 3_600_000)
  })

  it('a wall time in the Paris spring-forward gap moves forward by the gap', () => {
    // 2026-03-29 02:00 CET → 03:00 CEST: 02:30 does not exist
    const start = ms('2026-03-28T02:30:00+01:00')
    const due = Duration.add(start, 'P1D', 'calendar-days', { zone: 'Europe/Paris' })
    expect(at('Europe/Paris', due)).toBe('2026-03-29T03:30:00.000+02:00')
  })

  it('an ambiguous wall time at the Paris fall-back change keeps the start offset (summer time)', () => {
    const start = ms('2026-10-24T02:30:00+02:00')
    const due = Duration.add(start, 'P1D', 'calendar-days', { zone: 'Europe/Paris' })
    expect(at('Europe/Paris', due)).toBe('2026-10-25T02:30:00.000+02:00')
  })

  it('endOfDay ends at 24:00 of the last day in the zone (Regulation 1182/71 Art. 3(1))', () => {
    const start = ms('2026-06-01T10:00:00+02:00')
    const due = Duration.add(start, 'P15D', 'calendar-days', { zone: 'Europe/Paris', endOfDay: true })
    expect(at('Europe/Paris', due)).toBe('2026-06-17T00:00:00.000+02:00')
  })

  it('a period of one year starting on 29 February ends on 28 February (last day of the month)', () => {
    const start = ms('2024-02-29T09:00:00-08:00')
    const zone = 'America/Los_Angeles'
    expect(at(zone, Duration.add(start, 'P1Y', 'calendar-years', { zone }))).toBe(
      '2025-02-28T09:00:00.000-08:00',
    )
    expect(at(zone, Duration.add(start, 'P12M', 'calendar-months', { zone }))).toBe(
      '2025-02-28T09:00:00.000-08:00',
    )
    expect(at(zone, Duration.add(start, 'P4Y', 'calendar-years', { zone }))).toBe(
      '2028-02-29T09:00:00.000-08:00',
    )
    expect(at(zone, Duration.add(start, 'P1Y', 'calendar-years', { zone, endOfDay: true }))).toBe(
      '2025-03-01T00:00:00.000-08:00',
    )
  })

  it('six months from 31 August end on the last day of February', () => {
    const start = ms('2025-08-31T12:00:00+02:00')
    const due = Duration.add(start, 'P6M', 'calendar-months', { zone: 'Europe/Paris' })
    expect(at('Europe/Paris', due)).toBe('2026-02-28T12:00:00.000+01:00')
  })

  it('the EU period rule moves a period ending on a holiday, and leaves a working day alone', () => {
    const ctx = { zone: 'Europe/Paris', endOfDay: true, calendar: 'FR', euPeriodRule: true }
    // Ends on Tuesday 14 July 2026 (Fête nationale) → end of Wednesday 15 July.
    expect(
      at('Europe/Paris', Duration.add(ms('2026-07-04T10:00:00+02:00'), 'P10D', 'calendar-days', ctx)),
    ).toBe('2026-07-16T00:00:00.000+02:00')
    // Ends on Monday 13 July 2026, a working day: unchanged.
    expect(
      at('Europe/Paris', Duration.add(ms('2026-07-04T10:00:00+02:00'), 'P9D', 'calendar-days', ctx)),
    ).toBe('2026-07-14T00:00:00.000+02:00')
  })

  it('the EU period rule agrees with a luxon reference for arbitrary zones, starts and lengths', () => {
    const reference = (end: number, eod: boolean, zone: string): number => {
      const last = DateTime.fromMillis(eod ? end - 1 : end, { zone })
      const working = (d: DateTime): boolean => Calendar.isWorkingDay('FR', d.year, d.month, d.day, d.weekday)
      if (working(last)) return end
      let d = last.startOf('day')
      do d = d.plus({ days: 1 })
      while (!working(d))
      return d.startOf('day').plus({ days: 1 }).toMillis()
    }
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
        fc.integer({ min: 1, max: 60 }),
        fc.boolean(),
        (zone, start, n, eod) => {
          const ctx = { zone, calendar: 'FR', endOfDay: eod }
          const plain = Duration.add(start, `P${n}D`, 'calendar-days', ctx)
          const ruled = Duration.add(start, `P${n}D`, 'calendar-days', { ...ctx, euPeriodRule: true })
          expect(ruled).toBe(reference(plain, eod, zone))
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('the EU period rule moves a period ending on a Sunday to the end of Monday', () => {
    // 2026-06-01 + 6 days, end of day → Sunday 2026-06-07 → end of Monday 2026-06-08
    const start = ms('2026-06-01T10:00:00+02:00')
    const due = Duration.add(start, 'P6D', 'calendar-days', {
      zone: 'Europe/Paris',
      endOfDay: true,
      calendar: 'FR',
      euPeriodRule: true,
    })
    expect(at('Europe/Paris', due)).toBe('2026-06-09T00:00:00.000+02:00')
  })
})

describe('business days and hours', () => {
  it('two business days over a public holiday (Ascension, 14 May 2026, FR) skip the holiday', () => {
    const start = ms('2026-05-13T15:00:00+02:00') // Wednesday
    const zone = 'Europe/Paris'
    const due = Duration.add(start, 'P2D', 'business-days', { zone, calendar: 'FR' })
    // Thursday 14 is a holiday: Friday 15 is the first business day, Monday 18 the second.
    expect(at(zone, due)).toBe('2026-05-18T15:00:00.000+02:00')
    const withoutCalendar = Duration.add(start, 'P2D', 'business-days', { zone })
    expect(at(zone, withoutCalendar)).toBe('2026-05-15T15:00:00.000+02:00')
  })

  it('business days end at 24:00 with endOfDay, and skip US federal holidays (Thanksgiving)', () => {
    const zone = 'America/New_York'
    const start = ms('2026-11-25T16:00:00-05:00') // Wednesday before Thanksgiving
    const due = Duration.add(start, 'P1D', 'business-days', { zone, calendar: 'US', endOfDay: true })
    expect(at(zone, due)).toBe('2026-11-28T00:00:00.000-05:00') // end of Friday 27
  })

  it('business hours run only inside working hours', () => {
    const zone = 'Europe/Paris'
    const start = ms('2026-05-13T16:00:00+02:00') // Wednesday, 1 h before closing
    const due = Duration.add(start, 'PT4H', 'business-hours', { zone, calendar: 'FR' })
    // 1 h on Wednesday, Thursday is Ascension, 3 h on Friday from 09:00.
    expect(at(zone, due)).toBe('2026-05-15T12:00:00.000+02:00')
    const custom = Duration.add(start, 'PT4H', 'business-hours', {
      zone,
      calendar: 'FR',
      businessHours: { start: '08:00', end: '20:00' },
    })
    expect(at(zone, custom)).toBe('2026-05-13T20:00:00.000+02:00')
  })

  it('date-holidays has data for the calendars the policies name', () => {
    for (const c of ['US', 'GB', 'FR', 'DE', 'DE-BY', 'IE', 'AU', 'IN', 'CA', 'BR'])
      expect(Calendar.isKnown(c)).toBe(true)
    expect(Calendar.isKnown('XX')).toBe(false)
    expect(() => Calendar.holidays('XX', 2026)).toThrow(/no holiday data/)
    expect(Calendar.holidays('FR', 2026).map((h) => h.date)).toContain('2026-07-14')
  })
})

describe('pauses move the due time by the paused time in the clock kind', () => {
  const instantArb = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) })

  it('elapsed: exactly the paused milliseconds', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), instantArb, fc.nat(1e9), fc.nat(1e9), (zone, due, a, d) => {
        const moved = Duration.shift(due, due - a, due - a + d, 'elapsed', { zone })
        expect(moved - due).toBe(d)
      }),
    )
  })

  it('business hours and days: the working time paused is the working time added', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('Europe/Paris', 'America/Los_Angeles', 'UTC'),
        fc.constantFrom('business-hours' as const, 'business-days' as const),
        instantArb,
        fc.nat(30 * 86_400_000),
        fc.nat(10 * 86_400_000),
        (zone, kind, pausedAt, d, gap) => {
          const ctx = { zone, calendar: 'FR' }
          const due = pausedAt + gap
          const moved = Duration.shift(due, pausedAt, pausedAt + d, kind, ctx)
          expect(Duration.workingBetween(due, moved, kind, ctx)).toBe(
            Duration.workingBetween(pausedAt, pausedAt + d, kind, ctx),
          )
        },
      ),
      { numRuns: 60 },
    )
  })

  it('calendar kinds: the wall-clock time paused is added to the wall-clock due time (arbitrary zones)', () => {
    const wall = (zone: string, t: number): number => t + Duration.offsetAt(zone, t) * 60_000
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        instantArb,
        fc.nat(60 * 86_400_000),
        fc.nat(60 * 86_400_000),
        (zone, pausedAt, d, gap) => {
          const due = pausedAt + gap
          const moved = Duration.shift(due, pausedAt, pausedAt + d, 'calendar-days', { zone })
          const expected = wall(zone, pausedAt + d) - wall(zone, pausedAt)
          // Exact unless the moved wall time falls in a DST gap, which moves it forward by the gap.
          const diff = wall(zone, moved) - wall(zone, due) - expected
          expect(
            diff === 0 ||
              (diff > 0 &&
                diff <= 3_600_000 &&
                Duration.offsetAt(zone, moved) !== Duration.offsetAt(zone, moved - 3_600_000)),
          ).toBe(true)
        },
      ),
    )
  })

  it('calendar days: the wall-clock time paused is added to the wall-clock due time', () => {
    // Away from DST changes the wall delta equals the real delta; across them it keeps wall time.
    const zone = 'America/Los_Angeles'
    const pausedAt = ms('2026-03-07T12:00:00-08:00')
    const resumedAt = ms('2026-03-09T12:00:00-07:00') // 47 real hours, 48 wall hours
    const due = ms('2026-04-01T10:00:00-07:00')
    expect(at(zone, Duration.shift(due, pausedAt, resumedAt, 'calendar-days', { zone }))).toBe(
      '2026-04-03T10:00:00.000-07:00',
    )
  })
})

describe('calendar arithmetic without DateTime objects agrees with luxon', () => {
  const instantArb = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) })
  const partsArb = fc.record({
    years: fc.nat(5),
    months: fc.nat(30),
    weeks: fc.nat(3),
    days: fc.nat(400),
    hours: fc.nat(100),
    minutes: fc.nat(59),
    seconds: fc.constant(0),
  })

  it('plusInZone is luxon plus', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), instantArb, partsArb, (zone, t, p) => {
        expect(Duration.plusInZone(t, p, zone)).toBe(DateTime.fromMillis(t, { zone }).plus(p).toMillis())
      }),
      { numRuns: 3000 },
    )
  })

  it('plusInZone of whole days and weeks (its Date-free path) is luxon plus', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        instantArb,
        fc.record({
          years: fc.constant(0),
          months: fc.constant(0),
          weeks: fc.nat(10),
          days: fc.nat(800),
          hours: fc.nat(50),
          minutes: fc.constant(0),
          seconds: fc.constant(0),
        }),
        (zone, t, p) => {
          expect(Duration.plusInZone(t, p, zone)).toBe(DateTime.fromMillis(t, { zone }).plus(p).toMillis())
        },
      ),
      { numRuns: 3000 },
    )
  })

  it('endOfLocalDay is luxon startOf(day) + 1 day, including around DST changes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), instantArb, (zone, t) => {
        const expected = DateTime.fromMillis(t, { zone }).startOf('day').plus({ days: 1 }).toMillis()
        expect(Duration.endOfLocalDay(t, zone)).toBe(expected)
      }),
      { numRuns: 3000 },
    )
    for (const [zone, t] of [
      ['America/Los_Angeles', '2026-03-08T01:30:00-08:00'],
      ['America/Los_Angeles', '2026-11-01T01:30:00-07:00'],
      ['Europe/Paris', '2026-03-29T01:30:00+01:00'],
      ['Europe/Paris', '2026-10-25T02:30:00+01:00'],
      ['America/Sao_Paulo', '2018-11-04T12:00:00-02:00'],
    ] as const) {
      const ms = Timestamp.toMillis(t)
      expect(Duration.endOfLocalDay(ms, zone)).toBe(
        DateTime.fromMillis(ms, { zone }).startOf('day').plus({ days: 1 }).toMillis(),
      )
      for (const d of [1, 15, 30])
        expect(Duration.plusInZone(ms, { ...Duration.parse('P1D'), days: d }, zone)).toBe(
          DateTime.fromMillis(ms, { zone }).plus({ days: d }).toMillis(),
        )
    }
  })
})

describe('durations and zones', () => {
  it('parses ISO durations and rejects others', () => {
    expect(Duration.toMillis('PT48H')).toBe(172_800_000)
    expect(Duration.toMillis('P1W2DT3H')).toBe((9 * 24 + 3) * 3_600_000)
    expect(Duration.toMillis('P6M')).toBeUndefined()
    expect(() => Duration.parse('48h')).toThrow()
  })

  it('the cached offsets agree with luxon at every instant', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) }),
        (zone, t) => {
          expect(Duration.offsetAt(zone, t)).toBe(DateTime.fromMillis(t, { zone }).offset)
        },
      ),
      { numRuns: 2000 },
    )
    // Around a change: one millisecond before and at 2026-03-08T10:00Z (02:00 PST → 03:00 PDT).
    const change = ms('2026-03-08T10:00:00Z')
    expect(Duration.offsetAt('America/Los_Angeles', change - 1)).toBe(-480)
    expect(Duration.offsetAt('America/Los_Angeles', change)).toBe(-420)
  })

  it('the cached offsets agree with luxon minute by minute around changes off the quarter hour', () => {
    // St. John's changed at 00:01 local time until 2011 (03:31Z in spring, 02:31Z in autumn), Goose Bay
    // likewise: changes that do not fall on a quarter hour of UTC.
    const changes = [
      ['America/St_Johns', '2011-03-13T03:31:00Z'],
      ['America/St_Johns', '2010-11-07T02:31:00Z'],
      ['America/Goose_Bay', '2010-03-14T04:01:00Z'],
    ] as const
    for (const [zone, change] of changes) {
      for (let t = ms(change) - 20 * 60_000; t <= ms(change) + 20 * 60_000; t += 60_000) {
        expect([zone, Timestamp.format(t), Duration.offsetAt(zone, t)]).toEqual([
          zone,
          Timestamp.format(t),
          DateTime.fromMillis(t, { zone }).offset,
        ])
      }
    }
    // One calendar day from just after the change keeps the wall time, as luxon does.
    const start = ms('2011-03-13T03:42:00Z')
    const due = Duration.add(start, 'P1D', 'calendar-days', { zone: 'America/St_Johns' })
    expect(due).toBe(DateTime.fromMillis(start, { zone: 'America/St_Johns' }).plus({ days: 1 }).toMillis())
  })

  it('reads a zone offset at an instant and names fixed offsets', () => {
    expect(Duration.offsetAt('Europe/Paris', ms('2026-07-01T00:00:00Z'))).toBe(120)
    expect(Duration.offsetAt('Europe/Paris', ms('2026-01-01T00:00:00Z'))).toBe(60)
    expect(Duration.fixedZone(-270)).toBe('UTC-04:30')
    expect(Duration.offsetAt(Duration.fixedZone(-270), 0)).toBe(-270)
  })
})
