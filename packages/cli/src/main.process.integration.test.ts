/**
 * The built `docket` as a real process on a PostgreSQL store: interrupted by SIGINT or SIGTERM
 * while it works (a replay read by worker threads, each with its own connection, and a master key
 * rotation, one transaction), and importing a named pipe (Node's module loader, after a `statSync`
 * of a pipe, once resolved the adapter's dependencies from their pnpm links: `internal/staleStat.ts`
 * of the adapters). Needs the build (`tsc -b`) and the server.
 */
import { execFile, execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { History, Services } from '@docket/core/testing'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dropSchema, docket as inProcess } from './internal/testing.js'
import * as Process from './testing/Process.js'
import { events as personal, SECRETS } from './testing/PersonalFixtures.js'

const url = Services.pgUrl()
const what =
  'packages/cli/src/main.process.integration.test.ts (replay --workers and rotate-keys on PostgreSQL, interrupted)'
const run = await Process.runsOnPostgres(url, what)

/** The events the replay reads: enough that it still runs once its first progress line is out. */
const EVENTS = 80_000

describe.skipIf(!run)('docket as a process, on PostgreSQL, interrupted', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-process-pg-'))
  const admin = new pg.Pool({ connectionString: url, max: 2 })
  const schemas: string[] = []
  /** A fresh schema's store URL, its connections named `application_name` (found in pg_stat_activity). */
  const freshStore = async (
    name: string,
  ): Promise<{ readonly schema: string; readonly store: string; readonly app: string }> => {
    const schema = `docket_process_${name}_${process.pid}`
    schemas.push(schema)
    await dropSchema(url, schema)
    const app = `docket-test-${name}-${process.pid}`
    return { schema, store: `${url}?schema=${schema}&application_name=${app}`, app }
  }
  /** The server's connections named `app`. */
  const connections = async (app: string): Promise<number> =>
    (
      await admin.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
        [app],
      )
    ).rows[0]!.n
  /** Waits (up to 5 s) for the server to let go of the connections named `app`; how many are left. */
  const lingering = async (app: string): Promise<number> => {
    for (let i = 0; i < 100; i++) {
      const n = await connections(app)
      if (n === 0) return 0
      await sleep(50)
    }
    return connections(app)
  }
  afterAll(async () => {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
    await admin.end()
    rmSync(dir, { recursive: true, force: true })
  })

  it('imports a named pipe into the store (the adapter loaded after the pipe was looked at)', async () => {
    const piped = await freshStore('fifo')
    const events = [...History.generate({ events: 30, seed: 5 })]
    const fifo = join(dir, 'events.fifo')
    execFileSync('mkfifo', [fifo])
    const imported = promisify(execFile)(
      process.execPath,
      [Process.main, 'import', fifo, '--store', piped.store],
      // a shell's environment, not the test runner's (whose variables hid the fault)
      { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir } },
    )
    // the writer opens the pipe once the import has it open for reading
    writeFileSync(fifo, events.map((e) => `${JSON.stringify(e)}\n`).join(''))
    const { stderr } = await imported
    expect(stderr).toContain(`imported ${events.length} new event(s)`)
    const stored = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${piped.schema}".events`)
    expect(stored.rows[0]!.n).toBe(events.length)
  })

  describe('replay --workers of a server store', () => {
    let replayed: Awaited<ReturnType<typeof freshStore>>
    beforeAll(async () => {
      replayed = await freshStore('replay')
      const file = join(dir, 'events.jsonl')
      writeFileSync(
        file,
        `${[...History.generate({ events: EVENTS, seed: 3 })].map((e) => JSON.stringify(e)).join('\n')}\n`,
      )
      const imported = await inProcess(['import', file, '--store', replayed.store])
      expect(imported.code, imported.stderr).toBe(0)
    }, 180_000)

    it.each([
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const)(
      'stopped by %s: the workers stop and close their connections, no report, no temporary file, exit %i',
      async (signal, code) => {
        const spill = join(dir, `spill-${signal}`)
        mkdirSync(spill)
        const out = join(dir, `report-${signal}.json`)
        let open = 0
        const r = await Process.interrupt(
          [
            'replay',
            '--store',
            replayed.store,
            '--spill-dir',
            spill,
            '--out',
            out,
            '--report',
            'json',
            '--workers',
            '2',
          ],
          signal,
          // a progress line: the workers are reading; their connections are seen on the server
          async (stderr) => {
            if (!stderr.includes('"progress"')) return false
            open = await connections(replayed.app)
            return open > 0
          },
          { cwd: dir },
        )
        expect(r.sent, r.stderr).toBe(true)
        // the two workers' connections at least, and the reading thread's
        expect(open).toBeGreaterThanOrEqual(2)
        expect([r.code, r.signal], r.stderr).toEqual([code, null])
        expect(r.stderr).toContain(`replay: ${signal} received: stopping at the next safe point`)
        expect(r.stderr).toContain(`replay: stopped (${signal}): the store is closed; no report was written`)
        expect(r.stdout).toBe('')
        expect(readdirSync(dir)).not.toContain(`report-${signal}.json`)
        expect(readdirSync(spill)).toEqual([])
        expect(await lingering(replayed.app)).toBe(0)
      },
    )
  })

  describe('rotate-keys', () => {
    const a = randomBytes(32).toString('base64')
    const b = randomBytes(32).toString('base64')
    const c = randomBytes(32).toString('base64')
    let rotated: Awaited<ReturnType<typeof freshStore>>
    beforeAll(async () => {
      rotated = await freshStore('rotate')
      const file = join(dir, 'personal.jsonl')
      writeFileSync(file, `${personal.join('\n')}\n`)
      const imported = await inProcess(['import', file, '--store', rotated.store], {
        env: { DOCKET_KEYS: 'postgres', DOCKET_MASTER_KEY: a },
      })
      expect(imported.code, imported.stderr).toBe(0)
    })
    /** Whether the store's personal fields read in clear with `masterKey`. */
    const readableWith = async (masterKey: string): Promise<boolean> => {
      const out = await inProcess(['export', '--store', rotated.store], {
        env: { DOCKET_KEYS: 'postgres', DOCKET_MASTER_KEY: masterKey },
      })
      return out.code === 0 && SECRETS.every((s) => out.stdout.includes(s))
    }
    /**
     * Rotates with `env` while the key table is held by another transaction, so that the rotation
     * waits inside its own; sends SIGINT then, and lets the table go once the signal is taken.
     */
    const signalledMidRotation = async (
      env: Readonly<Record<string, string>>,
    ): Promise<Process.Interrupted> => {
      const holder = await admin.connect()
      try {
        await holder.query('BEGIN')
        await holder.query(`LOCK TABLE "${rotated.schema}".subject_keys IN ROW EXCLUSIVE MODE`)
        return await Process.interrupt(
          ['rotate-keys', '--store', rotated.store],
          'SIGINT',
          async () =>
            (
              await admin.query(
                `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock' AND query LIKE 'LOCK TABLE%'`,
                [rotated.app],
              )
            ).rowCount === 1,
          {
            cwd: dir,
            env: { DOCKET_KEYS: 'postgres', ...env },
            afterSignal: async (stderr, ended) => {
              while (!ended() && !stderr().includes('rotate-keys: SIGINT received')) await sleep(5)
              await holder.query('COMMIT')
            },
          },
        )
      } finally {
        await holder.query('ROLLBACK').catch(() => undefined)
        holder.release()
      }
    }

    it('stopped by SIGINT inside its transaction, rolled back (a wrong current key): says so, exit 130, the keys still the old master key’s', async () => {
      const r = await signalledMidRotation({ DOCKET_MASTER_KEY: c, DOCKET_NEW_MASTER_KEY: b })
      expect(r.sent, r.stderr).toBe(true)
      expect([r.code, r.signal], r.stderr).toEqual([130, null])
      expect(r.stderr).toContain('DOCKET_MASTER_KEY is not the master key')
      expect(r.stderr).toContain('rotate-keys: stopped (SIGINT): no key was changed')
      expect(r.stdout).toBe('')
      expect([await readableWith(a), await readableWith(b)]).toEqual([true, false])
      expect(await lingering(rotated.app)).toBe(0)
    })

    it('stopped by SIGINT inside its transaction, lets it commit: says the rotation is complete, exit 130, the keys the new master key’s', async () => {
      const r = await signalledMidRotation({ DOCKET_MASTER_KEY: a, DOCKET_NEW_MASTER_KEY: b })
      expect(r.sent, r.stderr).toBe(true)
      expect([r.code, r.signal], r.stderr).toEqual([130, null])
      expect(r.stdout).toMatch(
        /^rotated [1-9]\d* subject key\(s\) of .*now wrapped with DOCKET_NEW_MASTER_KEY/,
      )
      expect(r.stderr).toContain('rotate-keys: stopped (SIGINT): after the rotation, which is complete')
      expect([await readableWith(a), await readableWith(b)]).toEqual([false, true])
      expect(await lingering(rotated.app)).toBe(0)
    })
  })
})
