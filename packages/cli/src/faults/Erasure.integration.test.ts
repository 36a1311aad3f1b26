/**
 * Personal data through the `docket` commands on PostgreSQL, with
 * `DOCKET_KEYS=postgres`: personal fields are encrypted at rest; erasure is
 * refused while a legal hold covers the case and done once it is lifted; the
 * erased fields then read as `[erased]` on the wire (`export`) and in reports
 * (the DSA statement of reasons quotes the explanation), while obligations,
 * reports and the chain keep working.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore } from '@docket/adapters'
import { PostgresKeyStore } from '@docket/adapters/postgres'
import { Erasure, PersonalData } from '@docket/core'
import { Services } from '@docket/core/testing'
import * as E from 'fp-ts/lib/Either.js'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { docket as inProcess, type Ran } from '../internal/testing.js'
import { events, SECRETS } from '../testing/PersonalFixtures.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the fault suite (erasure through the docket commands)',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

describe.skipIf(!run)('fault suite: erasure through the docket commands', { timeout: 120_000 }, () => {
  const admin = new pg.Pool({ connectionString: url, max: 1 })
  const schema = `docket_faults_erasure_${process.pid}`
  const store = `${url}?schema=${schema}`
  const dir = mkdtempSync(join(tmpdir(), 'docket-erasure-'))
  const master = randomBytes(32)
  // the invocation's environment (the CLI's seam), not the process's
  const env = { DOCKET_KEYS: 'postgres', DOCKET_MASTER_KEY: master.toString('base64') }
  const docket = (argv: ReadonlyArray<string>): Promise<Ran> => inProcess(argv, { env })
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await admin.end()
    rmSync(dir, { recursive: true, force: true })
  })

  const erase = async (at: string) => {
    const keys = await PostgresKeyStore.make(url, { schema, masterKey: master })
    const opened = await openStore(store, { keys })()
    if (E.isLeft(opened)) throw new Error(opened.left.message)
    const r = await Erasure.erase(opened.right, keys, 'alice', { at })()
    await opened.right.close()
    await keys.close()
    return r
  }

  it('encrypts at rest, refuses erasure under the hold, erases after it, and every output says [erased]', async () => {
    const file = join(dir, 'events.jsonl')
    writeFileSync(file, `${events.join('\n')}\n`)
    const imported = await docket(['import', file, '--store', store])
    expect(imported.code, imported.stderr).toBe(0)

    const atRest = (await admin.query(`SELECT body FROM "${schema}".events`)).rows
      .map((r) => r.body)
      .join('\n')
    for (const s of SECRETS) expect(atRest).not.toContain(s)
    expect(atRest).toContain(PersonalData.PREFIX)

    const before = await docket(['export', '--store', store])
    for (const s of SECRETS) expect(before.stdout).toContain(s)
    const sorBefore = await docket(['replay', '--store', store, '--report', 'dsa-sor'])
    expect(sorBefore.code, sorBefore.stderr).toBe(0)
    expect(sorBefore.stdout).toContain('Intimate image of [withheld] shared without consent.')

    const refused = await erase('2026-03-05T00:00:00Z')
    expect(E.isLeft(refused) && refused.left._tag).toBe('ErasureRefused')
    if (E.isLeft(refused) && refused.left._tag === 'ErasureRefused') {
      expect(Erasure.describeRefusal(refused.left)).toContain('legal_hold:h-1')
    }
    expect((await docket(['export', '--store', store])).stdout).toContain('Alice Example')

    const done = await erase('2026-03-11T00:00:00Z')
    expect(E.isRight(done) && done.right.cases).toEqual(['eu-e'])

    const after = await docket(['export', '--store', store])
    expect(after.code).toBe(0)
    for (const s of SECRETS) expect(after.stdout).not.toContain(s)
    const report = JSON.parse(after.stdout.split('\n')[0]!)
    expect(report.data.reporter).toEqual({ subjectId: 'alice', name: '[erased]', email: '[erased]' })
    expect(report.data.text).toBe('[erased]')
    expect(report.data.category).toBe('ncii')

    const sorAfter = await docket(['replay', '--store', store, '--report', 'dsa-sor'])
    expect(sorAfter.code, sorAfter.stderr).toBe(0)
    expect(sorAfter.stdout).not.toContain('Alice Example')
    expect(sorAfter.stdout).toContain('[erased]')
    expect(sorAfter.stdout).toContain('Code pénal art. 226-2-1')

    const evaluated = await docket(['evaluate', '--store', store, '--format', 'json'])
    expect(evaluated.code, evaluated.stderr).toBe(0)
    expect(JSON.parse(evaluated.stdout).cases[0].obligations.length).toBeGreaterThan(0)
    const verified = await docket(['verify', '--store', store])
    expect(verified.code, verified.stdout).toBe(0)

    // the same file imported again after the erasure: every line is already stored, and neither
    // the log nor the key store changes (no key for alice again, nothing in clear)
    const tables = async () =>
      (
        await admin.query(
          `SELECT (SELECT json_agg(body ORDER BY position) FROM "${schema}".events) AS events,
                  (SELECT json_agg(json_build_array(subject_id, key IS NULL) ORDER BY subject_id)
                     FROM "${schema}".subject_keys) AS keys`,
        )
      ).rows[0]
    const beforeAgain = await tables()
    const again = await docket(['import', file, '--store', store])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stderr).toContain('imported 0 new event(s)')
    expect(again.stderr).toContain(`${events.length} already stored`)
    expect(await tables()).toEqual(beforeAgain)
    expect(beforeAgain.keys).toContainEqual(['alice', true])
  })

  it('refuses DOCKET_KEYS on a store without a key store', async () => {
    const r = await docket(['export', '--store', 'memory:'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('DOCKET_KEYS')
  })
})
