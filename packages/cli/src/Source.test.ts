import { Readable } from 'node:stream'
import { DecodeError } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
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

  it('reports a missing file as NotFound', async () => {
    const r = await Source.read(
      { stdin: Readable.from([]), cwd: '/' },
      { _tag: 'File', path: 'no/such.jsonl' },
    )
    expect(r).toEqual(E.left({ _tag: 'NotFound', path: 'no/such.jsonl' }))
  })
})
