/**
 * Rotating the master key through `docket rotate-keys` on PostgreSQL: a store
 * imported without a master key adopts one, replaces it and drops it, and
 * its personal fields read in clear with each key in turn; a wrong current
 * key or a missing new one changes nothing; the chain still verifies.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Services } from '@docket/core/testing'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { docket as inProcess, type Ran } from '../internal/testing.js'
import { events, SECRETS } from '../testing/PersonalFixtures.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the fault suite (master key rotation through the docket commands)',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

describe.skipIf(!run)('fault suite: docket rotate-keys', { timeout: 120_000 }, () => {
  const admin = new pg.Pool({ connectionString: url, max: 1 })
  const schema = `docket_faults_rotate_${process.pid}`
  const store = `${url}?schema=${schema}`
  const dir = mkdtempSync(join(tmpdir(), 'docket-rotate-'))
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await admin.end()
    rmSync(dir, { recursive: true, force: true })
  })
  const a = randomBytes(32).toString('base64')
  const b = randomBytes(32).toString('base64')
  const docket = (argv: ReadonlyArray<string>, env: Readonly<Record<string, string>>): Promise<Ran> =>
    inProcess(argv, { env: { DOCKET_KEYS: 'postgres', ...env } })
  /** The store's personal fields read with `masterKey` (unset: none) show in clear. */
  const expectReadableWith = async (masterKey: string | undefined): Promise<void> => {
    const out = await docket(
      ['export', '--store', store],
      masterKey === undefined ? {} : { DOCKET_MASTER_KEY: masterKey },
    )
    expect(out.code, out.stderr).toBe(0)
    for (const s of SECRETS) expect(out.stdout).toContain(s)
  }
  const keysAtRest = async (): Promise<string> =>
    JSON.stringify(
      (await admin.query(`SELECT subject_id, key FROM "${schema}".subject_keys ORDER BY 1`)).rows,
    )

  it('adopts, replaces and drops a master key; personal fields stay readable', async () => {
    const file = join(dir, 'events.jsonl')
    writeFileSync(file, `${events.join('\n')}\n`)
    const imported = await docket(['import', file, '--store', store], {})
    expect(imported.code, imported.stderr).toBe(0)
    await expectReadableWith(undefined)

    const adopted = await docket(['rotate-keys', '--store', store], { DOCKET_NEW_MASTER_KEY: a })
    expect(adopted.code, adopted.stderr).toBe(0)
    expect(adopted.stdout).toMatch(
      /^rotated [1-9]\d* subject key\(s\) of .*now wrapped with DOCKET_NEW_MASTER_KEY/,
    )
    await expectReadableWith(a)
    const without = await docket(['export', '--store', store], {})
    expect(without.code).toBe(2)
    expect(without.stderr).toContain('DOCKET_MASTER_KEY is not set')

    // a wrong current key, or no new key, changes nothing
    const before = await keysAtRest()
    const wrong = await docket(['rotate-keys', '--store', store], {
      DOCKET_MASTER_KEY: b,
      DOCKET_NEW_MASTER_KEY: b,
    })
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toContain('DOCKET_MASTER_KEY is not the master key')
    const noNew = await docket(['rotate-keys', '--store', store], { DOCKET_MASTER_KEY: a })
    expect(noNew.code).toBe(2)
    expect(noNew.stderr).toContain('DOCKET_NEW_MASTER_KEY is not set')
    const both = await docket(['rotate-keys', '--store', store, '--unwrap'], {
      DOCKET_MASTER_KEY: a,
      DOCKET_NEW_MASTER_KEY: b,
    })
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('give one or the other')
    const malformed = await docket(['rotate-keys', '--store', store], {
      DOCKET_MASTER_KEY: a,
      DOCKET_NEW_MASTER_KEY: 'abc',
    })
    expect(malformed.code).toBe(2)
    expect(malformed.stderr).toContain('DOCKET_NEW_MASTER_KEY is not base64')
    expect(malformed.stderr).not.toContain('abc')
    expect(await keysAtRest()).toBe(before)

    const replaced = await docket(['rotate-keys', '--store', store], {
      DOCKET_MASTER_KEY: a,
      DOCKET_NEW_MASTER_KEY: b,
    })
    expect(replaced.code, replaced.stderr).toBe(0)
    await expectReadableWith(b)
    expect((await docket(['export', '--store', store], { DOCKET_MASTER_KEY: a })).code).toBe(2)

    const dropped = await docket(['rotate-keys', '--store', store, '--unwrap'], { DOCKET_MASTER_KEY: b })
    expect(dropped.code, dropped.stderr).toBe(0)
    expect(dropped.stdout).toContain('now stored bare')
    await expectReadableWith(undefined)
    const verified = await docket(['verify', '--store', store], {})
    expect(verified.code, verified.stdout).toBe(0)
  })

  it('refuses a store that is not postgres://, and a missing --store', async () => {
    const memory = await docket(['rotate-keys', '--store', 'memory:'], { DOCKET_NEW_MASTER_KEY: a })
    expect(memory.code).toBe(2)
    expect(memory.stderr).toContain('memory: is not a postgres:// store')
    const missing = await docket(['rotate-keys'], { DOCKET_NEW_MASTER_KEY: a })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('missing --store URL')
  })

  it('refuses a schema without a key store (a mistyped --store) instead of reporting 0 keys rotated', async () => {
    const typo = `${url}?schema=${schema}_typo`
    const out = await docket(['rotate-keys', '--store', typo], { DOCKET_NEW_MASTER_KEY: a })
    expect(out.code, out.stdout).toBe(2)
    expect(out.stdout).toBe('')
    expect(out.stderr).toContain(`no key store at ${typo}: schema ${schema}_typo has no table subject_keys`)
    const created = await admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [`${schema}_typo`])
    expect(created.rowCount).toBe(0)
  })
})
