// Rules that must hold for every instant, not just the examples.
import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ev, HOUR, of, one, plus, report, run } from './internal/testing.js'

const instant = (from: string, to: string) =>
  fc.integer({ min: Date.parse(from), max: Date.parse(to) }).map((ms) => plus('1970-01-01T00:00:00Z', ms))

describe('properties', () => {
  it('TAKE IT DOWN: the cap is exactly 48 elapsed hours after any valid request in force', () => {
    fc.assert(
      fc.property(instant('2026-05-19T04:00:00Z', '2032-12-31T00:00:00Z'), (at) => {
        const r = report(at, {
          category: 'ncii',
          jurisdictions: ['US'],
          removalRequest: { signature: true, identification: true, goodFaithStatement: true, contact: true },
        })
        const o = one(run([r]), 'us-take-it-down/removal')
        return Date.parse(o.dueAt) - Date.parse(o.startedAt) === 48 * HOUR && !o.preEffective
      }),
      { numRuns: 200 },
    )
  })

  it('India 3(2)(b): 24 hours before 2026-02-20 00:00 IST, 2 hours from then, for every complaint', () => {
    const switchAt = Date.parse('2026-02-20T00:00:00+05:30')
    fc.assert(
      fc.property(instant('2021-02-25T00:00:00+05:30', '2030-01-01T00:00:00Z'), (at) => {
        const o = one(
          run([report(at, { category: 'ncii', jurisdictions: ['IN'] })]),
          'in-it-rules/3-2-b-ncii',
        )
        const hours = Date.parse(at) < switchAt ? 24 : 2
        return Date.parse(o.dueAt) - Date.parse(at) === hours * HOUR
      }),
      { numRuns: 300 },
    )
  })

  it('2258A: refusals before or after never move the start from the first knowledge event', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20 * 24 }), { maxLength: 5 }), (hours) => {
        const knowledge = report('2025-06-01T12:00:00Z', {
          category: 'sextortion',
          jurisdictions: ['US'],
          claims: { ageAtCapture: 14 },
        })
        const refusals = hours.map((h) =>
          ev('ReviewDecided', plus('2025-06-01T12:00:00Z', h * HOUR), {
            reviewId: `v-${h}`,
            outcome: 'no_violation',
            tier: 'frontline',
            automation: 'fully',
          }),
        )
        const obligations = run([knowledge, ...refusals], { asOf: '2025-07-01T00:00:00Z' })
        const o = one(obligations, 'us-2258a/report')
        return (
          o.triggeredBy === knowledge.id &&
          o.status === 'breached' &&
          of(obligations, 'us-2258a/report').length === 1
        )
      }),
      { numRuns: 100 },
    )
  })

  it('NetzDG: a complaint starts a clock exactly while the law applied (2018-01-01 to 2024-05-14, Berlin)', () => {
    const from = Date.parse('2018-01-01T00:00:00+01:00')
    const to = Date.parse('2024-05-14T00:00:00+02:00')
    fc.assert(
      fc.property(instant('2017-06-01T00:00:00Z', '2025-06-01T00:00:00Z'), (at) => {
        const n = of(run([report(at, { category: 'hate', jurisdictions: ['DE'] })]), 'de-netzdg/3-2-2')
        const ms = Date.parse(at)
        if (ms >= to) return n.length === 0
        if (ms < from) return n.length === 1 && n[0]!.preEffective
        return n.length === 1 && !n[0]!.preEffective
      }),
      { numRuns: 200 },
    )
  })

  it('every obligation of every rule names a version whose citation the listing knows', () => {
    const r = report('2026-07-01T12:00:00+01:00', {
      category: 'csam',
      categories: ['ncii', 'threat_to_life', 'terrorism'],
      jurisdictions: ['US', 'GB', 'FR', 'IN', 'DE', 'AU', 'CA', 'BR'],
      claims: { depictsMinor: true },
    })
    const obligations = run([r])
    expect(obligations.length).toBeGreaterThan(10)
    for (const o of obligations) expect(o.citation.length).toBeGreaterThan(5)
  })
})
