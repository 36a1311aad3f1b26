/**
 * A writer with the least privilege docs/security.md asks for: a database
 * role that may read and append events and read and add subjects' keys, but
 * not create, update or delete anything. Once the schema is made and its first
 * key recorded (by the schema's owner, at the code's version), opening the
 * store and the key store through that role changes no schema, and appends
 * with personal fields are sealed and encrypted.
 */
import { randomBytes } from 'node:crypto'
import { Integrity, type Recorded } from '@docket/core'
import { ok, Scenario, Services } from '@docket/core/testing'
import * as E from 'fp-ts/lib/Either.js'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { open as openStore } from '../Store.js'
import * as PostgresKeyStore from './PostgresKeyStore.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the least-privilege writer test',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

/** The owner's first report, of another subject than the writer's. */
const setup: Recorded = {
  ...Scenario.personalReport,
  id: 'r0',
  caseId: 'case-0',
  data: {
    ...Scenario.personalReport.data,
    reporter: { subjectId: 'owner-test' },
    victim: { subjectId: 'owner-test' },
  },
} as Recorded

describe.skipIf(!run)('a writer role without CREATE, UPDATE or DELETE', () => {
  const schema = `docket_least_${process.pid}`
  const role = `docket_writer_${process.pid}`
  const admin = new pg.Pool({ connectionString: url, max: 1 })
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await admin.query(`DROP ROLE IF EXISTS "${role}"`)
    await admin.end()
  })

  it('opens the migrated store and key store, and appends sealed and encrypted events', async () => {
    const master = randomBytes(32)
    // the schema, made by a role that may change it
    const keys = await PostgresKeyStore.make(url, { schema, masterKey: master, cacheMs: 0 })
    const made = await openStore(url, { schema, keys })()
    if (E.isLeft(made)) throw new Error(made.left.message)
    // its first key records which master key wraps them, under a lock the writer may not take
    await ok(made.right.append('case-0', [setup], 'no_stream'))
    await made.right.close()
    await keys.close()

    await admin.query(`DROP ROLE IF EXISTS "${role}"`)
    await admin.query(`CREATE ROLE "${role}" LOGIN`)
    for (const grant of [
      `GRANT USAGE ON SCHEMA "${schema}" TO "${role}"`,
      `GRANT SELECT, INSERT ON "${schema}".events TO "${role}"`,
      `GRANT SELECT ON "${schema}".schema_migrations TO "${role}"`,
      `GRANT SELECT, INSERT ON "${schema}".subject_keys TO "${role}"`,
      `GRANT SELECT ON "${schema}".subject_keys_wrapping TO "${role}"`,
    ])
      await admin.query(grant)

    const writerUrl = new URL(url)
    writerUrl.username = role
    writerUrl.password = ''
    const writerKeys = await PostgresKeyStore.make(writerUrl.toString(), {
      schema,
      masterKey: master,
      cacheMs: 0,
    })
    const opened = await openStore(writerUrl.toString(), { schema, keys: writerKeys })()
    if (E.isLeft(opened)) throw new Error(opened.left.message)
    const store = opened.right
    await ok(store.append('case-1', [Scenario.personalReport], 'no_stream'))
    const read = await store.readStream('case-1')()
    expect(E.isRight(read) && read.right.map((e) => e.event.data)).toEqual([Scenario.personalReport.data])
    await store.close()
    await writerKeys.close()

    const rows = await admin.query<{ body: string }>(`SELECT body FROM "${schema}".events`)
    expect(rows.rows.map((r) => r.body).join('\n')).not.toContain('alice@example.org')
    const verified = await openStore(url, { schema })()
    if (E.isLeft(verified)) throw new Error(verified.left.message)
    expect((await Integrity.verify(verified.right.readAll())).ok).toBe(true)
    await verified.right.close()
  })
})
