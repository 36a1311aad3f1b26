/**
 * A reading command whose store fails under it (here: another session holds an exclusive lock on
 * the events table and the URL sets `lock_timeout`, as docs/stores.md advises operators to): one
 * error naming the store, exit 2, nothing on standard output. Before, replay and evaluate printed
 * the driver's words alone (`canceling statement due to lock timeout`, `write ECONNRESET` after a
 * server restart), naming no store, and watch failed as an internal error (exit 70, a stack trace).
 */
import { Services } from '@docket/core/testing'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docket, dropSchema, lockEvents } from './testing.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'reading commands on a PostgreSQL store that fails under them',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

describe.skipIf(!run)('a reading command on a locked PostgreSQL store', { timeout: 60_000 }, () => {
  const schema = `docket_store_faults_${process.pid}`
  const store = `${url}?schema=${schema}`
  // the lock waits end after 200 ms instead of never
  const impatient = `${store}&options=${encodeURIComponent('-c lock_timeout=200')}`
  let holder: pg.Client

  beforeAll(async () => {
    const imported = await docket(['import', '-', '--store', store], {
      stdin:
        '{"id":"e-1","type":"CaseClosed","caseId":"c-1","occurredAt":"2026-01-01T00:00:00Z","data":{}}\n',
    })
    expect(imported.code, imported.stderr).toBe(0)
    holder = await lockEvents(url, schema)
  })
  afterAll(async () => {
    await holder.query('ROLLBACK').catch(() => undefined)
    await holder.end()
    await dropSchema(url, schema)
  })

  it('fails with exit 2 and one error naming the store and the lock timeout', async () => {
    const host = new URL(url).host
    for (const argv of [
      ['replay', '--store', impatient, '--quiet'],
      ['replay', '--store', impatient, '--quiet', '--workers', '2'],
      ['evaluate', '--store', impatient, '--format', 'json'],
      ['verify', '--store', impatient],
      // the process manager's read of the log: before, an internal error (exit 70) and a stack trace
      ['watch', '--store', impatient, '--once'],
    ]) {
      const r = await docket(argv)
      const what = argv.slice(0, 4).join(' ')
      expect(r.code, what).toBe(2)
      expect(r.stdout, what).toBe('')
      // watch logs what it did before; the error is one line of its own
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('docket: error:'))
      expect(errors, what).toHaveLength(1)
      const first = errors[0] ?? ''
      expect(first, what).toMatch(/^docket: error: cannot read postgres:\/\//)
      expect(first, what).toContain(host)
      expect(first, what).toContain(`schema=${schema}`)
      expect(first, what).toContain('canceling statement due to lock timeout')
    }
  })
})
