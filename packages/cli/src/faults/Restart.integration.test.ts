/**
 * Fault suite — the database going away: a private PostgreSQL cluster,
 * started by this test (`initdb` and `pg_ctl` on a free port, so that other
 * tests keep the shared server), is restarted (`pg_ctl restart -m fast`)
 * while a writer appends through a sealed store and a subscription follows
 * the log. The writer retries what fails (as an application would); the
 * library reconnects by itself; at the end the log holds every event exactly
 * once, the subscription saw each exactly once in order, and the chains verify.
 *
 * Skipped loudly when the PostgreSQL server binaries are missing (set
 * DOCKET_PG_BIN to their directory), unless DOCKET_REQUIRE_SERVICES=1.
 */
import { execFile, execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import * as net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PostgresEventStore } from '@docket/adapters/postgres'
import { type EventStore, Integrity, type Recorded } from '@docket/core'
import { Services, testEvent } from '@docket/core/testing'
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/** DOCKET_PG_BIN, else the newest /usr/lib/postgresql/<version>/bin holding initdb (Debian's layout). */
const findBin = (): string => {
  if (process.env.DOCKET_PG_BIN !== undefined) return process.env.DOCKET_PG_BIN
  const base = '/usr/lib/postgresql'
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : []
  return versions[0] === undefined ? join(base, '<version>', 'bin') : join(base, versions[0], 'bin')
}
const bin = findBin()
const root = process.getuid?.() === 0
const hasRunuser =
  existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser') || existsSync('/usr/bin/runuser')
const run = await Services.requireOrSkip({
  service: 'PostgreSQL server binaries (initdb, pg_ctl)',
  available: existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl')) && (!root || hasRunuser),
  what: 'the fault suite (a private PostgreSQL cluster restarted during appends and a subscription)',
  howToRun: `install the PostgreSQL server (initdb, pg_ctl in ${bin}, or set DOCKET_PG_BIN)`,
})

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port
      server.close(() => resolve(port))
    })
  })
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe.skipIf(!run)('fault suite: the PostgreSQL server restarted mid-run', { timeout: 120_000 }, () => {
  const dir = run ? mkdtempSync(join(tmpdir(), 'docket-pgcluster-')) : ''
  const data = join(dir, 'data')
  let port = 0
  // initdb refuses to run as root: run the server binaries as the postgres user
  const pgExec = (tool: string, args: ReadonlyArray<string>): void => {
    const [cmd, argv] = root
      ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]]
      : [join(bin, tool), [...args]]
    execFileSync(cmd as string, argv as string[], { stdio: 'pipe', timeout: 60_000 })
  }
  // the same, without blocking the event loop: appends and the subscription go on during the restart
  const pgExecAsync = (tool: string, args: ReadonlyArray<string>): Promise<void> =>
    new Promise((resolve, reject) => {
      const [cmd, argv] = root
        ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]]
        : [join(bin, tool), [...args]]
      execFile(cmd as string, argv as string[], { timeout: 60_000 }, (e) => (e ? reject(e) : resolve()))
    })
  const options = (): string =>
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40`

  beforeAll(async () => {
    if (root)
      chownSync(
        dir,
        Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
        Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
      )
    pgExec('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'])
    port = await freePort()
    pgExec('pg_ctl', ['-D', data, '-o', options(), '-l', join(dir, 'log'), '-w', 'start'])
  })
  afterAll(() => {
    if (!run) return
    try {
      pgExec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true })
  })

  it('appends and a subscription survive a server restart: nothing lost or doubled, chains intact', async () => {
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`
    const raw = await PostgresEventStore.make(url, { schema: 'docket', pollMs: 100, max: 4 })
    const store = Integrity.sealed(raw)
    const controller = new AbortController()
    const seen: EventStore.StoredEvent[] = []
    const following = (async () => {
      for await (const s of raw.subscribe({ signal: controller.signal })) seen.push(s)
    })()

    const N = 300
    let failures = 0
    const restarts: Promise<void>[] = []
    for (let i = 0; i < N; i++) {
      const caseId = `case-${i % 10}`
      const event = { ...testEvent(caseId, i), id: `evt-${i}` } as Recorded
      for (;;) {
        const r = await store.append(caseId, [event], 'any')()
        if (E.isRight(r)) break
        expect(r.left._tag).toBe('StoreUnavailable')
        failures++
        await sleep(50)
      }
      if (i === 60 || i === 200) {
        // restart while the subscription is live and the writer goes on
        restarts.push(
          pgExecAsync('pg_ctl', [
            '-D',
            data,
            '-o',
            options(),
            '-l',
            join(dir, 'log'),
            '-m',
            'fast',
            '-w',
            'restart',
          ]),
        )
      }
      if (i === 150) await restarts[0]
      await sleep(10) // a steady writer, so that some appends meet the server down
    }
    await Promise.all(restarts)
    const deadline = Date.now() + 30_000
    while (seen.length < N && Date.now() < deadline) await sleep(50)
    await sleep(300)
    controller.abort()
    await following

    console.info(
      `restart: ${N} appends, ${failures} failed attempt(s) retried, subscription saw ${seen.length}`,
    )
    expect(seen.map((s) => s.event.id).sort()).toEqual(Array.from({ length: N }, (_, i) => `evt-${i}`).sort())
    const positions = seen.map((s) => BigInt(s.position))
    expect(positions.every((p, i) => i === 0 || p > positions[i - 1]!)).toBe(true)
    let total = 0
    for await (const _ of raw.readAll()) total++
    expect(total).toBe(N)
    const verified = await Integrity.verify(raw.readAll())
    expect(verified.failure).toBeNull()
    expect(verified.events).toBe(N)
    await raw.close()
  })
})
