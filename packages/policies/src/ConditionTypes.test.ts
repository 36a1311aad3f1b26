// The engine skips every event whose type a typed condition does not list (ClockRule.Condition `types`).
// That is only sound if no typed condition ever holds on another type: checked here for every
// condition of every version of every rule, on generated cases and on the same events relabelled.
import { type ClockRule, type DocketEvent, Event } from '@docket/core'
import { History } from '@docket/core/testing'
import { describe, expect, it } from 'vitest'
import * as Policy from './Policy.js'

const CONDITIONS = ['start', 'complete', 'pause', 'resume', 'restart', 'cancel'] as const

const typedConditions = (): ReadonlyArray<{ readonly name: string; readonly c: ClockRule.Condition }> =>
  Policy.rules().flatMap((r) =>
    r.versions.flatMap((v, i) =>
      CONDITIONS.flatMap((k) => {
        const c = v[k]
        return c?.types === undefined ? [] : [{ name: `${r.policy}/${r.rule} v${i} ${k}`, c }]
      }),
    ),
  )

const cases = (seed: number): ReadonlyArray<ReadonlyArray<DocketEvent>> => {
  const byCase = new Map<string, DocketEvent[]>()
  for (const e of History.generate({ events: 150, seed })) {
    const list = byCase.get(e.caseId)
    if (list === undefined) byCase.set(e.caseId, [e])
    else list.push(e)
  }
  return [...byCase.values()]
}

describe('typed conditions', () => {
  it('almost every start condition of the catalogue is typed (so the engine can skip rules)', () => {
    const starts = Policy.rules().flatMap((r) => r.versions.map((v) => v.start))
    expect(starts.filter((c) => c.types === undefined).length).toBeLessThanOrEqual(2)
  })

  it('never hold on an event type they do not list, even with another type’s data', () => {
    const conditions = typedConditions()
    expect(conditions.length).toBeGreaterThan(100)
    // Data of one type under another type's name may not fit the condition's reading of it: a
    // condition that throws on it does not hold there (a real event of that type has other data).
    const holds = (
      c: ClockRule.Condition,
      e: DocketEvent,
      v: ClockRule.CaseView,
      s?: DocketEvent,
    ): boolean => {
      try {
        return c(e, v, s)
      } catch {
        return false
      }
    }
    let checked = 0
    for (const seed of [1, 2, 3]) {
      for (const history of cases(seed)) {
        const caseId = history[0]!.caseId
        history.forEach((e, i) => {
          const view = { caseId, history: history.slice(0, i + 1) }
          for (const type of Event.EVENT_TYPES) {
            const event = type === e.type ? e : ({ ...e, type } as DocketEvent)
            for (const started of [history[0], history[i]]) {
              for (const { name, c } of conditions) {
                checked++
                if (!c.types!.includes(type) && holds(c, event, view, started))
                  throw new Error(`${name} holds on ${type} (data of ${e.id}) but lists ${c.types}`)
              }
            }
          }
        })
      }
    }
    expect(checked).toBeGreaterThan(1_000_000)
  })
})
