import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as ClockRule from './ClockRule.js'
import type { DocketEvent } from './Envelope.js'
import * as Evaluation from './Evaluation.js'
import * as Profile from './Profile.js'
import * as Timestamp from './Timestamp.js'
import { testRule } from './testing/Rule.js'

/** Open clocks are offered only the event types their conditions declare (`Condition.types`). */

const minute = (i: number): string => Timestamp.format(Date.UTC(2026, 0, 1) + i * 60_000)
const ev = (type: string, i: number, data: Record<string, unknown> = {}): DocketEvent =>
  ({ id: `e${i}`, type, caseId: 'c', occurredAt: minute(i), data }) as DocketEvent

const rule = (version: Partial<ClockRule.Version>, name = 'r'): ClockRule.Rule =>
  testRule(version, { rule: name })

const judge = (rules: ReadonlyArray<ClockRule.Rule>, history: ReadonlyArray<DocketEvent>) =>
  Evaluation.evaluateCase('c', history, { rules, profile: Profile.DEFAULTS, asOf: minute(10_000) })
    .obligations

describe('open clocks and the event types their conditions declare', () => {
  it('never asks a typed condition about an event of another type', () => {
    // a condition that breaks its promise shows what the engine relies on
    const liar = rule({ complete: ClockRule.typed(['ContentActioned'], () => true) })
    const history = [ev('ContentReported', 0), ev('ReviewDecided', 1), ev('ContentActioned', 2)]
    expect(judge([liar], history).map((o) => o.completedBy)).toEqual(['e2'])
  })

  it('asks an untyped condition about every event', () => {
    const untyped = rule({ complete: (e: DocketEvent) => e.type === 'ReviewDecided' })
    const history = [ev('ContentReported', 0), ev('ReviewDecided', 1), ev('ContentActioned', 2)]
    expect(judge([untyped], history).map((o) => o.completedBy)).toEqual(['e1'])
  })

  it('offers a DeadlineExtended to the clocks of an extendable rule', () => {
    const extendable = rule({ extendable: true })
    const history = [
      ev('ContentReported', 0),
      ev('DeadlineExtended', 1, { target: 'c/test/r/e0', by: 'PT24H' }),
    ]
    const [o] = judge([extendable], history)
    expect(o?.dueAt).toBe(Timestamp.format(Date.UTC(2026, 0, 1) + 48 * 3_600_000))
    expect(o?.actions.map((a) => a.action)).toEqual(['start', 'extend'])
  })

  it('gives the obligations that untyped conditions give, for any history, when the types hold', () => {
    const types = ['ContentReported', 'ReviewDecided', 'ContentActioned', 'AppealLodged', 'CaseClosed']
    const typedRules = [
      rule({}, 'plain'),
      rule(
        {
          cancel: ClockRule.typed(['CaseClosed'], (e) => e.type === 'CaseClosed'),
          pause: ClockRule.typed(['AppealLodged'], (e) => e.type === 'AppealLodged'),
          resume: ClockRule.typed(['ReviewDecided'], (e) => e.type === 'ReviewDecided'),
        },
        'paused',
      ),
      rule(
        { restart: ClockRule.typed(['ContentReported'], (e) => e.type === 'ContentReported') },
        'restarted',
      ),
    ]
    // the same functions without their types: every event is offered to every clock
    const untyped = (c: ClockRule.Condition | undefined) =>
      c === undefined ? undefined : (e: DocketEvent, v: ClockRule.CaseView, s?: DocketEvent) => c(e, v, s)
    const untypedRules = typedRules.map((r) => ({
      ...r,
      versions: r.versions.map((v) => ({
        ...v,
        complete: untyped(v.complete)!,
        ...(v.cancel === undefined ? {} : { cancel: untyped(v.cancel) }),
        ...(v.pause === undefined ? {} : { pause: untyped(v.pause) }),
        ...(v.resume === undefined ? {} : { resume: untyped(v.resume) }),
        ...(v.restart === undefined ? {} : { restart: untyped(v.restart) }),
      })),
    }))
    let obligations = 0
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...types), { minLength: 1, maxLength: 30 }), (ts) => {
        const history = ts.map((t, i) => ev(t, i * 37))
        const want = judge(untypedRules, history)
        expect(judge(typedRules, history)).toEqual(want)
        obligations += want.length
      }),
      { numRuns: 500 },
    )
    expect(obligations).toBeGreaterThan(500)
  })
})
