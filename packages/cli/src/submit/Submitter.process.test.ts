/**
 * Two `docket replay --report dsa-sor --submit` runs started at once on the same journal, as
 * real processes (the built `node packages/cli/dist/main.js`) against the local stand-in for the
 * Transparency Database: the statements reach the database once. The server holds the batch
 * requests until both runs have sent one or one run has ended, so the runs overlap whatever
 * their speed. Needs the build (`tsc -b`).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import * as Process from '../testing/Process.js'
import * as Fixtures from '../testing/ReplayFixtures.js'
import * as Submitter from './Submitter.js'
import * as TestServer from './TestServer.js'

const { main, built } = Process
if (!built && process.env.DOCKET_REQUIRE_SERVICES !== '1')
  console.warn(
    `SKIPPED packages/cli/src/submit/Submitter.process.test.ts: ${main} is not built. Run ./node_modules/.bin/tsc -b first (npx -y pnpm@10.34.9 test does).`,
  )

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-submit-process-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

interface Ended {
  readonly code: number | null
  readonly stderr: string
}

const run = (
  args: ReadonlyArray<string>,
): { readonly child: ChildProcess; readonly ended: Promise<Ended> } => {
  const child = spawn(process.execPath, [main, ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', DOCKET_DSA_TOKEN: 'tok' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (d) => {
    stderr += String(d)
  })
  return { child, ended: new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr }))) }
}

describe.skipIf(!built)(
  'docket dsa-sor --submit: two runs at once on one journal',
  { timeout: 120_000 },
  () => {
    it('sends each statement once: the second run finds the journal locked and sends nothing', async () => {
      const events = path.join(dir, 'events.jsonl')
      const sorted = [...Fixtures.cases()].sort((a, b) => Date.parse(a.recordedAt) - Date.parse(b.recordedAt))
      fs.writeFileSync(events, `${sorted.map((e) => JSON.stringify(e)).join('\n')}\n`)
      const journal = path.join(dir, 'sor.journal')
      const server = await TestServer.start('tok')
      try {
        const held = server.hold()
        const args = [
          'replay',
          events,
          '--quiet',
          '--report',
          'dsa-sor',
          '--journal',
          journal,
          '--submit',
          server.url,
        ]
        const a = run(args)
        const b = run(args)
        // both runs have sent their batch, or one has ended without sending: answer then
        await Promise.race([held.arrived(2), a.ended, b.ended])
        held.release()
        const ends = await Promise.all([a.ended, b.ended])
        const sent = ends.filter((e) => e.code === 0)
        const refused = ends.filter((e) => e.code !== 0)
        expect(sent, JSON.stringify(ends)).toHaveLength(1)
        expect(sent[0]!.stderr).toContain('submitted 3, already stored 0, refused 0, unsent 0')
        expect(refused[0]!.code).toBe(2)
        expect(refused[0]!.stderr).toContain(`the journal ${journal} is in use by process`)
        expect(refused[0]!.stderr).toContain('nothing was sent')
        // the database received each statement once
        expect([...server.received.values()]).toEqual([1, 1, 1])
        expect(server.stored.size).toBe(3)
        // the lock is gone with its run, and the journal holds each statement once
        expect(fs.existsSync(Submitter.lockOf(journal))).toBe(false)
        expect(fs.readFileSync(journal, 'utf8').trim().split('\n')).toHaveLength(3)
      } finally {
        await server.close()
      }
    })

    it('takes over a stale lock, left by a run that died, and says who holds a live one', async () => {
      const journal = path.join(dir, 'stale.journal')
      // a process that has ended: its pid is not alive
      const dead = spawn(process.execPath, ['-e', ''])
      const pid = await new Promise<number>((resolve) => dead.once('exit', () => resolve(dead.pid!)))
      fs.writeFileSync(Submitter.lockOf(journal), `${JSON.stringify({ pid, host: os.hostname() })}\n`)
      const server = await TestServer.start('tok')
      try {
        const statement = { puid: 'p-1' }
        // a lock of this very process (alive) is held: nothing is sent
        fs.writeFileSync(
          path.join(dir, 'live.journal.lock'),
          `${JSON.stringify({ pid: process.pid, host: os.hostname() })}\n`,
        )
        const live = await Submitter.submit([statement], {
          url: server.url,
          token: 'tok',
          journal: path.join(dir, 'live.journal'),
        })
        expect(live.stopped).toContain('is in use by this process')
        expect(live.requests).toBe(0)
        expect(server.received.size).toBe(0)
        // the dead run's lock is taken over, and released after
        const r = await Submitter.submit([statement], { url: server.url, token: 'tok', journal })
        expect(r.stopped).toBeNull()
        expect(r.requests).toBe(1)
        expect(fs.existsSync(Submitter.lockOf(journal))).toBe(false)
      } finally {
        await server.close()
      }
    })
  },
)
