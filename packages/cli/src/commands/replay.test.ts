import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { PassThrough, Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { History } from '@docket/core/testing'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docket, withoutMemoryCounters } from '../internal/testing.js'
import { run } from '../main.js'
import * as Report from '../reports/Report.js'
import * as Source from '../Source.js'
import * as TestServer from '../submit/TestServer.js'
import * as Fixtures from '../testing/ReplayFixtures.js'

const SEED = fileURLToPath(new URL('../../../../examples/seed-case/events.jsonl', import.meta.url))

let dir: string
let fixtures: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-replay-cmd-'))
  fixtures = path.join(dir, 'fixtures.jsonl')
  const events = [...Fixtures.cases()].sort((a, b) =>
    a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : 0,
  )
  fs.writeFileSync(fixtures, events.map((e) => JSON.stringify(e)).join('\n'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('docket replay', () => {
  it('writes every format, byte-identical from one run to the next', async () => {
    for (const format of Report.FORMATS) {
      const a = await docket(['replay', fixtures, '--report', format, '--quiet'])
      const b = await docket(['replay', fixtures, '--report', format, '--quiet'])
      expect(a.code, `${format}: ${a.stderr}`).toBe(0)
      expect(a.stdout.length).toBeGreaterThan(0)
      expect(b.stdout).toBe(a.stdout)
    }
  })

  it('replays the seed case into a Markdown summary, with machine-readable progress off a terminal', async () => {
    const r = await docket(['replay', SEED, '--report', 'md'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('# Docket replay')
    expect(r.stdout).toContain('Refusals later followed by an authority')
    expect(r.stdout).toContain('intervention')
    const last = JSON.parse(r.stderr.trim().split('\n').at(-1)!)
    expect(last.progress).toMatchObject({ events: 12, done: true, percent: 100 })
  })

  it('draws a progress bar on a terminal', async () => {
    const r = await docket(['replay', SEED, '--report', 'json'], { tty: true })
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/\r\[#+\] 100% 12 events, [\d,]+\/s, 0 open cases — done\n/)
  })

  it('writes the report to --out, and reads a store', async () => {
    const out = path.join(dir, 'report.html')
    const r = await docket(['replay', fixtures, '--report', 'html', '--out', out, '--quiet'])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('')
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/)
    // csv rows cannot hold the stamp: it is written beside them
    const csv = path.join(dir, 'report.csv')
    expect((await docket(['replay', fixtures, '--report', 'csv', '--out', csv, '--quiet'])).code).toBe(0)
    const side = JSON.parse(fs.readFileSync(`${csv}.stamp.json`, 'utf8'))
    expect(side.stamp.tzdata).toBe(process.versions.tz)
    const sor = await docket(['replay', fixtures, '--report', 'dsa-sor', '--quiet'])
    expect(JSON.parse(sor.stderr.trim().split('\n').at(-1)!)).toMatchObject({ statements: 3, outOfScope: 1 })
    const s = await docket(['replay', '--store', 'memory:', '--report', 'json', '--quiet'])
    expect(s.code).toBe(0)
    expect(JSON.parse(s.stdout).cases).toEqual([])
  })

  it('replays a file out of order within a case sorted, saying so; refuses standard input out of order', async () => {
    // with recordedAt given (the seed file has none, and is then taken in file order)
    const lines = fs
      .readFileSync(SEED, 'utf8')
      .trim()
      .split('\n')
      .map((l) => {
        const e = JSON.parse(l)
        return JSON.stringify({ ...e, recordedAt: e.occurredAt })
      })
    // after a blank line: seed-009, the first event recorded before the previous one, is on line 5
    // (its input position is 4)
    const unsorted = `\n${[...lines].reverse().join('\n')}`
    const file = path.join(dir, 'unsorted.jsonl')
    fs.writeFileSync(file, unsorted)
    const ordered = path.join(dir, 'ordered.jsonl')
    fs.writeFileSync(ordered, lines.join('\n'))
    const plain = await docket(['replay', ordered, '--quiet'])
    expect(plain.code).toBe(0)
    // any file of events.md is a source: read again, sorted, with a note (not with --quiet)
    const resorted = await docket(['replay', file, '--report', 'json'])
    expect(resorted.code, resorted.stderr).toBe(0)
    expect(resorted.stderr).toContain(
      `${file}: event seed-009 (line 5) of case doe-v-twitter was recorded before`,
    )
    expect(resorted.stderr).toContain('replaying the file sorted, as --sort does')
    expect((await docket(['replay', file, '--quiet'])).stdout).toBe(plain.stdout)
    const onWorkers = await docket(['replay', file, '--quiet', '--workers', '2'])
    expect(onWorkers.code, onWorkers.stderr).toBe(0)
    expect(withoutMemoryCounters(onWorkers.stdout)).toEqual(withoutMemoryCounters(plain.stdout))
    // --sort sorts at once; standard input cannot be read twice
    const sorted = await docket(['replay', file, '--sort'])
    expect(sorted.stdout).toBe(plain.stdout)
    expect(sorted.stderr).not.toContain('replaying the file sorted')
    for (const more of [[], ['--workers', '2']]) {
      const piped = await docket(['replay', '-', '--quiet', ...more], { stdin: unsorted })
      expect(piped.code).toBe(2)
      expect(piped.stderr).toContain(
        'standard input: event seed-009 (line 5) of case doe-v-twitter was recorded at',
      )
      expect(piped.stderr).toContain('recordedAt order')
      expect(piped.stderr).toContain('--sort')
      expect(piped.stdout).toBe('')
    }
  })

  it('--as-of T reports the facts of the events that occurred by T, as it judges the obligations', async () => {
    // the seed case: the intervention (seed-009) and the removal come after 2020-01-28 12:00
    const at = ['--as-of', '2020-01-28T12:00:00-08:00', '--report', 'json', '--quiet']
    const r = JSON.parse((await docket(['replay', SEED, ...at])).stdout)
    expect(r.refusalsThenAuthority).toEqual([])
    const timeline = r.cases[0].facts.timeline as ReadonlyArray<{ readonly id: string }>
    expect(timeline.map((e) => e.id)).toEqual([
      'seed-001',
      'seed-002',
      'seed-003',
      'seed-004',
      'seed-005',
      'seed-006',
      'seed-007',
      'seed-008',
    ])
    // without it, the whole history
    const whole = JSON.parse((await docket(['replay', SEED, '--report', 'json', '--quiet'])).stdout)
    expect(whole.refusalsThenAuthority).toHaveLength(1)
    expect(whole.cases[0].facts.timeline).toHaveLength(12)
  })

  it('says when an input of no events leaves the report dated at the epoch, unless --as-of dates it', async () => {
    const empty = path.join(dir, 'empty.jsonl')
    fs.writeFileSync(empty, '')
    const r = await docket(['replay', empty, '--report', 'json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).asOf).toBe('1970-01-01T00:00:00.000Z')
    expect(r.stderr).toContain('no events, so no latest occurredAt to judge at')
    // --quiet turns off progress, not this warning
    expect((await docket(['replay', empty, '--report', 'json', '--quiet'])).stderr).toContain(
      'no events, so no latest',
    )
    const dated = await docket(['replay', empty, '--report', 'json', '--as-of', '2026-01-01T00:00:00Z'])
    expect(JSON.parse(dated.stdout).asOf).toBe('2026-01-01T00:00:00.000Z')
    expect(dated.stderr).not.toContain('no events')
    const seed = await docket(['replay', SEED, '--report', 'json'])
    expect(seed.stderr).not.toContain('no events')
  })

  it('names the file, the bad line and its field, and writes nothing', async () => {
    const file = path.join(dir, 'bad.jsonl')
    const lines = fs.readFileSync(SEED, 'utf8').trim().split('\n')
    fs.writeFileSync(file, [lines[0], '{"id":"x"}', lines[1]].join('\n'))
    const r = await docket(['replay', file, '--quiet'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`${file}: line 2: type: got nothing`)
    expect(r.stdout).toBe('')
  })

  it('reads a file with a byte order mark, CRLF line ends and blank lines as the plain file', async () => {
    const file = path.join(dir, 'crlf.jsonl')
    const lines = fs.readFileSync(fixtures, 'utf8').split('\n')
    fs.writeFileSync(file, `\uFEFF${lines.join('\r\n\r\n')}\r\n`)
    const plain = await docket(['replay', fixtures, '--report', 'json', '--quiet'])
    const crlf = await docket(['replay', file, '--report', 'json', '--quiet'])
    expect(crlf.code, crlf.stderr).toBe(0)
    expect(crlf.stdout).toBe(plain.stdout)
    // and a bad line is still named by its line number in the file
    fs.writeFileSync(file, `\uFEFF${lines[0]}\r\n\r\n{"id":"x"}\r\n`)
    const bad = await docket(['replay', file, '--quiet'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('line 3')
  })

  describe('cases leaving memory read back from the source: the report standard input gives, which archives them', () => {
    const text = [...History.generate({ events: 1_000, seed: 5, meanGapMinutes: 120 })]
      .map((e) => `${JSON.stringify(e)}\n`)
      .join('')
    const argv = ['--report', 'json', '--quiet', '--max-open-cases', '10']
    let plain: string
    let crlf: string
    let piped: string
    beforeAll(async () => {
      plain = path.join(dir, 'generated.jsonl')
      fs.writeFileSync(plain, text)
      crlf = path.join(dir, 'crlf-back.jsonl')
      fs.writeFileSync(crlf, `\uFEFF${text.split('\n').join('\r\n\u3000\r\n')}`)
      const r = await docket(['replay', '-', ...argv], { stdin: text })
      expect(r.code, r.stderr).toBe(0)
      piped = r.stdout
      expect(JSON.parse(piped).stats.dropped).toBeGreaterThan(50)
    })

    it('from a file, and one with a byte order mark, CRLF ends and multi-byte blank lines', async () => {
      for (const file of [plain, crlf]) {
        const back = await docket(['replay', file, ...argv])
        expect(back.code, back.stderr).toBe(0)
        expect(back.stdout).toBe(piped)
      }
    })

    it('on worker threads, each reading its cases back from the file (but for the memory counters)', async () => {
      for (const file of [plain, crlf]) {
        const workers = await docket(['replay', file, ...argv, '--workers', '2'])
        expect(workers.code, workers.stderr).toBe(0)
        expect(withoutMemoryCounters(workers.stdout)).toEqual(withoutMemoryCounters(piped))
        expect(JSON.parse(workers.stdout).stats.dropped).toBeGreaterThan(0)
      }
    })

    it('from a store, its dropped cases read back by stream revision', async () => {
      const store = `pglite:${path.join(dir, 'read-back-store')}`
      expect((await docket(['import', plain, '--store', store])).code).toBe(0)
      const stored = await docket(['replay', '--store', store, ...argv])
      expect(stored.code, stored.stderr).toBe(0)
      // the same report, but for the stamp's integrity chain head (the store sealed what it stored)
      // and the position of the log it was read to
      const unsealed = JSON.parse(stored.stdout)
      expect(unsealed.stamp.integrity.events).toBe(1_000)
      expect(unsealed.stamp.options.until).toBe('1000')
      unsealed.stamp.integrity = null
      delete unsealed.stamp.options.until
      expect(unsealed).toEqual(JSON.parse(piped))
    }, 60_000)

    it("--spill-dir: a missing directory or a file is exit 2 naming it; a relative one is the working directory's", async () => {
      for (const [spill, why] of [
        [path.join(dir, 'no-such-dir'), 'no such directory'],
        [plain, 'not a directory'],
      ] as const) {
        for (const workers of ['1', '2']) {
          const r = await docket(['replay', plain, ...argv, '--spill-dir', spill, '--workers', workers])
          expect(r.stderr).toContain(`--spill-dir ${JSON.stringify(spill)}: ${why}`)
          expect(r.code).toBe(2)
          expect(r.stdout).toBe('')
        }
      }
      fs.mkdirSync(path.join(dir, 'spill'), { recursive: true })
      const relative = await docket(['replay', plain, ...argv, '--spill-dir', 'spill'], { cwd: dir })
      expect(relative.code, relative.stderr).toBe(0)
      expect(relative.stdout).toBe(piped)
    })
  })

  it('replays an event repeated verbatim once, as a store holds it; refuses an id given other content in its case', async () => {
    const lines = fs.readFileSync(SEED, 'utf8').trimEnd().split('\n')
    const repeated = path.join(dir, 'repeated.jsonl')
    fs.writeFileSync(repeated, `${[...lines, lines[2]].join('\n')}\n`)
    const store = `pglite:${path.join(dir, 'repeated-store')}`
    expect((await docket(['import', repeated, '--store', store])).code).toBe(0)
    const stored = JSON.parse((await docket(['replay', '--store', store, '--quiet'])).stdout)
    for (const more of [[], ['--workers', '2']]) {
      const r = await docket(['replay', repeated, '--quiet', ...more])
      expect(r.code, r.stderr).toBe(0)
      const report = JSON.parse(r.stdout)
      expect(report.stats.events).toBe(12)
      expect(report.cases).toEqual(stored.cases)
    }
    const piped = await docket(['replay', '-', '--quiet'], { stdin: fs.readFileSync(repeated, 'utf8') })
    expect(JSON.parse(piped.stdout).cases).toEqual(stored.cases)
    const conflict = path.join(dir, 'conflict.jsonl')
    // after a blank line: the 13th event is on line 14, which the error names (sorted too, and
    // whoever reads the lines); sorted, its position would be its rank in recordedAt order
    const conflicting = `${[...lines, '', lines[2]!.replace('"seed-003"', '"seed-002"')].join('\n')}\n`
    fs.writeFileSync(conflict, conflicting)
    const said =
      'event seed-002 (line 14) of case doe-v-twitter gives the id of an earlier event of that case other content'
    for (const more of [[], ['--workers', '2'], ['--sort'], ['--sort', '--workers', '2']]) {
      const r = await docket([
        'replay',
        conflict,
        '--quiet',
        '--out',
        path.join(dir, 'conflict.json'),
        ...more,
      ])
      expect(r.code, more.join(' ')).toBe(2)
      expect(r.stderr, more.join(' ')).toContain(said)
      expect(fs.existsSync(path.join(dir, 'conflict.json'))).toBe(false)
    }
    for (const more of [[], ['--workers', '2'], ['--sort']]) {
      const r = await docket(['replay', '-', '--quiet', ...more], { stdin: conflicting })
      expect(r.code, `standard input ${more.join(' ')}`).toBe(2)
      expect(r.stderr, `standard input ${more.join(' ')}`).toContain(said)
    }
  })

  it('refuses an id given in two cases, on one thread and on workers, from a file and standard input, writing nothing', async () => {
    const lines = fs.readFileSync(SEED, 'utf8').trimEnd().split('\n')
    const out = path.join(dir, 'two-cases.json')
    // line 3's event again in another case (line 14, after a blank line): no store could hold both
    const elsewhere = lines[2]!.replace('"caseId":"doe-v-twitter"', '"caseId":"other-case"')
    expect(elsewhere).not.toBe(lines[2])
    const twoCases = path.join(dir, 'two-cases.jsonl')
    fs.writeFileSync(twoCases, `${[...lines, '', elsewhere].join('\n')}\n`)
    const said =
      'event id seed-003 is given in two cases: case doe-v-twitter (line 3) and case other-case (line 14): ' +
      'an event id is stored once, in one case (an IdempotencyConflict, as an import of the input would refuse it). ' +
      'Nothing was written.'
    // a partition of a file reads it whole: it checks every case's ids, not only its own
    const partial = ['--report', 'partial', '--partition']
    for (const more of [
      [],
      ['--workers', '2'],
      ['--sort'],
      ['--max-open-cases', '1'],
      [...partial, '0/2'],
      [...partial, '1/2', '--workers', '2'],
    ]) {
      const r = await docket(['replay', twoCases, '--quiet', '--out', out, ...more])
      expect(r.code, more.join(' ')).toBe(2)
      expect(r.stderr).toContain(`${twoCases}: ${said}`)
      expect(fs.existsSync(out)).toBe(false)
    }
    const piped = await docket(['replay', '-', '--quiet'], { stdin: fs.readFileSync(twoCases, 'utf8') })
    expect(piped.code).toBe(2)
    expect(piped.stderr).toContain(`standard input: ${said}`)
    expect(piped.stdout).toBe('')
    // the same event repeated in its own case is left out, as before
    const oneCase = path.join(dir, 'one-case.jsonl')
    fs.writeFileSync(oneCase, `${[...lines, '', lines[2]].join('\n')}\n`)
    for (const more of [[], ['--workers', '2']]) {
      const r = await docket(['replay', oneCase, '--quiet', ...more])
      expect(r.code, r.stderr).toBe(0)
      expect(JSON.parse(r.stdout).stats.events).toBe(12)
    }
  })

  it('replays a history if and only if no event id is in two cases, as a Set of every id says (property)', async () => {
    const base = [...History.generate({ events: 40, seed: 5 })]
    // an event given the id of another, or repeated verbatim further on
    const change = fc.oneof(
      fc.record({ steal: fc.nat(base.length - 1), from: fc.nat(base.length - 1) }),
      fc.record({ repeat: fc.nat(base.length - 1), at: fc.nat(base.length) }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(change, { maxLength: 3 }), fc.boolean(), async (changes, onWorkers) => {
        const events: Array<Record<string, unknown>> = base.map((e) => ({ ...e }))
        for (const c of changes) {
          if ('steal' in c) events[c.steal] = { ...events[c.steal]!, id: base[c.from]!.id }
          else events.splice(Math.max(c.at, c.repeat + 1), 0, { ...events[c.repeat]! })
        }
        // the oracle: every id with the cases and contents it is given
        const seen = new Map<string, { readonly caseId: unknown; readonly text: string }>()
        let twoCases = false
        let otherContent = false
        for (const e of events) {
          const text = JSON.stringify(e)
          const earlier = seen.get(e.id as string)
          if (earlier === undefined) seen.set(e.id as string, { caseId: e.caseId, text })
          else if (earlier.caseId !== e.caseId) twoCases = true
          else if (earlier.text !== text) otherContent = true
        }
        const file = path.join(dir, 'random.jsonl')
        fs.writeFileSync(file, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`)
        const r = await docket(['replay', file, '--quiet', ...(onWorkers ? ['--workers', '2'] : [])])
        expect(r.code === 0, r.stderr).toBe(!twoCases && !otherContent)
        if (twoCases && !otherContent) expect(r.stderr).toContain('is given in two cases')
      }),
      { numRuns: 20 },
    )
  })

  it('stops with exit 2, not an internal error, when the file changes during the replay, leaving no spill', async () => {
    const file = path.join(dir, 'changing.jsonl')
    const history = [...History.generate({ events: 20_000, seed: 11 })]
    for (const more of [[], ['--workers', '2']]) {
      fs.writeFileSync(file, history.map((e) => `${JSON.stringify(e)}\n`).join(''))
      const spill = fs.mkdtempSync(path.join(dir, 'spill-'))
      const out = path.join(dir, 'changing.csv')
      // the replay's first progress (event 10,000 on a terminal) appends a line: the cases read
      // back from the file after it find it written since it was opened
      let said = ''
      const stderr = new Writable({
        write(chunk: Buffer, _enc, done) {
          if (said === '') fs.appendFileSync(file, '\n')
          said += chunk.toString('utf8')
          done()
        },
      }) as Writable & { isTTY?: boolean }
      stderr.isTTY = true
      const code = await run(
        [
          'replay',
          file,
          '--report',
          'csv',
          '--max-open-cases',
          '5',
          '--spill-dir',
          spill,
          '--out',
          out,
          ...more,
        ],
        { stdout: new PassThrough(), stderr, stdin: new PassThrough().end(), env: {}, cwd: dir },
      )
      expect(code, said).toBe(2)
      expect(said).toContain(`${file}: its size, modification time or inode differ from when it was read`)
      expect(said).toContain('the file changed during the replay')
      expect(said).toContain('Nothing was written.')
      expect(said).not.toContain('internal error')
      expect(fs.existsSync(out)).toBe(false)
      expect(fs.readdirSync(spill)).toEqual([])
    }
  })

  it('refuses bad usage with exit 2', async () => {
    expect((await docket(['replay', SEED, '--report', 'pdf'])).code).toBe(2)
    expect(
      (await docket(['replay', SEED, '--report', 'dsa-sor', '--what-if', 'us-take-it-down'])).stderr,
    ).toContain('counterfactual')
    expect((await docket(['replay', SEED, '--report', 'md', '--submit', 'http://127.0.0.1:1'])).code).toBe(2)
    expect(
      (await docket(['replay', SEED, '--report', 'dsa-sor', '--submit', 'http://127.0.0.1:1'])).stderr,
    ).toContain('DOCKET_DSA_TOKEN')
    const clear = await docket(['replay', SEED, '--report', 'dsa-sor', '--submit', 'http://sor.example.eu'], {
      env: { DOCKET_DSA_TOKEN: 'token' },
    })
    expect(clear.code).toBe(2)
    expect(clear.stderr).toContain('--submit: http://sor.example.eu is not https://')
    expect((await docket(['replay', SEED, '--max-open-cases', '0'])).code).toBe(2)
  })

  it('--workers N replays on worker threads: the same report, but for the memory counters', async () => {
    // json, md and html state how many case states were dropped and held at once: per worker, summed
    for (const format of ['csv', 'json'] as const) {
      const a = await docket(['replay', fixtures, '--report', format, '--quiet'])
      const b = await docket(['replay', fixtures, '--report', format, '--quiet', '--workers', '3'])
      expect(b.code, `${format}: ${b.stderr}`).toBe(0)
      if (format === 'json') expect(withoutMemoryCounters(b.stdout)).toEqual(withoutMemoryCounters(a.stdout))
      else expect(b.stdout).toBe(a.stdout)
    }
    // decoded events travel to the workers when the input is sorted first, or read from a store
    const store = `pglite:${path.join(dir, 'workers-store')}`
    expect((await docket(['import', fixtures, '--store', store])).code).toBe(0)
    const single = await docket(['replay', '--store', store, '--report', 'csv', '--quiet'])
    expect(single.stdout.split('\n').length).toBeGreaterThan(3)
    for (const argv of [
      ['replay', '--store', store, '--report', 'csv', '--quiet', '--workers', '2'],
      ['replay', fixtures, '--sort', '--report', 'csv', '--quiet', '--workers', '2'],
    ])
      expect((await docket(argv)).stdout).toBe(single.stdout)
    // a bad line: the error of a replay in one thread, and nothing written
    const bad = path.join(dir, 'bad.jsonl')
    const lines = fs.readFileSync(fixtures, 'utf8').split('\n')
    lines[4] = '{"id": "broken"}'
    fs.writeFileSync(bad, lines.join('\n'))
    const one = await docket(['replay', bad, '--quiet'])
    const two = await docket(['replay', bad, '--quiet', '--workers', '2'])
    expect(one.code).toBe(2)
    expect(two.code).toBe(2)
    expect(two.stderr).toBe(one.stderr)
    expect(two.stderr).toMatch(/line 5.*\n?.*Nothing was written/s)
    for (const n of ['0', '1.5', '65', 'two']) {
      const r = await docket(['replay', fixtures, '--workers', n])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(`--workers "${n}": expected an integer from 1 to 64`)
    }
  })

  it('--fail-on breached exits 1 on a statutory breach', async () => {
    const r = await docket(['replay', fixtures, '--fail-on', 'breached', '--quiet'])
    expect(r.code).toBe(1)
  })

  it('--what-if is labelled counterfactual', async () => {
    const r = await docket(['replay', SEED, '--what-if', 'us-take-it-down', '--report', 'md', '--quiet'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^# Docket replay — COUNTERFACTUAL/)
  })

  it('--report dsa-sor --submit sends the statements to the database and reports what lacks facts', async () => {
    const server = await TestServer.start('tok')
    try {
      const journal = path.join(dir, 'sor.journal')
      const published = path.join(dir, 'published.jsonl')
      const args = [
        'replay',
        fixtures,
        '--report',
        'dsa-sor',
        '--submit',
        server.url,
        '--journal',
        journal,
        '--quiet',
      ]
      const r = await docket([...args, '--published-out', published], { env: { DOCKET_DSA_TOKEN: 'tok' } })
      expect(r.code, r.stderr).toBe(0)
      // the publication events decode, one per stored statement, in the statements' cases
      const events = fs
        .readFileSync(published, 'utf8')
        .trim()
        .split('\n')
        .map((l, i) => Source.decodeLine(l, i + 1))
      expect(events.every(E.isRight)).toBe(true)
      const decoded = events.flatMap((e) => (E.isRight(e) ? [e.right] : []))
      expect(decoded.map((e) => [e.type, e.caseId, (e.data as { puid: string }).puid])).toEqual([
        ['StatementOfReasonsPublished', 'eu-ncii', 'eu-ncii__fr-3'],
        ['StatementOfReasonsPublished', 'eu-ncii', 'eu-ncii__fr-4'],
        ['StatementOfReasonsPublished', 'eu-refused', 'eu-refused__de-6'],
      ])
      expect(r.stdout.trim().split('\n')).toHaveLength(3)
      expect(server.stored.size).toBe(3)
      expect(r.stderr).toContain('missing content_date')
      expect(r.stderr).toContain('submitted 3, already stored 0, refused 0, unsent 0')
      // a rerun (after a crash that lost the first --published-out, say) writes the same events again
      const republished = path.join(dir, 'republished.jsonl')
      const again = await docket([...args, '--published-out', republished], {
        env: { DOCKET_DSA_TOKEN: 'tok' },
      })
      expect(again.stderr).toContain('submitted 0, already stored 3')
      expect([...server.received.values()]).toEqual([1, 1, 1])
      expect(fs.readFileSync(republished, 'utf8')).toBe(fs.readFileSync(published, 'utf8'))
    } finally {
      await server.close()
    }
  })
})
