// A viral case judged with every default policy, its deadlines paging per obligation and per rule
// (`escalation.timePages`): the same obligations, far fewer pages, none that the default lacks.
import { Escalation, Profile } from '@docket/core'
import { History } from '@docket/core/testing'
import { Policy } from '@docket/policies'
import { describe, expect, it } from 'vitest'
import * as Replay from './Replay.js'

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
  return evaluate('viral', History.viral(40, { gapMinutes: 30 }), '2025-01-21T00:00:00Z')!
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
