import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type * as ClockRule from './ClockRule.js'
import * as Duration from './Duration.js'
import type { DocketEvent } from './Envelope.js'
import * as Evaluation from './Evaluation.js'
import * as Timestamp from './Timestamp.js'

// Properties of the engine over arbitrary zones, instants, durations and histories.

const ZONES = [
  'UTC',
  'America/Los_Angeles',
  'Europe/Paris',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'America/St_Johns',
] as const
const HOUR = 3_600_000
const ms = Timestamp.toMillis
const write = (zone: string, t: number): string => Timestamp.format(t, Duration.offsetAt(zone, t))

const ev = (
  id: string,
  type: string,
  t: number,
  zone: string,
  data: object = {},
  caseId = 'c',
): DocketEvent => ({ id, type, caseId, occurredAt: write(zone, t), data }) as unknown as DocketEvent
const is =
  (type: string): ClockRule.Condition =>
  (e) =>
    e.type === type

const rule = (
  kind: ClockRule.Kind,
  zone: string,
  duration: string,
  v: Partial<ClockRule.Version> = {},
): ClockRule.Rule => ({
  policy: 'p',
  rule: 'r',
  kind,
  title: 't',
  confidence: 'primary',
  applies: () => true,
  versions: [
    {
      validFrom: '1970-01-01T00:00:00Z',
      validTo: null,
      zone,
      citation: 'c',
      quote: 'q',
      start: is('ContentReported'),
      complete: is('ContentActioned'),
      pause: is('InformationRequested'),
      resume: is('InformationProvided'),
      restart: is('ClarificationReceived'),
      period: { duration, clock: 'elapsed' },
      ...v,
    },
  ],
})

const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2050, 0, 1) })
const zone = fc.constantFrom(...ZONES)
const hours = fc.integer({ min: 1, max: 24 * 60 })

const one = (r: Evaluation.Report) => r.cases[0]!.obligations[0]!

describe('engine properties', () => {
  it('elapsed-hour deadlines are exact in UTC, written with the legal zone offset', () => {
    fc.assert(
      fc.property(zone, zone, instant, hours, (legal, eventZone, start, h) => {
        const o = one(
          Evaluation.evaluate([ev('e1', 'ContentReported', start, eventZone)], {
            rules: [rule('deadline', legal, `PT${h}H`)],
          }),
        )
        expect(ms(o.startedAt)).toBe(start)
        expect(ms(o.dueAt) - start).toBe(h * HOUR)
        expect(Timestamp.offsetOf(o.dueAt)).toBe(Duration.offsetAt(legal, ms(o.dueAt)))
      }),
    )
  })

  it('a pause of d moves the due time by exactly d (elapsed kind)', () => {
    fc.assert(
      fc.property(zone, instant, hours, fc.nat(100 * HOUR), fc.nat(500 * HOUR), (z, start, h, before, d) => {
        fc.pre(before <= h * HOUR) // a pause after the due time is not a pause
        const events = [
          ev('e1', 'ContentReported', start, z),
          ev('e2', 'InformationRequested', start + before, z),
          ev('e3', 'InformationProvided', start + before + d, z),
        ]
        const o = one(Evaluation.evaluate(events, { rules: [rule('deadline', z, `PT${h}H`)], asOf: start }))
        const r = Evaluation.evaluate(events, { rules: [rule('deadline', z, `PT${h}H`)] })
        expect(ms(one(r).dueAt) - ms(o.dueAt)).toBe(d)
      }),
    )
  })

  it('a pause moves the due time by the working time paused (business kinds)', () => {
    const kinds = [
      ['business-hours', 'PT16H'],
      ['business-days', 'P3D'],
    ] as const
    fc.assert(
      fc.property(
        zone,
        instant,
        fc.constantFrom(...kinds),
        fc.nat(20 * HOUR),
        fc.nat(300 * HOUR),
        (z, start, [clock, duration], before, d) => {
          const period: ClockRule.Period = { duration, clock, calendar: 'FR' }
          const rules = [rule('deadline', z, duration, { period })]
          const events = [
            ev('e1', 'ContentReported', start, z),
            ev('e2', 'InformationRequested', start + before, z),
            ev('e3', 'InformationProvided', start + before + d, z),
          ]
          const due0 = ms(one(Evaluation.evaluate(events, { rules, asOf: start })).dueAt)
          fc.pre(start + before <= due0)
          const due1 = ms(one(Evaluation.evaluate(events, { rules })).dueAt)
          const ctx = { zone: z, calendar: 'FR' }
          expect(Duration.workingBetween(due0, due1, clock, ctx)).toBe(
            Duration.workingBetween(start + before, start + before + d, clock, ctx),
          )
        },
      ),
      { numRuns: 40 },
    )
  })

  it('a restart gives the full period from the restart instant', () => {
    fc.assert(
      fc.property(zone, instant, hours, fc.nat(1000 * HOUR), fc.boolean(), (z, start, h, after, paused) => {
        const events = [
          ev('e1', 'ContentReported', start, z),
          ...(paused ? [ev('e2', 'InformationRequested', start, z)] : []),
          ev('e3', 'ClarificationReceived', start + after, z),
        ]
        const o = one(Evaluation.evaluate(events, { rules: [rule('deadline', z, `PT${h}H`)] }))
        if (paused || after <= h * HOUR) {
          expect(ms(o.dueAt)).toBe(start + after + h * HOUR)
          expect(o.status).toBe('pending')
        } else {
          // a deadline already missed, and not paused, stays missed: the restart comes too late
          expect(ms(o.dueAt)).toBe(start + h * HOUR)
          expect(o.status).toBe('breached')
        }
      }),
    )
  })

  it('a restart gives the full period from the restart instant, in any clock kind', () => {
    const kinds = [
      ['calendar-days', 'P15D'],
      ['calendar-months', 'P6M'],
      ['business-days', 'P2D'],
      ['business-hours', 'PT8H'],
      ['elapsed', 'PT1H'],
    ] as const
    fc.assert(
      fc.property(
        zone,
        instant,
        fc.constantFrom(...kinds),
        fc.nat(100 * HOUR),
        fc.boolean(),
        (z, start, [clock, duration], after, eod) => {
          const period: ClockRule.Period = { duration, clock, endOfDay: eod, calendar: 'FR' }
          fc.pre(start + after <= Duration.addPeriod(start, period, z))
          const events = [
            ev('e1', 'ContentReported', start, z),
            ev('e3', 'ClarificationReceived', start + after, z),
          ]
          const o = one(Evaluation.evaluate(events, { rules: [rule('deadline', z, duration, { period })] }))
          expect(ms(o.dueAt)).toBe(Duration.addPeriod(start + after, period, z))
          expect(o.actions.map((a) => a.action)).toEqual(['start', 'restart'])
        },
      ),
      { numRuns: 50 },
    )
  })

  it('met / met_late / breached / pending agree with the timestamps', () => {
    fc.assert(
      fc.property(
        zone,
        instant,
        hours,
        fc.option(fc.nat(200 * HOUR)),
        fc.nat(200 * HOUR),
        (z, start, h, done, asOfAfter) => {
          const events = [ev('e1', 'ContentReported', start, z)]
          if (done !== null) events.push(ev('e2', 'ContentActioned', start + done, z, { action: 'removed' }))
          const asOf = start + asOfAfter
          const o = one(Evaluation.evaluate(events, { rules: [rule('deadline', z, `PT${h}H`)], asOf }))
          const due = ms(o.dueAt)
          const completed = done !== null && start + done <= asOf ? start + done : null
          if (completed !== null) {
            expect(o.status).toBe(completed <= due ? 'met' : 'met_late')
            expect(ms(o.completedAt!)).toBe(completed)
          } else {
            expect(o.completedAt).toBeNull()
            expect(o.status).toBe(asOf > due ? 'breached' : 'pending')
          }
        },
      ),
    )
  })

  it('holds are breached only by an early release, and have no warnings', () => {
    fc.assert(
      fc.property(
        zone,
        instant,
        hours,
        fc.option(fc.nat(200 * HOUR)),
        fc.nat(200 * HOUR),
        (z, start, h, rel, asOfAfter) => {
          const events = [ev('e1', 'ContentReported', start, z)]
          if (rel !== null) events.push(ev('e2', 'ContentActioned', start + rel, z))
          const asOf = start + asOfAfter
          const o = one(Evaluation.evaluate(events, { rules: [rule('hold', z, `PT${h}H`)], asOf }))
          expect(o.warnings).toEqual([])
          const released = rel !== null && start + rel <= asOf
          if (o.status === 'breached') expect(released && start + rel! < ms(o.dueAt)).toBe(true)
          else expect(o.status).toBe(released ? 'met' : asOf >= ms(o.dueAt) ? 'met' : 'pending')
        },
      ),
    )
  })

  it('evaluation is independent of the order of input lines', () => {
    const types = [
      'ContentReported',
      'ContentActioned',
      'InformationRequested',
      'InformationProvided',
      'ClarificationReceived',
    ]
    const eventArb = fc.record({
      caseId: fc.constantFrom('a', 'b', 'c'),
      type: fc.constantFrom(...types),
      t: fc.integer({ min: 0, max: 400 }),
      zone,
    })
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 1, maxLength: 25 }),
        fc.integer(),
        hours,
        (specs, seed, h) => {
          const base = Date.UTC(2026, 2, 1)
          // Equal instants on purpose (t in hours over a small range) to exercise the tie-break.
          const events = specs.map((s, i) =>
            ev(
              `e${i}`,
              s.type,
              base + (s.t % 50) * HOUR,
              s.zone,
              { requestId: 'q', reportId: `r${i % 2}` },
              s.caseId,
            ),
          )
          const rules = [
            rule('deadline', 'Europe/Paris', `PT${h}H`),
            { ...rule('hold', 'UTC', 'P2D'), rule: 'h' },
          ]
          const shuffled = fc.sample(fc.shuffledSubarray(events, { minLength: events.length }), {
            seed,
            numRuns: 1,
          })[0]!
          const a = JSON.stringify(Evaluation.evaluate(events, { rules }))
          const b = JSON.stringify(Evaluation.evaluate(shuffled, { rules }))
          expect(b).toBe(a)
        },
      ),
    )
  })

  it('inEngineOrder sorts by occurredAt, then recordedAt, then id, whatever the input order and offsets', () => {
    const one = fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      t: fc.integer({ min: 0, max: 4 }),
      r: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
      zone: fc.constantFrom(...ZONES),
    })
    fc.assert(
      fc.property(fc.array(one, { maxLength: 12 }), fc.nat(), (specs, seed) => {
        const base = Date.UTC(2026, 2, 29, 0, 30)
        const events = specs.map(({ id, t, r, zone }, i) => {
          const e = ev(`${id}${i % 2}`, 'ContentReported', base + t * HOUR, zone)
          return r === undefined ? e : ({ ...e, recordedAt: write(zone, base + r * HOUR) } as DocketEvent)
        })
        const sorted = Evaluation.inEngineOrder(events)
        const key = (e: DocketEvent): [number, number, string] => [
          ms(e.occurredAt),
          ms(e.recordedAt ?? e.occurredAt),
          e.id,
        ]
        for (let i = 1; i < sorted.length; i++) {
          const [a, b] = [key(sorted[i - 1]!), key(sorted[i]!)]
          expect(a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] <= b[2])))).toBe(
            true,
          )
        }
        // a permutation of the input, the same for any input order (ties of all three keep one order)
        expect([...sorted].sort(byRef(events))).toEqual([...events].sort(byRef(events)))
        const shuffled = [...events].sort(
          (x, y) => ((events.indexOf(x) * 7919 + seed) % 13) - ((events.indexOf(y) * 7919 + seed) % 13),
        )
        expect(Evaluation.inEngineOrder(shuffled).map(key)).toEqual(sorted.map(key))
      }),
    )
  })
})

const byRef =
  (events: ReadonlyArray<DocketEvent>) =>
  (a: DocketEvent, b: DocketEvent): number =>
    events.indexOf(a) - events.indexOf(b)
