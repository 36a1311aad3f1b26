/**
 * `docket import` into PostgreSQL stores that keep personal data encrypted
 * (`DOCKET_KEYS=postgres`): without `DOCKET_KEYS`, the import is refused
 * before anything is written, naming the variable and why it is needed,
 * instead of reporting every line with personal fields as an
 * `IdempotencyConflict` (or, with `--skip-bad`, storing new personal fields
 * in clear). A store without a key store imports without it as before.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Scenario, Services } from '@docket/core/testing'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { docket } from '../internal/testing.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'docket import into encrypted PostgreSQL stores',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

const { recordedAt: _, ...report } = Scenario.personalReport
const other = {
  id: 'x-1',
  type: 'ExposureObserved',
  caseId: 'case-2',
  occurredAt: '2026-03-02T10:00:00Z',
  data: { views: 10, shares: 1 },
}

describe.skipIf(!run)('docket import into an encrypted PostgreSQL store', { timeout: 60_000 }, () => {
  const admin = new pg.Pool({ connectionString: url, max: 1 })
  const dir = mkdtempSync(join(tmpdir(), 'docket-import-keys-'))
  const schemas: string[] = []
  const store = (name: string): string => {
    const schema = `docket_import_keys_${process.pid}_${name}`
    schemas.push(schema)
    return `${url}?schema=${schema}`
  }
  const file = (name: string, events: ReadonlyArray<object>): string => {
    const path = join(dir, name)
    writeFileSync(path, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`)
    return path
  }
  const rows = async (s: string): Promise<ReadonlyArray<string>> =>
    (
      await admin.query(
        `SELECT body FROM "${new URL(s).searchParams.get('schema')}".events ORDER BY position`,
      )
    ).rows.map((r) => r.body)
  // the keys are given in the invocation's environment (the CLI's seam), never the process's
  const keys = { env: { DOCKET_KEYS: 'postgres', DOCKET_MASTER_KEY: randomBytes(32).toString('base64') } }
  afterAll(async () => {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
    await admin.end()
    rmSync(dir, { recursive: true, force: true })
  })

  it('without DOCKET_KEYS, refuses with exit 2 naming the variable and why, and writes nothing, with or without --skip-bad', async () => {
    const encrypted = store('encrypted')
    const first = await docket(['import', file('first.jsonl', [report]), '--store', encrypted], keys)
    expect(first.code, first.stderr).toBe(0)
    const before = await rows(encrypted)
    expect(before.join('\n')).not.toContain('Alice Example')

    const again = file('again.jsonl', [report, other])
    for (const flags of [[], ['--skip-bad']]) {
      const r = await docket(['import', again, '--store', encrypted, ...flags])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('DOCKET_KEYS is not set')
      expect(r.stderr).toContain('keeps personal data encrypted')
      expect(r.stderr).toContain("needs its subjects' keys")
      expect(r.stderr).toContain('nothing was stored')
      expect(r.stderr).not.toContain('IdempotencyConflict')
      expect(await rows(encrypted)).toEqual(before)
    }

    // with the keys, the same file is a retry of the stored report and one new event
    const keyed = await docket(['import', again, '--store', encrypted], keys)
    expect(keyed.code, keyed.stderr).toBe(0)
    expect(keyed.stderr).toContain('imported 1 new event(s)')
    expect(keyed.stderr).toContain('1 already stored')
  })

  it('a store without a key store imports without DOCKET_KEYS, personal fields as given', async () => {
    const plain = store('plain')
    const r = await docket(['import', file('plain.jsonl', [report, other]), '--store', plain])
    expect(r.code, r.stderr).toBe(0)
    expect((await rows(plain)).join('\n')).toContain('Alice Example')
  })
})
