import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { DocketEvent } from './Envelope.js'
import * as Refusal from './Refusal.js'

const at = '2026-01-01T00:00:00Z'
const report = (i: number): DocketEvent =>
  ({
    id: `r${i}`,
    type: 'ContentReported',
    caseId: 'c',
    occurredAt: at,
    data: {
      reportId: `r${i}`,
      channel: 'in_app',
      category: 'hate',
      content: { ref: 'x', kind: 'text' },
      jurisdictions: ['FR'],
    },
  }) as DocketEvent
const decision = (
  i: number,
  outcome: 'violation' | 'no_violation' | 'insufficient_information',
): DocketEvent => ({
  id: `d${i}`,
  type: 'ReviewDecided',
  caseId: 'c',
  occurredAt: at,
  data: { reviewId: `d${i}`, outcome, tier: 'frontline', automation: 'not' },
})

const history = fc
  .array(
    fc.constantFrom(
      'report',
      'violation',
      'no_violation',
      'insufficient_information',
    ) as fc.Arbitrary<string>,
    {
      maxLength: 12,
    },
  )
  .map((kinds) =>
    kinds.map((k, i) =>
      k === 'report'
        ? report(i)
        : decision(i, k as 'violation' | 'no_violation' | 'insufficient_information'),
    ),
  )

describe('Refusal', () => {
  it('refusals() is exactly the decisions isRefusal() calls refusals', () => {
    fc.assert(
      fc.property(history, (h) => {
        const expected = h.filter(
          (e): e is Refusal.Decision =>
            e.type === 'ReviewDecided' && Refusal.isRefusal(e as Refusal.Decision, h),
        )
        expect(Refusal.refusals(h)).toEqual(expected)
      }),
    )
  })

  it('insufficient information is a refusal only while no later decision exists', () => {
    const h = [report(0), decision(1, 'insufficient_information')]
    expect(Refusal.refusals(h).map((d) => d.id)).toEqual(['d1'])
    expect(Refusal.refusals([...h, decision(2, 'violation')])).toEqual([])
    expect(Refusal.refusals([decision(1, 'no_violation')])).toEqual([])
  })
})
