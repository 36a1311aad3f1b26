import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { docket } from '../internal/testing.js'

const dir = mkdtempSync(join(tmpdir(), 'docket-demo-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('docket demo', () => {
  it('replays the seed case on the embedded store: computed, identical twice, stored once', {
    timeout: 90_000,
  }, async () => {
    const first = await docket(['demo', '--data-dir', 'data'], { cwd: dir })
    expect(first.code, first.stderr).toBe(0)
    expect(first.stderr).toContain(`pglite:data: 12 new event(s) stored, 0 already there`)
    const second = await docket(['demo', '--data-dir', 'data'], { cwd: dir })
    expect(second.code).toBe(0)
    expect(second.stderr).toContain('0 new event(s) stored, 12 already there')
    expect(second.stdout).toBe(first.stdout)
    const out = first.stdout
    // every event of the story, in time order
    const ids = [...out.matchAll(/ (seed-\d{3}) {2}/g)].map((m) => m[1])
    expect(ids).toEqual(Array.from({ length: 12 }, (_, i) => `seed-${String(i + 1).padStart(3, '0')}`))
    expect(out).toContain('2019-12-25 18:30')
    expect(out).toContain('reach: 167,000 views, 2,223 shares')
    // obligations and escalations come from the engine
    expect(out).toContain(
      'us-2258a/report: Report apparent child sexual exploitation to the NCMEC CyberTipline',
    )
    expect(out).toMatch(/2020-01-28 09:14 {2}▲ escalation: refusal_guard/)
    expect(out).toMatch(/2020-01-29 11:00 {2}▲ escalation: authority_after_refusal/)
    expect(out).toContain('first report (seed-001) to removal: 36 days')
    expect(out).toContain("first report stating a minor's age (seed-002) to removal: 9 days")
    expect(out).toContain('refusal (seed-006) to removal: 2 days')
    expect(out).not.toContain('\u001b[')
  })

  it('prints the same evaluation as docket evaluate with --format json', { timeout: 90_000 }, async () => {
    const demo = await docket(['demo', '--data-dir', 'data', '--format', 'json'], { cwd: dir })
    expect(demo.code).toBe(0)
    const report = JSON.parse(demo.stdout)
    expect(report.cases[0].caseId).toBe('doe-v-twitter')
    expect(report.cases[0].obligations.length).toBeGreaterThan(0)
  })

  it('shows the TAKE IT DOWN Act counterfactual with --what-if', { timeout: 90_000 }, async () => {
    const r = await docket(['demo', '--data-dir', 'data', '--what-if', 'us-take-it-down'], { cwd: dir })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('What-if: us-take-it-down')
    expect(r.stdout).toContain('us-take-it-down/removal')
    // the rule's legal zone is not the case's: its lines read at the timeline's offset, like the events
    expect(r.stdout).toContain('Timeline (times in UTC-08:00, as the case was recorded)')
    expect(r.stdout).toContain(
      '2020-01-21 16:05  ◷ clock starts: us-take-it-down/removal, due 2020-01-23 16:05',
    )
    expect(r.stdout).toContain('2020-01-30 14:00  ✓ us-take-it-down/removal done (met_late) by seed-010')
  })

  it('exits 2 on an unknown what-if policy', async () => {
    const r = await docket(['demo', '--what-if', 'nope'], { cwd: dir })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('unknown policy "nope"')
  })

  it('colours the timeline on a TTY unless NO_COLOR is set', { timeout: 90_000 }, async () => {
    const tty = await docket(['demo', '--data-dir', 'data'], { cwd: dir, tty: true })
    expect(tty.stdout).toContain('\u001b[')
    const noColor = await docket(['demo', '--data-dir', 'data'], {
      cwd: dir,
      tty: true,
      env: { NO_COLOR: '1' },
    })
    expect(noColor.stdout).not.toContain('\u001b[')
  })
})
