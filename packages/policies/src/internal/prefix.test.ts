// The conditions that look at the history (`caseHas`, `historyHas`, `completeNotice`, `stillUp`) give, from a view
// carrying its case's events (`caseEvents`, `upTo`, as the engine's views do), exactly what they give
// from the plain history; and asking about each of a case's n events inspects O(n) events, not O(n²).
import type { ClockRule, DocketEvent } from '@docket/core'
import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { NOTICE_ELEMENTS, waivedFor } from '../EuDsa.js'
import {
  all,
  allegesMinor,
  any,
  authorityRequest,
  caseHas,
  completeNotice,
  detected,
  historyHas,
  on,
  reported,
  stillUp,
} from './match.js'
import { ev, report } from './testing.js'

const at = '2026-03-01T10:00:00Z'
const ELEMENTS = [...NOTICE_ELEMENTS, 'signature']

/** Notice elements: mostly given, so that notices do become complete, at one event or another. */
const mostlyTrue = fc.oneof(
  { arbitrary: fc.constant(true), weight: 4 },
  { arbitrary: fc.constant(false), weight: 1 },
)
const elements = fc.dictionary(fc.constantFrom(...ELEMENTS), mostlyTrue, { minKeys: 2, maxKeys: 5 })
const reportId = fc.constantFrom('r-0', 'r-1', 'r-2')

/** One event of the kinds these conditions read (decoded, as real input). */
const event: fc.Arbitrary<DocketEvent> = fc.oneof(
  fc
    .record({
      id: reportId,
      category: fc.constantFrom('hate', 'sextortion', 'csam', 'ncii', 'policy_other'),
      minor: fc.boolean(),
      rr: fc.option(elements, { nil: undefined, freq: 4 }),
    })
    .map(({ id, category, minor, rr }) =>
      report(
        at,
        {
          category,
          jurisdictions: ['FR', 'US'],
          ...(minor ? { claims: { depictsMinor: true } } : {}),
          ...(rr === undefined ? {} : { removalRequest: rr }),
        },
        { id },
      ),
    ),
  fc
    .record({ id: reportId, rr: elements })
    .map(({ id, rr }) => ev('ReportCompleted', at, { reportId: id, removalRequest: rr })),
  fc
    .constantFrom('violation', 'no_violation', 'insufficient_information')
    .map((outcome) =>
      ev('ReviewDecided', at, { reviewId: 'v', outcome, tier: 'frontline', automation: 'not' }),
    ),
  fc.constantFrom('eu-tco', 'eu-dsa').map((legalBasis) =>
    ev('AuthorityRequestReceived', at, {
      requestId: 'q',
      authority: 'A',
      kind: 'removal_order',
      jurisdiction: 'FR',
      legalBasis,
    }),
  ),
  fc.constant(null).map(() => ev('ContentActioned', at, { action: 'removed' })),
  fc.constant(null).map(() => ev('ContentRestored', at, {})),
)

/** A history in which some events are the very same object as an earlier one (as a careless caller may pass). */
const history: fc.Arbitrary<ReadonlyArray<DocketEvent>> = fc
  .array(fc.tuple(event, fc.option(fc.nat(), { nil: undefined })), { minLength: 1, maxLength: 40 })
  .map((xs) => {
    const out: DocketEvent[] = []
    for (const [e, again] of xs)
      out.push(again !== undefined && out.length > 0 ? out[again % out.length]! : e)
    return out
  })

/** The conditions under test, built fresh (each remembers what it read of the last case it saw). */
const conditions = (): ReadonlyArray<readonly [string, ClockRule.Condition]> => [
  ['completeNotice', completeNotice(NOTICE_ELEMENTS, waivedFor)],
  ['completeNotice, nothing waived', completeNotice(ELEMENTS, () => [])],
  ['caseHas(report)', caseHas(reported('sextortion', 'ncii'))],
  [
    'caseHas(exploitation)',
    caseHas(any(reported('csam'), detected('csam'), all(reported('sextortion'), allegesMinor))),
  ],
  ['caseHas(removal order)', caseHas(authorityRequest(['removal_order'], ['eu-tco']))],
  ['historyHas(report)', historyHas(on('ContentReported'))],
  ['historyHas(decision)', historyHas(on('ReviewDecided'))],
  ['stillUp', stillUp],
]

const plainView = (events: ReadonlyArray<DocketEvent>, upTo: number): ClockRule.CaseView => ({
  caseId: 'c-1',
  history: events.slice(0, upTo + 1),
})
const fastView = (events: ReadonlyArray<DocketEvent>, upTo: number): ClockRule.CaseView => ({
  caseId: 'c-1',
  history: events.slice(0, upTo + 1),
  caseEvents: events,
  upTo,
})

describe('conditions on the history, read from the case events', () => {
  it('answer as the plain history does, for every event, in any order of asking, over interleaved cases', () => {
    fc.assert(
      fc.property(
        history,
        history,
        fc.array(fc.tuple(fc.boolean(), fc.nat(), fc.nat()), { minLength: 1, maxLength: 60 }),
        (h1, h2, asks) => {
          const fresh = conditions()
          const plain = conditions()
          for (const [second, i, j] of asks) {
            const h = second ? h2 : h1
            const upTo = i % h.length
            // mostly the view's own event (as the engine asks); sometimes another, maybe later, event
            const e = j % 3 === 0 ? h[j % h.length]! : h[upTo]!
            fresh.forEach(([name, c], k) => {
              const want = plain[k]![1](e, plainView(h, upTo))
              expect([name, c(e, fastView(h, upTo))]).toEqual([name, want])
            })
          }
        },
      ),
      { numRuns: 400 },
    )
  })

  it('an event absent from the history is judged as the plain history judges it', () => {
    fc.assert(
      fc.property(history, event, fc.nat(), (h, stranger, i) => {
        const upTo = i % h.length
        for (const [name, c] of conditions()) {
          const want = c(stranger, plainView(h, upTo))
          expect([name, c(stranger, fastView(h, upTo))]).toEqual([name, want])
        }
      }),
      { numRuns: 200 },
    )
  })

  it('an event passed twice is judged at its first place, in a short history and a long one', () => {
    for (const length of [6, 40]) {
      const decision = ev('ReviewDecided', at, {
        reviewId: 'v',
        outcome: 'violation',
        tier: 'frontline',
        automation: 'not',
      })
      const h = [
        decision,
        report(at, { category: 'sextortion', jurisdictions: ['FR'] }, { id: 'r-0' }),
        ...Array.from({ length: length - 3 }, () => ev('ContentActioned', at, { action: 'removed' })),
        decision,
      ]
      const c = caseHas(reported('sextortion'))
      // every event asked about in turn, as the engine does, then the repeated decision
      for (let i = 0; i < h.length - 1; i++) c(h[i]!, fastView(h, i))
      expect([length, c(decision, fastView(h, h.length - 1))]).toEqual([length, false])
      expect(c(decision, plainView(h, h.length - 1))).toBe(false)
    }
  })

  it('asking about each of n events inspects O(n) events (a viral case stays linear)', () => {
    /** Events inspected when every event of a case of n reports (after one decision) is asked about. */
    const inspected = (c: ClockRule.Condition, n: number): number => {
      let reads = 0
      const events = [
        ev('ReviewDecided', at, {
          reviewId: 'v',
          outcome: 'no_violation',
          tier: 'frontline',
          automation: 'not',
        }),
        ...Array.from({ length: n }, (_, i) =>
          report(at, { category: 'sextortion', jurisdictions: ['FR'] }, { id: `r-${i}` }),
        ),
      ]
      const counted = new Proxy(events, {
        get: (target, key, receiver) => {
          if (typeof key === 'string' && /^\d+$/.test(key)) reads++
          return Reflect.get(target, key, receiver)
        },
      })
      for (let i = 0; i < events.length; i++) {
        const view: ClockRule.CaseView = {
          caseId: 'c-1',
          get history() {
            // a copy of the prefix reads each of its events
            reads += i + 1
            return events.slice(0, i + 1)
          },
          caseEvents: counted,
          upTo: i,
        }
        c(events[i]!, view)
      }
      return reads
    }
    for (const [name, c] of conditions()) {
      const small = inspected(c, 1_000)
      const large = inspected(conditions().find(([n]) => n === name)![1], 4_000)
      // the quadratic form reads about n²/2 events: 8 million here
      expect([name, large <= 4 * 4_001 + 10]).toEqual([name, true])
      expect([name, large <= 4.5 * small]).toEqual([name, true])
    }
  })
})
