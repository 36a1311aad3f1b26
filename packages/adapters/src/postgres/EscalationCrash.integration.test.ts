/**
 * Crash safety of the escalation process manager, end to end: a real child
 * process runs the built packages against PostgreSQL, is killed with SIGKILL
 * mid-run, and is started again. The log must then hold every escalation the
 * engine plans exactly once (none lost while it was down, none raised twice),
 * and the webhook must have received every page at least once.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { type EventStore, Profile, type Recorded } from '@docket/core'
import { Scenario, Services } from '@docket/core/testing'
import * as E from 'fp-ts/lib/Either.js'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as PostgresEventStore from './PostgresEventStore.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the escalation crash test (a process manager killed mid-run and restarted)',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

const root = (p: string): string => fileURLToPath(new URL(`../../../../${p}`, import.meta.url))
const worker = root('packages/adapters/scripts/escalation-worker.mjs')

/** A short ladder so that a whole escalation plays out in about four seconds of real time. */
const profileJson = {
  escalation: {
    ladder: [
      { level: 1, name: 'frontline', notify: ['oncall'], acknowledgeWithin: 'PT1S' },
      { level: 2, name: 'child-safety specialist', notify: ['child-safety'], acknowledgeWithin: 'PT1S' },
      { level: 3, name: 'legal', notify: ['legal'], acknowledgeWithin: 'PT1S' },
      { level: 4, name: 'executive', notify: ['exec'], repeatEvery: 'PT1S', repeatTimes: 2 },
    ],
    specialistLevel: 2,
  },
}
const CASES = 40

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe.skipIf(!run)('escalation process manager on PostgreSQL, killed and restarted', () => {
  const schema = `docket_escalation_crash_${process.pid}`
  const admin = new pg.Pool({ connectionString: url, max: 2 })
  const received: string[] = []
  const children: ChildProcess[] = []
  let server: http.Server
  let hook: string
  let store: EventStore.EventStore

  beforeAll(async () => {
    // The child runs built JavaScript; `pnpm test` builds first (tsc -b). A bare vitest run
    // rebuilds when the output is missing or older than the sources it depends on.
    const pairs = [
      ['packages/core/src/ProcessManager.ts', 'packages/core/dist/ProcessManager.js'],
      ['packages/core/src/Escalation.ts', 'packages/core/dist/Escalation.js'],
      ['packages/core/src/Trigger.ts', 'packages/core/dist/Trigger.js'],
      ['packages/core/src/Outbox.ts', 'packages/core/dist/Outbox.js'],
      ['packages/adapters/src/WebhookSink.ts', 'packages/adapters/dist/WebhookSink.js'],
      [
        'packages/adapters/src/postgres/PostgresEventStore.ts',
        'packages/adapters/dist/postgres/PostgresEventStore.js',
      ],
    ] as const
    const stale = pairs.some(
      ([src, out]) => !existsSync(root(out)) || statSync(root(src)).mtimeMs > statSync(root(out)).mtimeMs,
    )
    if (stale) {
      try {
        execFileSync(root('node_modules/.bin/tsc'), ['-b', root('packages/adapters')], { stdio: 'inherit' })
      } catch {
        console.warn(
          'escalation crash test: tsc -b packages/adapters reported errors; running the emitted output',
        )
      }
    }
    let requests = 0
    server = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        // fail one request in three: the outbox must retry
        if (++requests % 3 === 0) {
          res.writeHead(503).end()
          return
        }
        received.push(String(req.headers['idempotency-key']))
        res.writeHead(204).end()
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pager`
    store = await PostgresEventStore.make(url, { schema, pollMs: 50 })
  })

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
    await store?.close()
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await admin.end()
    await new Promise((r) => server?.close(r))
  })

  /** What each worker wrote on stdout (its log). */
  const output = new Map<ChildProcess, string>()
  const spawnWorker = (): ChildProcess => {
    const child = spawn(process.execPath, [worker, url, schema, JSON.stringify(profileJson), hook], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    output.set(child, '')
    child.stdout?.on('data', (d) => output.set(child, `${output.get(child)}${d}`))
    child.stderr?.on('data', (d) => process.stderr.write(`[worker ${child.pid}] ${d}`))
    children.push(child)
    return child
  }
  const exited = (c: ChildProcess): Promise<void> =>
    c.exitCode !== null || c.signalCode !== null
      ? Promise.resolve()
      : new Promise((r) => c.once('exit', () => r()))

  const raised = async (): Promise<ReadonlyArray<Recorded>> => {
    const out: Recorded[] = []
    for await (const s of store.readAll({ types: ['EscalationRaised'] })) out.push(s.event)
    return out
  }

  it('holds each escalation exactly once after a SIGKILL and a restart, and delivers every page', async () => {
    const t0 = Date.now() + 1500
    const history = Scenario.refusedCases({ count: CASES, refusedAt: t0, policeReference: true })
    for (const [caseId, events] of history) {
      const r = await store.append(caseId, events, 'no_stream')()
      expect(E.isRight(r)).toBe(true)
    }
    // What the pure engine plans for every case once everything has played out.
    const decoded = Profile.decode(profileJson)
    if (E.isLeft(decoded)) throw new Error('bad profile')
    const expected = Scenario.plannedEscalations(history, decoded.right, t0 + 60_000)
    expect(expected).toHaveLength(CASES * 5) // L2, L3, L4 and two repeats at L4

    const first = spawnWorker()
    // kill it mid-run: once some, not all, escalations are in the log, and the worker has saved
    // the checkpoint of the cases to watch (it raises its first escalations before its first save;
    // on a loaded machine the kill could fall between them, and the restart would rightly rebuild)
    const savedState = async (): Promise<boolean> =>
      (await store.checkpoints.load('docket-escalation/state')) !== undefined
    for (;;) {
      const n = (await raised()).length
      if (n >= CASES && (await savedState())) break
      if (first.exitCode !== null) throw new Error(`the worker exited early (${first.exitCode})`)
      await sleep(20)
    }
    first.kill('SIGKILL')
    await exited(first)
    const atKill = (await raised()).length
    expect(atKill).toBeLessThan(expected.length)
    await sleep(700) // some steps fall due while nothing runs

    const second = spawnWorker()
    const deadline = Date.now() + 20_000
    while ((await raised()).length < expected.length && Date.now() < deadline) await sleep(50)
    await sleep(800) // anything extra would show up now
    const deliveredAll = Date.now() + 10_000
    while (expected.some((e) => !received.includes(e.id)) && Date.now() < deliveredAll) await sleep(50)
    second.kill('SIGTERM')
    await exited(second)
    // the restart resumed from the checkpoint the killed worker had saved, not from the whole log
    expect(output.get(second)).toMatch(/escalation: resuming from the checkpoint at position \d+/)

    const log = await raised()
    const ids = log.map((e) => e.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual(expected.map((e) => e.id).sort())
    // same content as planned (so a third run would be an idempotent no-op)
    const planned = new Map(expected.map((e) => [e.id, e]))
    for (const e of log) {
      expect(e.occurredAt).toBe(planned.get(e.id)?.occurredAt)
      expect(e.data).toEqual(planned.get(e.id)?.data)
    }
    // at-least-once: every page reached the webhook, some perhaps twice
    for (const e of expected) expect(received).toContain(e.id)
  }, 60_000)
})
