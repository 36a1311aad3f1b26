import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { History, Services } from '@docket/core/testing'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import { docket, dropSchema, withoutMemoryCounters } from '../internal/testing.js'
import * as Partial from '../reports/Partial.js'

let dir: string
let history: string
let n = 0
/** A fresh path in the test directory. */
const fresh = (name: string): string => path.join(dir, `${n++}-${name}`)

const writeHistory = (file: string, events: number, seed: number): string => {
  fs.writeFileSync(
    file,
    [...History.generate({ events, seed })].map((e) => `${JSON.stringify(e)}\n`).join(''),
  )
  return file
}

/** Replays `source` (a file, or `--store URL` arguments) as `count` partials; returns their paths. */
const partials = async (source: ReadonlyArray<string>, count: number, extra: ReadonlyArray<string> = []) => {
  const files: string[] = []
  for (let i = 0; i < count; i++) {
    const out = fresh(`part-${i}-of-${count}.jsonl`)
    const r = await docket([
      'replay',
      ...source,
      '--partition',
      `${i}/${count}`,
      '--report',
      'partial',
      '--out',
      out,
      '--quiet',
      ...extra,
    ])
    expect(r.code, r.stderr).toBe(0)
    files.push(out)
  }
  return files
}

const ok = async (argv: ReadonlyArray<string>): Promise<string> => {
  const r = await docket(argv)
  expect(r.code, r.stderr).toBe(0)
  return r.stdout
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-merge-'))
  history = writeHistory(path.join(dir, 'history.jsonl'), 3_000, 11)
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('docket replay --partition and docket merge', () => {
  it('merge the partitions of any history, read from a file, into the bytes of one replay', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 50, max: 1_200 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom('json', 'csv', 'dsa-transparency'),
        async (seed, events, count, format) => {
          const file = writeHistory(fresh('history.jsonl'), events, seed)
          // a small budget: cases leave memory, are read back, reopen
          const whole = await ok(['replay', file, '--report', format, '--quiet', '--max-open-cases', '40'])
          const parts = await partials([file], count, ['--max-open-cases', '40'])
          // in any order
          const merged = await ok(['merge', ...parts.reverse(), '--report', format])
          if (format === 'json') expect(withoutMemoryCounters(merged)).toEqual(withoutMemoryCounters(whole))
          else expect(merged).toBe(whole)
        },
      ),
      { numRuns: 6 },
    )
  })

  /** A PGlite store holding the history, sealed, with a checkpoint; built once, by the first test that needs it. */
  let sealed: Promise<{ readonly store: string; readonly head: string }> | undefined
  const sealedStore = () =>
    (sealed ??= (async () => {
      const store = `pglite:${fresh('store')}`
      expect((await docket(['import', history, '--store', store])).code).toBe(0)
      // a checkpoint is an event of the log, in partition 0 of every split
      expect((await docket(['verify', '--store', store, '--checkpoint'])).code).toBe(0)
      const head = /^head: (\S+)$/m.exec(await ok(['verify', '--store', store]))![1]!
      return { store, head }
    })())
  const asOf = ['--as-of', '2025-01-05T00:00:00Z']

  it('merge partitions read from a sealed store given its chain head, and refuse a missing or wrong head', async () => {
    const { store, head } = await sealedStore()
    const whole = await ok(['replay', '--store', store, ...asOf, '--report', 'json', '--quiet'])
    const parts = await partials(['--store', store], 3, asOf)
    expect(await ok(['merge', ...parts, '--head', head, '--report', 'json'])).toBe(whole)
    expect(JSON.parse(whole).stamp.integrity.events).toBe(3_000)
    const without = await docket(['merge', ...parts, '--report', 'json'])
    expect(without.code).toBe(2)
    expect(without.stderr).toContain(
      'store holding 3000 sealed events: give the chain head of the whole history with --head',
    )
    const wrong = await docket(['merge', ...parts, '--head', `2999:${'0'.repeat(64)}`])
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toContain('--head counts 2999 sealed events, the partitions 3000')
    // a store partition must be judged at an instant every machine shares
    const noInstant = await docket(['replay', '--store', store, '--partition', '0/2', '--report', 'partial'])
    expect(noInstant.code).toBe(2)
    expect(noInstant.stderr).toContain('--partition of a store: give --as-of or --known-at')
  })

  it('merge partitions replayed on worker threads, from a store and from a file', async () => {
    const { store, head } = await sealedStore()
    const whole = await ok(['replay', '--store', store, ...asOf, '--report', 'json', '--quiet'])
    // each machine may replay its partition on worker threads, its cases spread over them
    const onWorkers = await partials(['--store', store], 2, [...asOf, '--workers', '2'])
    expect(await ok(['merge', ...onWorkers, '--head', head, '--report', 'json'])).toBe(whole)
    const csv = await ok(['replay', history, '--report', 'csv', '--quiet'])
    const fileOnWorkers = await partials([history], 2, ['--workers', '2'])
    expect(await ok(['merge', ...fileOnWorkers, '--report', 'csv'])).toBe(csv)
  })

  it('merge partitions of one cut of a store still written to (--until), given the head verify printed at that cut', async () => {
    // the cut falls inside cases: their later events are appended after it
    const lines = fs.readFileSync(history, 'utf8').trimEnd().split('\n')
    const early = fresh('early.jsonl')
    const late = fresh('late.jsonl')
    fs.writeFileSync(early, `${lines.slice(0, 2_000).join('\n')}\n`)
    fs.writeFileSync(late, `${lines.slice(2_000).join('\n')}\n`)
    const store = `pglite:${fresh('live')}`
    const before = `pglite:${fresh('before')}`
    await ok(['import', early, '--store', store])
    await ok(['import', early, '--store', before])
    const verified = await ok(['verify', '--store', store])
    const position = /^position: (\S+)$/m.exec(verified)![1]!
    const head = /^head: (\S+)$/m.exec(verified)![1]!
    await ok(['import', late, '--store', store])
    // the cut reads what the store held then: a store that never held more gives the same bytes,
    // the cut stated in the stamp
    const atCut = ['--until', position, ...asOf, '--report', 'json', '--quiet']
    const expected = await ok(['replay', '--store', before, ...atCut])
    expect(JSON.parse(expected).stamp.options.until).toBe(position)
    expect(await ok(['replay', '--store', store, ...atCut])).toBe(expected)
    // without --until, the end when the replay starts: stated, so that a later replay gives the same bytes
    const whole = await ok(['replay', '--store', store, ...asOf, '--report', 'json', '--quiet'])
    expect(JSON.parse(whole).stamp.options.until).toBe('3000')
    expect(JSON.parse(whole).cases).not.toEqual(JSON.parse(expected).cases)
    expect(
      await ok(['replay', '--store', store, ...asOf, '--until', '3000', '--report', 'json', '--quiet']),
    ).toBe(whole)
    const parts = await partials(['--store', store], 2, ['--until', position, ...asOf])
    expect(await ok(['merge', ...parts, '--head', head, '--report', 'json'])).toBe(expected)
    // partitions read at different cuts do not merge
    const [later] = await partials(['--store', store], 2, ['--until', '2500', ...asOf])
    const mixed = await docket(['merge', parts[1]!, later!, '--head', head])
    expect(mixed.code).toBe(2)
    expect(mixed.stderr).toContain('differ in stamp.options.until')
    // verify at the cut prints the same head and position after the appends; the whole log has moved on
    expect(await ok(['verify', '--store', store, '--until', position])).toBe(verified)
    const now = await ok(['verify', '--store', store, '--format', 'json'])
    expect(JSON.parse(now)).toMatchObject({ events: 3_000, position: String(3_000) })
    // a cut of what the log has not reached, or is not a position, or of a file, or checkpointed
    const past = await docket(['replay', '--store', store, '--until', '3001', '--report', 'csv'])
    expect(past.code).toBe(2)
    expect(past.stderr).toContain('--until 3001: past the end of the log (position 3000)')
    const notOne = await docket(['verify', '--store', store, '--until', 'yesterday'])
    expect(notOne.code).toBe(2)
    expect(notOne.stderr).toContain('--until yesterday: not a position of a SQL store: "yesterday"')
    const ofFile = await docket(['replay', history, '--until', '5', '--report', 'csv'])
    expect(ofFile.code).toBe(2)
    expect(ofFile.stderr).toContain('--until cuts the log of a store: give --store URL')
    const sealing = await docket(['verify', '--store', store, '--until', position, '--checkpoint'])
    expect(sealing.code).toBe(2)
    expect(sealing.stderr).toContain('--checkpoint seals the whole log: not with --until')
  })

  it("merge partitions of a file into the file's own chain head", async () => {
    const { store, head } = await sealedStore()
    // exported, the sealed history (checkpoint included) partitions as a file: every partial
    // carries the whole file's chain head, the one verify prints
    const exported = fresh('exported.jsonl')
    fs.writeFileSync(exported, (await docket(['export', '--store', store])).stdout)
    const fromExport = await partials([exported], 2)
    const mergedExport = await ok(['merge', ...fromExport, '--head', head, '--report', 'json'])
    expect(mergedExport).toBe(await ok(['replay', exported, '--report', 'json', '--quiet']))
    const integrity = JSON.parse(mergedExport).stamp.integrity
    expect(`${integrity.events}:${integrity.digest}`).toBe(head)
    // partials read from the unsealed file carry its head (none): a --head must match it
    const fromFile = await partials([history], 2)
    const mismatch = await docket(['merge', ...fromFile, '--head', head])
    expect(mismatch.code).toBe(2)
    expect(mismatch.stderr).toContain(
      'is not the chain head of the history the partitions were read from (no sealed event)',
    )
  })

  it('refuse partials that are not every partition of one split, framed alike, and name the file', async () => {
    const parts = await partials([history], 3)
    const expectRefused = async (argv: ReadonlyArray<string>, message: string | RegExp) => {
      const out = fresh('refused.json')
      const r = await docket(['merge', ...argv, '--out', out])
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr).toMatch(message)
      expect(r.stderr).toContain('Nothing was written.')
      expect(fs.existsSync(out)).toBe(false)
    }
    await expectRefused([parts[0]!, parts[2]!], 'partition 1 of 3 missing: every partition is needed')
    await expectRefused([parts[0]!, parts[1]!, parts[1]!, parts[2]!], /both partition 1 of 3/)
    const halves = await partials([history], 2)
    await expectRefused(
      [parts[0]!, parts[1]!, halves[1]!],
      /is partition 1 of 2, .* of 3: merge the partitions of one split/,
    )
    const later = await partials([history], 3, ['--as-of', '2030-01-01T00:00:00Z'])
    await expectRefused(
      [parts[0]!, later[1]!, parts[2]!],
      /differ in asOf: replay every partition with the same options/,
    )
    const otherRules = await partials([history], 3, ['--policies', 'us-2258a'])
    await expectRefused([parts[0]!, parts[1]!, otherRules[2]!], /differ in stamp.options/)

    const edited = (from: string, edit: (lines: string[]) => void): string => {
      const lines = fs.readFileSync(from, 'utf8').trimEnd().split('\n')
      edit(lines)
      const to = fresh('edited.jsonl')
      fs.writeFileSync(to, `${lines.join('\n')}\n`)
      return to
    }
    const truncated = edited(parts[1]!, (l) => l.pop())
    await expectRefused(
      [parts[0]!, truncated, parts[2]!],
      `${truncated}: no end line: the file is incomplete`,
    )
    const caseLost = edited(parts[1]!, (l) => l.splice(2, 1))
    await expectRefused(
      [parts[0]!, caseLost, parts[2]!],
      /holds \d+ cases where its header counts \d+: the file is incomplete or was altered/,
    )
    // a case edited by hand, still valid and in place: its obligations no longer match the digest
    const altered = edited(parts[1]!, (l) => {
      const c = JSON.parse(l[1]!)
      c.obligations = []
      l[1] = JSON.stringify(c)
    })
    await expectRefused(
      [parts[0]!, altered, parts[2]!],
      `${altered}: its cases do not match the digest of its end line: the file was altered`,
    )
    const appended = edited(parts[1]!, (l) => l.push(l[1]!))
    await expectRefused([parts[0]!, appended, parts[2]!], /line \d+: a line after the end line/)
    const corrupt = edited(parts[1]!, (l) => {
      l[3] = l[3]!.slice(0, 40)
    })
    await expectRefused(
      [parts[0]!, corrupt, parts[2]!],
      `${corrupt}: line 4: not JSON, so not a case of a partial report: the file is cut short or was altered`,
    )
    // a copy cut short in the middle of a case line (an interrupted transfer)
    const cut = fresh('cut.jsonl')
    const whole = fs.readFileSync(parts[1]!, 'utf8')
    fs.writeFileSync(cut, whole.slice(0, whole.indexOf('\n', whole.indexOf('\n') + 1) + 30))
    await expectRefused(
      [parts[0]!, cut, parts[2]!],
      `${cut}: line 3: not JSON, so not a case of a partial report: the file is cut short or was altered`,
    )
    // copied through a system that ends lines with CRLF: the same report
    const crlf = fresh('crlf.jsonl')
    fs.writeFileSync(crlf, fs.readFileSync(parts[1]!, 'utf8').replaceAll('\n', '\r\n'))
    expect(await ok(['merge', parts[0]!, crlf, parts[2]!, '--report', 'json'])).toBe(
      await ok(['merge', ...parts, '--report', 'json']),
    )
    const nulled = edited(parts[1]!, (l) => {
      l[2] = 'null'
    })
    await expectRefused([parts[0]!, nulled, parts[2]!], `${nulled}: line 3: not a case of a partial report`)
    // a case whose obligations are not a list, its digest recomputed: named, before rendering
    const misshapen = edited(parts[1]!, (l) => {
      const c = JSON.parse(l[1]!)
      c.obligations = 'none'
      l[1] = JSON.stringify(c)
      const cases = l
        .slice(1, -1)
        .map((x) => `${x}\n`)
        .join('')
      l[l.length - 1] = JSON.stringify({
        docket: 'replay-partial-end',
        sha256: createHash('sha256').update(cases).digest('hex'),
      })
    })
    await expectRefused(
      [parts[0]!, misshapen, parts[2]!],
      /line 2: not a case of a partial report: .*obligations/,
    )
    // a case of partition 0 slipped into partition 1's file
    const stray = edited(parts[1]!, (l) => {
      l.splice(1, 0, fs.readFileSync(parts[0]!, 'utf8').split('\n')[1]!)
    })
    await expectRefused(
      [parts[0]!, stray, parts[2]!],
      /line 2: case "[^"]+" (belongs to partition 0 of 3, not 1|is not after)/,
    )
    const header = edited(parts[1]!, (l) => {
      const h = JSON.parse(l[0]!)
      h.stats.cases = 'many'
      l[0] = JSON.stringify(h)
    })
    await expectRefused([parts[0]!, header, parts[2]!], /line 1: not a partial report header: .*stats\.cases/)
    const report = fresh('report.json')
    await ok(['replay', history, '--report', 'json', '--quiet', '--out', report])
    await expectRefused([report], `${report}: line 1: not JSON: not a partial report`)
    const older = (from: string) =>
      edited(from, (l) => {
        const h = JSON.parse(l[0]!)
        h.stamp.library.cli = '0.0.1'
        l[0] = JSON.stringify(h)
      })
    await expectRefused(
      parts.map(older),
      /was written by docket cli 0\.0\.1, .*; this is cli .*: merge with the version that replayed/,
    )
    // a partial of format 1 (before the header carried the profile's time zone): which docket, not which field
    const formatOne = (from: string) =>
      edited(from, (l) => {
        const h = JSON.parse(l[0]!)
        h.version = 1
        delete h.timeZone
        l[0] = JSON.stringify(h)
      })
    await expectRefused(
      [formatOne(parts[0]!), parts[1]!, parts[2]!],
      /line 1: a partial report of format 1, written by docket cli .*; this docket merges format 2: replay every partition with the docket that merges/,
    )
    await expectRefused([fresh('absent.jsonl')], /cannot read it/)
    await expectRefused([dir], /cannot read it \(EISDIR/)
  })

  it('check large partials at once on worker threads: the same parts, or the first bad file in order', async () => {
    const parts = await partials([history], 3)
    const whole = (ps: ReadonlyArray<Partial.Part>) =>
      ps.map((p) => ({ file: p.file, header: p.header, cases: [...p.result.casesJson] }))
    const one = parts.map((f) => {
      const p = Partial.open(f)
      if (E.isLeft(p)) throw new Error(Partial.describe(p.left))
      return p.right
    })
    for (const threads of [2, 3]) {
      const all = await Partial.openAll(parts, { threads, minBytesForThreads: 0 })
      expect(E.isRight(all) && whole(all.right)).toEqual(whole(one))
    }
    // two bad files: the error of the first in the arguments' order, whichever thread ends first
    const cut = fresh('cut.jsonl')
    fs.writeFileSync(cut, fs.readFileSync(parts[1]!, 'utf8').split('\n').slice(0, 3).join('\n'))
    const missing = fresh('missing.jsonl')
    for (const files of [
      [parts[0]!, cut, missing],
      [missing, parts[2]!, cut],
    ]) {
      const sequential = files.map(Partial.open).find(E.isLeft)
      const onThreads = await Partial.openAll(files, { threads: 3, minBytesForThreads: 0 })
      expect(onThreads).toEqual(sequential)
    }
  })

  it('say what was merged on standard error, unless --quiet', async () => {
    const parts = await partials([history], 2)
    const said = await docket(['merge', ...parts, '--report', 'md'])
    expect(said.code, said.stderr).toBe(0)
    expect(said.stderr).toMatch(/^docket: merged 2 partitions, \d+ cases, 3000 events\n$/)
    const quiet = await docket(['merge', ...parts, '--report', 'md', '--quiet'])
    expect(quiet.code).toBe(0)
    expect(quiet.stderr).toBe('')
    expect(quiet.stdout).toBe(said.stdout)
  })

  it('check the partition options', async () => {
    for (const bad of ['1', '2/2', '1/-2', 'a/b', '0/0', '0/1000000000']) {
      const r = await docket(['replay', history, '--partition', bad, '--report', 'partial'])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(`--partition "${bad}": expected I/N with 0 ≤ I < N`)
    }
    const json = await docket(['replay', history, '--partition', '0/2'])
    expect(json.code).toBe(2)
    expect(json.stderr).toContain(
      'write it with --report partial, then merge the partitions with docket merge',
    )
    expect((await docket(['merge'])).stderr).toContain('merge needs the partial reports to merge')
    expect((await docket(['merge', history, '--head', 'nope'])).stderr).toContain('--head "nope": expected')
    // a whole replay written as a partial merges alone into the whole report
    const one = fresh('one.jsonl')
    await ok(['replay', history, '--report', 'partial', '--quiet', '--out', one])
    expect(await ok(['merge', one, '--report', 'csv'])).toBe(
      await ok(['replay', history, '--report', 'csv', '--quiet']),
    )
  })

  it('write every format and exit code of the whole replay', async () => {
    const parts = await partials([history], 2, ['--what-if', 'us-take-it-down'])
    for (const format of ['html', 'dsa-transparency']) {
      const whole = await ok([
        'replay',
        history,
        '--what-if',
        'us-take-it-down',
        '--report',
        format,
        '--quiet',
      ])
      expect(await ok(['merge', ...parts, '--report', format])).toBe(whole)
    }
    const sor = await docket(['merge', ...parts, '--report', 'dsa-sor'])
    expect(sor.code).toBe(2)
    expect(sor.stderr).toContain('--what-if with --report dsa-sor')
    const plain = await partials([history], 2)
    const breached = await docket(['replay', history, '--fail-on', 'breached', '--quiet'])
    expect((await docket(['merge', ...plain, '--fail-on', 'breached'])).code).toBe(breached.code)
    const csv = fresh('merged.csv')
    await ok(['merge', ...plain, '--report', 'csv', '--out', csv])
    const single = fresh('single.csv')
    await ok(['replay', history, '--report', 'csv', '--quiet', '--out', single])
    expect(fs.readFileSync(`${csv}.stamp.json`, 'utf8')).toBe(fs.readFileSync(`${single}.stamp.json`, 'utf8'))
  })
})

const pgUrl = Services.pgUrl()
const withPostgres = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(pgUrl),
  what: 'docket merge of partitions read from PostgreSQL',
  howToRun: `start PostgreSQL on ${pgUrl} (or set DOCKET_PG_URL)`,
})

describe.skipIf(!withPostgres)('docket replay --partition on PostgreSQL', () => {
  const schema = `docket_merge_${process.pid}`
  afterAll(() => dropSchema(pgUrl, schema))

  it('reads each partition on the server (on worker threads too) and merges into the bytes of one replay', async () => {
    await dropSchema(pgUrl, schema)
    const store = `${pgUrl}?schema=${schema}`
    expect((await docket(['import', history, '--store', store])).code).toBe(0)
    const knownAt = ['--known-at', '2025-01-04T12:00:00Z']
    const head = /^head: (\S+)$/m.exec(await ok(['verify', '--store', store]))![1]!
    for (const format of ['md', 'csv']) {
      const whole = await ok(['replay', '--store', store, ...knownAt, '--report', format, '--quiet'])
      const parts = await partials(['--store', store], 2, knownAt)
      expect(await ok(['merge', ...parts, '--head', head, '--report', format])).toBe(whole)
      // worker threads each reading their own partition of the store, for one machine or for each
      const onWorkers = ['--workers', '2', '--quiet']
      expect(await ok(['replay', '--store', store, ...knownAt, '--report', format, ...onWorkers])).toBe(whole)
      const workerParts = await partials(['--store', store], 2, [...knownAt, '--workers', '2'])
      expect(await ok(['merge', ...workerParts, '--head', head, '--report', format])).toBe(whole)
    }
    // the latest occurredAt of the whole store, found by the reading thread
    const latest = ['replay', '--store', store, '--report', 'csv', '--quiet']
    expect(await ok([...latest, '--workers', '3'])).toBe(await ok(latest))
  })

  it('reads one cut (--until) on worker threads, for one machine or each, whatever is appended after it', async () => {
    const cutSchema = `${schema}_cut`
    await dropSchema(pgUrl, cutSchema)
    try {
      const store = `${pgUrl}?schema=${cutSchema}`
      const lines = fs.readFileSync(history, 'utf8').trimEnd().split('\n')
      const early = fresh('early.jsonl')
      fs.writeFileSync(early, `${lines.slice(0, 1_800).join('\n')}\n`)
      await ok(['import', early, '--store', store])
      const verified = await ok(['verify', '--store', store])
      const position = /^position: (\S+)$/m.exec(verified)![1]!
      const head = /^head: (\S+)$/m.exec(verified)![1]!
      const late = fresh('late.jsonl')
      fs.writeFileSync(late, `${lines.slice(1_800).join('\n')}\n`)
      await ok(['import', late, '--store', store])
      const atCut = ['--until', position, '--as-of', '2025-01-05T00:00:00Z']
      const whole = await ok(['replay', '--store', store, ...atCut, '--report', 'csv', '--quiet'])
      expect(
        await ok(['replay', early, '--as-of', '2025-01-05T00:00:00Z', '--report', 'csv', '--quiet']),
      ).toBe(whole)
      expect(
        await ok(['replay', '--store', store, ...atCut, '--report', 'csv', '--quiet', '--workers', '2']),
      ).toBe(whole)
      const parts = await partials(['--store', store], 2, [...atCut, '--workers', '2'])
      expect(await ok(['merge', ...parts, '--head', head, '--report', 'csv'])).toBe(whole)
    } finally {
      await dropSchema(pgUrl, cutSchema)
    }
  })
})
