import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Escalation from './Escalation.js'
import type * as Obligation from './Obligation.js'
import * as Profile from './Profile.js'
import * as Timestamp from './Timestamp.js'
import * as Trigger from './Trigger.js'

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 0, 1)
const iso = (ms: number): string => Timestamp.format(ms, 0)

const configOf = (timePages: 'perObligation' | 'perRule'): Escalation.Config =>
  Escalation.configOf({ escalation: { ...Profile.DEFAULTS.escalation, timePages } })

/** One obligation's shape as the time trigger reads it: hours after T0. */
interface Spec {
  readonly rule: string
  readonly start: number
  readonly hours: number
  /** Hours after T0 it ended (met), or null while open. */
  readonly end: number | null
  readonly target?: number
}

/** A deadline obligation of `spec`, warned at 50 %, 75 % and 90 % of its period, with its instants. */
const deadline = (spec: Spec, k: number): { o: Obligation.Obligation; instants: Obligation.Instants } => {
  const start = T0 + spec.start * HOUR
  const due = start + spec.hours * HOUR
  const warnings = [0.5, 0.75, 0.9].map((f) => start + Math.round(f * spec.hours * HOUR))
  const target = spec.target === undefined ? null : start + spec.target * HOUR
  const end = spec.end === null ? null : T0 + spec.end * HOUR
  const o = {
    id: `c1/p/${spec.rule}/e${k}`,
    policy: 'p',
    rule: spec.rule,
    kind: 'deadline',
    statutory: true,
    counterfactual: false,
    preEffective: false,
    triggeredBy: `e${k}`,
    startedAt: iso(start),
    dueAt: iso(due),
    targetAt: target === null ? null : iso(target),
    warnings: warnings.map(iso),
    completedAt: end === null ? null : iso(end),
    status: end === null ? 'pending' : end <= due ? 'met' : 'met_late',
    actions: [],
  } as unknown as Obligation.Obligation
  return { o, instants: { due, target, warnings, end, completed: end } }
}

const fire = (
  specs: ReadonlyArray<Spec>,
  timePages: 'perObligation' | 'perRule',
  now = Number.POSITIVE_INFINITY,
) => {
  const built = specs.map(deadline)
  return Trigger.time({
    caseId: 'c1',
    history: [],
    at: [],
    refusals: new Set(),
    obligations: built.map((b) => b.o),
    instants: built.map((b) => b.instants),
    config: configOf(timePages),
    now,
  })
}

type Built = ReturnType<typeof deadline>

/** Whether `a` takes its turn before `b`: due first, ties by obligation id (the engine's order). */
const dueBefore = (a: Built, b: Built): boolean =>
  a.instants.due < b.instants.due || (a.instants.due === b.instants.due && a.o.id < b.o.id)

const brief = (ts: ReadonlyArray<Trigger.Trigger>) =>
  ts.map((t) => ({ obligation: t.obligationId, cause: t.cause.split('@')[0], hour: (t.at - T0) / HOUR }))

describe('timePages: one rule of one case pages as one', () => {
  // three notices an hour apart, each owing a decision within 24 hours; the platform answers the first at hour 30
  const notices: ReadonlyArray<Spec> = [
    { rule: 'decide', start: 0, hours: 24, end: 30 },
    { rule: 'decide', start: 1, hours: 24, end: null },
    { rule: 'decide', start: 2, hours: 24, end: 27 },
  ]

  it('perObligation (the default) pages every obligation its own warnings and breach', () => {
    expect(Escalation.configOf(Profile.DEFAULTS).timePages).toBe('perObligation')
    const each = fire(notices, 'perObligation')
    expect(brief(each).filter((t) => t.obligation === 'c1/p/decide/e1')).toEqual([
      { obligation: 'c1/p/decide/e1', cause: 'warning1', hour: 13 },
      { obligation: 'c1/p/decide/e1', cause: 'warning2', hour: 19 },
      { obligation: 'c1/p/decide/e1', cause: 'warning3', hour: 22.6 },
      { obligation: 'c1/p/decide/e1', cause: 'due', hour: 25 },
    ])
    // the third's warnings and breach too: it ended at hour 27, after its due time
    expect(each.filter((t) => t.obligationId === 'c1/p/decide/e2')).toHaveLength(4)
    expect(each.filter((t) => t.obligationId === 'c1/p/decide/e0')).toHaveLength(4)
  })

  it('perRule pages the one due first; when it ends, the next open one pages its latest crossing at once', () => {
    expect(brief(fire(notices, 'perRule'))).toEqual([
      { obligation: 'c1/p/decide/e0', cause: 'warning1', hour: 12 },
      { obligation: 'c1/p/decide/e0', cause: 'warning2', hour: 18 },
      { obligation: 'c1/p/decide/e0', cause: 'warning3', hour: 21.6 },
      { obligation: 'c1/p/decide/e0', cause: 'due', hour: 24 },
      // the first ended at 30: the second, breached since 25 and still open, takes over; the third,
      // ended at 27, never had its turn
      { obligation: 'c1/p/decide/e1', cause: 'due', hour: 30 },
    ])
  })

  it('perRule keeps each rule apart, and a rule of one obligation pages as perObligation does', () => {
    const two: ReadonlyArray<Spec> = [
      { rule: 'decide', start: 0, hours: 24, end: null },
      { rule: 'remove', start: 0, hours: 1, end: null, target: 0.5 },
      { rule: 'decide', start: 1, hours: 24, end: null },
    ]
    const grouped = fire(two, 'perRule')
    expect(grouped.filter((t) => t.obligationId === 'c1/p/decide/e2')).toEqual([])
    expect(grouped.filter((t) => t.obligationId === 'c1/p/remove/e1')).toEqual(
      fire([two[1]!], 'perObligation').map((t) => ({
        ...t,
        obligationId: 'c1/p/remove/e1',
        causationId: 'e1',
      })),
    )
  })

  it('perRule waits while the first is open: nothing for the others at any instant before it ends', () => {
    const open: ReadonlyArray<Spec> = [
      { rule: 'decide', start: 0, hours: 24, end: null },
      { rule: 'decide', start: 1, hours: 24, end: null },
    ]
    const at48 = fire(open, 'perRule', T0 + 48 * HOUR)
    expect(new Set(at48.map((t) => t.obligationId))).toEqual(new Set(['c1/p/decide/e0']))
  })

  // any obligations of two rules, open or ended at any hour
  const spec = fc.record({
    rule: fc.constantFrom('a', 'b'),
    start: fc.integer({ min: 0, max: 48 }),
    hours: fc.integer({ min: 1, max: 48 }),
    end: fc.option(fc.integer({ min: 0, max: 120 }), { nil: null }),
    target: fc.option(fc.integer({ min: 1, max: 47 }), { nil: undefined }),
  })
  const specs = fc
    .array(spec, { minLength: 1, maxLength: 8 })
    .map((ss) => ss.map((s) => ({ ...s, end: s.end === null ? null : Math.max(s.end, s.start) })))

  it('perRule pages a subset of the same escalations, none earlier, and while one is open no sibling pages', () => {
    fc.assert(
      fc.property(specs, (ss) => {
        const each = fire(ss, 'perObligation')
        const grouped = fire(ss, 'perRule')
        const key = (t: Trigger.Trigger): string => `${t.obligationId} ${t.cause}`
        const byKey = new Map(each.map((t) => [key(t), t]))
        for (const t of grouped) {
          const same = byKey.get(key(t))
          expect(same).toBeDefined()
          expect(t.at).toBeGreaterThanOrEqual(same!.at)
          expect(t.resolvedAt).toBe(same!.resolvedAt)
        }
        // a page of one obligation falls when every sibling due before it has ended
        const built = ss.map(deadline)
        for (const t of grouped) {
          const k = built.findIndex((b) => b.o.id === t.obligationId)
          const mine = built[k]!
          for (const [j, other] of built.entries()) {
            if (j === k || other.o.rule !== mine.o.rule) continue
            if (dueBefore(other, mine))
              expect(other.instants.end !== null && other.instants.end <= t.at).toBe(true)
          }
        }
      }),
      { numRuns: 500 },
    )
  })

  it('perRule loses no rule that stays late: the last crossing of an obligation open past its turn pages', () => {
    fc.assert(
      fc.property(specs, (ss) => {
        const grouped = fire(ss, 'perRule')
        const built = ss.map(deadline)
        for (const [k, mine] of built.entries()) {
          // its turn: when every sibling due before it has ended (never while one is open)
          let turn = Number.NEGATIVE_INFINITY
          for (const [j, other] of built.entries()) {
            if (j === k || other.o.rule !== mine.o.rule) continue
            if (dueBefore(other, mine))
              turn =
                other.instants.end === null ? Number.POSITIVE_INFINITY : Math.max(turn, other.instants.end)
          }
          const end = mine.instants.end ?? Number.POSITIVE_INFINITY
          const first = Math.min(mine.instants.warnings[0]!, mine.instants.target ?? Number.POSITIVE_INFINITY)
          const crossed = Math.max(turn, first)
          const paged = grouped.some((t) => t.obligationId === mine.o.id)
          expect(paged).toBe(crossed < end && turn !== Number.POSITIVE_INFINITY)
        }
      }),
      { numRuns: 500 },
    )
  })
})
