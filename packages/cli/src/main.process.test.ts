/**
 * The built `docket` as a real process (`node packages/cli/dist/main.js`):
 * the shebang entry point, exit codes and standard streams as a shell sees
 * them. Needs the build (`tsc -b`, which the test command runs first).
 */
import { spawnSync } from 'node:child_process'
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { History } from '@docket/core/testing'
import { afterAll, describe, expect, it } from 'vitest'
import * as Process from './testing/Process.js'

const { main, built } = Process
if (!built && process.env.DOCKET_REQUIRE_SERVICES !== '1') {
  console.warn(
    `SKIPPED packages/cli/src/main.process.test.ts: ${main} is not built. Run ./node_modules/.bin/tsc -b first (npx -y pnpm@10.34.9 test does).`,
  )
}

const dir = mkdtempSync(join(tmpdir(), 'docket-process-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const docket = (args: ReadonlyArray<string>, input?: string | Buffer) =>
  spawnSync(process.execPath, [main, ...args], {
    cwd: dir,
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 120_000,
  })

/** Writes `events` events of a generated history (seed 3) as JSON Lines to `name` in the test directory; its path. */
const history = (name: string, events: number): string => {
  const file = join(dir, name)
  writeFileSync(
    file,
    `${[...History.generate({ events, seed: 3 })].map((e) => JSON.stringify(e)).join('\n')}\n`,
  )
  return file
}

/** Runs the built `docket` with `args` in the test directory, interrupted by `signal` once `ready` holds (`Process.interrupt`). */
const interrupt = (
  args: ReadonlyArray<string>,
  signal: NodeJS.Signals,
  ready: (stderr: string, pid: number) => boolean,
): Promise<Process.Interrupted> => Process.interrupt(args, signal, ready, { cwd: dir })

/** Checks that the PGlite store in `store` opens again and holds an intact history of `events` events. */
const intact = (store: string, events: number): void => {
  const verified = docket(['verify', '--store', `pglite:${store}`])
  expect(verified.status, verified.stderr).toBe(0)
  expect(verified.stdout).toContain(`intact: ${events} sealed event(s)`)
}

/**
 * Interrupts `docket args` by `signal` while it opens the PGlite store in `store` (once its lock
 * file is there: PGlite then loads, or initialises a new directory, for seconds), and checks that
 * it let the open finish, closed the store (no lock left) and exited by the signal's code, saying
 * so and what it did not do (`nothing`).
 */
const interruptOpening = async (
  args: ReadonlyArray<string>,
  store: string,
  signal: 'SIGINT' | 'SIGTERM',
  nothing: string,
): Promise<void> => {
  const lock = join(store, 'docket.lock')
  const r = await interrupt(args, signal, () => existsSync(lock))
  expect(r.sent).toBe(true)
  expect([r.code, r.signal], r.stderr).toEqual([signal === 'SIGINT' ? 130 : 143, null])
  expect(r.stderr).toContain(`${args[0]}: ${signal} received: stopping at the next safe point`)
  expect(r.stderr).toContain(
    signal === 'SIGINT' ? 'press Ctrl-C again to end at once' : 'a second signal to end at once',
  )
  expect(r.stderr).toContain(`${args[0]}: stopped (${signal}): while pglite:`)
  expect(r.stderr).toContain(`was opening: it opened and is closed again; ${nothing}`)
  expect(existsSync(lock)).toBe(false)
}

/**
 * Whether process `pid` reads `file` a second time and has read `past` bytes of it (Linux: the
 * offset of its descriptor of the file, in /proc, went back, then forward again), as `docket
 * import` does once it has checked every line: it is then appending. `seen` keeps what was seen.
 */
const rereading = (
  pid: number,
  file: string,
  past: number,
  seen: { furthest: number; again: boolean },
): boolean => {
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== file) continue
      const pos = Number(/^pos:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'))?.[1] ?? 0)
      if (!seen.again && pos < seen.furthest) seen.again = true
      if (!seen.again) seen.furthest = pos
      if (seen.again && pos >= past) return true
    }
  } catch {}
  return false
}

describe.skipIf(!built && process.env.DOCKET_REQUIRE_SERVICES !== '1')(
  'docket as a process',
  { timeout: 120_000 },
  () => {
    it('starts with the node shebang', async () => {
      const { readFileSync } = await import('node:fs')
      expect(readFileSync(main, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true)
    })

    it('runs the demo twice with identical output, storing the events once', { timeout: 180_000 }, () => {
      const a = docket(['demo'])
      expect(a.status, a.stderr).toBe(0)
      expect(a.stderr).toContain('12 new event(s) stored')
      const b = docket(['demo'])
      expect(b.status, b.stderr).toBe(0)
      expect(b.stderr).toContain('0 new event(s) stored, 12 already there')
      expect(b.stdout).toBe(a.stdout)
      expect(a.stdout).toContain('Docket demo: Doe v. Twitter')
      expect(existsSync(join(dir, '.docket'))).toBe(true)
    })

    it('exits 2 on bad input with the line number on stderr, and stores nothing from that file', {
      timeout: 120_000,
    }, () => {
      const file = join(dir, 'bad.jsonl')
      writeFileSync(
        file,
        [
          '{"id":"ok-1","type":"CaseClosed","caseId":"c-1","occurredAt":"2026-01-01T00:00:00Z","data":{}}',
          '{"id":"bad-2","type":"CaseClosed","caseId":"c-1","occurredAt":"2026-01-01","data":{}}',
          '',
        ].join('\n'),
      )
      const store = `pglite:${join(dir, 'import-store')}`
      const r = docket(['import', file, '--store', store])
      expect(r.status).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr).toContain('line 2: occurredAt')
      const exported = docket(['export', '--store', store])
      expect(exported.status, exported.stderr).toBe(0)
      expect(exported.stdout).toBe('')
    })

    it('exits 2 on bad usage and 0 on --help and --version', () => {
      expect(docket(['evaluate', '--no-such-flag']).status).toBe(2)
      expect(docket([]).status).toBe(2)
      const help = docket(['--help'])
      expect(help.status).toBe(0)
      expect(help.stdout).toContain('Commands:')
      expect(docket(['--version']).stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
    })

    it('interrupted by SIGINT or SIGTERM, replay ends by the signal and leaves no temporary file or half-written report', {
      timeout: 120_000,
    }, async () => {
      const events = history('interrupted.jsonl', 60_000)
      const spill = join(dir, 'interrupted-spill')
      mkdirSync(spill)
      const out = join(dir, 'interrupted-report.json')
      writeFileSync(out, 'the previous report\n')
      const args = ['replay', events, '--quiet', '--out', out, '--spill-dir', spill]
      const leftovers = (): ReadonlyArray<string> => [
        ...readdirSync(spill),
        ...readdirSync(dir).filter((f) => f.startsWith('interrupted-report.json.')),
      ]
      // mid-replay, cases spilled to disk, on one thread and on two
      for (const more of [
        ['--max-open-cases', '20'],
        ['--max-open-cases', '20', '--workers', '2'],
      ]) {
        const r = await interrupt([...args, ...more], 'SIGINT', () => readdirSync(spill).length > 0)
        expect(r.sent, more.join(' ')).toBe(true)
        expect(r.signal, more.join(' ')).toBe('SIGINT')
        expect(leftovers(), more.join(' ')).toEqual([])
        expect(readFileSync(out, 'utf8')).toBe('the previous report\n')
      }
      // while the report is being written to its temporary file
      const writing = await interrupt([...args], 'SIGTERM', () =>
        readdirSync(dir).some((f) => f.startsWith('interrupted-report.json.')),
      )
      expect(leftovers()).toEqual([])
      if (writing.sent && writing.signal === 'SIGTERM')
        expect(readFileSync(out, 'utf8')).toBe('the previous report\n')
      else expect(writing.code).toBe(0)
    })

    it('interrupted by SIGINT or SIGTERM mid-pass, watch --once stops cleanly: exit 0, the PGlite store closed and unlocked', {
      timeout: 180_000,
    }, async () => {
      const events = history('watched.jsonl', 3000)
      const store = join(dir, 'watched-store')
      const imported = docket(['import', events, '--store', `pglite:${store}`])
      expect(imported.status, imported.stderr).toBe(0)
      const args = ['watch', '--store', `pglite:${store}`, '--once']
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        // while it appends the escalations it raises
        const r = await interrupt(args, signal, (stderr) => stderr.includes('escalation: raised'))
        expect(r.sent, signal).toBe(true)
        expect([r.code, r.signal], r.stderr).toEqual([0, null])
        expect(r.stderr).toContain('watch: stopped (interrupted) during the pass')
        expect(existsSync(join(store, 'docket.lock')), signal).toBe(false)
      }
      // the store opens again, and the next pass completes what the interrupted ones left
      const again = docket(args)
      expect(again.status, again.stderr).toBe(0)
      expect(again.stderr).toMatch(/watch: \d+ event\(s\) read/)
    })

    it('interrupted by SIGINT while opening a new or an existing PGlite store, watch closes it once open: exit 0, unlocked, usable', {
      timeout: 180_000,
    }, async () => {
      const store = join(dir, 'opening-store')
      const lock = join(store, 'docket.lock')
      const args = ['watch', '--store', `pglite:${store}`, '--once']
      // the lock file is taken first; the open (PGlite initialising a new directory) then takes seconds
      for (const which of ['new', 'existing']) {
        const r = await interrupt(args, 'SIGINT', () => existsSync(lock))
        expect(r.sent, which).toBe(true)
        expect([r.code, r.signal], `${which}: ${r.stderr}`).toEqual([0, null])
        expect(r.stderr, which).toContain('watch: stopped (interrupted)')
        expect(existsSync(lock), which).toBe(false)
      }
      // the store opens again and a pass completes
      const again = docket(args)
      expect(again.status, again.stderr).toBe(0)
      expect(again.stderr).toMatch(/watch: \d+ event\(s\) read/)
    })

    it('interrupted by SIGINT while opening a new PGlite store, import lets the open finish and closes it: exit 130, unlocked, nothing stored', {
      timeout: 180_000,
    }, async () => {
      const events = history('import-opening.jsonl', 200)
      const store = join(dir, 'import-opening-store')
      const args = ['import', events, '--store', `pglite:${store}`]
      await interruptOpening(args, store, 'SIGINT', 'nothing was stored')
      // the new store is whole: it opens, holds nothing, and takes the whole import
      const again = docket(args)
      expect(again.status, again.stderr).toBe(0)
      expect(again.stderr).toContain('imported 200 new event(s)')
      expect(again.stderr).toContain('; 0 already stored')
      expect(again.stderr).not.toContain('lock')
    })

    it.skipIf(!existsSync('/proc/self/fdinfo'))(
      'interrupted by SIGTERM or SIGINT during the appends, import stops between them: exit 143 or 130, the count stored said, unlocked; importing again completes it',
      { timeout: 240_000 },
      async () => {
        const events = history('import-appending.jsonl', 20_000)
        const store = join(dir, 'import-appending-store')
        const lock = join(store, 'docket.lock')
        const args = ['import', events, '--store', `pglite:${store}`]
        // a store made first, with the file's first event: the interruption is in the appends, not in the open
        const first = join(dir, 'import-appending-first.jsonl')
        writeFileSync(first, `${readFileSync(events, 'utf8').split('\n')[0]}\n`)
        const made = docket(['import', first, '--store', `pglite:${store}`])
        expect(made.status, made.stderr).toBe(0)
        let stored = 1
        const size = statSync(events).size
        for (const [signal, code, part] of [
          ['SIGTERM', 143, 0.25],
          ['SIGINT', 130, 0.5],
        ] as const) {
          const seen = { furthest: 0, again: false }
          // a part of the file read a second time: every line checked, the appends under way
          const r = await interrupt(args, signal, (_, pid) => rereading(pid, events, size * part, seen))
          expect(r.sent, signal).toBe(true)
          expect([r.code, r.signal], r.stderr).toEqual([code, null])
          const said =
            /import: stopped \((SIG\w+)\): before line (\d+): (\d+) new event\(s\) stored \((\d+) already there\), the lines from \d+ on not; importing the same input again completes it/.exec(
              r.stderr,
            )
          expect(said, r.stderr).not.toBeNull()
          const [, named, line, appended, duplicates] = said!
          expect(named).toBe(signal)
          expect(Number(line)).toBeGreaterThan(1)
          expect(Number(line)).toBeLessThanOrEqual(20_000)
          expect(Number(appended), r.stderr).toBeGreaterThan(0)
          expect(Number(appended) + Number(duplicates)).toBeLessThan(20_000)
          stored += Number(appended)
          expect(existsSync(lock), signal).toBe(false)
        }
        // the store opens again, and the import completes: what was stored is not stored twice
        const again = docket(args)
        expect(again.status, again.stderr).toBe(0)
        expect(again.stderr).toContain(`imported ${20_000 - stored} new event(s)`)
        expect(again.stderr).toContain(`; ${stored} already stored`)
        intact(store, 20_000)
      },
    )

    it('interrupted by SIGINT, the commands reading a PGlite store close it and exit 130: export mid-read leaves --out as it was; verify, evaluate and replay while it opens', {
      timeout: 240_000,
    }, async () => {
      const store = join(dir, 'reading-store')
      const lock = join(store, 'docket.lock')
      const imported = docket(['import', history('reading.jsonl', 20_000), '--store', `pglite:${store}`])
      expect(imported.status, imported.stderr).toBe(0)
      const out = join(dir, 'reading-export.jsonl')
      writeFileSync(out, 'the previous export\n')
      const temporaries = (): ReadonlyArray<string> =>
        readdirSync(dir).filter((f) => f.startsWith('reading-export.jsonl.'))
      // while the events are written to the temporary file
      const exported = await interrupt(
        ['export', '--store', `pglite:${store}`, '--out', out],
        'SIGINT',
        () => temporaries().length > 0,
      )
      expect(exported.sent).toBe(true)
      expect([exported.code, exported.signal], exported.stderr).toEqual([130, null])
      expect(exported.stderr).toMatch(
        /export: stopped \(SIGINT\): after \d+ event\(s\): .*reading-export\.jsonl left as it was/,
      )
      expect(temporaries()).toEqual([])
      expect(readFileSync(out, 'utf8')).toBe('the previous export\n')
      expect(existsSync(lock)).toBe(false)
      for (const [command, args] of [
        ['verify', ['verify', '--store', `pglite:${store}`]],
        ['evaluate', ['evaluate', '--store', `pglite:${store}`, '--format', 'json']],
        ['replay', ['replay', '--store', `pglite:${store}`, '--quiet', '--out', out]],
      ] as const) {
        const r = await interrupt(args, 'SIGINT', () => existsSync(lock))
        expect(r.sent, command).toBe(true)
        expect([r.code, r.signal], `${command}: ${r.stderr}`).toEqual([130, null])
        expect(r.stderr, command).toContain(`${command}: stopped (SIGINT): `)
        expect(existsSync(lock), command).toBe(false)
      }
      expect(readFileSync(out, 'utf8')).toBe('the previous export\n')
      // the store opens again, whole
      intact(store, 20_000)
    })

    it('interrupted by SIGTERM while creating its store, demo lets the open finish, closes it and exits 143; run again, it seeds and shows the case', {
      timeout: 180_000,
    }, async () => {
      const data = join(dir, 'demo-interrupted')
      const args = ['demo', '--data-dir', data]
      await interruptOpening(args, data, 'SIGTERM', 'nothing was stored')
      const again = docket(args)
      expect(again.status, again.stderr).toBe(0)
      expect(again.stderr).toContain('12 new event(s) stored, 0 already there')
      expect(again.stdout).toContain('Docket demo: Doe v. Twitter')
    })

    it('refuses standard input with bytes that are not UTF-8, naming the line and field', () => {
      const input = Buffer.concat([
        Buffer.from('{"id":"x-1","type":"CaseClosed","caseId":"caf'),
        Buffer.of(0xe9),
        Buffer.from('","occurredAt":"2026-01-01T00:00:00Z","data":{}}\n'),
      ])
      for (const args of [
        ['evaluate', '-'],
        ['replay', '-', '--quiet'],
        ['import', '-', '--store', 'memory:'],
      ]) {
        const r = docket(args, input)
        expect(r.status, args.join(' ')).toBe(2)
        expect(r.stdout).toBe('')
        expect(r.stderr).toContain('standard input: line 1: caseId: got "caf\uFFFD", expected UTF-8 text')
      }
    })

    it('exits 2 with a clear message, not 1 with a stack trace, when standard output cannot be written, leaving no temporary file', () => {
      const file = history('stdout-unwritable.jsonl', 2_000)
      const spill = join(dir, 'stdout-unwritable-spill')
      mkdirSync(spill)
      // standard output opened read-only: every write fails (EBADF), as a full disk's fails with ENOSPC
      const readOnly = openSync(file, 'r')
      try {
        const r = spawnSync(
          process.execPath,
          [main, 'replay', file, '--report', 'csv', '--quiet', '--max-open-cases', '5', '--spill-dir', spill],
          { cwd: dir, stdio: ['ignore', readOnly, 'pipe'], encoding: 'utf8', timeout: 120_000 },
        )
        expect(r.status, r.stderr).toBe(2)
        expect(r.stderr).toMatch(/^docket: error: cannot write standard output: EBADF/)
        expect(r.stderr).not.toContain('    at ')
        expect(readdirSync(spill)).toEqual([])
      } finally {
        closeSync(readOnly)
      }
    })

    it('reads standard input and pipes JSON to standard output', () => {
      const line =
        '{"id":"x-1","type":"CaseClosed","caseId":"c-9","occurredAt":"2026-01-01T00:00:00Z","data":{}}\n'
      const r = docket(['evaluate', '-', '--format', 'json'], line)
      expect(r.status, r.stderr).toBe(0)
      expect(JSON.parse(r.stdout).cases[0].caseId).toBe('c-9')
    })
  },
)
