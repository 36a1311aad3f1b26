/**
 * `Import.runTwice` against `Import.run` on PostgreSQL (the property of
 * `import.twoPass.property.ts`), each run in fresh schemas `import_bounded_<pid>_<n>`, all
 * dropped at the end.
 */
import { PostgresEventStore } from '@docket/adapters/postgres'
import { Services } from '@docket/core/testing'
import pg from 'pg'
import { afterAll, describe } from 'vitest'
import { sameAsRun } from './import.twoPass.property.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'Import.runTwice against Import.run on PostgreSQL',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

describe.skipIf(!run)('Import.runTwice on the PostgreSQL store', () => {
  const schemas: string[] = []
  afterAll(async () => {
    const admin = new pg.Pool({ connectionString: url, max: 1 })
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
    await admin.end()
  })
  sameAsRun(async () => {
    const schema = `import_bounded_${process.pid}_${schemas.length}`
    schemas.push(schema)
    return PostgresEventStore.make(url, { schema })
  }, 25)
})
