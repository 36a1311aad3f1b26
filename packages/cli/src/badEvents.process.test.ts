/**
 * Bad events through the built `docket`, as an integrator feeding another system's export meets
 * them: counts out of range, a version written by a newer Docket, many bad lines in one file.
 * `import` stores nothing, `replay` and `evaluate` write nothing, all exit 2 naming each line.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import * as Process from './testing/Process.js'

const runs = Process.runsBuilt('packages/cli/src/badEvents.process.test.ts')

const dir = mkdtempSync(join(tmpdir(), 'docket-bad-events-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const docket = (args: ReadonlyArray<string>, input?: string) => Process.run(dir, args, input)

/** A valid event `n` of case `c<n>`: a report, with `over` merged into the envelope. */
const report = (n: number, over: Record<string, unknown> = {}): string =>
  JSON.stringify({
    id: `e${n}`,
    type: 'ContentReported',
    caseId: `c${n}`,
    occurredAt: '2026-01-01T00:00:00Z',
    data: {
      reportId: `r${n}`,
      channel: 'in_app',
      category: 'ncii',
      content: { ref: `p${n}`, kind: 'image' },
      jurisdictions: ['US'],
    },
    ...over,
  })

const file = (name: string, lines: ReadonlyArray<string>): string => {
  const path = join(dir, name)
  writeFileSync(path, `${lines.join('\n')}\n`)
  return path
}

/** The commands that read a file of events, each asked to write nothing but its verdict. */
const READERS: ReadonlyArray<readonly [string, (path: string) => ReadonlyArray<string>]> = [
  ['import', (path) => ['import', path, '--store', 'memory:', '--quiet']],
  ['replay', (path) => ['replay', path, '--quiet']],
  ['evaluate', (path) => ['evaluate', path]],
]

describe.skipIf(!runs)('bad events through docket', () => {
  it('refuses a negative count and an integer past 2^53 − 1, naming line and field, in import, replay and evaluate', () => {
    const path = file('counts.jsonl', [
      report(1),
      '{"id":"a2","type":"ContentActioned","caseId":"c1","occurredAt":"2026-01-01T01:00:00Z","data":{"action":"removed","copiesActioned":-3}}',
      '{"id":"x3","type":"ExposureObserved","caseId":"c1","occurredAt":"2026-01-01T02:00:00Z","data":{"views":9007199254740993,"shares":0}}',
    ])
    for (const [name, args] of READERS) {
      const r = docket(args(path))
      expect(r.status, `${name}: ${r.stderr}`).toBe(2)
      expect(r.stdout, name).toBe('')
      expect(r.stderr, name).toContain(
        'counts.jsonl: line 2: data.copiesActioned: got -3, expected an integer ≥ 0',
      )
      expect(r.stderr, name).toContain(
        'counts.jsonl: line 3: data.views: got 9007199254740992, expected an integer ≥ 0, at most 2^53 − 1',
      )
    }
  })

  it('refuses an event written by a newer Docket in import, replay and evaluate, and from standard input', () => {
    const newer = report(2, { meta: { schemaVersion: 2 } })
    const path = file('newer.jsonl', [report(1), newer])
    const said =
      'line 2: meta.schemaVersion: got 2, expected at most 1 (written by a newer Docket: schemaVersion 2 of ContentReported; this library reads up to 1; upgrade Docket to read it)'
    for (const [name, args] of READERS) {
      const r = docket(args(path))
      expect(r.status, `${name}: ${r.stderr}`).toBe(2)
      expect(r.stdout, name).toBe('')
      expect(r.stderr, name).toContain(`newer.jsonl: ${said}`)
      const piped = docket(args('-'), `${report(1)}\n${newer}\n`)
      expect(piped.status, `${name} -: ${piped.stderr}`).toBe(2)
      expect(piped.stderr, name).toContain(`standard input: ${said}`)
    }
    // a platform's own type keeps its own versions
    const vendor = file('vendor.jsonl', [
      report(1),
      JSON.stringify({
        id: 'v2',
        type: 'x-acme.Flag',
        caseId: 'c1',
        occurredAt: '2026-01-01T01:00:00Z',
        data: {},
        meta: { schemaVersion: 3 },
      }),
    ])
    const ok = docket(['import', vendor, '--store', 'memory:', '--quiet'])
    expect(ok.status, ok.stderr).toBe(0)
  })

  describe('a file with many bad lines', () => {
    // 25 bad lines among 50: every other line; the first 20 are listed, 5 more counted
    const lines = Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0 ? report(i + 1) : report(i + 1, { occurredAt: '2026-01-01T00:00:00' }),
    )
    const listed = (stderr: string) =>
      [...stderr.matchAll(/line (\d+): occurredAt/g)].map((m) => Number(m[1]))
    const first20 = Array.from({ length: 20 }, (_, k) => 2 * k + 2)

    it('replay lists the first 20 and counts the rest, from a file or standard input, sorted or on workers; writes nothing', () => {
      const path = file('many.jsonl', lines)
      const out = join(dir, 'many-report.json')
      for (const args of [
        ['replay', path],
        ['replay', path, '--sort'],
        ['replay', path, '--workers', '2'],
        ['replay', '-'],
      ]) {
        const r = docket(
          [...args, '--quiet', '--out', out],
          args[1] === '-' ? `${lines.join('\n')}\n` : undefined,
        )
        expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2)
        expect(listed(r.stderr), args.join(' ')).toEqual(first20)
        expect(r.stderr, args.join(' ')).toContain('5 more bad line(s) not listed: the first 20 are')
        expect(r.stderr, args.join(' ')).toContain('Nothing was written.')
        expect(existsSync(out), args.join(' ')).toBe(false)
      }
      // standard input on workers is read once, spread over threads: the first bad line, and why only it
      const piped = docket(['replay', '-', '--quiet', '--workers', '2'], `${lines.join('\n')}\n`)
      expect(piped.status, piped.stderr).toBe(2)
      expect(listed(piped.stderr)).toEqual([2])
      expect(piped.stderr).toContain('with --workers, the input is not checked past its first bad line')
    })

    it('import lists the first 20, counts all, stores nothing; evaluate lists and counts them too', () => {
      const path = file('many-import.jsonl', lines)
      const store = `pglite:${join(dir, 'many-store')}`
      const r = docket(['import', path, '--store', store, '--quiet'])
      expect(r.status, r.stderr).toBe(2)
      expect(listed(r.stderr)).toEqual(first20)
      expect(r.stderr).toContain('many-import.jsonl: 5 more bad line(s) not listed: the first 20 are')
      expect(r.stderr).toContain('25 of 50 line(s) are bad. Nothing was stored.')
      const exported = docket(['export', '--store', store])
      expect(exported.status, exported.stderr).toBe(0)
      expect(exported.stdout).toBe('')
      const evaluated = docket(['evaluate', path])
      expect(evaluated.status, evaluated.stderr).toBe(2)
      expect(listed(evaluated.stderr)).toEqual(first20)
      expect(evaluated.stderr).toContain('5 more bad line(s) not listed')
    })
  })
})
