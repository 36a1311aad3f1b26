import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Clock from './Clock.js'
import type * as ClockRule from './ClockRule.js'
import type { DocketEvent } from './Envelope.js'
import * as Escalation from './Escalation.js'
import * as Evaluation from './Evaluation.js'
import { hash128 } from './internal/hash.js'
import { authority, decision, ev, obligation, report } from './internal/testEvents.js'
import type * as Obligation from './Obligation.js'
import * as Outbox from './Outbox.js'
import * as Profile from './Profile.js'
import * as Timestamp from './Timestamp.js'

const config = Escalation.configOf(Profile.DEFAULTS)
const at = (s: string): number => Timestamp.toMillis(s)
const H = 3_600_000
const M = 60_000

const exposure = (occurredAt: string, views: number, shares: number): DocketEvent =>
  ev('ExposureObserved', occurredAt, { views, shares })
const ack = (occurredAt: string, escalationId: string): DocketEvent =>
  ev('EscalationAcknowledged', occurredAt, { escalationId })

/** Runs the engine like a host: tick at each instant, append what is due, return everything raised. */
const drive = (
  history: ReadonlyArray<DocketEvent>,
  instants: ReadonlyArray<number>,
  cfg = config,
  obligations?: ReadonlyArray<Obligation.Obligation>,
): DocketEvent[] => {
  const log = [...history]
  for (const now of instants) {
    const { due } = Escalation.tick({ caseId: 'c1', history: log, config: cfg, obligations }, now)
    log.push(...due)
  }
  return log.filter((e) => e.type === 'EscalationRaised')
}

const raisedData = (events: ReadonlyArray<DocketEvent>) =>
  events.map((e) => (e.type === 'EscalationRaised' ? { ...e.data, at: e.occurredAt } : null))

const guardedReport = (occurredAt = '2020-01-21T10:00:00-08:00') =>
  report(occurredAt, { category: 'csam', claims: { depictsMinor: true, policeReference: 'PR-1' } })

describe('refusal guard', () => {
  it('fires at the instant of a frontline refusal of a report that alleges a minor, at the specialist level', () => {
    const refusal = decision('2020-01-28T09:14:00-08:00', 'no_violation')
    const history = [guardedReport(), refusal]
    const { due } = Escalation.tick({ caseId: 'c1', history, config }, at(refusal.occurredAt))
    expect(raisedData(due)).toEqual([
      expect.objectContaining({ reason: 'refusal_guard', level: 2, at: '2020-01-28T09:14:00.000-08:00' }),
    ])
    expect(due[0]?.meta?.causationId).toBe(refusal.id)
  })

  it.each([
    ['a police reference', { category: 'hate', claims: { policeReference: 'PR-9' } }],
    ['a minor by age at capture', { category: 'privacy', claims: { ageAtCapture: 15 } }],
    ['category ncii', { category: 'ncii' }],
    ['category sextortion among others', { category: 'hate', categories: ['sextortion'] }],
    ['category enticement', { category: 'enticement' }],
  ])('fires for %s', (_, extra) => {
    const history = [report('2024-01-01T00:00:00Z', extra), decision('2024-01-02T00:00:00Z', 'no_violation')]
    const due = Escalation.tick({ caseId: 'c1', history, config }, at('2024-01-02T00:00:00Z')).due
    expect(due.map((e) => e.type === 'EscalationRaised' && e.data.reason)).toEqual(['refusal_guard'])
  })

  it('does not fire for an unguarded report, a violation, or a specialist refusal', () => {
    const t = at('2024-01-03T00:00:00Z')
    const cases: DocketEvent[][] = [
      [
        report('2024-01-01T00:00:00Z', { category: 'hate' }),
        decision('2024-01-02T00:00:00Z', 'no_violation'),
      ],
      [guardedReport('2024-01-01T00:00:00Z'), decision('2024-01-02T00:00:00Z', 'violation')],
      [guardedReport('2024-01-01T00:00:00Z'), decision('2024-01-02T00:00:00Z', 'no_violation', 'specialist')],
    ]
    for (const history of cases) expect(Escalation.tick({ caseId: 'c1', history, config }, t).due).toEqual([])
  })

  it('pages each level once when a configuration names a level twice (the later rung wins, its timing and whom it pages)', () => {
    const refusal = decision('2024-01-02T00:00:00Z', 'no_violation')
    const history: DocketEvent[] = [guardedReport('2024-01-01T00:00:00Z'), refusal]
    const ladder = [
      { level: 2, name: 'specialist', notify: [], acknowledgeWithin: 'PT30M' },
      { level: 2, name: 'specialist again', notify: [], acknowledgeWithin: 'PT30M' },
      { level: 3, name: 'legal', notify: [] },
    ]
    const twice = Escalation.configOf({ escalation: { ...Profile.DEFAULTS.escalation, ladder } })
    const instants = [0, 1, 2, 3].map((h) => at(refusal.occurredAt) + h * H)
    const raised = drive(history, instants, twice)
    expect(raisedData(raised).map((d) => d?.level)).toEqual([2, 3])
    const first = raised[0]!
    expect(first.type === 'EscalationRaised' && Outbox.notification(first, twice).levelName).toBe(
      'specialist again',
    )
  })

  it('climbs the ladder, and only a specialist decision silences it (an acknowledgement does not)', () => {
    const refusal = decision('2024-01-02T00:00:00Z', 'no_violation')
    const history: DocketEvent[] = [guardedReport('2024-01-01T00:00:00Z'), refusal]
    const t0 = at(refusal.occurredAt)
    const clock = Clock.manual(t0)
    const input = { caseId: 'c1', history, config }
    // level 2 (PT30M to acknowledge) → level 3 (PT1H) → level 4 (top).
    const first = Escalation.tick(input, clock.now())
    expect(first.due.map((e) => e.type === 'EscalationRaised' && e.data.level)).toEqual([2])
    expect(first.nextWakeAt).toBe(t0 + 30 * M)
    history.push(...first.due)
    clock.advance(30 * M - 1)
    expect(Escalation.tick(input, clock.now()).due).toEqual([])
    clock.advance(1)
    const second = Escalation.tick(input, clock.now())
    expect(second.due.map((e) => e.type === 'EscalationRaised' && e.data.level)).toEqual([3])
    expect(second.nextWakeAt).toBe(t0 + 90 * M)
    history.push(...second.due)
    const id = first.due[0]?.type === 'EscalationRaised' ? first.due[0].data.escalationId : ''
    history.push(ack(Timestamp.format(t0 + 60 * M), id))
    clock.set(t0 + 90 * M)
    const third = Escalation.tick(input, clock.now())
    expect(third.due.map((e) => e.type === 'EscalationRaised' && e.data.level)).toEqual([4])
    history.push(...third.due)
    expect(Escalation.tick(input, t0 + 10 * H)).toEqual({ due: [], nextWakeAt: null })
  })

  it('stops climbing at an acknowledgement (every reason but the refusal guard)', () => {
    const history: DocketEvent[] = [
      report('2024-01-01T00:00:00Z', { category: 'hate' }),
      decision('2024-01-02T00:00:00Z', 'no_violation'),
      report('2024-01-03T00:00:00Z', { category: 'hate' }),
    ]
    const t0 = at('2024-01-03T00:00:00Z')
    const input = { caseId: 'c1', history, config }
    const first = Escalation.tick(input, t0)
    expect(raisedData(first.due).map((d) => [d?.reason, d?.level])).toEqual([['repeat_report', 1]])
    expect(first.nextWakeAt).toBe(t0 + H)
    history.push(...first.due)
    const id = first.due[0]?.type === 'EscalationRaised' ? first.due[0].data.escalationId : ''
    history.push(ack(Timestamp.format(t0 + 10 * M), id))
    expect(Escalation.tick(input, t0 + 10 * H)).toEqual({ due: [], nextWakeAt: null })
  })

  it('keeps the case open until a specialist decides (blocksClose)', () => {
    const history: DocketEvent[] = [guardedReport(), decision('2020-01-28T09:14:00-08:00', 'no_violation')]
    expect(Escalation.blocksClose(history)).toBe(true)
    history.push(decision('2020-01-28T12:00:00-08:00', 'violation', 'frontline'))
    expect(Escalation.blocksClose(history)).toBe(true)
    history.push(decision('2020-01-29T12:00:00-08:00', 'violation', 'specialist'))
    expect(Escalation.blocksClose(history)).toBe(false)
    expect(Escalation.blocksClose([report('2024-01-01T00:00:00Z', { category: 'hate' })])).toBe(false)
  })

  it('stops paging once a specialist decides', () => {
    const refusal = decision('2024-01-02T00:00:00Z', 'no_violation')
    const specialist = decision('2024-01-02T00:20:00Z', 'violation', 'specialist')
    const raised = drive(
      [guardedReport('2024-01-01T00:00:00Z'), refusal, specialist],
      [at('2024-02-01T00:00:00Z')],
    )
    expect(raisedData(raised).map((d) => d?.level)).toEqual([2])
  })
})

describe('authority after refusal', () => {
  it('flags an informal intervention on a refused case as a missed obligation at the top of the ladder', () => {
    const history = [
      report('2024-01-01T00:00:00Z', { category: 'hate' }),
      decision('2024-01-02T00:00:00Z', 'no_violation'),
      authority('2024-01-03T00:00:00Z'),
    ]
    const due = Escalation.tick({ caseId: 'c1', history, config }, at('2024-01-03T00:00:00Z')).due
    expect(raisedData(due)).toEqual([
      expect.objectContaining({
        reason: 'authority_after_refusal',
        level: 4,
        missedObligation: true,
        at: '2024-01-03T00:00:00.000Z',
      }),
    ])
  })

  it('does not fire when the refusal was reversed before the authority came', () => {
    const history = [
      report('2024-01-01T00:00:00Z', { category: 'hate' }),
      decision('2024-01-02T00:00:00Z', 'no_violation'),
      ev('ContentActioned', '2024-01-02T12:00:00Z', { action: 'removed' }),
      authority('2024-01-03T00:00:00Z', 'removal_order'),
    ]
    expect(Escalation.tick({ caseId: 'c1', history, config }, at('2024-01-04T00:00:00Z')).due).toEqual([])
  })
})

describe('reach', () => {
  it('raises one escalation per observation crossing new thresholds, a level higher per threshold, while up', () => {
    const history = [
      report('2024-01-01T00:00:00Z', { category: 'hate' }),
      exposure('2024-01-01T01:00:00Z', 500, 10),
      exposure('2024-01-01T02:00:00Z', 12_000, 200),
      exposure('2024-01-01T03:00:00Z', 167_000, 2_223),
      exposure('2024-01-01T04:00:00Z', 170_000, 2_300),
    ]
    const initial = Escalation.triggers({ caseId: 'c1', history, config }, at('2024-01-01T04:00:00Z'))
    // 02:00 crosses views>=10000 (level 1); 03:00 crosses two more together: one page, at level 3
    expect(initial.map((t) => [t.cause.split('#')[1], t.level, t.at])).toEqual([
      ['views>=10000', 1, at('2024-01-01T02:00:00Z')],
      ['views>=100000+shares>=1000', 3, at('2024-01-01T03:00:00Z')],
    ])
    const raised = drive(history, [at('2024-01-01T04:00:00Z')])
    const levels = raisedData(raised).map((d) => [d?.level, d?.at])
    // unacknowledged, they climb the default ladder: L1 +PT1H → L2 +PT30M → L3 +PT1H → L4
    expect(levels).toEqual(
      expect.arrayContaining([
        [1, '2024-01-01T02:00:00.000Z'],
        [2, '2024-01-01T03:00:00.000Z'],
        [3, '2024-01-01T03:00:00.000Z'],
        [3, '2024-01-01T03:30:00.000Z'],
        [4, '2024-01-01T04:00:00.000Z'],
      ]),
    )
    expect(levels).toHaveLength(5)
  })

  it('watches the hourly rate, and ignores exposure after a takedown', () => {
    const cfg = Escalation.configOf({
      escalation: { ...Profile.DEFAULTS.escalation, reach: { viewsPerHour: 1000 } },
    })
    const history = [
      report('2024-01-01T00:00:00Z', { category: 'hate' }),
      exposure('2024-01-01T01:00:00Z', 100, 1),
      exposure('2024-01-01T01:30:00Z', 700, 1),
      ev('ContentActioned', '2024-01-01T01:40:00Z', { action: 'removed' }),
      exposure('2024-01-01T02:00:00Z', 5000, 1),
    ]
    const ts = Escalation.triggers({ caseId: 'c1', history, config: cfg }, at('2024-01-01T03:00:00Z'))
    expect(ts.map((t) => [t.reason, t.cause.split('#')[1], t.at])).toEqual([
      ['reach', 'viewsPerHour>=1000', at('2024-01-01T01:30:00Z')],
    ])
  })
})

describe('repeat report', () => {
  it('escalates a further report about refused content, to the specialist when the case is guarded', () => {
    const plain = [
      report('2024-01-01T00:00:00Z', { category: 'hate' }),
      decision('2024-01-02T00:00:00Z', 'no_violation'),
      report('2024-01-03T00:00:00Z', { category: 'hate' }),
    ]
    expect(Escalation.triggers({ caseId: 'c1', history: plain, config }, at('2024-01-03T00:00:00Z'))).toEqual(
      [expect.objectContaining({ reason: 'repeat_report', level: 1, at: at('2024-01-03T00:00:00Z') })],
    )
    const guarded = [
      report('2024-01-01T00:00:00Z', { category: 'hate' }),
      decision('2024-01-02T00:00:00Z', 'no_violation'),
      report('2024-01-03T00:00:00Z', { category: 'hate', claims: { depictsMinor: true } }),
    ]
    const ts = Escalation.triggers({ caseId: 'c1', history: guarded, config }, at('2024-01-03T00:00:00Z'))
    expect(ts.map((t) => [t.reason, t.level])).toEqual([['repeat_report', 2]])
  })
})

describe('repeat reports of a viral case', () => {
  const minutes = (from: string, i: number): string => Timestamp.format(at(from) + i * M)
  /** A report, a frontline refusal, then `n` repeat reports a minute apart from 2024-01-03 (guarded: a minor alleged). */
  const viral = (n: number, claims: Record<string, unknown> = {}) => {
    const repeats = Array.from({ length: n }, (_, i) =>
      report(minutes('2024-01-03T00:00:00Z', i), { category: 'hate', claims }),
    )
    return {
      repeats,
      history: [
        report('2024-01-01T00:00:00Z', { category: 'hate' }),
        decision('2024-01-02T00:00:00Z', 'no_violation'),
        ...repeats,
      ],
    }
  }
  const firstPages = (raised: ReadonlyArray<DocketEvent>) =>
    raisedData(raised)
      .filter((d) => d?.reason === 'repeat_report' && d.repeat === undefined)
      .map((d) => [d?.escalationId, d?.level, d?.at])
  const idOf = (cause: string, level: number): string =>
    Escalation.escalationId('c1', { reason: 'repeat_report', obligationId: null, level, cause })

  it('pages at the first repeat report and at 10, 100 and 1,000 of them, not once per report', () => {
    const { repeats, history } = viral(1_200, { depictsMinor: true })
    const asOf = at(repeats[repeats.length - 1]!.occurredAt)
    const ts = Escalation.triggers({ caseId: 'c1', history, config }, asOf)
    // guarded: from the specialist level (2), one higher per threshold; 5 is clamped to the top (4)
    expect(ts.map((t) => [t.causationId, t.level])).toEqual([
      [repeats[0]!.id, 2],
      [repeats[9]!.id, 3],
      [repeats[99]!.id, 4],
      [repeats[999]!.id, 5],
    ])
    const escalations = new Set(
      Escalation.summarize({ caseId: 'c1', history, config }, asOf).map((s) => s.escalationId),
    )
    expect([...escalations]).toEqual([
      idOf(repeats[0]!.id, 2),
      idOf(repeats[9]!.id, 3),
      idOf(repeats[99]!.id, 4),
      idOf(repeats[999]!.id, 4),
    ])
  })

  it('keeps the id of the first repeat report’s escalation: a store that holds it gets no duplicate', () => {
    const { repeats, history } = viral(12)
    // what a host wrote when the first repeat report came (the same id as before grouping)
    const log: DocketEvent[] = history.slice(0, 3)
    const first = Escalation.tick({ caseId: 'c1', history: log, config }, at(repeats[0]!.occurredAt)).due
    expect(first.map((e) => e.id)).toEqual([`${idOf(repeats[0]!.id, 1)}/L1`])
    log.push(...first, ...repeats.slice(1))
    const later = Escalation.tick({ caseId: 'c1', history: log, config }, at(repeats[11]!.occurredAt)).due
    // the first is not raised again (its id is recorded); the tenth report raises its own, a level higher
    expect(firstPages(later)).toEqual([[idOf(repeats[9]!.id, 2), 2, repeats[9]!.occurredAt]])
    expect(later.some((e) => e.id === first[0]!.id)).toBe(false)
  })

  it('stops an escalation raised before grouping for a report between thresholds when the report is resolved', () => {
    const { repeats, history } = viral(3)
    // a store written by the engine before grouping: one escalation per repeat report, each at level 1
    const old: DocketEvent[] = repeats.map((r) => ({
      ...ev('EscalationRaised', r.occurredAt, {
        escalationId: idOf(r.id, 1),
        level: 1,
        reason: 'repeat_report',
      }),
      id: `${idOf(r.id, 1)}/L1`,
      meta: { causationId: r.id },
    }))
    const takedown = ev('ContentActioned', minutes('2024-01-03T00:00:00Z', 10), { action: 'removed' })
    const log = [...history, ...old, takedown]
    // the takedown, 10 minutes on, resolved every report before the first hour: nothing climbs
    expect(Escalation.tick({ caseId: 'c1', history: log, config }, at('2024-02-01T00:00:00Z')).due).toEqual(
      [],
    )
    // one a person raised naming another event than a report climbs until acknowledged, as before
    const refusal = history[1]!
    const person: DocketEvent = {
      ...ev('EscalationRaised', repeats[0]!.occurredAt, {
        escalationId: 'esc-by-hand',
        level: 1,
        reason: 'repeat_report',
      }),
      id: 'esc-by-hand/L1',
      meta: { causationId: refusal.id },
    }
    const byHand = Escalation.tick(
      { caseId: 'c1', history: [...history, person, takedown], config },
      at('2024-01-03T01:00:00Z'),
    )
    expect(
      raisedData(byHand.due)
        .filter((d) => d?.escalationId === 'esc-by-hand')
        .map((d) => d?.level),
    ).toEqual([2])
    // unresolved and unacknowledged, each still climbs as it did when it was raised
    const open = Escalation.tick(
      { caseId: 'c1', history: [...history, ...old], config },
      at('2024-01-03T01:02:00Z'),
    )
    expect(raisedData(open.due).map((d) => [d?.escalationId, d?.level])).toEqual(
      repeats.map((r) => [idOf(r.id, 1), 2]),
    )
  })
})

describe('time', () => {
  const noLadder = Escalation.configOf({
    escalation: { ladder: Profile.DEFAULT_LADDER.map(({ acknowledgeWithin: _, ...l }) => l) },
  })

  it('warns at each fraction, misses the target, then breaches, with distinct reasons and next wake instants', () => {
    const o = obligation({})
    const input = { caseId: 'c1', history: [], config: noLadder, obligations: [o] }
    const start = at('2026-06-01T00:00:00Z')
    expect(Escalation.tick(input, start).nextWakeAt).toBe(at('2026-06-02T00:00:00Z'))
    const raised = drive(
      [],
      [at('2026-06-02T00:00:00Z'), at('2026-06-02T13:00:00Z'), at('2026-06-04T00:00:00Z')],
      noLadder,
      [o],
    )
    const lines = raisedData(raised).map((d) => [d?.reason, d?.level, d?.at, d?.obligationId])
    expect(lines.sort((a, b) => `${a[2]}${a[0]}`.localeCompare(`${b[2]}${b[0]}`))).toEqual([
      ['internal_target_missed', 2, '2026-06-02T00:00:00.000Z', o.id],
      ['time_warning', 1, '2026-06-02T00:00:00.000Z', o.id],
      ['time_warning', 2, '2026-06-02T12:00:00.000Z', o.id],
      ['time_warning', 3, '2026-06-02T19:12:00.000Z', o.id],
      ['statutory_breach', 4, '2026-06-03T00:00:00.000Z', o.id],
    ])
    expect(Escalation.nextWakeAt(input, at('2026-06-02T13:00:00Z'))).toBe(at('2026-06-02T19:12:00Z'))
    expect(Escalation.nextWakeAt(input, at('2026-06-03T00:00:00Z'))).toBeNull()
  })

  it('calls a missed non-statutory due time an internal target, and stops once the duty is met', () => {
    const internal = obligation({ statutory: false, targetAt: null, warnings: [] })
    const met = obligation({
      id: 'c1/x/y/e1',
      completedAt: '2026-06-02T06:00:00.000Z',
      status: 'met',
      actions: [{ action: 'complete', at: '2026-06-02T06:00:00.000Z', eventId: 'e9' }],
    })
    const raised = drive([], [at('2026-07-01T00:00:00Z')], noLadder, [internal, met])
    const lines = raisedData(raised).map((d) => [d?.reason, d?.obligationId, d?.at])
    expect(lines.sort((a, b) => `${a[2]}${a[0]}`.localeCompare(`${b[2]}${b[0]}`))).toEqual([
      ['internal_target_missed', met.id, '2026-06-02T00:00:00.000Z'],
      ['time_warning', met.id, '2026-06-02T00:00:00.000Z'],
      ['internal_target_missed', internal.id, '2026-06-03T00:00:00.000Z'],
    ])
  })

  it('never pages for windows or counterfactual obligations', () => {
    const os = [obligation({ kind: 'window' }), obligation({ id: 'c1/a/b/e1', counterfactual: true })]
    expect(drive([], [at('2027-01-01T00:00:00Z')], noLadder, os)).toEqual([])
  })
})

describe('order', () => {
  const day = at('2026-06-01T00:00:00.000Z')
  const write = (t: number): string => Timestamp.format(t)
  /** Obligations with warnings and due times on a coarse grid, so that many pages share instants. */
  const obligations = fc.array(
    fc.record({
      warnings: fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 4 }),
      due: fc.integer({ min: 41, max: 60 }),
    }),
    { minLength: 1, maxLength: 8 },
  )

  it('lists and raises pages by time, level, then event id, however many (sorted by insertion or not)', () => {
    let many = 0
    fc.assert(
      fc.property(obligations, (os) => {
        const obs = os.map((o, k) =>
          obligation({
            id: `c1/o${k}`,
            targetAt: null,
            dueAt: write(day + o.due * 30 * M),
            warnings: [...o.warnings].sort((a, b) => a - b).map((w) => write(day + w * 30 * M)),
          }),
        )
        const input = { caseId: 'c1', history: [], config, obligations: obs }
        const end = day + 200 * 30 * M
        const key = (t: number, level: number, id: string) => [t, level, id] as const
        const inOrder = (keys: ReadonlyArray<readonly [number, number, string]>): boolean =>
          keys.every((k, i) => {
            const p = keys[i - 1]
            return (
              p === undefined ||
              p[0] < k[0] ||
              (p[0] === k[0] && (p[1] < k[1] || (p[1] === k[1] && p[2] < k[2])))
            )
          })
        const summary = Escalation.summarize(input, end)
        if (summary.length > 16) many++
        expect(
          inOrder(summary.map((s) => key(at(s.at), s.level, Escalation.eventId(s.escalationId, s.level)))),
        ).toBe(true)
        const due = Escalation.tick(input, end).due
        expect(
          inOrder(due.map((e) => key(at(e.occurredAt), (e.data as { level: number }).level, e.id))),
        ).toBe(true)
        expect(new Set(summary.map((s) => Escalation.eventId(s.escalationId, s.level))).size).toBe(
          summary.length,
        )
      }),
      { numRuns: 200 },
    )
    expect(many).toBeGreaterThan(20)
  })
})

describe('repeats', () => {
  it('re-pages at repeatEvery, at most repeatTimes, before stepping up', () => {
    const cfg = Escalation.configOf({
      escalation: {
        ladder: [
          {
            level: 1,
            name: 'frontline',
            notify: ['a'],
            acknowledgeWithin: 'PT1H',
            repeatEvery: 'PT15M',
            repeatTimes: 2,
          },
          { level: 2, name: 'specialist', notify: ['b'], repeatEvery: 'PT10M' },
        ],
        levels: { authority_after_refusal: 1 },
      },
    })
    const history = [
      report('2024-01-01T00:00:00Z', { category: 'hate' }),
      decision('2024-01-02T00:00:00Z', 'no_violation'),
      authority('2024-01-03T00:00:00Z'),
    ]
    const raised = drive(history, [at('2024-01-04T00:00:00Z')], cfg)
    expect(raisedData(raised).map((d) => [d?.level, d?.repeat ?? 0, d?.at.slice(11, 16)])).toEqual([
      [1, 0, '00:00'],
      [1, 1, '00:15'],
      [1, 2, '00:30'],
      [2, 0, '01:00'],
      [2, 1, '01:10'],
      [2, 2, '01:20'],
      [2, 3, '01:30'],
    ])
    const summary = Escalation.summarize({ caseId: 'c1', history, config: cfg }, at('2024-01-04T00:00:00Z'))
    expect(summary.map((s) => s.level)).toEqual([1, 2])
  })
})

describe('idempotence', () => {
  const refusal = decision('2024-01-02T00:00:00Z', 'no_violation')
  const history: DocketEvent[] = [
    guardedReport('2024-01-01T00:00:00Z'),
    exposure('2024-01-01T20:00:00Z', 50_000, 100),
    refusal,
    report('2024-01-02T05:00:00Z', { category: 'csam' }),
    authority('2024-01-02T08:00:00Z'),
    exposure('2024-01-02T09:00:00Z', 400_000, 20_000),
  ]
  const obligations = [
    obligation({
      startedAt: '2024-01-01T00:00:00.000Z',
      dueAt: '2024-01-03T00:00:00.000Z',
      targetAt: '2024-01-02T00:00:00.000Z',
      warnings: ['2024-01-02T00:00:00.000Z', '2024-01-02T12:00:00.000Z'],
    }),
  ]
  const end = at('2024-01-04T00:00:00Z')
  const all = drive(history, [end], config, obligations)

  it('raises the same events whatever instants the host ticks at: never twice, never lost', () => {
    expect(all.length).toBeGreaterThan(10)
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: at('2024-01-01T00:00:00Z'), max: end }), { maxLength: 30 }),
        (ts) => {
          const instants = [...ts.sort((a, b) => a - b), end]
          const raised = drive(history, instants, config, obligations)
          expect(raised.map((e) => e.id).sort()).toEqual(all.map((e) => e.id).sort())
          expect(new Set(raised.map((e) => e.id)).size).toBe(raised.length)
          // byte-identical content: a restart re-appending them is an idempotent no-op
          expect(JSON.stringify(raised.sort((a, b) => (a.id < b.id ? -1 : 1)))).toBe(
            JSON.stringify([...all].sort((a, b) => (a.id < b.id ? -1 : 1))),
          )
        },
      ),
      { numRuns: 100 },
    )
  })

  it('sleeping until nextWakeAt never misses anything: nothing falls due before it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: at('2024-01-01T00:00:00Z'), max: end }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (now, f) => {
          const log = [...history]
          const first = Escalation.tick({ caseId: 'c1', history: log, config, obligations }, now)
          log.push(...first.due)
          const wake = first.nextWakeAt ?? end + 30 * 86_400_000
          const t = now + Math.floor((wake - now - 1) * f)
          if (t <= now) return
          expect(Escalation.tick({ caseId: 'c1', history: log, config, obligations }, t).due).toEqual([])
        },
      ),
      { numRuns: 200 },
    )
  })

  it('ticking again with nothing new returns nothing', () => {
    expect(
      Escalation.tick({ caseId: 'c1', history: [...history, ...all], config, obligations }, end).due,
    ).toEqual([])
  })

  it('lists each escalation and level once, whether the history records its pages or not', () => {
    const summary = Escalation.summarize({ caseId: 'c1', history, config, obligations }, end)
    expect(summary.length).toBeGreaterThan(5)
    fc.assert(
      fc.property(fc.subarray(all), fc.subarray(all), (recorded, twice) => {
        // the pages recorded (some twice), in any order after the case's own events
        const log = [...history, ...recorded, ...twice]
        expect(Escalation.summarize({ caseId: 'c1', history: log, config, obligations }, end)).toEqual(
          summary,
        )
      }),
      { numRuns: 100 },
    )
  })

  it('lists an escalation raised by hand, sorted with the planned ones by time, level, then event id', () => {
    const summary = Escalation.summarize({ caseId: 'c1', history, config, obligations }, end)
    const first = summary[0]!
    // at the instant and level of the first planned line, with an event id that sorts just before
    // its own (`<escalationId>/L<level>`) but after its escalation id alone; recorded twice, and
    // acknowledged at once (it does not climb)
    const byHand = {
      ...ev('EscalationRaised', first.at, {
        escalationId: 'esc-by-hand',
        level: first.level,
        reason: 'reach',
      }),
      id: `${first.escalationId}/A`,
    } as DocketEvent
    const listed = Escalation.summarize(
      {
        caseId: 'c1',
        history: [...history, byHand, byHand, ack(first.at, 'esc-by-hand')],
        config,
        obligations,
      },
      end,
    )
    expect(listed.map((s) => s.escalationId)).toEqual(['esc-by-hand', ...summary.map((s) => s.escalationId)])
  })

  it('derives escalation ids from case, reason, obligation, level and cause only', () => {
    const a = Escalation.escalationId('c1', { reason: 'reach', obligationId: null, level: 1, cause: 'x' })
    expect(a).toMatch(/^esc-[0-9a-f]{32}$/)
    expect(Escalation.escalationId('c1', { reason: 'reach', obligationId: null, level: 1, cause: 'x' })).toBe(
      a,
    )
    expect(
      Escalation.escalationId('c2', { reason: 'reach', obligationId: null, level: 1, cause: 'x' }),
    ).not.toBe(a)
    expect(
      Escalation.escalationId('c1', { reason: 'reach', obligationId: null, level: 2, cause: 'x' }),
    ).not.toBe(a)
  })
})

describe('durationMs', () => {
  it('reads ladder durations as elapsed time', () => {
    expect(Escalation.durationMs('PT30M')).toBe(30 * M)
    expect(Escalation.durationMs('P1DT2H')).toBe(26 * H)
    expect(Escalation.durationMs('P1W')).toBe(7 * 24 * H)
    expect(() => Escalation.durationMs('30m')).toThrow()
  })
})

describe('the seed story', () => {
  const history: DocketEvent[] = [
    report('2020-01-21T10:00:00-08:00', {
      category: 'csam',
      channel: 'in_app',
      claims: { depictsMinor: true, reporterIsDepicted: true, policeReference: 'police-report-1' },
    }),
    exposure('2020-01-27T12:00:00-08:00', 167_000, 2_223),
    decision('2020-01-28T09:14:00-08:00', 'no_violation'),
    authority('2020-01-29T11:00:00-08:00', 'intervention'),
    ev('ContentActioned', '2020-01-30T10:00:00-08:00', { action: 'removed' }),
  ]
  const refusal = history[2]!
  const agent = history[3]!

  it('raises the refusal guard at the refusal and flags the federal agent as a missed obligation', () => {
    const clock = Clock.manual(at('2020-01-21T10:00:00-08:00'))
    const log = [...history.slice(0, 2)]
    const input = { caseId: 'c1', history: log, config }
    log.push(...Escalation.tick(input, clock.now()).due)
    // the refusal arrives: the guard fires at that very instant
    clock.set(at(refusal.occurredAt))
    log.push(refusal)
    const atRefusal = Escalation.tick(input, clock.now()).due
    expect(raisedData(atRefusal).filter((d) => d?.reason === 'refusal_guard')).toEqual([
      expect.objectContaining({ level: 2, at: '2020-01-28T09:14:00.000-08:00' }),
    ])
    log.push(...atRefusal)
    // the agent calls
    clock.set(at(agent.occurredAt))
    log.push(agent)
    const atAgent = Escalation.tick(input, clock.now()).due
    expect(raisedData(atAgent).filter((d) => d?.reason === 'authority_after_refusal')).toEqual([
      expect.objectContaining({ level: 4, missedObligation: true, at: '2020-01-29T11:00:00.000-08:00' }),
    ])
    const summary = Escalation.summarize({ caseId: 'c1', history, config }, at('2020-02-01T00:00:00Z'))
    expect(summary.filter((s) => s.level === 2 && s.reason === 'refusal_guard').map((s) => s.at)).toEqual([
      '2020-01-28T09:14:00.000-08:00',
    ])
    expect(Escalation.blocksClose(history)).toBe(true)
  })
})

describe('with the obligation engine (Evaluation.escalate hook)', () => {
  const removal: ClockRule.Rule = {
    policy: 'test',
    rule: 'removal',
    kind: 'deadline',
    title: 'Remove within 48 hours',
    confidence: 'primary',
    applies: () => true,
    versions: [
      {
        validFrom: '2000-01-01T00:00:00Z',
        validTo: null,
        zone: 'UTC',
        citation: 'test',
        quote: 'not later than 48 hours',
        start: (e) => e.type === 'ContentReported',
        complete: (e) => e.type === 'ContentActioned',
        period: { duration: 'PT48H', clock: 'elapsed' },
      },
    ],
  }
  const events = [
    report('2024-01-01T00:00:00Z', { category: 'ncii' }),
    decision('2024-01-01T06:00:00Z', 'no_violation'),
    authority('2024-01-02T00:00:00Z', 'removal_order'),
  ]

  it('lists the escalations of each case in the evaluate report: warnings, breach, guard, authority', () => {
    const report1 = Evaluation.evaluate(events, {
      rules: [removal],
      asOf: '2024-01-04T00:00:00Z',
      escalate: Escalation.escalate,
    })
    const [c] = report1.cases
    expect(c?.obligations.map((o) => o.status)).toEqual(['breached'])
    const reasons = new Set(c?.escalations.map((e) => e.reason))
    expect(reasons).toEqual(
      new Set(['time_warning', 'statutory_breach', 'refusal_guard', 'authority_after_refusal']),
    )
    const breach = c?.escalations.find((e) => e.reason === 'statutory_breach')
    expect(breach).toMatchObject({ level: 4, obligationId: c?.obligations[0]?.id })
    expect(Timestamp.toMillis(breach?.at ?? '')).toBe(at('2024-01-03T00:00:00Z'))
    // deterministic: the same input gives the same output
    const again = Evaluation.evaluate(events, {
      rules: [removal],
      asOf: '2024-01-04T00:00:00Z',
      escalate: Escalation.escalate,
    })
    expect(JSON.stringify(again)).toBe(JSON.stringify(report1))
  })

  it('wakes the host at the obligation’s next warning', () => {
    const c = Evaluation.evaluateCase('c1', events.slice(0, 1), {
      rules: [removal],
      asOf: '2024-01-01T01:00:00Z',
    })
    const next = Escalation.nextWakeAt(
      { caseId: 'c1', history: events.slice(0, 1), obligations: c.obligations, config },
      at('2024-01-01T01:00:00Z'),
    )
    expect(next).toBe(Timestamp.toMillis(c.obligations[0]?.warnings[0] ?? ''))
  })
})

describe('escalation ids', () => {
  it('are the hash of the JSON of [case, reason, obligation, level, cause], for any text', () => {
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.constantFrom('"', '\\', '\u0001', '\ud800', '😀'),
    )
    fc.assert(
      fc.property(
        text,
        text,
        fc.option(text, { nil: null }),
        // small levels are written from a table; any other number as JSON writes it
        fc.oneof(fc.integer({ min: -3, max: 40 }), fc.double()),
        text,
        (c, r, o, l, k) => {
          const id = Escalation.escalationId(c, {
            reason: r as Escalation.Reason,
            obligationId: o,
            level: l,
            cause: k,
          })
          expect(id).toBe(`esc-${hash128(JSON.stringify([c, r, o ?? '', l, k]))}`)
        },
      ),
      { numRuns: 500 },
    )
  })
})
