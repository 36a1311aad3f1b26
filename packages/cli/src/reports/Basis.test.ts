/**
 * What an obligation's clock stands on in law, as the `md` and `csv` reports say it: a duty the
 * law gives no number (18 U.S.C. § 2258A's report "as soon as reasonably possible") is a statutory
 * duty whose deadline is an internal target, never "not statutory".
 */
import { fileURLToPath } from 'node:url'
import { Evaluation, Obligation } from '@docket/core'
import { Policy } from '@docket/policies'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { docket, parseCsv } from '../internal/testing.js'
import * as Csv from './Csv.js'
import * as PastTarget from './PastTarget.js'
import * as Report from './Report.js'

const SEED = fileURLToPath(new URL('../../../../examples/seed-case/events.jsonl', import.meta.url))

const obligation = (id: string, statutory: boolean) => {
  const [policy, rule] = id.split('/') as [string, string]
  return { policy, rule, statutory }
}

describe('basis of a clock', () => {
  it('names the law’s number, a duty or an exemption’s condition with an internal target, or an internal rule', () => {
    expect(Report.basis(obligation('eu-dsa/17-sor', true))).toBe('statutory deadline')
    expect(Report.basis(obligation('us-2258a/report', false))).toBe(
      'statutory duty; deadline an internal target',
    )
    expect(Report.basis(obligation('us-2258a/destroy', false))).toBe(
      'statutory duty; deadline an internal target',
    )
    expect(Report.basis(obligation('eu-dsa/6-expeditious', false))).toBe(
      'condition of a statutory exemption; deadline an internal target',
    )
    const au = Policy.rules().find((r) => r.internal === true)!
    expect(Report.basis(obligation(`${au.policy}/${au.rule}`, false))).toBe('internal rule')
    // a custom policy's rule is in no statutory module
    expect(Report.basis(obligation('acme-trust/triage', false))).toBe('internal rule')
  })

  it('md: a breached § 2258A report reads "statutory duty; deadline an internal target", not "no"', async () => {
    const ran = await docket(['replay', SEED, '--report', 'md', '--quiet'])
    expect(ran.code).toBe(0)
    const breached = ran.stdout.slice(
      ran.stdout.indexOf('## Breached obligations'),
      ran.stdout.indexOf('## Refusals'),
    )
    const row = breached.split('\n').find((l) => l.includes('`us-2258a/report`'))
    expect(row).toBeDefined()
    expect(row!.split(' | ')[2]).toBe('statutory duty; deadline an internal target')
  })

  it('csv: the basis column says so beside statutory=false', async () => {
    const ran = await docket(['replay', SEED, '--report', 'csv', '--quiet'])
    const rows = parseCsv(ran.stdout)
    const col = (name: (typeof Csv.COLUMNS)[number]): number => Csv.COLUMNS.indexOf(name)
    const report = rows.filter((r) => r[col('policy')] === 'us-2258a' && r[col('rule')] === 'report')
    expect(report.length).toBeGreaterThan(0)
    for (const r of report) {
      expect(r[col('statutory')]).toBe('false')
      expect(r[col('basis')]).toBe('statutory duty; deadline an internal target')
    }
  })
})

describe('summary of clocks past an internal target', () => {
  const rule = (id: string) => id.split('/') as [string, string]
  const au = Policy.rules().find((r) => r.internal === true)!
  const ids = [
    'us-2258a/report',
    'eu-dsa/6-expeditious',
    `${au.policy}/${au.rule}`,
    'acme-trust/triage',
    'eu-dsa/17-sor',
  ]

  it('tells statutory duties, exemption conditions and internal rules apart, adding up to internalBreached (property)', () => {
    const obligation = fc.record({
      id: fc.constantFrom(...ids),
      status: fc.constantFrom('met', 'met_late', 'breached', 'pending', 'waived', 'paused'),
      statutory: fc.boolean(),
      preEffective: fc.boolean(),
      counterfactual: fc.boolean(),
    })
    fc.assert(
      fc.property(fc.array(obligation, { maxLength: 30 }), (xs) => {
        const obligations = xs.map(({ id, ...o }) => {
          const [policy, r] = rule(id)
          return { ...o, policy, rule: r, targetStatus: null } as unknown as Obligation.Obligation
        })
        const counts = PastTarget.empty()
        PastTarget.add(counts, { obligations })
        expect(counts.duty + counts.condition + counts.rule).toBe(
          Evaluation.summarise(obligations).internalBreached,
        )
        const past = obligations.filter(Obligation.isPastInternalTarget)
        expect(counts.rule).toBe(past.filter((o) => Report.basis(o) === 'internal rule').length)
        expect(counts.duty).toBe(
          past.filter((o) => Report.basis(o) === 'statutory duty; deadline an internal target').length,
        )
      }),
      { numRuns: 500 },
    )
  })

  it('md and html: a missed § 2258A report is counted as a statutory duty past its internal target, not an internal breach', async () => {
    for (const [format, next] of [
      ['md', '## By rule'],
      ['html', '<h2>Compliance over time'],
    ] as const) {
      const ran = await docket(['replay', SEED, '--report', format, '--quiet'])
      expect(ran.code).toBe(0)
      const summary = ran.stdout.slice(ran.stdout.indexOf('Summary'), ran.stdout.indexOf(next))
      expect(summary.length).toBeGreaterThan(0)
      expect(summary).not.toContain('internal breached')
      expect(summary).toContain('past internal target')
      expect(summary).toMatch(
        /Of these, 1 is a statutory duty \(deadline an internal target, such as 18 U\.S\.C\. § 2258A/,
      )
      expect(summary).toContain('0 internal rules')
    }
  })
})
