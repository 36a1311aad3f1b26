/**
 * Escalations a history records that the engine no longer derives (an older release or
 * configuration raised them, or a person did): each stops when its cause is resolved, as the rule
 * of its reason resolves it, or when acknowledged.
 */
import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { DocketEvent } from './Envelope.js'
import * as Escalation from './Escalation.js'
import { authority, decision, engineRaised, ev, obligation, report } from './internal/testEvents.js'
import type * as Obligation from './Obligation.js'
import * as Profile from './Profile.js'
import * as Timestamp from './Timestamp.js'

const config = Escalation.configOf(Profile.DEFAULTS)
const at = (s: string): number => Timestamp.toMillis(s)
const M = 60_000
const later = (s: string, minutes: number): string => Timestamp.format(at(s) + minutes * M)

/** An escalation an older configuration raised: an id and level the current one does not derive. */
const recorded = (
  reason: Escalation.Reason,
  occurredAt: string,
  level: number,
  cause: { readonly causationId?: string; readonly obligationId?: string },
): DocketEvent => engineRaised(`esc-old-${reason}`, reason, level, occurredAt, cause)

/** One reason's story: its cause, the old escalation, and what resolves the cause `minutes` after it. */
interface Story {
  readonly history: ReadonlyArray<DocketEvent>
  readonly obligations?: ReadonlyArray<Obligation.Obligation>
  readonly raisedAt: string
  readonly resolve: (minutes: number) => {
    readonly events: ReadonlyArray<DocketEvent>
    readonly obligations?: ReadonlyArray<Obligation.Obligation>
  }
}

const T0 = '2024-01-03T00:00:00Z'
const takedown = (minutes: number) => ({
  events: [ev('ContentActioned', later(T0, minutes), { action: 'removed' })],
})
const specialist = (minutes: number) => ({
  events: [decision(later(T0, minutes), 'no_violation', 'specialist')],
})
/** The obligation's duty ended by `action` (met or cancelled) `minutes` after `from`. */
const ended =
  (from: string, action: 'complete' | 'cancel', status: Obligation.Status) => (minutes: number) => {
    const end = later(from, minutes)
    return {
      events: [],
      obligations: [
        obligation({
          completedAt: end,
          status,
          actions: [...obligation({}).actions, { action, at: end, eventId: 'e-end' }],
        }),
      ],
    }
  }
const obligationStory = (
  reason: Escalation.Reason,
  raisedAt: string,
  action: 'complete' | 'cancel',
  status: Obligation.Status,
): Story => {
  const o = obligation({})
  return {
    history: [recorded(reason, raisedAt, 1, { causationId: o.triggeredBy, obligationId: o.id })],
    obligations: [o],
    raisedAt,
    resolve: ended(raisedAt, action, status),
  }
}

const stories = (): ReadonlyArray<readonly [Escalation.Reason, Story]> => {
  const guardedRefusal = decision(T0, 'no_violation')
  const refusal = decision('2024-01-02T00:00:00Z', 'no_violation')
  const request = authority(T0)
  const observed = ev('ExposureObserved', T0, { views: 50_000, shares: 0 })
  const repeat = report(T0, { category: 'hate' })
  return [
    [
      'refusal_guard',
      {
        history: [
          report('2024-01-01T00:00:00Z', { category: 'csam', claims: { depictsMinor: true } }),
          guardedRefusal,
          // the specialist level was 1 then (it is 2 now)
          recorded('refusal_guard', T0, 1, { causationId: guardedRefusal.id }),
        ],
        raisedAt: T0,
        resolve: specialist,
      },
    ],
    [
      'authority_after_refusal',
      {
        // levels.authority_after_refusal was 1 then (the ladder's top now)
        history: [
          report('2024-01-01T00:00:00Z'),
          refusal,
          request,
          recorded('authority_after_refusal', T0, 1, { causationId: request.id }),
        ],
        raisedAt: T0,
        resolve: takedown,
      },
    ],
    [
      'reach',
      {
        // a threshold of 20,000 views then (10,000 now)
        history: [observed, recorded('reach', T0, 1, { causationId: observed.id })],
        raisedAt: T0,
        resolve: specialist,
      },
    ],
    [
      'repeat_report',
      {
        history: [
          report('2024-01-01T00:00:00Z'),
          refusal,
          repeat,
          recorded('repeat_report', T0, 1, { causationId: repeat.id }),
        ],
        raisedAt: T0,
        resolve: specialist,
      },
    ],
    ['time_warning', obligationStory('time_warning', '2026-06-02T00:00:00.000Z', 'complete', 'met')],
    [
      'statutory_breach',
      obligationStory('statutory_breach', '2026-06-03T00:00:00.000Z', 'complete', 'met_late'),
    ],
    [
      'internal_target_missed',
      obligationStory('internal_target_missed', '2026-06-02T00:00:00.000Z', 'cancel', 'waived'),
    ],
  ]
}

/** The pages of the old escalation of `reason` a host appending every tick's due events raises by `instants`. */
const pages = (
  reason: Escalation.Reason,
  history: ReadonlyArray<DocketEvent>,
  obligations: ReadonlyArray<Obligation.Obligation> | undefined,
  instants: ReadonlyArray<number>,
): ReadonlyArray<readonly [at: number, level: number]> => {
  const log = [...history]
  const out: Array<readonly [number, number]> = []
  for (const now of instants) {
    const { due } = Escalation.tick({ caseId: 'c1', history: log, config, obligations }, now)
    log.push(...due)
    for (const e of due)
      if (e.data.escalationId === `esc-old-${reason}`) out.push([at(e.occurredAt), e.data.level])
  }
  return out
}

describe('an escalation the engine no longer derives', () => {
  it.each(stories())('of reason %s pages no more once its cause is resolved', (reason, story) => {
    const resolvedAt = at(story.raisedAt) + 90 * M
    const instants = [at(story.raisedAt) + 30 * 86_400_000]
    const open = pages(reason, story.history, story.obligations, instants)
    // unresolved, it climbs past the resolution to come (an older configuration's level, to the top)
    expect(open.some(([t]) => t >= resolvedAt)).toBe(true)
    const { events, obligations } = story.resolve(90)
    const resolved = pages(reason, [...story.history, ...events], obligations ?? story.obligations, instants)
    expect(resolved).toEqual(open.filter(([t]) => t < resolvedAt))
  })

  it('climbs until acknowledged when a person raised it without naming its cause', () => {
    const [, guard] = stories()[0]!
    const byHand = { ...guard.history[2]!, meta: undefined } as DocketEvent
    const history = [...guard.history.slice(0, 2), byHand, ...guard.resolve(10).events]
    const month = [at(T0) + 30 * 86_400_000]
    expect(pages('refusal_guard', history, undefined, month).map(([, level]) => level)).toEqual([2, 3, 4])
    const acknowledged = ev('EscalationAcknowledged', later(T0, 100), {
      escalationId: 'esc-old-refusal_guard',
    })
    expect(
      pages('refusal_guard', [...history, acknowledged], undefined, month).map(([, level]) => level),
    ).toEqual([2, 3])
  })

  it('never pages at or after its resolution, whenever the host ticks (property)', () => {
    const all = stories()
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: all.length - 1 }),
        fc.integer({ min: 0, max: 400 }),
        fc.array(fc.integer({ min: 0, max: 600 }), { maxLength: 8 }),
        (k, minutes, ticks) => {
          const [reason, story] = all[k]!
          const { events, obligations } = story.resolve(minutes)
          const from = at(story.raisedAt)
          const instants = [...ticks.sort((a, b) => a - b), 30 * 24 * 60].map((m) => from + m * M)
          const raised = pages(
            reason,
            [...story.history, ...events],
            obligations ?? story.obligations,
            instants,
          )
          return raised.every(([t]) => t < from + minutes * M)
        },
      ),
    )
  })
})
