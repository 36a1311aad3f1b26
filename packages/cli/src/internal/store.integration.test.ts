/**
 * The commands that only read a store (verify, export, evaluate, replay) on a PostgreSQL schema
 * holding no Docket store: refused, exit 2, and the schema is not created (a typo in `?schema=`
 * would otherwise read as an empty, intact history).
 */
import { Services } from '@docket/core/testing'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { docket } from './testing.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'reading commands on a PostgreSQL schema holding no store',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

describe.skipIf(!run)(
  'a reading command on a PostgreSQL schema holding no store',
  { timeout: 60_000 },
  () => {
    const admin = new pg.Pool({ connectionString: url, max: 1 })
    const schema = `docket_no_store_${process.pid}`
    afterAll(async () => {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await admin.end()
    })

    it('is refused with exit 2 naming the schema, which stays uncreated', async () => {
      const store = `${url}?schema=${schema}`
      for (const argv of [
        ['verify', '--store', store],
        ['export', '--store', store],
        ['evaluate', '--store', store],
        ['replay', '--store', store, '--quiet'],
        ['replay', '--store', store, '--quiet', '--workers', '2'],
      ]) {
        const r = await docket(argv)
        expect(r.stderr, argv.join(' ')).toContain(`schema ${schema} has no events table`)
        expect(r.code, argv.join(' ')).toBe(2)
        expect(r.stdout).toBe('')
      }
      const found = await admin.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [
        schema,
      ])
      expect(found.rowCount).toBe(0)
      // once docket import has created it, the same commands read it
      const imported = await docket(['import', '-', '--store', store], {
        stdin:
          '{"id":"e-1","type":"CaseClosed","caseId":"c-1","occurredAt":"2026-01-01T00:00:00Z","data":{}}\n',
      })
      expect(imported.code, imported.stderr).toBe(0)
      const verified = await docket(['verify', '--store', store])
      expect(verified.code, verified.stderr).toBe(0)
      expect(verified.stdout).toContain('intact: 1 sealed event(s)')
    })
  },
)
