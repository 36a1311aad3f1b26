import { describe, expect, it } from 'vitest'
import { docket } from '../internal/testing.js'

describe('docket policies', () => {
  it('lists every rule with citation, quoted words, versions, confidence and default state', async () => {
    const r = await docket(['policies'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('us-take-it-down/removal  deadline  primary  on by default')
    expect(r.stdout).toContain('TAKE IT DOWN Act §3(a)(3), 47 U.S.C. §223a(a)(3)')
    expect(r.stdout).toContain(
      '"as soon as possible, but not later than 48 hours after receiving such request"',
    )
    expect(r.stdout).toContain(
      'from 2026-05-19T00:00:00.000-04:00 in force: PT48H elapsed, internal target PT24H',
    )
    expect(r.stdout).toContain('eu-dsa/21-ods  deadline  unconfirmed  off by default (enable in the profile)')
    expect(r.stdout).toContain('us-2258a/fines  -  primary  metadata only (no clock)')
  })

  it('writes JSON with every policy of cli.md, deterministically', async () => {
    const a = await docket(['policies', '--format', 'json'])
    const b = await docket(['policies', '--format', 'json'])
    expect(a.code).toBe(0)
    expect(a.stdout).toBe(b.stdout)
    const parsed = JSON.parse(a.stdout) as {
      policies: Array<{ id: string; rules: Array<{ id: string; onByDefault: boolean; clock: boolean }> }>
    }
    expect(parsed.policies.map((p) => p.id)).toHaveLength(13)
    const india = parsed.policies.find((p) => p.id === 'in-it-rules')!
    expect(india.rules.find((r) => r.id === 'in-it-rules/3A-gac')!.onByDefault).toBe(false)
  })

  it('refuses an unknown format with exit 2', async () => {
    const r = await docket(['policies', '--format', 'xml'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--format')
  })
})
