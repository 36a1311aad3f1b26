/**
 * The built `docket` as a real process on a PostgreSQL store whose events table another session
 * holds locked (`LOCK TABLE … IN ACCESS EXCLUSIVE MODE`): SIGTERM while a read or an append waits
 * for the lock ends the command at once, while the lock is still held, with its stop message and
 * exit code; an import stores nothing; the lock holder goes on unaffected. Before, the first signal
 * was taken but the command went on waiting until the lock was released (or a second signal).
 * Needs the build (`tsc -b`) and the server.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Services } from '@docket/core/testing'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dropSchema, docket as inProcess, lockEvents } from './internal/testing.js'
import * as Process from './testing/Process.js'

const url = Services.pgUrl()
const what =
  'packages/cli/src/storeLock.process.integration.test.ts (commands interrupted waiting for a lock)'
const run = await Process.runsOnPostgres(url, what)

const line = (i: number): string =>
  `${JSON.stringify({ id: `e-${i}`, type: 'CaseClosed', caseId: `c-${i}`, occurredAt: '2026-01-01T00:00:00Z', data: {} })}\n`

describe.skipIf(!run)(
  'docket on a PostgreSQL store locked by another session, stopped by SIGTERM',
  { timeout: 180_000 },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'docket-lock-waits-'))
    const schema = `docket_lock_waits_${process.pid}`
    const app = `docket-lock-waits-${process.pid}`
    const store = `${url}?schema=${schema}&application_name=${app}`
    const admin = new pg.Client({ connectionString: url })
    let holder: pg.Client
    const input = join(dir, 'more.ndjson')

    beforeAll(async () => {
      await dropSchema(url, schema)
      const imported = await inProcess(['import', '-', '--store', store], { stdin: line(1) + line(2) })
      expect(imported.code, imported.stderr).toBe(0)
      writeFileSync(input, [3, 4, 5].map(line).join(''))
      await admin.connect()
      holder = await lockEvents(url, schema)
    })
    afterAll(async () => {
      await holder.query('ROLLBACK').catch(() => undefined)
      await holder.end()
      await admin.end()
      await dropSchema(url, schema)
      rmSync(dir, { recursive: true, force: true })
    })

    /** Whether one of the command's connections waits for a lock. */
    const waiting = async (): Promise<boolean> =>
      (
        await admin.query(
          `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
          [app],
        )
      ).rowCount! > 0
    /** Whether the holder still holds its lock (and its session answers). */
    const held = async (): Promise<boolean> =>
      (
        await holder.query(
          `SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid() AND mode = 'AccessExclusiveLock' AND granted`,
        )
      ).rowCount === 1
    /** The server's connections of the command, once it has ended (up to 5 s for the server to let go). */
    const lingering = async (): Promise<number> => {
      const count = async (): Promise<number> =>
        (
          await admin.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
            [app],
          )
        ).rows[0]!.n
      for (let i = 0; i < 100 && (await count()) > 0; i++) await sleep(50)
      return count()
    }

    for (const [argv, code, said] of [
      [['replay', '--store', store, '--quiet'], 143, 'replay: stopped (SIGTERM)'],
      [['replay', '--store', store, '--quiet', '--workers', '2'], 143, 'replay: stopped (SIGTERM)'],
      [['evaluate', '--store', store, '--format', 'json'], 143, 'evaluate: stopped (SIGTERM)'],
      [['verify', '--store', store], 143, 'verify: stopped (SIGTERM)'],
      [['export', '--store', store, '--out', join(dir, 'export.ndjson')], 143, 'export: stopped (SIGTERM)'],
      [['import', input, '--store', store, '--quiet'], 143, 'import: stopped (SIGTERM)'],
      [['watch', '--store', store], 0, 'watch: stopped (interrupted)'],
      [['watch', '--store', store, '--once'], 0, 'watch: stopped (interrupted)'],
    ] as const) {
      it(`${argv.filter((a) => a !== store && a !== input && !a.startsWith(dir)).join(' ')}: ends while the lock is held, says so, exit ${code}`, async () => {
        // the lock is held until the last test: a command that ends has ended while it was held
        const r = await Process.interrupt(argv, 'SIGTERM', waiting, { cwd: dir })
        expect(r.sent, r.stderr).toBe(true)
        expect([r.code, r.signal], r.stderr).toEqual([code, null])
        expect(r.stderr).toContain(said)
        expect(r.stderr).not.toContain('docket: error:')
        expect(r.stdout).toBe('')
        expect(await held()).toBe(true)
        expect(await lingering()).toBe(0)
      })
    }

    it('says on standard error, once it has waited 5 s, that it waits for a lock and who holds it', async () => {
      const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid
      const r = await Process.interrupt(
        ['verify', '--store', store],
        'SIGTERM',
        (stderr) => stderr.includes('for a lock on'),
        { cwd: dir },
      )
      expect([r.code, r.signal], r.stderr).toEqual([143, null])
      const notes = r.stderr.split('\n').filter((l) => l.includes('for a lock on'))
      expect(notes, r.stderr).toHaveLength(1)
      expect(notes[0]).toMatch(/^docket: warning: waiting \d+ s so far for a lock on postgres:\/\//)
      expect(notes[0]).toContain(`schema=${schema}`)
      expect(notes[0]).toContain(`pid ${holderPid} in pg_stat_activity`)
      expect(await held()).toBe(true)
    })

    it('the lock holder commits unaffected, and the interrupted import stored nothing', async () => {
      await holder.query('COMMIT')
      const out = join(dir, 'after.ndjson')
      const exported = await inProcess(['export', '--store', store, '--out', out])
      expect(exported.code, exported.stderr).toBe(0)
      const ids = readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { id: string }).id)
      expect(ids).toEqual(['e-1', 'e-2'])
      const verified = await inProcess(['verify', '--store', store])
      expect(verified.code, verified.stderr).toBe(0)
    })
  },
)
