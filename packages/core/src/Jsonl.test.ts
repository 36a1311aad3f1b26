import * as E from 'fp-ts/lib/Either.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as DecodeError from './DecodeError.js'
import type { Recorded } from './Envelope.js'
import * as Import from './Import.js'
import * as Jsonl from './Jsonl.js'
import * as MemoryEventStore from './MemoryEventStore.js'

const line = (n: number, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    id: `e${n}`,
    type: 'ContentReported',
    caseId: `c${n % 3}`,
    occurredAt: `2026-03-0${1 + (n % 9)}T10:00:00+01:00`,
    data: {
      reportId: `r${n}`,
      channel: 'web_form',
      category: 'ncii',
      content: { ref: `post-${n}`, kind: 'image' },
      jurisdictions: ['FR'],
    },
    ...extra,
  })

const collect = async <A>(it: AsyncIterable<A>): Promise<A[]> => {
  const out: A[] = []
  for await (const a of it) out.push(a)
  return out
}

async function* chunked(parts: ReadonlyArray<string | Uint8Array>): AsyncGenerator<string | Uint8Array> {
  for (const p of parts) yield p
}

/** A `ContentReported` line with `data` merged into a valid report's, and `over` into the event. */
const reportLine = (data: Record<string, unknown>, over: Record<string, unknown> = {}): string =>
  JSON.stringify({
    id: 'e1',
    type: 'ContentReported',
    caseId: 'c1',
    occurredAt: '2026-03-01T10:00:00+01:00',
    data: {
      reportId: 'r1',
      channel: 'web_form',
      category: 'ncii',
      content: { ref: 'post-1', kind: 'image' },
      jurisdictions: ['FR'],
      ...data,
    },
    ...over,
  })

describe('Jsonl.decodeText', () => {
  it('reads the last of two equal keys in one object, as JSON.parse does (docs/events.md says so)', () => {
    // refusing them would need a second parse of every line: documented instead (eventsPageWords.READING)
    const line =
      '{"id":"e1","type":"CaseClosed","caseId":"c1","occurredAt":"2026-01-01T00:00:00Z","data":{"reason":"a","reason":"b"},"occurredAt":"2026-02-01T00:00:00Z"}'
    const r = Jsonl.decodeText(line)
    expect(r.errors).toEqual([])
    expect(r.events.map((l) => [l.event.occurredAt, l.event.data])).toEqual([
      ['2026-02-01T00:00:00Z', { reason: 'b' }],
    ])
  })

  it('decodes each line, skips blank lines and keeps editor line numbers', () => {
    const text = `${line(1)}\n\n   \n${line(2)}\r\n${line(3)}\n`
    const r = Jsonl.decodeText(text)
    expect(r.errors).toEqual([])
    expect(r.read).toBe(3)
    expect(r.events.map((l) => [l.line, l.event.id])).toEqual([
      [1, 'e1'],
      [4, 'e2'],
      [5, 'e3'],
    ])
  })

  it('reports every bad line with its number, field path and what was expected', () => {
    const text = [
      line(1),
      '{"id": "e2", oops}',
      line(3, { occurredAt: '2026-03-01T10:00:00' }),
      '',
      line(5, { type: 'Reported' }),
      '[1,2]',
      line(7),
    ].join('\n')
    const r = Jsonl.decodeText(text)
    expect(r.events.map((l) => l.line)).toEqual([1, 7])
    expect(r.errors.map((e) => [e.line, e.issues.map((i) => i.path)])).toEqual([
      [2, ['']],
      [3, ['occurredAt']],
      [5, ['type']],
      [6, ['']],
    ])
    const messages = r.errors.map(DecodeError.format)
    expect(messages[0]).toMatch(/^line 2: \(root\): got .*expected a JSON object \(invalid JSON: /)
    expect(messages[1]).toMatch(
      /^line 3: occurredAt: got "2026-03-01T10:00:00", expected an ISO-8601 timestamp/,
    )
  })

  it('never quotes a personal field (or a value holding one) in an error, only its shape', () => {
    const report = (data: Record<string, unknown>, meta?: object): string =>
      reportLine(data, meta === undefined ? {} : { meta })
    const text = [
      report({ reporter: { subjectId: 's', email: ['carol@example.org'] } }),
      report({ reporter: 'carol@example.org' }),
      report({ victim: { subjectId: 'v', name: 'Carol Victim', dateOfBirth: 20100101 } }),
      report({ text: { phone: '555-0100' } }),
      '{"data":{"reporter":{"email":carol@example.org}}}',
      '{"data":{"text":"carol wrote this and then the line breaks"',
      '"carol@example.org"',
      JSON.stringify({
        id: 'e2',
        type: 'ReviewDecided',
        caseId: 'c1',
        occurredAt: '2026-03-01T10:00:00+01:00',
        data: { reviewId: 'v', outcome: 'nope', tier: 'x', automation: 'not', explanation: 7550100 },
      }),
    ].join('\n')
    const r = Jsonl.decodeText(text)
    expect(r.errors).toHaveLength(8)
    const messages = r.errors.map(DecodeError.format).join('\n')
    expect(messages).not.toMatch(/carol|Carol|555|20100101|7550100/)
    expect(messages).toContain('line 1: data.reporter.email: got an array of 1 item (not shown')
    expect(messages).toContain('line 8: data.outcome: got "nope"')
    // other fields are still quoted
    expect(Jsonl.decodeText(report({ category: 'nciiX' })).errors.map(DecodeError.format)[0]).toContain(
      'got "nciiX"',
    )
  })

  it('never quotes an e-mail address, whichever field it was put in', () => {
    const bad = (over: Record<string, unknown>, data: Record<string, unknown> = {}): string =>
      reportLine(data, over)
    const text = [
      bad({ occurredAt: 'carol.doe@example.org' }),
      bad({}, { category: 'mail carol.doe@example.org' }),
      bad({}, { jurisdictions: ['carol.doe@example.org'] }),
      bad({}, { content: { ref: 'p', kind: { by: 'carol.doe@example.org' } } }),
      bad({ type: 'ContentReported', data: 'carol.doe@example.org' }),
    ].join('\n')
    const r = Jsonl.decodeText(text)
    expect(r.errors).toHaveLength(5)
    const messages = r.errors.map(DecodeError.format).join('\n')
    expect(messages).not.toMatch(/carol|example\.org/)
    expect(messages).toContain('line 1: occurredAt: got a string of 21 characters (not shown')
    // a value with no address is quoted as before
    expect(Jsonl.decodeText(bad({}, { category: 'nciiX' })).errors.map(DecodeError.format)[0]).toContain(
      'got "nciiX"',
    )
  })

  it('ignores a byte order mark and an empty input', () => {
    expect(Jsonl.decodeText(`\ufeff${line(1)}`).events).toHaveLength(1)
    expect(Jsonl.decodeText('')).toEqual({ events: [], errors: [], read: 0 })
  })
})

describe('Jsonl.linesOf / lineBatchesOf / decodeLines', () => {
  it('splits chunked text and bytes into the same lines as splitLines, wherever the chunks cut', async () => {
    const text = `\ufeff${line(1)}\r\n\n{"note":"é 中 🙂"}\n${line(2)}`
    const bytes = new TextEncoder().encode(text)
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(bytes.length), { maxLength: 8 }),
        fc.boolean(),
        async (cuts, asBytes) => {
          const points = [...new Set([0, ...cuts, bytes.length])].sort((a, b) => a - b)
          const parts: Array<string | Uint8Array> = []
          for (let i = 1; i < points.length; i++) {
            const slice = bytes.slice(points[i - 1], points[i])
            parts.push(asBytes ? slice : new TextDecoder().decode(slice))
          }
          // Cutting text (not bytes) mid-character is not a realistic input: only check bytes then.
          if (!asBytes && parts.join('') !== text) return
          expect(await collect(Jsonl.linesOf(chunked(parts)))).toEqual(Jsonl.splitLines(text))
          const batches = await collect(Jsonl.lineBatchesOf(chunked(parts)))
          expect(batches.flat()).toEqual(Jsonl.splitLines(text))
          expect(batches.every((b) => b.length > 0)).toBe(true)
        },
      ),
    )
  })

  it('drops one byte order mark at the start of bytes, as splitLines does, not two', async () => {
    const text = '\ufeff\ufeffx\ny'
    const bytes = new TextEncoder().encode(text)
    expect((await collect(Jsonl.lineBatchesOf(chunked([bytes])))).flat()).toEqual(Jsonl.splitLines(text))
    expect(Jsonl.splitLines(text)).toEqual(['\ufeffx', 'y'])
  })

  it('refuses a line whose bytes are not UTF-8, naming its line and field, wherever the chunks cut; a real U+FFFD is text', async () => {
    const utf8 = (t: string): Uint8Array => new TextEncoder().encode(t)
    const [before, after] = line(2).split('web_form')
    // line 2 holds a byte that is never UTF-8 (0xFF); line 3 a real U+FFFD, line 4 a truncated sequence
    const bytes = new Uint8Array(
      Buffer.concat([
        utf8(`${line(1)}\n${before}web`),
        Uint8Array.of(0xff),
        utf8(`_form${after}\r\n${line(3, { caseId: 'c\uFFFD' })}\n`),
        utf8(`${line(4).split('"e4"')[0]}"e`),
        Uint8Array.of(0xc3, 0x28),
        utf8(`4"${line(4).split('"e4"')[1]}`),
      ]),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(bytes.length), { maxLength: 8 }), async (cuts) => {
        const points = [...new Set([0, ...cuts, bytes.length])].sort((a, b) => a - b)
        const parts = points.slice(1).map((p, i) => bytes.slice(points[i], p))
        const results = await collect(Jsonl.decodeLines(Jsonl.lineBatchesOf(chunked(parts))))
        expect(results.map((r) => (E.isLeft(r) ? DecodeError.format(r.left) : `ok ${r.right.line}`))).toEqual(
          [
            'ok 1',
            'line 2: data.channel: got "web\uFFFD_form", expected UTF-8 text (bytes that are not UTF-8, shown as U+FFFD, were read here)',
            'ok 3',
            'line 4: id: got "e\uFFFD(4", expected UTF-8 text (bytes that are not UTF-8, shown as U+FFFD, were read here)',
          ],
        )
      }),
    )
  })

  it('decodes async lines like the whole text, in order', async () => {
    const text = [line(1), '', 'nope', line(4)].join('\n')
    const results = await collect(Jsonl.decodeLines(Jsonl.linesOf(chunked([text]))))
    expect(results.map((r) => (E.isLeft(r) ? `bad ${r.left.line}` : `ok ${r.right.line}`))).toEqual([
      'ok 1',
      'bad 3',
      'ok 4',
    ])
    const all = await Jsonl.decodeAll(['', line(2)])
    expect(all.events.map((l) => l.line)).toEqual([2])
  })
})

describe('Jsonl.exportStore', () => {
  it('writes every event exactly as stored, and export → import → export is byte-identical', async () => {
    const source = MemoryEventStore.make()
    const text = [
      line(1, { recordedAt: '2026-03-02T00:00:00Z', meta: { correlationId: 'x', vendorKey: [1, 2] } }),
      line(2, { actor: { kind: 'reporter', id: 'u2' } }),
      line(3, {
        data: {
          zz: 'kept',
          reportId: 'r3',
          channel: 'api',
          category: 'hate',
          content: { ref: 'p', kind: 'text' },
          jurisdictions: ['DE'],
        },
      }),
    ].join('\n')
    const imported = await Import.run(source, text)()
    expect(E.isRight(imported)).toBe(true)
    const exported = (await collect(Jsonl.exportStore(source))).join('')
    const lines = Jsonl.splitLines(exported)
    expect(lines).toHaveLength(3)
    const first = JSON.parse(lines[0]!) as Recorded
    expect(first.recordedAt).toBe('2026-03-02T00:00:00Z')
    expect(first.meta).toEqual({ correlationId: 'x', vendorKey: [1, 2] })
    const second = JSON.parse(lines[1]!) as Recorded
    expect(second.recordedAt).toBe(second.occurredAt)
    expect(second.meta).toEqual({ recordedAtInferred: true })
    expect((JSON.parse(lines[2]!) as Recorded).data).toMatchObject({ zz: 'kept' })

    const copy = MemoryEventStore.make()
    await Import.run(copy, exported)()
    expect((await collect(Jsonl.exportStore(copy))).join('')).toBe(exported)
  })

  it('writes the stored JSON text as is when the store keeps it (unless it spans lines)', async () => {
    const inner = MemoryEventStore.make()
    await Import.run(inner, [line(1), line(2)])()
    const texts = ['{"id": "e1", "as": "stored"}', '{\n"multi": "line"}']
    const store = {
      ...inner,
      readAll: async function* () {
        let i = 0
        for await (const s of inner.readAll()) yield { ...s, json: texts[i++]! }
      },
    }
    const out = await collect(Jsonl.exportStore(store))
    expect(out[0]).toBe('{"id": "e1", "as": "stored"}\n')
    expect(JSON.parse(out[1]!).id).toBe('e2')
  })

  it('streams only the requested types, each line ending in a newline', async () => {
    const store = MemoryEventStore.make()
    await Import.run(store, [line(1), line(2)])()
    const out = await collect(Jsonl.exportStore(store, { types: ['CaseClosed'] }))
    expect(out).toEqual([])
    const all = await collect(Jsonl.exportStore(store))
    expect(all.every((l) => l.endsWith('}\n'))).toBe(true)
  })
})
