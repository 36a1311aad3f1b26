import { describe, expect, it } from 'vitest'
import type * as ClockRule from './ClockRule.js'
import type { DocketEvent } from './Envelope.js'
import * as Evaluation from './Evaluation.js'
import * as ObligationQuery from './ObligationQuery.js'
import * as Timestamp from './Timestamp.js'

const is =
  (t: string): ClockRule.Condition =>
  (e) =>
    e.type === t
const rule = (name: string, duration: string, kind: ClockRule.Kind = 'deadline'): ClockRule.Rule => ({
  policy: 'q',
  rule: name,
  kind,
  title: name,
  confidence: 'primary',
  applies: () => true,
  versions: [
    {
      validFrom: '2020-01-01T00:00:00Z',
      validTo: null,
      zone: 'UTC',
      citation: 'c',
      quote: 'q',
      start: is('ContentReported'),
      complete: is('ContentActioned'),
      period: { duration, clock: 'elapsed' },
    },
  ],
})
const ev = (caseId: string, id: string, type: string, at: string): DocketEvent =>
  ({ id, type, caseId, occurredAt: at, data: {} }) as unknown as DocketEvent

const report = Evaluation.evaluate(
  [
    ev('a', 'a1', 'ContentReported', '2026-06-01T00:00:00Z'),
    ev('b', 'b1', 'ContentReported', '2026-06-01T12:00:00Z'),
    ev('c', 'c1', 'ContentReported', '2026-05-01T00:00:00Z'),
    ev('d', 'd1', 'ContentReported', '2026-06-01T00:00:00Z'),
    ev('d', 'd2', 'ContentActioned', '2026-06-01T01:00:00Z'),
  ],
  {
    rules: [rule('fast', 'PT24H'), rule('slow', 'PT72H'), rule('keep', 'PT48H', 'hold')],
    asOf: '2026-06-02T06:00:00Z',
  },
)
const rows = ObligationQuery.rows(report)

describe('ObligationQuery', () => {
  it('lists open obligations and the status of one case', () => {
    expect(rows).toHaveLength(12)
    expect(ObligationQuery.open(rows).every((r) => ObligationQuery.isOpen(r.obligation))).toBe(true)
    expect(ObligationQuery.forCase(report, 'd').map((o) => o.status)).toEqual(['met', 'breached', 'met'])
    expect(ObligationQuery.forCase(report, 'nope')).toEqual([])
  })

  it('finds what is breached, statutory or not', () => {
    const ids = ObligationQuery.breached(rows, true).map((r) => r.obligation.id)
    expect(ids).toEqual(['a/q/fast/a1', 'c/q/fast/c1', 'c/q/slow/c1', 'd/q/keep/d1'])
  })

  it('finds what is due within a window, sorted by time to breach', () => {
    const due = ObligationQuery.dueWithin(rows, '2026-06-02T06:00:00Z', '2026-06-04T00:00:00Z')
    expect(due.map((r) => r.obligation.id)).toEqual([
      'b/q/fast/b1',
      'a/q/keep/a1',
      'b/q/keep/b1',
      'a/q/slow/a1',
    ])
    const first = due[0]!.obligation
    expect(ObligationQuery.timeToBreach(first, '2026-06-02T06:00:00Z')).toBe(6 * 3_600_000)
  })

  it('gives the next instant anything can change: a warning, a target or a due time', () => {
    const now = Timestamp.toMillis('2026-06-02T06:00:00Z')
    // b/fast: due 2026-06-02T12:00Z; its 90 % warning is 2026-06-02T09:36Z.
    expect(
      ObligationQuery.nextWakeAt(
        rows.map((r) => r.obligation),
        now,
      ),
    ).toBe(Timestamp.toMillis('2026-06-02T09:36:00Z'))
    expect(ObligationQuery.nextWakeAt([], now)).toBeNull()
    const last = Timestamp.toMillis('2026-06-04T00:00:00Z')
    expect(
      ObligationQuery.nextWakeAt(
        rows.map((r) => r.obligation),
        last,
      ),
    ).toBe(Timestamp.toMillis('2026-06-04T04:48:00Z')) // b/slow's 90 % warning
  })
})
