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
/** The default profile with repeat-report thresholds a short history reaches. */
const small = Escalation.configOf({
  escalation: { ...Profile.DEFAULTS.escalation, repeatReports: [2, 3, 5] },
})
const smallThresholds: ReadonlyArray<number> = small.repeatReports ?? []

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
    // `after` calls for the specialist level too, already raised under this refusal: it raises nothing
    expect(fired(Trigger.repeatReport, history)).toEqual([
      { causationId: before.id, level: config.levels.repeat_report },
      { causationId: first.id, level: specialist },
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

describe('repeat reports, counted under each standing refusal', () => {
  /** The repeat-report triggers with `cfg`, as [causation, level]. */
  const raised = (history: ReadonlyArray<DocketEvent>, cfg = small) =>
    Trigger.repeatReport(
      Trigger.context({ caseId: 'c1', history, config: cfg }, Number.POSITIVE_INFINITY),
    ).map((t) => [t.causationId, t.level] as const)
  /** `n` plain reports from minute `from`. */
  const reports = (from: number, n: number): DocketEvent[] =>
    Array.from({ length: n }, (_, i) => reportAt(from + i))

  it('raises at the first repeat report, then once at each threshold, a level higher each', () => {
    const repeats = reports(2, 7)
    const history = [reportAt(0), decisionAt(1, 'no_violation'), ...repeats]
    expect(raised(history)).toEqual([
      [repeats[0]!.id, 1],
      [repeats[1]!.id, 2],
      [repeats[2]!.id, 3],
      [repeats[4]!.id, 4],
    ])
    // the default thresholds: 10, 100, 1,000
    expect(config.repeatReports).toEqual([10, 100, 1_000])
    const many = reports(2, 12)
    expect(raised([reportAt(0), decisionAt(1, 'no_violation'), ...many], config)).toEqual([
      [many[0]!.id, 1],
      [many[9]!.id, 2],
    ])
  })

  it('raises once per standing refusal without thresholds', () => {
    const none = Escalation.configOf({ escalation: { ...Profile.DEFAULTS.escalation, repeatReports: [] } })
    const repeats = reports(2, 5)
    expect(raised([reportAt(0), decisionAt(1, 'no_violation'), ...repeats], none)).toEqual([
      [repeats[0]!.id, 1],
    ])
    // a Config built by hand without repeatReports has none either
    const { repeatReports: _, ...byHand } = Escalation.configOf(Profile.DEFAULTS)
    expect(raised([reportAt(0), decisionAt(1, 'no_violation'), ...repeats], byHand)).toEqual([
      [repeats[0]!.id, 1],
    ])
  })

  it('counts from zero again under a new refusal, after a reversal or without one', () => {
    const first = reports(2, 2)
    const afterReversal = reports(6, 2)
    const afterRefusal = reports(9, 2)
    const history = [
      reportAt(0),
      decisionAt(1, 'no_violation'),
      ...first,
      decisionAt(4, 'violation'),
      decisionAt(5, 'no_violation'),
      ...afterReversal,
      decisionAt(8, 'no_violation'),
      ...afterRefusal,
    ]
    expect(raised(history)).toEqual([
      [first[0]!.id, 1],
      [first[1]!.id, 2],
      [afterReversal[0]!.id, 1],
      [afterReversal[1]!.id, 2],
      [afterRefusal[0]!.id, 1],
      [afterRefusal[1]!.id, 2],
    ])
  })

  it('starts at the specialist level when a report of the case is guarded, before the refusal or under it', () => {
    const repeats = reports(3, 5)
    expect(raised([guarded(0), reportAt(1), decisionAt(2, 'no_violation'), ...repeats])).toEqual([
      [repeats[0]!.id, 2],
      [repeats[1]!.id, 3],
      [repeats[2]!.id, 4],
      [repeats[4]!.id, 5],
    ])
    // a guarded report under the refusal lifts the level to the specialist's at once, one raise
    const late = guarded(4)
    const history = [reportAt(0), decisionAt(1, 'no_violation'), reportAt(2), late, reportAt(5)]
    expect(raised(history, config)).toEqual([
      [history[2]!.id, 1],
      [late.id, 2],
    ])
    // after a threshold: the level the guard calls for counts the thresholds reached (2 + 1)
    const afterThreshold = guarded(5)
    const later = [reportAt(0), decisionAt(1, 'no_violation'), ...reports(2, 2), afterThreshold, reportAt(6)]
    expect(raised(later).map(([, level]) => level)).toEqual([1, 2, 4])
    expect(raised(later)[2]).toEqual([afterThreshold.id, 4])
  })

  it('raises again at every threshold past the top of the ladder, each clamped to the top by the engine', () => {
    const repeats = reports(3, 5)
    const history = [guarded(0), reportAt(1), decisionAt(2, 'no_violation'), ...repeats]
    expect(raised(history).map(([, level]) => level)).toEqual([2, 3, 4, 5])
    // the threshold at 5 calls for level 5: raised at the top of the ladder (4), an escalation of its own
    const top = Profile.DEFAULT_LADDER[Profile.DEFAULT_LADDER.length - 1]!.level
    const input = { caseId: 'c1', history, config: small }
    const atLast = Escalation.summarize(input, Timestamp.toMillis(minuteAt(7))).filter(
      (s) => s.reason === 'repeat_report' && Timestamp.toMillis(s.at) === Timestamp.toMillis(minuteAt(7)),
    )
    const cause = repeats[4]!.id
    expect(atLast.map((s) => [s.escalationId, s.level])).toEqual([
      [
        Escalation.escalationId('c1', { reason: 'repeat_report', obligationId: null, level: top, cause }),
        top,
      ],
    ])
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

  /** The index in `history` of the refusal standing just before `j` (scanning back), or -1. */
  const refusalBefore = (
    history: ReadonlyArray<DocketEvent>,
    refusals: ReadonlySet<number>,
    j: number,
  ): number => {
    for (let i = j - 1; i >= 0; i--) {
      if (refusals.has(i)) return i
      if (reverses(history[i]!)) return -1
    }
    return -1
  }

  /** The rules as documented, by scanning back and forth from each event (the oracle). */
  const oracle = (history: ReadonlyArray<DocketEvent>) => {
    const ctx = Trigger.context({ caseId: 'c1', history, config: small }, Number.POSITIVE_INFINITY)
    const guardedAt = history.findIndex((e) => e.type === 'ContentReported' && Trigger.isGuarded(e))
    const standingAt = (j: number): number => refusalBefore(history, ctx.refusals, j)
    const standing = (j: number): boolean => standingAt(j) >= 0
    const isReport = (e: DocketEvent): boolean => e.type === 'ContentReported'
    /** The level report `j` calls for: its base, plus one per threshold its refusal's count has reached. */
    const levelAt = (j: number): number => {
      const count = history.slice(standingAt(j) + 1, j + 1).filter(isReport).length
      const plain = small.levels.repeat_report
      const base = guardedAt >= 0 && guardedAt <= j ? Math.max(plain, small.specialistLevel) : plain
      return base + smallThresholds.filter((n) => count >= n).length
    }
    /** A repeat report raises when it calls for a level above every earlier one under its refusal. */
    const raises = (j: number): boolean =>
      history.every((e, i) => i <= standingAt(j) || i >= j || !isReport(e) || levelAt(i) < levelAt(j))
    const firstAfter = (j: number, p: (e: DocketEvent) => boolean): number | null => {
      for (let i = j + 1; i < history.length; i++) if (p(history[i]!)) return ctx.at[i]!
      return null
    }
    const pick = (want: (e: DocketEvent, j: number) => boolean, p: (e: DocketEvent) => boolean) =>
      history.flatMap((e, j) => (want(e, j) ? [{ causationId: e.id, resolvedAt: firstAfter(j, p) }] : []))
    return {
      repeat: pick(
        (e, j) => isReport(e) && standing(j) && raises(j),
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
    rule(Trigger.context({ caseId: 'c1', history, config: small }, Number.POSITIVE_INFINITY)).map((t) => ({
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

  const thresholds = smallThresholds.length
  /** Mostly reports, so that refusals see enough of them to reach every threshold. */
  const reportHeavy = fc.oneof(
    { arbitrary: fc.constant('report'), weight: 8 },
    { arbitrary: kinds, weight: 3 },
  )

  it('raise at most 1 + thresholds repeat-report escalations per standing refusal, one more if a guard lifts it', () => {
    let segments = 0
    let full = 0
    fc.assert(
      fc.property(fc.array(reportHeavy, { maxLength: 60 }), (ks) => {
        const history = ks.map(eventOf)
        const ctx = Trigger.context({ caseId: 'c1', history, config: small }, Number.POSITIVE_INFINITY)
        const index = new Map(history.map((e, i) => [e.id, i]))
        const guardedAt = history.findIndex((e) => e.type === 'ContentReported' && Trigger.isGuarded(e))
        const perRefusal = new Map<number, number[]>()
        for (const t of Trigger.repeatReport(ctx)) {
          const j = index.get(t.causationId ?? '')!
          const s = refusalBefore(history, ctx.refusals, j)
          perRefusal.set(s, [...(perRefusal.get(s) ?? []), j])
        }
        for (const [s, raised] of perRefusal) {
          // reports under refusal `s` on both sides of the first guarded report: the guard may lift it once
          const reports = history
            .map((e, j) =>
              e.type === 'ContentReported' && refusalBefore(history, ctx.refusals, j) === s ? j : -1,
            )
            .filter((j) => j >= 0)
          const lifted =
            guardedAt >= 0 && reports[0]! < guardedAt && reports[reports.length - 1]! >= guardedAt
          expect(raised.length).toBeLessThanOrEqual(1 + thresholds + (lifted ? 1 : 0))
          if (raised.length >= 1 + thresholds) full++
          segments++
        }
      }),
      { numRuns: 1_000 },
    )
    expect(segments).toBeGreaterThan(200)
    expect(full).toBeGreaterThan(10)
  })

  it('give the same escalations with repeat reports added or removed past the last threshold', () => {
    const last = smallThresholds[thresholds - 1]!
    const viral = ['report', 'no_violation', ...Array<string>(last).fill('report')]
    fc.assert(
      fc.property(
        fc.array(kinds, { maxLength: 20 }),
        fc.array(kinds, { maxLength: 20 }),
        fc.nat(),
        fc.integer({ min: 1, max: 5 }),
        (before, after, at, extra) => {
          const history = [...before, ...viral, ...after].map(eventOf)
          const ctx = Trigger.context({ caseId: 'c1', history, config: small }, Number.POSITIVE_INFINITY)
          const guardedAt = history.findIndex((e) => e.type === 'ContentReported' && Trigger.isGuarded(e))
          // the points where the standing refusal has counted `last` reports already (right after `viral` at least)
          const past = [...history.keys(), history.length].filter((p) => {
            const s = refusalBefore(history, ctx.refusals, p)
            const counted = history.slice(s + 1, p).filter((e) => e.type === 'ContentReported').length
            return s >= 0 && counted >= last
          })
          expect(past.length).toBeGreaterThan(0)
          const p = past[at % past.length]!
          // plain reports, or guarded ones when a guarded report came before (neither lifts the level)
          const kind = guardedAt >= 0 && guardedAt < p && at % 2 === 0 ? 'guarded' : 'report'
          const added = Array.from({ length: extra }, () => eventOf(kind, Math.max(0, p - 1)))
          const more = [...history.slice(0, p), ...added, ...history.slice(p)]
          const asOf = Timestamp.toMillis(minute(history.length + 1))
          const input = (h: ReadonlyArray<DocketEvent>) => ({ caseId: 'c1', history: h, config: small })
          expect(Escalation.triggers(input(more), asOf)).toEqual(Escalation.triggers(input(history), asOf))
          expect(Escalation.summarize(input(more), asOf)).toEqual(Escalation.summarize(input(history), asOf))
        },
      ),
      { numRuns: 500 },
    )
  })
})
