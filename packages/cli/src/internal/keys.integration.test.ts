/**
 * The key store the invocation's environment names (`DOCKET_KEYS`,
 * `DOCKET_MASTER_KEY`), through the commands on a real PostgreSQL server:
 * read from `Invocation.env` (and handed to replay workers), never from
 * `process.env`; a master key missing, wrong or not needed, or a malformed
 * variable, stops the command with exit 2 naming the variable before
 * anything is read or written; without `DOCKET_KEYS`, the commands showing
 * personal fields say on standard error that they are shown encrypted.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PersonalData } from '@docket/core'
import { Services } from '@docket/core/testing'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { events, SECRETS } from '../testing/PersonalFixtures.js'
import { docket } from './testing.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the key store variables through the docket commands',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

const base64 = (): string => randomBytes(32).toString('base64')

describe.skipIf(!run)('DOCKET_KEYS and DOCKET_MASTER_KEY through the commands', { timeout: 120_000 }, () => {
  const admin = new pg.Pool({ connectionString: url, max: 1 })
  const dir = mkdtempSync(join(tmpdir(), 'docket-keys-env-'))
  const schemas: string[] = []
  const store = (name: string): string => {
    const schema = `docket_keys_env_${process.pid}_${name}`
    schemas.push(schema)
    return `${url}?schema=${schema}`
  }
  const file = join(dir, 'events.jsonl')
  // a line with a new subject, whose key an import would make
  const bob = join(dir, 'bob.jsonl')
  const master = base64()
  const keys = { DOCKET_KEYS: 'postgres', DOCKET_MASTER_KEY: master }
  /** Everything stored in a store's schema: its events and its subjects' keys. */
  const contents = async (s: string): Promise<string> => {
    const schema = new URL(s).searchParams.get('schema')
    const events = await admin.query(`SELECT body FROM "${schema}".events ORDER BY position`)
    const subjects = await admin.query(
      `SELECT subject_id, key FROM "${schema}".subject_keys ORDER BY subject_id`,
    )
    return JSON.stringify([events.rows, subjects.rows])
  }
  const wrapped = store('wrapped')
  const bare = store('bare')

  beforeAll(async () => {
    writeFileSync(file, `${events.join('\n')}\n`)
    writeFileSync(
      bob,
      `${events[0]!.replaceAll('alice', 'bob').replace('"e-1"', '"b-1"').replace('"eu-e"', '"eu-b"')}\n`,
    )
    for (const [s, env] of [
      [wrapped, keys],
      [bare, { DOCKET_KEYS: 'postgres' }],
    ] as const) {
      const r = await docket(['import', file, '--store', s], { env })
      expect(r.code, r.stderr).toBe(0)
    }
  })
  afterAll(async () => {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
    await admin.end()
    rmSync(dir, { recursive: true, force: true })
  })

  it("reads the variables from the invocation's environment, also on replay workers, not the process's", async () => {
    expect(process.env.DOCKET_KEYS).toBeUndefined()
    const atRest = await contents(wrapped)
    for (const s of SECRETS) expect(atRest).not.toContain(s)
    expect(atRest).toContain(PersonalData.PREFIX)

    const exported = await docket(['export', '--store', wrapped], { env: keys })
    expect(exported.code, exported.stderr).toBe(0)
    for (const s of SECRETS) expect(exported.stdout).toContain(s)
    const sor = await docket(['replay', '--store', wrapped, '--report', 'dsa-sor', '--workers', '2'], {
      env: keys,
    })
    expect(sor.code, sor.stderr).toBe(0)
    // decrypted, and her name, which the case records, withheld from what the database publishes
    expect(sor.stdout).toContain('Intimate image of [withheld] shared without consent.')
    expect(sor.stdout).not.toContain('Alice Example')
    expect(sor.stderr).toContain('1 passage(s) of the explanation withheld')

    // the process's environment is not read
    process.env.DOCKET_KEYS = 'postgres'
    process.env.DOCKET_MASTER_KEY = master
    try {
      const plain = await docket(['export', '--store', wrapped])
      expect(plain.code, plain.stderr).toBe(0)
      expect(plain.stdout).not.toContain('Alice Example')
    } finally {
      delete process.env.DOCKET_KEYS
      delete process.env.DOCKET_MASTER_KEY
    }
  })

  it('a master key missing, wrong, or not needed: exit 2 naming DOCKET_MASTER_KEY, before anything is read or written', async () => {
    const cases = [
      { store: wrapped, env: { DOCKET_KEYS: 'postgres' }, says: 'DOCKET_MASTER_KEY is not set, but' },
      {
        store: wrapped,
        env: { DOCKET_KEYS: 'postgres', DOCKET_MASTER_KEY: base64() },
        says: 'DOCKET_MASTER_KEY is not the master key',
      },
      { store: bare, env: keys, says: 'DOCKET_MASTER_KEY is set, but' },
    ]
    for (const c of cases) {
      const before = await contents(c.store)
      for (const argv of [
        ['import', bob, '--store', c.store],
        ['export', '--store', c.store],
        ['evaluate', '--store', c.store, '--format', 'json'],
        ['replay', '--store', c.store, '--report', 'dsa-sor'],
        ['watch', '--store', c.store, '--once'],
      ]) {
        const r = await docket(argv, { env: c.env })
        expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(2)
        expect(r.stderr).toContain(c.says)
        expect(r.stderr).toContain('nothing was read or stored')
        expect(r.stderr).not.toMatch(/Invalid key length|unable to authenticate/)
        expect(r.stdout).toBe('')
      }
      expect(await contents(c.store)).toBe(before)
    }
  })

  it('a malformed variable: exit 2 naming it and what is wrong, never echoing the master key', async () => {
    const cases = [
      {
        env: { DOCKET_KEYS: 'postgres', DOCKET_MASTER_KEY: 'not base64!!' },
        says: 'DOCKET_MASTER_KEY is not base64',
      },
      {
        env: { DOCKET_KEYS: 'postgres', DOCKET_MASTER_KEY: 'YWJj' },
        says: 'DOCKET_MASTER_KEY decodes to 3 bytes, not 32',
      },
      { env: { DOCKET_KEYS: 'pg', DOCKET_MASTER_KEY: master }, says: 'DOCKET_KEYS="pg" is not a key store' },
    ]
    const before = await contents(wrapped)
    for (const c of cases) {
      const r = await docket(['import', bob, '--store', wrapped], { env: c.env })
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(c.says)
      expect(r.stderr).not.toContain(c.env.DOCKET_MASTER_KEY)
    }
    expect(await contents(wrapped)).toBe(before)
  })

  it('without DOCKET_KEYS: one line on standard error where personal fields are shown encrypted, stdout as before', async () => {
    const warned = (stderr: string): ReadonlyArray<string> =>
      stderr.split('\n').filter((l) => l.includes('shown encrypted'))
    const exported = await docket(['export', '--store', wrapped])
    expect(exported.code, exported.stderr).toBe(0)
    expect(warned(exported.stderr)).toEqual([
      expect.stringMatching(
        /^docket: warning: the exported events' personal fields are shown encrypted \(enc:v1:…\) because DOCKET_KEYS is not set: .* Set DOCKET_KEYS=postgres/,
      ),
    ])
    const stored = (
      await admin.query(
        `SELECT body FROM "${new URL(wrapped).searchParams.get('schema')}".events ORDER BY position`,
      )
    ).rows
    expect(
      exported.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).data),
    ).toEqual(stored.map((r) => JSON.parse(r.body).data))

    const sor = await docket(['replay', '--store', wrapped, '--report', 'dsa-sor'])
    expect(sor.code, sor.stderr).toBe(0)
    expect(warned(sor.stderr)).toHaveLength(1)
    expect(sor.stdout).toContain(PersonalData.PREFIX)
    expect(sor.stdout).not.toContain('warning')

    // reports quoting events' notes (a report's text, a decision's explanation) show them encrypted too
    for (const report of ['json', 'html', 'partial']) {
      const r = await docket(['replay', '--store', wrapped, '--report', report])
      expect(r.code, r.stderr).toBe(0)
      expect(warned(r.stderr), report).toEqual([
        expect.stringMatching(/^docket: warning: the report's event notes .* are shown encrypted/),
      ])
      expect(r.stdout).toContain(PersonalData.PREFIX)
    }

    // outputs without personal fields say nothing
    for (const argv of [
      ['evaluate', '--store', wrapped, '--format', 'json'],
      ['replay', '--store', wrapped, '--report', 'csv'],
      ['replay', '--store', wrapped, '--report', 'md'],
      ['replay', '--store', wrapped, '--report', 'dsa-transparency'],
      ['verify', '--store', wrapped],
    ]) {
      const r = await docket(argv)
      expect(r.code, r.stderr).toBe(0)
      expect(warned(r.stderr)).toEqual([])
    }
  })

  it('replay --submit is refused without DOCKET_KEYS: the explanations would be published as ciphertext', async () => {
    const r = await docket(
      ['replay', '--store', wrapped, '--report', 'dsa-sor', '--submit', 'http://127.0.0.1:9/'],
      { env: { DOCKET_DSA_TOKEN: 'token' } },
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('DOCKET_KEYS is not set')
    expect(r.stderr).toContain('nothing was submitted')
  })
})
