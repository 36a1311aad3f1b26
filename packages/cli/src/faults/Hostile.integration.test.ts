/**
 * Fault suite — hostile input: case ids, event ids and text built to break
 * SQL, file paths, Markdown and HTML go through `docket import` into a real
 * PostgreSQL store, come back verbatim from `docket export`, verify, and are
 * rendered as data (escaped) by the Markdown and HTML reports.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Services } from '@docket/core/testing'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { docket } from '../internal/testing.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the fault suite (hostile ids and text stored and rendered as data)',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

const HOSTILE: ReadonlyArray<string> = [
  "'; DROP TABLE events; --",
  "Robert'); DROP TABLE docket.events;--",
  '" OR 1=1 --',
  'back\\slash\\\\ and \\x00 \\u0000',
  '$all',
  '$$system-$1',
  '$ce-case',
  '../../etc/passwd',
  '..\\..\\windows\\system32\\config',
  '/tmp/../../root/.ssh/id_rsa',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '</td></tr><tr><td>forged',
  '| forged | markdown | row |',
  '`code` **bold** [link](javascript:alert(1))',
  'ケース-🚨-\u202eRTL-override',
  'line\u2028separator\u2029paragraph',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell-style string, on purpose
  '${jndi:ldap://example.invalid/a} %s%n%x',
]

describe.skipIf(!run)(
  'fault suite: hostile input is stored and rendered as data',
  { timeout: 120_000 },
  () => {
    const admin = new pg.Pool({ connectionString: url, max: 1 })
    const schema = `docket_faults_hostile_${process.pid}`
    const store = `${url}?schema=${schema}`
    const dir = mkdtempSync(join(tmpdir(), 'docket-hostile-'))
    afterAll(async () => {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await admin.end()
      rmSync(dir, { recursive: true, force: true })
    })

    const events = HOSTILE.flatMap((h, i) => [
      {
        id: `${h}#report-${i}`,
        type: 'ContentReported',
        caseId: h,
        occurredAt: '2026-06-01T22:30:00-04:00',
        recordedAt: '2026-06-01T22:31:00-04:00',
        data: {
          reportId: h,
          channel: 'web_form',
          category: 'ncii',
          content: { ref: h, kind: 'image' },
          jurisdictions: ['US'],
          removalRequest: { signature: true, identification: true, goodFaithStatement: true, contact: true },
          text: `${h} ${HOSTILE[(i + 1) % HOSTILE.length]}`,
        },
      },
      {
        id: `${h}#decision-${i}`,
        type: 'ReviewDecided',
        caseId: h,
        occurredAt: '2026-06-02T10:00:00-04:00',
        recordedAt: '2026-06-02T10:00:00-04:00',
        data: { reviewId: h, outcome: 'no_violation', tier: 'frontline', automation: 'not', explanation: h },
      },
    ])

    it('imports, exports verbatim, verifies, and escapes them in every rendered report', async () => {
      const file = join(dir, 'hostile.jsonl')
      writeFileSync(file, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`)
      const imported = await docket(['import', file, '--store', store])
      expect(imported.code, imported.stderr).toBe(0)

      // the tables are all there, with one row per event
      const tables = await admin.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1`,
        [schema],
      )
      expect(tables.rows.map((r) => r.table_name)).toContain('events')
      const count = await admin.query(`SELECT count(*)::int AS n FROM "${schema}".events`)
      expect(count.rows[0].n).toBe(events.length)

      const exported = await docket(['export', '--store', store])
      expect(exported.code, exported.stderr).toBe(0)
      const back = exported.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
      expect(back.map((e) => [e.id, e.caseId, e.data.text ?? e.data.explanation])).toEqual(
        events.map((e) => [e.id, e.caseId, 'text' in e.data ? e.data.text : e.data.explanation]),
      )

      expect((await docket(['verify', '--store', store])).code).toBe(0)

      const md = await docket(['replay', '--store', store, '--report', 'md'])
      expect(md.code, md.stderr).toBe(0)
      expect(md.stdout).not.toContain('<script>alert(1)</script>')
      expect(md.stdout).not.toContain('<img src=x onerror=alert(1)>')
      expect(md.stdout).not.toContain('| forged | markdown | row |')

      const out = join(dir, 'report.html')
      const html = await docket(['replay', '--store', store, '--report', 'html', '--out', out])
      expect(html.code, html.stderr).toBe(0)
      const page = readFileSync(out, 'utf8')
      expect(page).not.toContain('<script>alert(1)</script>')
      expect(page).not.toContain('<img src=x onerror')
      expect(page).not.toContain('</td></tr><tr><td>forged')
      expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    })
  },
)
