/**
 * Fault suite — crashes: the built `docket` (node packages/cli/dist/main.js)
 * runs in a real child process against PostgreSQL and is killed with SIGKILL
 * at seeded random points, then started again until it completes. The final
 * history must be exactly that of an uninterrupted run (same events, same
 * order, same stored JSON with the same seals, same chain head).
 *
 * `docket import` is killed mid-import; `docket watch` (the escalation
 * process manager) is killed mid-run and every escalation it plans must be in
 * the log exactly once. The seed is printed; set DOCKET_FAULT_SEED to replay
 * a failing run.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PostgresEventStore } from '@docket/adapters/postgres'
import { Integrity, Profile, type Recorded, Timestamp } from '@docket/core'
import { History, Scenario, Services } from '@docket/core/testing'
import * as E from 'fp-ts/lib/Either.js'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the fault suite (docket import and docket watch killed with SIGKILL and restarted)',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

const root = (p: string): string => fileURLToPath(new URL(`../../../../${p}`, import.meta.url))
const main = root('packages/cli/dist/main.js')
const SEED = Number(process.env.DOCKET_FAULT_SEED ?? 20261125)

/** A small seeded generator, so that a failing run can be replayed. */
const random = History.seededRandom
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe.skipIf(!run)('fault suite: docket killed with SIGKILL and restarted', { timeout: 240_000 }, () => {
  const admin = new pg.Pool({ connectionString: url, max: 1 })
  const dir = mkdtempSync(join(tmpdir(), 'docket-crash-'))
  const schemas: string[] = []
  const children: ChildProcess[] = []
  const fresh = (name: string): string => {
    const s = `docket_faults_${name}_${process.pid}`
    schemas.push(s)
    return s
  }

  beforeAll(() => {
    console.info(`fault suite crash seed: ${SEED} (set DOCKET_FAULT_SEED to replay)`)
    // `pnpm test` builds first; a bare vitest run rebuilds when the CLI output is missing or predates sealing
    const sealedDist = root('packages/adapters/dist/Store.js')
    if (
      !existsSync(main) ||
      !existsSync(sealedDist) ||
      !readFileSync(sealedDist, 'utf8').includes('sealed')
    ) {
      try {
        execFileSync(root('node_modules/.bin/tsc'), ['-b', root('packages/cli')], { stdio: 'inherit' })
      } catch {
        console.warn('crash tests: tsc -b packages/cli reported errors; running the emitted output')
      }
    }
  })
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
    await admin.end()
    rmSync(dir, { recursive: true, force: true })
  })

  const spawnDocket = (args: ReadonlyArray<string>): ChildProcess => {
    const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    child.stderr?.on('data', (d) => {
      err += String(d)
    })
    child.once('exit', (code) => {
      if (code !== null && code !== 0) process.stderr.write(`[docket ${args[0]} exit ${code}] ${err}\n`)
    })
    children.push(child)
    return child
  }
  const exited = (c: ChildProcess): Promise<number | null> =>
    c.exitCode !== null || c.signalCode !== null
      ? Promise.resolve(c.exitCode)
      : new Promise((r) => c.once('exit', (code) => r(code)))

  const rows = async (schema: string) =>
    (
      await admin.query<{ stream: string; revision: number; event_id: string; body: string }>(
        `SELECT stream, revision, event_id, body FROM "${schema}".events ORDER BY position`,
      )
    ).rows

  it('docket import: killed at random points and re-run, the history of an uninterrupted run', async () => {
    const rnd = random(SEED)
    const lines: string[] = []
    for (let i = 0; i < 600; i++) {
      const caseId = `case-${Math.floor(rnd() * 60)}`
      lines.push(
        JSON.stringify({
          id: `e-${i}`,
          type: 'ExposureObserved',
          caseId,
          occurredAt: Timestamp.format(Date.UTC(2026, 5, 1) + i * 60_000, -240),
          data: { views: i, shares: i % 7 },
        }),
      )
    }
    const file = join(dir, 'events.jsonl')
    writeFileSync(file, `${lines.join('\n')}\n`)

    const clean = fresh('import_clean')
    const t0 = performance.now()
    expect(await exited(spawnDocket(['import', file, '--store', `${url}?schema=${clean}`]))).toBe(0)
    const duration = performance.now() - t0

    const crashed = fresh('import_crash')
    const store = `${url}?schema=${crashed}`
    const count = async (): Promise<number> =>
      Number(
        (
          await admin
            .query(`SELECT count(*)::int AS n FROM "${crashed}".events`)
            .catch(() => ({ rows: [{ n: 0 }] }))
        ).rows[0].n,
      )
    const kills: number[] = []
    const partial: number[] = []
    for (let k = 0; k < 3; k++) {
      // kill once a seeded random number of new rows has been written, so that every run makes progress
      const before = await count()
      const target = before + 1 + Math.floor(rnd() * (600 - before) * 0.8)
      kills.push(target)
      const child = spawnDocket(['import', file, '--store', store])
      while ((await count()) < target && child.exitCode === null) await sleep(10)
      child.kill('SIGKILL')
      await exited(child)
      partial.push(await count())
    }
    console.info(
      `import crash: uninterrupted ${Math.round(duration)} ms; killed at row targets ${kills.join(', ')}; rows then ${partial.join(', ')}`,
    )
    expect(await exited(spawnDocket(['import', file, '--store', store]))).toBe(0)

    const want = await rows(clean)
    const got = await rows(crashed)
    expect(got.length).toBe(600)
    expect(got).toEqual(want)
    const a = await PostgresEventStore.make(url, { schema: clean, max: 1 })
    const b = await PostgresEventStore.make(url, { schema: crashed, max: 1 })
    const [va, vb] = [await Integrity.verify(a.readAll()), await Integrity.verify(b.readAll())]
    expect(vb.failure).toBeNull()
    expect(vb.head).toEqual(va.head)
    await a.close()
    await b.close()
  })

  it('docket watch: killed mid-run and restarted, each escalation in the log exactly once', async () => {
    const rnd = random(SEED + 1)
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
    const config = join(dir, 'profile.json')
    writeFileSync(config, JSON.stringify(profileJson))
    const schema = fresh('watch_crash')
    const storeUrl = `${url}?schema=${schema}`
    const store = Integrity.sealed(await PostgresEventStore.make(url, { schema, max: 2 }))
    const CASES = 30
    const t0 = Date.now() + 1500
    const history = Scenario.refusedCases({ count: CASES, refusedAt: t0 })
    for (const [caseId, events] of history) {
      const r = await store.append(caseId, events, 'no_stream')()
      expect(E.isRight(r)).toBe(true)
    }
    const decoded = Profile.decode(profileJson)
    if (E.isLeft(decoded)) throw new Error('bad profile')
    const plan = Scenario.plannedEscalations(history, decoded.right, t0 + 60_000)
    const raised = async (): Promise<ReadonlyArray<Recorded>> => {
      const out: Recorded[] = []
      for await (const s of store.readAll({ types: ['EscalationRaised'] })) out.push(s.event)
      return out
    }

    const first = spawnDocket(['watch', '--store', storeUrl, '--config', config])
    const killAt = Math.floor(rnd() * plan.length * 0.6) + 1
    const deadline = Date.now() + 60_000
    while ((await raised()).length < killAt && Date.now() < deadline) {
      if (first.exitCode !== null) throw new Error(`docket watch exited early (${first.exitCode})`)
      await sleep(20)
    }
    first.kill('SIGKILL')
    await exited(first)
    const atKill = (await raised()).length
    console.info(`watch crash: killed after ${atKill} of ${plan.length} escalations (target ${killAt})`)
    expect(atKill).toBeLessThan(plan.length)
    await sleep(500)

    const second = spawnDocket(['watch', '--store', storeUrl, '--config', config])
    const done = Date.now() + 60_000
    while ((await raised()).length < plan.length && Date.now() < done) await sleep(50)
    await sleep(800) // anything extra would show up now
    second.kill('SIGTERM')
    await exited(second)

    const ids = (await raised()).map((e) => e.id)
    expect(ids.length).toBe(plan.length)
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual(plan.map((d) => d.id).sort())
    const verified = await Integrity.verify(store.readAll())
    expect(verified.failure).toBeNull()
    await store.close()
  })
})
