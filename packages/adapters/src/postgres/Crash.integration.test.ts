/**
 * A writer killed with SIGKILL in the middle of appending (a real child
 * process on a real server): every batch is in the log entirely or not at
 * all, positions stay dense, revisions contiguous, and the store takes new
 * appends at once (no lock or half transaction left behind).
 */
import { spawn } from 'node:child_process'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { collect, ok, Services, testEvent } from '@docket/core/testing'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as PostgresEventStore from './PostgresEventStore.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the PostgreSQL crash test',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

const root = fileURLToPath(new URL('../../../..', import.meta.url))
const entry = path.join(root, 'packages/adapters/dist/postgres/index.js')

describe.skipIf(!run)('a writer killed mid-append', () => {
  const schema = `docket_crash_${process.pid}`
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-crash-'))
  const admin = new pg.Pool({ connectionString: url, max: 1 })

  beforeAll(() => {
    // the child runs the built package
    execFileSync(path.join(root, 'node_modules/.bin/tsc'), ['-b', 'packages/adapters'], {
      cwd: root,
      stdio: 'inherit',
    })
  }, 120_000)

  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await admin.end()
    fs.rmSync(tmp, { recursive: true, force: true })
  })

  it('leaves whole batches only, and the store writable', async () => {
    const script = path.join(tmp, 'writer.mjs')
    fs.writeFileSync(
      script,
      `import { PostgresEventStore } from ${JSON.stringify(entry)}
const store = await PostgresEventStore.make(${JSON.stringify(url)}, { schema: ${JSON.stringify(schema)}, max: 4 })
let batch = 0
const writer = async (w) => {
  for (;;) {
    const b = batch++
    const caseId = 'crash-' + (b % 7)
    const events = Array.from({ length: 5 }, (_, i) => ({
      id: 'b' + b + '-' + i, type: 'x-test.Noted', caseId,
      occurredAt: '2026-01-01T00:00:00Z', recordedAt: '2026-01-01T00:00:00Z',
      data: { batch: b, i, pad: 'x'.repeat(2000) },
    }))
    const r = await store.append(caseId, events, 'any')()
    if (r._tag === 'Left') { console.error(JSON.stringify(r.left)); process.exit(3) }
    if (b === 20) process.stderr.write('ready\\n')
  }
}
await Promise.all([0, 1, 2, 3].map(writer))
`,
    )
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d) => {
        stderr += d
        if (stderr.includes('ready')) resolve()
      })
      child.on('exit', (code) => reject(new Error(`writer exited early (${code}): ${stderr}`)))
    })
    // let it write a little more, then kill it in the middle of whatever it is doing
    await new Promise((r) => setTimeout(r, 300))
    child.kill('SIGKILL')
    await new Promise((r) => child.once('close', r))

    const store = await PostgresEventStore.make(url, { schema })
    try {
      const all = await collect(store.readAll())
      expect(all.length).toBeGreaterThan(100)
      expect(all.map((e) => e.position)).toEqual(all.map((_, i) => String(i + 1)))
      const batches = new Map<number, number[]>()
      for (const e of all) {
        const d = e.event.data as { batch: number; i: number }
        batches.set(d.batch, [...(batches.get(d.batch) ?? []), d.i])
      }
      for (const items of batches.values()) expect(items).toEqual([0, 1, 2, 3, 4])
      const byCase = new Map<string, number[]>()
      for (const e of all) byCase.set(e.event.caseId, [...(byCase.get(e.event.caseId) ?? []), e.revision])
      for (const revisions of byCase.values()) expect(revisions).toEqual(revisions.map((_, i) => i))
      // the append lock died with the killed sessions: a new append goes through at once
      const last = byCase.get('crash-0')!.length - 1
      expect((await ok(store.append('crash-0', [testEvent('crash-0', 0)], last))).revision).toBe(last + 1)
    } finally {
      await store.close()
    }
  }, 120_000)
})
