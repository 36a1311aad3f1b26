import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { DecodeError, Envelope, Jsonl } from '@docket/core'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { docket } from './internal/testing.js'
import * as Source from './Source.js'

const line = (id: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    id,
    type: 'CaseClosed',
    caseId: 'c-1',
    occurredAt: '2026-01-01T00:00:00Z',
    data: {},
    ...extra,
  })

const read = (text: string, options: Source.ReadOptions = {}) =>
  Source.readLines(Readable.from([text]), options)

describe('Source', () => {
  it('names exactly one source: a file, - for stdin, or --store', () => {
    expect(Source.fromArgs('a.jsonl', undefined)).toEqual(E.right({ _tag: 'File', path: 'a.jsonl' }))
    expect(Source.fromArgs('-', undefined)).toEqual(E.right({ _tag: 'Stdin' }))
    expect(Source.fromArgs(undefined, 'memory:')).toEqual(E.right({ _tag: 'Store', url: 'memory:' }))
    expect(E.isLeft(Source.fromArgs('a.jsonl', 'memory:'))).toBe(true)
    expect(E.isLeft(Source.fromArgs(undefined, undefined))).toBe(true)
  })

  it('reads JSON Lines with a byte order mark, CRLF and blank lines, numbering lines as an editor does', async () => {
    const r = await read(`\uFEFF${line('a')}\r\n\r\n${line('b', { occurredAt: 'yesterday' })}\r\n`)
    expect(E.isLeft(r)).toBe(true)
    if (E.isLeft(r) && r.left._tag === 'BadInput') {
      expect(r.left.errors.map((e) => e.line)).toEqual([3])
      expect(DecodeError.format(r.left.errors[0]!)).toContain('line 3: occurredAt')
    }
  })

  it('infers recordedAt from occurredAt when absent and keeps it when given', async () => {
    const r = await read(`${line('a')}\n${line('b', { recordedAt: '2026-01-02T00:00:00Z' })}\n`)
    if (E.isLeft(r)) throw new Error(Source.describe(r.left))
    expect(r.right.events[0]).toMatchObject({
      recordedAt: '2026-01-01T00:00:00Z',
      meta: { recordedAtInferred: true },
    })
    expect(r.right.events[1]!.recordedAt).toBe('2026-01-02T00:00:00Z')
  })

  it('skips bad lines only when asked, returning each', async () => {
    const text = `${line('a')}\nnot json\n${line('c')}\n`
    expect(E.isLeft(await read(text))).toBe(true)
    const r = await read(text, { skipBad: true })
    if (E.isLeft(r)) throw new Error('expected Right')
    expect(r.right.events.map((e) => e.id)).toEqual(['a', 'c'])
    expect(r.right.skipped.map((e) => e.line)).toEqual([2])
  })

  it('reads any chunking of any mix of good, bad and blank lines as the whole text decodes (property)', async () => {
    const oneLine = fc.oneof(
      fc.string({ minLength: 1, maxLength: 4 }).map((id) => line(id)),
      fc
        .string({ minLength: 1, maxLength: 4 })
        .map((id) => line(id, { recordedAt: '2026-01-02T00:00:00+01:00' })),
      fc.constantFrom('', '  ', 'not json', '{}', line('x', { occurredAt: 'yesterday' }), line('é 中 🙂')),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.array(oneLine, { maxLength: 12 }),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 3 }),
        async (generated, eol, cuts, skipBad, maxErrors) => {
          // one id per line: an id read twice is read once, or is bad (evaluate.test.ts tests it)
          const lines = generated.map((l, i) => l.replace('{"id":"', `{"id":"${i}-`))
          const text = lines.join(eol)
          const bytes = new TextEncoder().encode(text)
          const points = [...new Set([0, ...cuts.map((c) => c % (bytes.length + 1)), bytes.length])].sort(
            (a, b) => a - b,
          )
          const parts = points.slice(1).map((p, i) => Buffer.from(bytes.slice(points[i], p)))
          const got = await Source.readLines(Readable.from(parts), { skipBad, maxErrors })
          // the definition: the whole text decoded line by line, recordedAt inferred, errors capped
          const whole = Jsonl.decodeText(text)
          const events = whole.events.map((l) => Envelope.withImportedRecordedAt(l.event))
          const errors = skipBad ? whole.errors : whole.errors.slice(0, maxErrors)
          expect(got).toStrictEqual(
            errors.length > 0 && !skipBad
              ? E.left({ _tag: 'BadInput', errors, bad: whole.errors.length })
              : E.right({ events, skipped: errors }),
          )
        },
      ),
      { numRuns: 300 },
    )
  })

  it('reports a missing file as NotFound', async () => {
    const r = await Source.read(
      { stdin: Readable.from([]), cwd: '/' },
      { _tag: 'File', path: 'no/such.jsonl' },
    )
    expect(r).toEqual(E.left({ _tag: 'NotFound', path: 'no/such.jsonl' }))
  })

  it('refuses a file with bytes that are not UTF-8 with exit 2, naming the line and field, in every command; import stores nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'docket-source-utf8-'))
    try {
      const [before, after] = line('e-2').split('"c-1"')
      const file = join(dir, 'latin1.jsonl')
      // "café" in Latin-1 (0xE9), as a file exported by a tool that did not write UTF-8 has it
      writeFileSync(
        file,
        Buffer.concat([
          Buffer.from(`${line('e-1')}\n${before}"caf`),
          Buffer.of(0xe9),
          Buffer.from(`"${after}\n${line('e-3')}\n`),
        ]),
      )
      const expected =
        'line 2: caseId: got "caf\uFFFD", expected UTF-8 text (bytes that are not UTF-8, shown as U+FFFD, were read here)'
      const store = `pglite:${join(dir, 'store')}`
      for (const [argv] of [
        [['evaluate', file]],
        [['replay', file, '--quiet']],
        [['replay', file, '--quiet', '--workers', '2']],
        [['import', file, '--store', store]],
      ] as const) {
        const r = await docket(argv)
        expect(r.stderr, argv.join(' ')).toContain(expected)
        expect(r.code, argv.join(' ')).toBe(2)
        expect(r.stdout).toBe('')
      }
      const exported = await docket(['export', '--store', store])
      expect(exported.code, exported.stderr).toBe(0)
      expect(exported.stdout).toBe('')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses a directory given as the file with exit 2 naming it, in every command that reads one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'docket-source-dir-'))
    try {
      for (const argv of [
        ['evaluate', dir],
        ['replay', dir, '--quiet'],
        ['replay', dir, '--quiet', '--workers', '2'],
        ['import', dir, '--store', 'memory:'],
      ]) {
        const r = await docket(argv)
        expect(r.stderr, argv.join(' ')).toContain(`${dir}: a directory, expected a JSON Lines file`)
        expect(r.code, argv.join(' ')).toBe(2)
        expect(r.stdout).toBe('')
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
