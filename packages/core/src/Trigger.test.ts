import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { DocketEvent } from './Envelope.js'
import * as Escalation from './Escalation.js'
import { authority, decision, ev, report } from './internal/testEvents.js'
import type * as Obligation from './Obligation.js'
import * as Profile from './Profile.js'
import * as Timestamp from './Timestamp.js'
import * as Trigger from './Trigger.js'

const config = Escalation.configOf(Profile.DEFAULTS)

/** `2026-01-01T00:mm:00Z` */
const minuteAt = (minute: number): string => `2026-01-01T00:${String(minute).padStart(2, '0')}:00Z`
const reportAt = (minute: number, extra: Record<string, unknown> = {}): DocketEvent =>
  report(minuteAt(minute), extra)
const guarded = (minute: number): DocketEvent => reportAt(minute, { category: 'csam' })
const decisionAt = (minute: number, outcome: string, tier = 'frontline'): DocketEvent =>
  decision(minuteAt(minute), outcome, tier)
const fired = (rule: Trigger.Rule, history: ReadonlyArray<DocketEvent>) =>
  rule(Trigger.context({ caseId: 'c1', history, config }, Number.POSITIVE_INFINITY)).map((t) => ({
    causationId: t.causationId,
    level: t.level,
  }))

describe('the refusal guard and repeated reports read which reports are guarded once', () => {
  it('guards only refusals that follow a guarded report', () => {
    const early = decisionAt(1, 'no_violation')
    const late = decisionAt(3, 'no_violation')
    const history = [reportAt(0), early, guarded(2), late]
    expect(fired(Trigger.refusalGuard, history)).toEqual([
      { causationId: late.id, level: config.levels.refusal_guard },
    ])
  })

  it('pages a repeat at the specialist tier from the first guarded report on (itself included)', () => {
    const before = reportAt(2)
    const first = guarded(3)
    const after = reportAt(4)
    const history = [reportAt(0), decisionAt(1, 'no_violation'), before, first, after]
    const specialist = Math.max(config.levels.repeat_report, config.specialistLevel)
    expect(specialist).toBeGreaterThan(config.levels.repeat_report)
    expect(fired(Trigger.repeatReport, history)).toEqual([
      { causationId: before.id, level: config.levels.repeat_report },
      { causationId: first.id, level: specialist },
      { causationId: after.id, level: specialist },
    ])
  })

  it('finds no repeat or authority trigger without a refusal, and finds them with one', () => {
    const request = authority('2026-01-01T00:05:00Z')
    const refused = [reportAt(0), decisionAt(1, 'no_violation'), reportAt(2), request]
    const upheld = [reportAt(0), decisionAt(1, 'violation'), reportAt(2), request]
    expect(fired(Trigger.repeatReport, refused)).toHaveLength(1)
    expect(fired(Trigger.authorityAfterRefusal, refused)).toHaveLength(1)
    expect(fired(Trigger.repeatReport, upheld)).toEqual([])
    expect(fired(Trigger.authorityAfterRefusal, upheld)).toEqual([])
  })
})

describe('time triggers', () => {
  // Every form a timestamp's offset can take: Z, z, ±hh:mm (−00:00 included), ±hhmm.
  const pad = (v: number, width = 2): string => String(v).padStart(width, '0')
  const timestamp = fc
    .record({
      year: fc.integer({ min: 0, max: 9999 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
      second: fc.option(fc.integer({ min: 0, max: 59 })),
      fraction: fc.option(fc.stringMatching(/^\d{1,9}$/)),
      offset: fc.oneof(
        fc.constantFrom('Z', 'z', '-00:00', '+00:00', '-0000'),
        fc
          .tuple(
            fc.constantFrom('+', '-'),
            fc.integer({ min: 0, max: 18 }),
            fc.integer({ min: 0, max: 59 }),
            fc.boolean(),
          )
          .map(([sign, h, m, colon]) => `${sign}${pad(h)}${colon ? ':' : ''}${pad(m)}`),
      ),
    })
    .map(
      (t) =>
        `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}` +
        `${t.second === null ? '' : `:${pad(t.second)}${t.fraction === null ? '' : `.${t.fraction}`}`}${t.offset}`,
    )

  const obligation = (dueAt: string): Obligation.Obligation =>
    ({
      id: 'c1/p/r/e1',
      kind: 'deadline',
      statutory: true,
      counterfactual: false,
      preEffective: false,
      triggeredBy: 'e1',
      dueAt,
      targetAt: null,
      warnings: [],
      completedAt: null,
      status: 'breached',
      actions: [],
    }) as unknown as Obligation.Obligation

  it('write a trigger with the offset its instant was written with (read from its end)', () => {
    fc.assert(
      fc.property(timestamp, (dueAt) => {
        expect(Timestamp.isValid(dueAt)).toBe(true)
        const due = Timestamp.toMillis(dueAt)
        const ctx: Trigger.Context = {
          caseId: 'c1',
          history: [],
          at: [],
          refusals: new Set(),
          obligations: [obligation(dueAt)],
          instants: [{ due, target: null, warnings: [], end: null, completed: null }],
          config,
          now: due,
        }
        const [t] = Trigger.time(ctx)
        // Object.is: −00:00 is an offset of −0, as `Timestamp` reads it
        expect(Object.is(t?.offset, Timestamp.offsetOf(dueAt))).toBe(true)
      }),
      { numRuns: 2000 },
    )
  })
})

describe('standing refusals and resolutions, read in one pass', () => {
  const minute = (i: number): string => Timestamp.format(Date.UTC(2026, 0, 1) + i * 60_000)
  const kinds = fc.constantFrom(
    'report',
    'guarded',
    'no_violation',
    'insufficient_information',
    'violation',
    'specialist_no_violation',
    'removed',
    'restricted',
    'authority',
  )
  const eventOf = (kind: string, i: number): DocketEvent => {
    const at = minute(i)
    if (kind === 'report' || kind === 'guarded')
      return report(at, {
        reportId: `r${i}`,
        category: kind === 'guarded' ? 'csam' : 'hate',
        content: { ref: 'v', kind: 'video' },
      })
    if (kind === 'removed' || kind === 'restricted')
      return ev('ContentActioned', at, { action: kind, reviewId: 'x' })
    if (kind === 'authority') return authority(at)
    return decision(
      at,
      kind.replace('specialist_', ''),
      kind.startsWith('specialist_') ? 'specialist' : 'frontline',
    )
  }
  const isDecision = (e: DocketEvent, p: (d: Record<string, unknown>) => boolean): boolean =>
    e.type === 'ReviewDecided' && p(e.data as unknown as Record<string, unknown>)
  const specialist = (e: DocketEvent): boolean =>
    isDecision(e, (d) => d.tier === 'specialist' || d.tier === 'legal')
  const takedown = (e: DocketEvent): boolean =>
    e.type === 'ContentActioned' && (e.data.action === 'removed' || e.data.action === 'disabled')
  const reverses = (e: DocketEvent): boolean => isDecision(e, (d) => d.outcome === 'violation') || takedown(e)

  /** The rules as documented, by scanning back and forth from each event (the oracle). */
  const oracle = (history: ReadonlyArray<DocketEvent>) => {
    const ctx = Trigger.context({ caseId: 'c1', history, config }, Number.POSITIVE_INFINITY)
    const standing = (j: number): boolean => {
      for (let i = j - 1; i >= 0; i--) {
        if (ctx.refusals.has(i)) return true
        if (reverses(history[i]!)) return false
      }
      return false
    }
    const firstAfter = (j: number, p: (e: DocketEvent) => boolean): number | null => {
      for (let i = j + 1; i < history.length; i++) if (p(history[i]!)) return ctx.at[i]!
      return null
    }
    const guardedAt = history.findIndex((e) => e.type === 'ContentReported' && Trigger.isGuarded(e))
    const pick = (want: (e: DocketEvent, j: number) => boolean, p: (e: DocketEvent) => boolean) =>
      history.flatMap((e, j) => (want(e, j) ? [{ causationId: e.id, resolvedAt: firstAfter(j, p) }] : []))
    return {
      repeat: pick(
        (e, j) => e.type === 'ContentReported' && standing(j),
        (x) => specialist(x) || reverses(x),
      ),
      authority: pick(
        (e, j) => e.type === 'AuthorityRequestReceived' && standing(j),
        (x) => specialist(x) || takedown(x),
      ),
      guard: pick(
        (e, j) =>
          ctx.refusals.has(j) &&
          isDecision(e, (d) => d.tier === 'frontline') &&
          guardedAt >= 0 &&
          guardedAt < j,
        specialist,
      ),
    }
  }
  const firedWith = (rule: Trigger.Rule, history: ReadonlyArray<DocketEvent>) =>
    rule(Trigger.context({ caseId: 'c1', history, config }, Number.POSITIVE_INFINITY)).map((t) => ({
      causationId: t.causationId,
      resolvedAt: t.resolvedAt,
    }))

  it('fire and resolve as scanning from each event would, for any history', () => {
    let seen = 0
    fc.assert(
      fc.property(fc.array(kinds, { maxLength: 40 }), (ks) => {
        const history = ks.map(eventOf)
        const want = oracle(history)
        expect(firedWith(Trigger.repeatReport, history)).toEqual(want.repeat)
        expect(firedWith(Trigger.authorityAfterRefusal, history)).toEqual(want.authority)
        expect(firedWith(Trigger.refusalGuard, history)).toEqual(want.guard)
        seen += want.repeat.length + want.authority.length + want.guard.length
      }),
      { numRuns: 1_000 },
    )
    expect(seen).toBeGreaterThan(500)
  })
})
