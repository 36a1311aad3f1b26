import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { docket } from '../internal/testing.js'

const dir = mkdtempSync(join(tmpdir(), 'docket-demo-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('docket demo', () => {
  it('prints the seed case timeline, computed, and the same output twice', async () => {
    const first = await docket(['demo', '--data-dir', join(dir, 'data')], { cwd: dir })
    expect(first.code).toBe(0)
    const second = await docket(['demo', '--data-dir', join(dir, 'data')], { cwd: dir })
    expect(second.code).toBe(0)
    expect(second.stdout).toBe(first.stdout)
    expect(first.stdout).toContain('2019-12-25 18:30')
    expect(first.stdout).toContain('refusal_guard')
    expect(first.stdout).toContain('authority_after_refusal')
    expect(first.stdout).toContain('first report (seed-001) to removal: 36 days')
    expect(first.stdout).toContain("first report stating a minor's age (seed-002) to removal: 9 days")
    expect(first.stdout).toContain('refusal (seed-006) to removal: 2 days')
    expect(first.stdout).not.toContain('\u001b[')
  })
})
