import { type DocketEvent, Evaluation } from '@docket/core'
import { History } from '@docket/core/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Facts from './Facts.js'

const T0 = Date.UTC(2026, 0, 5, 9)
/** An instant `minutes` after T0, written with millis and `Z`. */
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString()

const ev = (
  id: string,
  type: string,
  minutes: number,
  data: object = {},
  recordedMinutes = minutes,
): DocketEvent =>
  ({ id, type, caseId: 'c1', occurredAt: at(minutes), recordedAt: at(recordedMinutes), data }) as DocketEvent

const report = (id: string, minutes: number, data: object = {}): DocketEvent =>
  ev(id, 'ContentReported', minutes, { reportId: `r-${id}`, channel: 'notice', category: 'hate', ...data })

const cases = (events: number, seed: number): ReadonlyArray<ReadonlyArray<DocketEvent>> => {
  const byCase = new Map<string, DocketEvent[]>()
  for (const e of History.generate({ events, seed })) {
    const h = byCase.get(e.caseId) ?? []
    h.push(e)
    byCase.set(e.caseId, h)
  }
  return [...byCase.values()]
}

describe('Facts.extract', () => {
  it('does not depend on input order: the same bytes as from the engine order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (seed, shuffle) => {
          for (const history of cases(300, seed)) {
            const caseId = history[0]!.caseId
            const expected = JSON.stringify(Facts.extract(caseId, Evaluation.inEngineOrder(history)))
            const shuffled = fc.sample(fc.shuffledSubarray([...history], { minLength: history.length }), {
              seed: shuffle,
              numRuns: 1,
            })[0]!
            expect(JSON.stringify(Facts.extract(caseId, history))).toBe(expected)
            expect(JSON.stringify(Facts.extract(caseId, shuffled))).toBe(expected)
            expect(JSON.stringify(Facts.extract(caseId, [...history].reverse()))).toBe(expected)
          }
        },
      ),
      { numRuns: 20 },
    )
  })

  it('orders ties on occurredAt as the engine does (recordedAt, then id)', () => {
    // instants that never decrease: only the ties are out of the engine's order
    const history = [
      report('y', 0),
      ev('b', 'ContentActioned', 5, { action: 'removed' }, 7),
      ev('a', 'ReviewDecided', 5, { outcome: 'violation' }, 6),
      report('z', 5),
    ]
    const f = Facts.extract('c1', history)
    expect(f.timeline.map((e) => e.id)).toEqual(Evaluation.inEngineOrder(history).map((e) => e.id))
    expect(f.timeline.map((e) => e.id)).toEqual(['y', 'z', 'a', 'b'])
    expect(f.decisions[0]?.review?.eventId).toBe('a')
    expect(f.firstOccurredAt).toBe(at(0))
  })

  it('keeps the key order of facts and timeline entries (part of the output bytes)', () => {
    const f = Facts.extract('c1', [report('r', 0)])
    expect(Object.keys(f)).toEqual([
      'caseId',
      'firstOccurredAt',
      'origin',
      'category',
      'categories',
      'channel',
      'trustedFlagger',
      'jurisdictions',
      'contentKind',
      'synthetic',
      'depictsMinor',
      'postedAt',
      'detectionMethod',
      'noticeAt',
      'notices',
      'art16Notices',
      'firstDecisionAt',
      'firstActionAt',
      'refusals',
      'refusalsThenAuthority',
      'decisions',
      'orders',
      'appeals',
      'closed',
      'reopened',
      'timeline',
    ])
    expect(Object.keys(f.timeline[0]!)).toEqual(['id', 'type', 'occurredAt', 'recordedAt', 'label', 'note'])
  })

  it('reads origin, categories, jurisdictions and claims from the reports', () => {
    const f = Facts.extract('c1', [
      ev('d', 'ContentDetected', 0, {
        method: 'hash',
        category: 'csam',
        categories: ['csam', 'grooming', 'csam', 7],
        jurisdictions: ['FR', 'DE'],
        content: { kind: 'image', synthetic: true, postedAt: at(-60) },
      }),
      report('r1', 1, {
        jurisdictions: ['DE', 'AT'],
        flagger: { id: 'tf-1' },
        claims: { depictsMinor: false },
      }),
      report('r2', 2, { claims: { depictsMinor: true } }),
      ev('a', 'AuthorityRequestReceived', 3, { kind: 'order', jurisdiction: 'BE', requestId: 'q' }),
      ev('b', 'AuthorityRequestReceived', 4, { kind: 'order', jurisdiction: 'FR', requestId: 'p' }),
    ])
    expect(f.origin).toBe('detection')
    expect(f.detectionMethod).toBe('hash')
    expect(f.category).toBe('csam')
    expect(f.categories).toEqual(['csam', 'grooming'])
    expect(f.jurisdictions).toEqual(['AT', 'BE', 'DE', 'FR'])
    expect(f.channel).toBe('notice')
    expect(f.trustedFlagger).toBe('tf-1')
    expect([f.contentKind, f.synthetic, f.postedAt]).toEqual(['image', true, at(-60)])
    expect(f.depictsMinor).toBe(true)
    expect([f.noticeAt, f.notices]).toEqual([at(1), 2])
    expect(Facts.extract('c1', [report('r', 0, { channel: 'authority' })]).origin).toBe('authority')
    expect(Facts.extract('c1', [ev('a', 'AuthorityRequestReceived', 0, { kind: 'order' })]).origin).toBe(
      'authority',
    )
    expect(Facts.extract('c1', [ev('x', 'CaseClosed', 0)]).origin).toBe('other')
    expect(Facts.extract('c1', []).firstOccurredAt).toBeNull()
  })

  it('pairs each action with the latest violation before it', () => {
    const f = Facts.extract('c1', [
      report('r', 0),
      ev('x0', 'ContentActioned', 1, { action: 'disabled' }),
      ev('v1', 'ReviewDecided', 2, { outcome: 'violation', ground: 'illegal', tier: 't1' }),
      ev('n', 'ReviewDecided', 3, { outcome: 'no_violation' }),
      ev('x1', 'ContentActioned', 4, { action: 'removed', territories: ['FR', 1], scope: 'eu' }),
      ev('v2', 'ReviewDecided', 5, { outcome: 'violation', explanation: 'why' }),
      ev('x2', 'AccountActioned', 6, { action: 'suspended', until: at(99) }),
    ])
    expect(f.decisions.map((d) => [d.eventId, d.type, d.action, d.review?.eventId ?? null])).toEqual([
      ['x0', 'ContentActioned', 'disabled', null],
      ['x1', 'ContentActioned', 'removed', 'v1'],
      ['x2', 'AccountActioned', 'suspended', 'v2'],
    ])
    expect(f.decisions[1]).toMatchObject({ scope: 'eu', territories: ['FR'], until: null })
    expect(f.decisions[1]?.review).toMatchObject({ ground: 'illegal', tier: 't1', explanation: null })
    expect(f.decisions[2]).toMatchObject({ territories: null, until: at(99) })
    expect([f.firstDecisionAt, f.firstActionAt]).toEqual([at(2), at(1)])
    expect(f.refusals).toEqual(['n'])
  })

  it('counts a refusal followed by an authority only when the authority comes strictly later', () => {
    const history = [
      report('r', 0),
      ev('n1', 'ReviewDecided', 1, { outcome: 'no_violation' }),
      ev('a1', 'AuthorityRequestReceived', 1, { kind: 'order', jurisdiction: 'FR' }, 2),
      ev('n2', 'ReviewDecided', 3, { outcome: 'no_violation' }),
      ev('a2', 'AuthorityRequestReceived', 4, { kind: 'intervention' }),
      ev('a3', 'AuthorityRequestReceived', 5, { jurisdiction: 'DE' }),
    ]
    expect(Facts.extract('c1', history).refusalsThenAuthority).toEqual([
      {
        refusalId: 'n1',
        refusedAt: at(1),
        authorityEventId: 'a2',
        authorityAt: at(4),
        kind: 'intervention',
        jurisdiction: null,
      },
      {
        refusalId: 'n2',
        refusedAt: at(3),
        authorityEventId: 'a2',
        authorityAt: at(4),
        kind: 'intervention',
        jurisdiction: null,
      },
    ])
    // without a report, no decision is a refusal
    expect(Facts.extract('c1', history.slice(1)).refusalsThenAuthority).toEqual([])
  })

  it("notes an order's receipt and effect from the instant it was received on", () => {
    const f = Facts.extract('c1', [
      ev('early', 'NotificationSent', 0, { to: 'authority', kind: 'ack' }),
      // same instant as the request, before it in the engine's order: counts
      ev('n0', 'NotificationSent', 2, { to: 'reporter', kind: 'ack' }, 1),
      ev('n1', 'NotificationSent', 2, { to: 'authority', kind: 'ack' }, 1),
      ev('q', 'AuthorityRequestReceived', 2, { kind: 'order', requestId: 'Q', jurisdiction: 'FR' }, 3),
      ev('w', 'AuthorityResponded', 3, { requestId: 'other', response: 'complied' }),
      ev('x', 'AuthorityResponded', 4, { requestId: 'Q', response: 'refused' }),
      ev('y', 'AuthorityResponded', 5, { requestId: 'Q', response: 'partially_complied' }),
      ev('i', 'AuthorityRequestReceived', 6, { kind: 'intervention' }),
      ev('u', 'AuthorityRequestReceived', 7, {}),
      ev('m', 'NotificationSent', 7.5, { to: 'reporter', kind: 'decision' }),
      ev('z', 'AuthorityResponded', 8, { requestId: 'u', response: 'disclosed' }),
    ])
    expect(f.orders).toEqual([
      {
        eventId: 'q',
        requestId: 'Q',
        kind: 'order',
        jurisdiction: 'FR',
        receivedAt: at(2),
        acknowledgedAt: at(2),
        effectedAt: at(5),
      },
      {
        eventId: 'u',
        requestId: 'u',
        kind: 'unknown',
        jurisdiction: null,
        receivedAt: at(7),
        acknowledgedAt: null,
        effectedAt: at(8),
      },
    ])
  })

  it('matches appeals with their decisions, and follows closing and reopening', () => {
    const f = Facts.extract('c1', [
      ev('l1', 'AppealLodged', 0, { appealId: 'A', venue: 'out_of_court', by: 'reporter' }),
      ev('l2', 'AppealLodged', 1, { appealId: 'B' }),
      ev('k1', 'CaseClosed', 2),
      ev('o1', 'CaseReopened', 3),
      ev('d1', 'AppealDecided', 4, { appealId: 'A', outcome: 'upheld' }),
      ev('k2', 'CaseClosed', 5),
      ev('o2', 'CaseReopened', 6),
    ])
    expect(f.appeals).toEqual([
      {
        appealId: 'A',
        venue: 'out_of_court',
        by: 'reporter',
        lodgedAt: at(0),
        decidedAt: at(4),
        outcome: 'upheld',
      },
      { appealId: 'B', venue: 'internal', by: 'unknown', lodgedAt: at(1), decidedAt: null, outcome: null },
    ])
    expect([f.closed, f.reopened]).toEqual([false, 2])
    expect(Facts.extract('c1', [ev('k', 'CaseClosed', 0)]).closed).toBe(true)
  })

  it('labels and notes timeline entries', () => {
    const long = 'x'.repeat(600)
    const f = Facts.extract('c1', [
      report('r', 0, { channel: undefined, text: 'look', explanation: '', reason: 'why', what: 'this' }),
      ev('v', 'ReviewDecided', 1, { outcome: 'violation', tier: 't2', explanation: long, policyRef: 'P-1' }),
      ev('n', 'NotificationSent', 2, { kind: 'ack', to: 'reporter' }),
      ev('e', 'EscalationRaised', 3, { level: 2 }),
      ev('a', 'AccountActioned', 4, { action: 'terminated', legalGround: 'Art. 23', authority: 'ARCOM' }),
      ev('c', 'CaseClosed', 5),
    ])
    expect(f.timeline.map((e) => [e.label, e.note])).toEqual([
      ['hate', 'look — why — this'],
      ['violation (t2)', long.slice(0, 500)],
      ['ack to reporter', null],
      ['level 2', null],
      ['account terminated', 'ARCOM — Art. 23'],
      ['', null],
    ])
    expect(f.timeline[0]).toMatchObject({
      id: 'r',
      type: 'ContentReported',
      occurredAt: at(0),
      recordedAt: at(0),
    })
  })
})
