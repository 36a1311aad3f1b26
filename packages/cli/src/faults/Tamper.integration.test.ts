/**
 * Fault suite — tampering with real PostgreSQL rows, then `docket verify`.
 * Each guarantee of the hash chain gets its violation: an edited row, a
 * deleted row, swapped revisions, a duplicated row, the end of the log cut
 * after a checkpoint, and the end of the log cut with only a report's chain
 * head to catch it. The report's head must equal what verify computes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Services } from '@docket/core/testing'
import pg from 'pg'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { docket } from '../internal/testing.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the fault suite (tampering with stored rows, then docket verify)',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

const dir = mkdtempSync(join(tmpdir(), 'docket-tamper-'))
const line = (id: string, caseId: string, minute: number): string =>
  JSON.stringify({
    id,
    type: 'ExposureObserved',
    caseId,
    occurredAt: `2026-06-01T10:${String(minute).padStart(2, '0')}:00-04:00`,
    data: { views: minute, shares: 1 },
  })
const file = join(dir, 'events.jsonl')
writeFileSync(
  file,
  `${[
    line('a-0', 'case-a', 0),
    line('b-0', 'case-b', 1),
    line('a-1', 'case-a', 2),
    line('a-2', 'case-a', 3),
    line('b-1', 'case-b', 4),
  ].join('\n')}\n`,
)

describe.skipIf(!run)(
  'fault suite: rows tampered with in PostgreSQL are named by docket verify',
  { timeout: 60_000 },
  () => {
    const admin = new pg.Pool({ connectionString: url, max: 1 })
    const schemas: string[] = []
    let schema = ''
    let store = ''
    afterAll(async () => {
      for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
      await admin.end()
      rmSync(dir, { recursive: true, force: true })
    })
    beforeEach(async () => {
      schema = `docket_faults_tamper_${process.pid}_${schemas.length}`
      schemas.push(schema)
      store = `${url}?schema=${schema}`
      const imported = await docket(['import', file, '--store', store])
      expect(imported.code, imported.stderr).toBe(0)
    })
    const sql = (text: string, params: unknown[] = []) =>
      admin.query(text.replaceAll('$S', `"${schema}"`), params)
    const verify = async (...extra: string[]) => {
      const r = await docket(['verify', '--store', store, '--format', 'json', ...extra])
      return { code: r.code, report: JSON.parse(r.stdout === '' ? 'null' : r.stdout), stderr: r.stderr }
    }

    it('an untouched store verifies, and its head is the one the report quotes', async () => {
      const v = await verify()
      expect(v.code).toBe(0)
      expect(v.report).toMatchObject({ ok: true, events: 5, streams: 2 })
      const replayed = await docket(['replay', '--store', store, '--report', 'json'])
      expect(replayed.code, replayed.stderr).toBe(0)
      expect(JSON.parse(replayed.stdout).stamp.integrity).toEqual(v.report.head)
    })

    it('an edited row (the stored JSON changed by UPDATE)', async () => {
      await sql(`UPDATE $S.events SET body = replace(body, '"views":2', '"views":0') WHERE event_id = 'a-1'`)
      const v = await verify()
      expect(v.code).toBe(1)
      expect(v.report.failure).toMatchObject({
        caseId: 'case-a',
        revision: 1,
        eventId: 'a-1',
        problem: 'content_altered',
      })
    })

    it('a row edited into something that is not JSON', async () => {
      // seal_hash cleared too: the store refuses a seal_hash its body does not end with (schema version 6)
      await sql(`UPDATE $S.events SET body = '{"id":', seal_hash = NULL WHERE event_id = 'b-0'`)
      const v = await verify()
      expect(v.code).toBe(1)
      expect(v.report.failure).toMatchObject({ revision: 0, problem: 'content_altered' })
    })

    it('a deleted row in the middle of a stream', async () => {
      await sql(`DELETE FROM $S.events WHERE event_id = 'a-1'`)
      const v = await verify()
      expect(v.code).toBe(1)
      expect(v.report.failure).toMatchObject({ eventId: 'a-2', problem: 'order_or_presence_altered' })
    })

    it('two events of a stream swapped (revisions and positions exchanged)', async () => {
      await sql(`UPDATE $S.events SET revision = revision + 100 WHERE event_id IN ('a-1', 'a-2')`)
      await sql(`UPDATE $S.events SET revision = 2, position = position + 1000 WHERE event_id = 'a-1'`)
      await sql(`UPDATE $S.events SET revision = 1 WHERE event_id = 'a-2'`)
      const v = await verify()
      expect(v.code).toBe(1)
      expect(v.report.failure).toMatchObject({
        caseId: 'case-a',
        revision: 1,
        problem: 'order_or_presence_altered',
      })
    })

    it('a duplicated row (the same event appended again under another id)', async () => {
      await sql(
        `INSERT INTO $S.events (position, stream, revision, event_id, type, occurred_at, recorded_at, body)
       SELECT position + 1000, stream, 2, 'b-dup', type, occurred_at, recorded_at, body FROM $S.events WHERE event_id = 'b-1'`,
      )
      const v = await verify()
      expect(v.code).toBe(1)
      expect(v.report.failure).toMatchObject({
        caseId: 'case-b',
        revision: 2,
        problem: 'order_or_presence_altered',
      })
    })

    it('the last event deleted after a checkpoint', async () => {
      expect((await verify('--checkpoint')).code).toBe(0)
      await sql(`DELETE FROM $S.events WHERE event_id = 'b-1'`)
      const v = await verify()
      expect(v.code).toBe(1)
      expect(v.report.failure.problem).toBe('checkpoint_mismatch')
    })

    it('the last event deleted with no checkpoint: only the head a report kept catches it', async () => {
      const kept = (await verify()).report.head
      await sql(`DELETE FROM $S.events WHERE event_id = 'b-1'`)
      expect((await verify()).code).toBe(0) // what the chain alone cannot show (docs/security.md)
      const v = await verify('--head', `${kept.events}:${kept.digest}`)
      expect(v.code).toBe(1)
      expect(v.report.failure.problem).toBe('checkpoint_mismatch')
    })
  },
)
