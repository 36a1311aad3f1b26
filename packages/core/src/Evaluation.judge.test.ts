import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type * as ClockRule from './ClockRule.js'
import type { DocketEvent } from './Envelope.js'
import * as Evaluation from './Evaluation.js'
import * as Timestamp from './Timestamp.js'
import { testRule } from './testing/Rule.js'

// `Evaluation.judge` (each instant read once per judgment) against what the replay did before it:
// its own scan of the history for the first visible event (and, for a wake-up, the first unseen
// one), then `evaluateCase` at that `asOf`.

const HOUR = 3_600_000
const BASE = Date.UTC(2026, 0, 1)
const OFFSETS = [0, 60, -300, 330, 525] as const

const write = (t: number, offset: number): string => Timestamp.format(t, offset)

const rule: ClockRule.Rule = testRule(
  {
    zone: 'event',
    start: (e) => e.type === 'ContentReported',
    complete: (e) => e.type === 'ContentActioned',
    pause: (e) => e.type === 'InformationRequested',
    resume: (e) => e.type === 'InformationProvided',
    period: { duration: 'PT5H', clock: 'elapsed' },
  },
  { policy: 'p', rule: 'r' },
)

const event = (
  id: string,
  type: string,
  occurredAt: string,
  recordedAt?: string,
  caseId = 'c',
): DocketEvent =>
  ({
    id,
    type,
    caseId,
    occurredAt,
    data: {},
    ...(recordedAt === undefined ? {} : { recordedAt }),
  }) as unknown as DocketEvent

/** The replay's semantics before `judge`, written with a parse per read. */
const reference = (
  caseId: string,
  history: ReadonlyArray<DocketEvent>,
  asOf: string,
  options: Evaluation.Options,
): { readonly report: Evaluation.CaseReport; readonly next: number | null } | null => {
  const ms = (t: string | number | undefined, none: number): number =>
    t === undefined ? none : typeof t === 'number' ? t : Timestamp.toMillis(t)
  const at = Timestamp.toMillis(asOf)
  const knownAt = ms(options.knownAt, Number.POSITIVE_INFINITY)
  const known = (e: DocketEvent): boolean => Timestamp.toMillis(e.recordedAt ?? e.occurredAt) <= knownAt
  const occurred = history.map((e) => Timestamp.toMillis(e.occurredAt))
  const visible = occurred.filter((t, i) => t <= at && known(history[i]!))
  if (visible.length === 0) return null
  const first = Math.min(...visible)
  if (first < ms(options.from, Number.NEGATIVE_INFINITY) || first >= ms(options.to, Number.POSITIVE_INFINITY))
    return null
  const unseen = occurred.filter((t, i) => t > at && known(history[i]!))
  return {
    report: Evaluation.evaluateCase(caseId, history, { ...options, asOf }),
    next: unseen.length === 0 ? null : Math.min(...unseen),
  }
}

// Instants on a coarse grid (equal instants are common), written at various offsets.
const hour = fc.integer({ min: 0, max: 12 })
const offset = fc.constantFrom(...OFFSETS)
const written = fc.tuple(hour, offset).map(([h, o]) => write(BASE + h * HOUR, o))
const bound = fc.option(
  fc.oneof(
    written,
    hour.map((h) => BASE + h * HOUR),
  ),
  { nil: undefined },
)

const history = fc
  .array(
    fc.record({
      type: fc.constantFrom(
        'ContentReported',
        'ContentActioned',
        'InformationRequested',
        'InformationProvided',
      ),
      at: fc.tuple(hour, offset),
      // no recordedAt, the same text, the same instant written otherwise, or later
      recorded: fc.oneof(
        fc.constant<'none' | 'same'>('none'),
        fc.constant<'none' | 'same'>('same'),
        fc.tuple(fc.integer({ min: 0, max: 6 }), offset),
      ),
    }),
    { maxLength: 8 },
  )
  .map((xs) =>
    xs.map(({ type, at: [h, o], recorded }, i) => {
      const occurredAt = write(BASE + h * HOUR, o)
      const recordedAt =
        recorded === 'none'
          ? undefined
          : recorded === 'same'
            ? occurredAt
            : write(BASE + (h + recorded[0]) * HOUR, recorded[1])
      return event(`e${i % 3}${i}`, type, occurredAt, recordedAt)
    }),
  )

describe('Evaluation.judge', () => {
  it('equals the scan-then-evaluateCase of the replay, for any history and axes (property)', () => {
    fc.assert(
      fc.property(history, written, bound, bound, bound, (events, asOf, knownAt, from, to) => {
        let hooked: Evaluation.EscalationInput | undefined
        const options: Evaluation.Options = {
          rules: [rule],
          ...(knownAt === undefined ? {} : { knownAt }),
          ...(from === undefined ? {} : { from }),
          ...(to === undefined ? {} : { to }),
          escalate: (i) => {
            hooked = i
            return [{ escalationId: 'x', level: 1, reason: 'r', at: i.asOf, obligationId: null }]
          },
        }
        const want = reference('c', events, asOf, options)
        const wantInput = hooked
        hooked = undefined
        const got = Evaluation.judge(options)('c', events, asOf)
        if (want === null) {
          expect(got).toBeNull()
          expect(hooked).toBeUndefined()
          return
        }
        expect(got).not.toBeNull()
        expect(got!.report).toEqual(want.report)
        expect(got!.asOfMs).toBe(Timestamp.toMillis(asOf))
        expect(got!.nextVisibleMs()).toBe(want.next)
        expect(hooked).toEqual(wantInput)
      }),
      { numRuns: 2000 },
    )
  })

  const at = (h: number, offset = 0): string => write(BASE + h * HOUR, offset)
  const judge = (
    events: ReadonlyArray<DocketEvent>,
    asOf: string,
    o: Partial<Evaluation.Options> = {},
  ): Evaluation.Judgment | null => Evaluation.judge({ rules: [rule], ...o })('c', events, asOf)

  it('reads visibility from occurredAt and knowledge from recordedAt, never the other way', () => {
    // occurred by asOf, recorded after knownAt: invisible
    const late = [event('a', 'ContentReported', at(1), at(5))]
    expect(judge(late, at(6), { knownAt: at(4) })).toBeNull()
    expect(judge(late, at(6), { knownAt: at(5) })?.report.obligations).toHaveLength(1)
    // recorded by asOf but occurring after it: not visible yet, visible at its occurredAt
    const future = [event('a', 'ContentReported', at(1)), event('b', 'ContentActioned', at(4), at(2))]
    const j = judge(future, at(3))!
    expect(j.report.obligations[0]!.status).toBe('pending')
    expect(j.nextVisibleMs()).toBe(BASE + 4 * HOUR)
    expect(judge(future, at(4))!.report.obligations[0]!.status).toBe('met')
    // an unseen event recorded after knownAt never becomes visible
    expect(judge(future, at(3), { knownAt: at(1) })!.nextVisibleMs()).toBeNull()
    // `from`/`to` apply to the first visible occurredAt, not its recordedAt
    const window = [event('a', 'ContentReported', at(2), at(7))]
    expect(judge(window, at(8), { from: at(2), to: at(3) })).not.toBeNull()
    expect(judge(window, at(8), { from: at(7) })).toBeNull()
  })

  it('reads offsets, and bounds at equal instants as evaluate does', () => {
    // 10:00+01:00 is 09:00Z: visible at 09:00Z, not at 08:59:59.999Z
    const e = [event('a', 'ContentReported', '2026-01-01T10:00:00+01:00')]
    expect(judge(e, '2026-01-01T09:00:00Z')).not.toBeNull()
    expect(judge(e, '2026-01-01T08:59:59.999Z')).toBeNull()
    expect(judge(e, '2026-01-01T09:00:00Z', { from: '2026-01-01T09:00:00Z' })).not.toBeNull()
    expect(judge(e, '2026-01-01T09:00:00Z', { to: '2026-01-01T09:00:00Z' })).toBeNull()
    expect(judge(e, '2026-01-01T12:00:00Z', { knownAt: '2026-01-01T04:00:00-05:00' })).not.toBeNull()
    expect(judge(e, '2026-01-01T12:00:00Z', { knownAt: '2026-01-01T03:59:00-05:00' })).toBeNull()
    // 16:30+05:30 is 11:00Z
    const later = [...e, event('b', 'ContentActioned', '2026-01-01T16:30:00+05:30')]
    expect(judge(later, '2026-01-01T09:00:00Z')!.nextVisibleMs()).toBe(Date.UTC(2026, 0, 1, 11))
    expect(judge(later, '2026-01-01T11:00:00Z')!.nextVisibleMs()).toBeNull()
  })

  it('leaves a case outside the report before checking its events belong to it', () => {
    const stranger = [
      event('a', 'ContentReported', at(1)),
      event('b', 'ContentActioned', at(2), undefined, 'd'),
    ]
    expect(judge(stranger, at(3), { from: at(5) })).toBeNull()
    expect(() => judge(stranger, at(3))).toThrow('event b is not in case c')
  })
})
