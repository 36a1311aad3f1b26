// A viral case judged with every default policy, its deadlines paging per obligation and per rule
// (`escalation.timePages`): the same obligations, far fewer pages, none that the default lacks.
import { type DocketEvent, Escalation, Profile } from '@docket/core'
import { Policy } from '@docket/policies'
import { describe, expect, it } from 'vitest'
import * as Replay from './Replay.js'

const START = Date.UTC(2025, 0, 1)
const at = (minutes: number): string => new Date(START + minutes * 60_000).toISOString()

/** A notice about the video, alleging a minor, from the US and France (DSA notices). */
const report = (i: number): DocketEvent =>
  ({
    id: `r${i}`,
    type: 'ContentReported',
    caseId: 'viral',
    occurredAt: at(120 + i * 30),
    data: {
      reportId: `r${i}`,
      channel: 'in_app',
      category: 'sextortion',
      content: { ref: 'v1', kind: 'video' },
      jurisdictions: ['US', 'FR'],
      claims: { depictsMinor: true },
    },
  }) as DocketEvent

const refusal = {
  id: 'd0',
  type: 'ReviewDecided',
  caseId: 'viral',
  occurredAt: at(60),
  data: { reviewId: 'd0', outcome: 'no_violation', tier: 'frontline', automation: 'not' },
} as DocketEvent

const judge = (timePages: 'perObligation' | 'perRule') => {
  const profile: Profile.Resolved = {
    ...Profile.DEFAULTS,
    escalation: { ...Profile.DEFAULTS.escalation, timePages },
  }
  const evaluate = Replay.fromCore({
    rules: Policy.forProfile(profile),
    profile,
    escalate: Escalation.escalate,
  })
  const history = [report(-4), refusal, ...Array.from({ length: 40 }, (_, i) => report(i))]
  return evaluate('viral', history, at(20 * 24 * 60))!
}

describe('escalation.timePages on a viral case, with every default policy', () => {
  const each = judge('perObligation')
  const grouped = judge('perRule')
  const TIME = new Set(['time_warning', 'internal_target_missed', 'statutory_breach'])
  const timePages = (r: Replay.CaseEvaluation) => r.escalations.filter((e) => TIME.has(e.reason))

  it('judges the same obligations', () => {
    expect(grouped.obligations).toEqual(each.obligations)
    expect(each.obligations.length).toBeGreaterThan(40)
  })

  it('pages each rule of the case once, where every notice paged on its own', () => {
    const rulesOf = (r: Replay.CaseEvaluation) => {
      const ruleOf = new Map(r.obligations.map((o) => [o.id, `${o.policy}/${o.rule}`]))
      return new Set(timePages(r).map((e) => ruleOf.get(e.obligationId ?? '')))
    }
    // every notice's deadlines stay open (no decision answers them): only the first of each rule pages
    const pagedObligations = (r: Replay.CaseEvaluation) => new Set(timePages(r).map((e) => e.obligationId))
    expect(pagedObligations(grouped).size).toBe(rulesOf(grouped).size)
    expect(rulesOf(grouped)).toEqual(rulesOf(each))
    expect(pagedObligations(each).size).toBeGreaterThan(40)
    expect(timePages(grouped).length * 10).toBeLessThan(timePages(each).length)
  })

  it('raises only escalations the default raises too, with the same ids, and the others unchanged', () => {
    const ids = new Set(each.escalations.map((e) => e.escalationId))
    for (const e of grouped.escalations) expect(ids.has(e.escalationId)).toBe(true)
    const others = (r: Replay.CaseEvaluation) => r.escalations.filter((e) => !TIME.has(e.reason))
    expect(others(grouped)).toEqual(others(each))
  })
})
