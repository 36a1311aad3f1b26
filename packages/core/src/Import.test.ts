import * as E from 'fp-ts/lib/Either.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Recorded } from './Envelope.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import * as EventStore from './EventStore.js'
import * as Import from './Import.js'
import * as Jsonl from './Jsonl.js'
import * as MemoryEventStore from './MemoryEventStore.js'

const event = (id: string, caseId: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  type: 'ExposureObserved',
  caseId,
  occurredAt: '2026-04-01T08:00:00-07:00',
  data: { views: 10, shares: 1 },
  ...extra,
})
const line = (id: string, caseId: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify(event(id, caseId, extra))

const all = async (store: EventStore.EventStore): Promise<Recorded[]> => {
  const out: Recorded[] = []
  for await (const s of store.readAll()) out.push(s.event)
  return out
}

const BAD = '{"id":"b","type":"ExposureObserved","caseId":"c1","occurredAt":"2026-04-01T08:00:00","data":{}}'

describe('Import.run: all or nothing', () => {
  it('a file with one bad line stores nothing and reports that line', async () => {
    const store = MemoryEventStore.make()
    const text = [line('e1', 'c1'), line('e2', 'c2'), BAD, line('e4', 'c1')].join('\n')
    const r = await Import.run(store, text)()
    expect(E.isLeft(r)).toBe(true)
    if (E.isRight(r)) return
    expect(r.left._tag).toBe('BadInput')
    if (r.left._tag !== 'BadInput') return
    expect(r.left.read).toBe(4)
    expect(r.left.errors.map((e) => [e.line, e.issues.map((i) => i.path)])).toEqual([
      [3, ['occurredAt', 'data.views', 'data.shares']],
    ])
    expect(await all(store)).toEqual([])
    expect(Import.describe(r.left)).toMatch(
      /^1 of 4 lines are bad; nothing was imported.*\nline 3: occurredAt: got/,
    )
  })

  it('reports every bad line, not only the first', async () => {
    const text = [BAD, line('e2', 'c1'), 'not json', line('e4', 'c1', { type: 'Exposure' })].join('\n')
    const r = await Import.run(MemoryEventStore.make(), text)()
    expect(E.isLeft(r) && r.left._tag === 'BadInput' && r.left.errors.map((e) => e.line)).toEqual([1, 3, 4])
  })

  it('with skipBad stores the rest and lists each skipped line with its message', async () => {
    const store = MemoryEventStore.make()
    const text = [line('e1', 'c1'), BAD, '', line('e4', 'c2'), '{', line('e6', 'c1')].join('\n')
    const r = await Import.run(store, text, { skipBad: true })()
    expect(E.isRight(r)).toBe(true)
    if (E.isLeft(r)) return
    expect(r.right).toMatchObject({ read: 5, appended: 3, duplicates: 0, cases: 2 })
    expect(r.right.skipped.map((s) => s.line)).toEqual([2, 5])
    expect(r.right.skipped[0]!.message).toMatch(
      /^occurredAt: got "2026-04-01T08:00:00", expected .*; data\.views: /,
    )
    expect((await all(store)).map((e) => e.id)).toEqual(['e1', 'e4', 'e6'])
  })

  it('one event id on two lines with different content is a bad line (the later one), found before any write', async () => {
    const store = MemoryEventStore.make()
    const text = [line('e1', 'c1'), line('e1', 'c1', { data: { views: 11, shares: 1 } })].join('\n')
    const r = await Import.run(store, text)()
    expect(
      E.isLeft(r) && r.left._tag === 'BadInput' && r.left.errors.map((e) => [e.line, e.issues[0]!.path]),
    ).toEqual([[2, 'id']])
    expect(await all(store)).toEqual([])
    const skipped = await Import.run(store, text, { skipBad: true })()
    expect(E.isRight(skipped) && skipped.right.skipped[0]!.message).toMatch(/already used on line 1/)
  })
})

describe('Import.run: all or nothing, for any file', () => {
  const badLines = fc.constantFrom(
    BAD,
    'not json',
    '{}',
    '[]',
    line('x', 'c1', { type: 'Observed' }),
    line('x', 'c1', { data: { views: 'many', shares: 0 } }),
    line('x', 'c1', { actor: { kind: 'robot' } }),
    line('x', '', {}),
  )

  it('a bad line anywhere in a valid file stores nothing and is the line reported; skipBad stores all the others', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('c1', 'c2'), fc.nat(20)), { minLength: 1, maxLength: 20 }),
        fc.nat(),
        badLines,
        async (rows, at, bad) => {
          const good = rows.map(([c, n]) => line(`${c}-${n}`, c))
          const pos = at % (good.length + 1)
          const lines = [...good.slice(0, pos), bad, ...good.slice(pos)]
          const store = MemoryEventStore.make()
          const r = await Import.run(store, lines)()
          expect(E.isLeft(r) && r.left._tag === 'BadInput' && r.left.errors.map((e) => e.line)).toEqual([
            pos + 1,
          ])
          expect(await all(store)).toEqual([])
          const skipping = await Import.run(store, lines, { skipBad: true })()
          expect(E.isRight(skipping) && skipping.right.skipped.map((s) => s.line)).toEqual([pos + 1])
          expect((await all(store)).length).toBe(new Set(good).size)
        },
      ),
      { numRuns: 100 },
    )
  })
})

describe('Import.run: checked against the store before any write', () => {
  const taken = (store: EventStore.EventStore) =>
    Import.run(store, [line('taken', 'c9', { data: { views: 1, shares: 0 } }), line('kept', 'c2')])()

  it('an id stored with other content (IdempotencyConflict) stores nothing and names every such line, its id and the stored case', async () => {
    const store = MemoryEventStore.make()
    await taken(store)
    const before = await all(store)
    // line 3: stored in another case; line 5: same case, other content; line 6: the same line again
    const text = [
      line('e1', 'c1'),
      line('e2', 'c1'),
      line('taken', 'c2'),
      line('e4', 'c3'),
      line('kept', 'c2', { data: { views: 2, shares: 0 } }),
      line('kept', 'c2', { data: { views: 2, shares: 0 } }),
    ]
    const r = await Import.run(store, text)()
    if (E.isRight(r) || r.left._tag !== 'BadInput')
      throw new Error(`expected BadInput, got ${JSON.stringify(r)}`)
    expect(r.left.errors.map((e) => [e.line, e.issues.map((i) => [i.path, i.value])])).toEqual([
      [3, [['id', 'taken']]],
      [5, [['id', 'kept']]],
      [6, [['id', 'kept']]],
    ])
    const message = Import.describe(r.left)
    expect(message).toMatch(/^3 of 6 lines are bad; nothing was imported/)
    expect(message).toContain(
      'line 3: id: got "taken", expected an event id not already stored with other content (IdempotencyConflict: stored in case c9 with different content)',
    )
    expect(message).toContain('line 5: id: got "kept", expected an event id not already stored')
    expect(await all(store)).toEqual(before)

    // with the lines fixed, the same import completes
    const fixed = [...text.slice(0, 2), line('e3', 'c2'), text[3]!, line('kept', 'c2')]
    const rerun = await Import.run(store, fixed)()
    expect(E.isRight(rerun) && rerun.right).toMatchObject({ appended: 4, duplicates: 1, skipped: [] })
    expect((await all(store)).map((e) => e.id)).toEqual(['taken', 'kept', 'e1', 'e2', 'e3', 'e4'])
  })

  it('with skipBad leaves the conflicting lines out, lists them, and stores the rest', async () => {
    const store = MemoryEventStore.make()
    await taken(store)
    const r = await Import.run(store, [line('e1', 'c1'), line('taken', 'c1'), line('kept', 'c2')], {
      skipBad: true,
    })()
    expect(E.isRight(r) && r.right).toMatchObject({ read: 3, appended: 1, duplicates: 1 })
    expect(E.isRight(r) && r.right.skipped.map((s) => [s.line, s.message])).toEqual([
      [
        2,
        'id: got "taken", expected an event id not already stored with other content (IdempotencyConflict: stored in case c9 with different content)',
      ],
    ])
    expect((await all(store)).map((e) => [e.id, e.caseId])).toEqual([
      ['taken', 'c9'],
      ['kept', 'c2'],
      ['e1', 'c1'],
    ])
  })

  it('a line equal to the stored event is a retry even after a line giving its id other content: only that line is bad', async () => {
    const store = MemoryEventStore.make()
    await taken(store)
    const before = await all(store)
    const text = [
      line('taken', 'c9', { data: { views: 2, shares: 0 } }),
      line('e1', 'c1'),
      line('taken', 'c9', { data: { views: 1, shares: 0 } }),
    ]
    const r = await Import.run(store, text)()
    expect(E.isLeft(r) && r.left._tag === 'BadInput' && r.left.errors.map((e) => e.line)).toEqual([1])
    expect(await all(store)).toEqual(before)
    const skipping = await Import.run(store, text, { skipBad: true })()
    expect(E.isRight(skipping) && skipping.right).toMatchObject({ read: 3, appended: 1, duplicates: 1 })
    expect(E.isRight(skipping) && skipping.right.skipped.map((s) => [s.line, s.message])).toEqual([
      [
        1,
        'id: got "taken", expected an event id not already stored with other content (IdempotencyConflict: stored in case c9 with different content)',
      ],
    ])
    expect((await all(store)).map((e) => e.id)).toEqual(['taken', 'kept', 'e1'])
  })

  it('an id not stored takes its first line content: a later line with other content is bad, a later copy of the first is not', async () => {
    const store = MemoryEventStore.make()
    const other = { data: { views: 2, shares: 0 } }
    const text = [line('e1', 'c1'), line('e1', 'c1', other), line('e1', 'c1'), line('e1', 'c1', other)]
    const r = await Import.run(store, text, { skipBad: true })()
    expect(E.isRight(r) && r.right.skipped.map((s) => [s.line, s.message])).toEqual([
      [2, 'id: got "e1", expected an event id not already used on line 1 with other content'],
      [4, 'id: got "e1", expected an event id not already used on line 1 with other content'],
    ])
    expect(E.isRight(r) && r.right).toMatchObject({ appended: 1, duplicates: 1 })
  })

  it('asks about each further content of an id in a round of its own, so each answer names its line', async () => {
    const inner = MemoryEventStore.make()
    await taken(inner)
    const asked: string[][] = []
    const store: EventStore.EventStore = {
      ...inner,
      conflicts: (events) => {
        asked.push(events.map((e) => e.id))
        return inner.conflicts(events)
      },
    }
    const text = [
      line('taken', 'c9', { data: { views: 3, shares: 0 } }),
      line('e1', 'c1'),
      line('taken', 'c9', { data: { views: 2, shares: 0 } }),
      line('taken', 'c9', { data: { views: 1, shares: 0 } }),
    ]
    const r = await Import.run(store, text)()
    expect(E.isLeft(r) && r.left._tag === 'BadInput' && r.left.errors.map((e) => e.line)).toEqual([1, 3])
    expect(asked).toEqual([['taken', 'e1'], ['taken'], ['taken']])
  })

  it('for any valid file, a line conflicting with a stored event anywhere stores nothing and is the line reported', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('c1', 'c2'), fc.nat(20)), { minLength: 1, maxLength: 20 }),
        fc.nat(),
        fc.constantFrom('c9', 'c1'),
        fc.integer({ min: 1, max: 4 }),
        async (rows, at, caseId, batchSize) => {
          const store = MemoryEventStore.make()
          await taken(store)
          const before = await all(store)
          const good = rows.map(([c, n]) => line(`${c}-${n}`, c))
          const pos = at % (good.length + 1)
          const lines = [...good.slice(0, pos), line('taken', caseId), ...good.slice(pos)]
          const r = await Import.run(store, lines, { batchSize })()
          expect(E.isLeft(r) && r.left._tag === 'BadInput' && r.left.errors.map((e) => e.line)).toEqual([
            pos + 1,
          ])
          expect(await all(store)).toEqual(before)
        },
      ),
      { numRuns: 100 },
    )
  })

  it('asks the store about each id once, in batches of at most 1000 events', async () => {
    const inner = MemoryEventStore.make()
    const asked: number[] = []
    const store: EventStore.EventStore = {
      ...inner,
      conflicts: (events) => {
        asked.push(events.length)
        return inner.conflicts(events)
      },
    }
    const text = Array.from({ length: 2500 }, (_, i) => line(`e${i}`, `c${i % 7}`))
    const first = await Import.run(store, [...text, ...text])()
    expect(E.isRight(first) && first.right).toMatchObject({ appended: 2500, duplicates: 2500 })
    expect(asked).toEqual([1000, 1000, 500])
  })

  it('a store that cannot answer the check stops the import before any write', async () => {
    const inner = MemoryEventStore.make()
    const store: EventStore.EventStore = {
      ...inner,
      conflicts: () => TE.left(EventStore.unavailable('connection lost')),
    }
    const r = await Import.run(store, [line('e1', 'c1'), line('e2', 'c2')])()
    if (E.isRight(r) || r.left._tag !== 'StoreFailed') throw new Error('expected StoreFailed')
    expect(r.left).toMatchObject({ line: 1, eventId: 'e1', appended: 0, error: { _tag: 'StoreUnavailable' } })
    expect(Import.describe(r.left)).toMatch(/store unavailable: connection lost; nothing was written$/)
    expect(await all(inner)).toEqual([])
  })

  it('another writer storing an id after the check: the append refuses it, the import stops there naming line and id, earlier batches stay', async () => {
    const inner = MemoryEventStore.make()
    // the other writer commits right after the check answered
    const store: EventStore.EventStore = {
      ...inner,
      conflicts: (events) => async () => {
        const answer = await inner.conflicts(events)()
        await inner.append(
          'c9',
          [{ ...(JSON.parse(line('e3', 'c9')) as Recorded), recordedAt: '2026-04-01T15:00:00Z' }],
          'any',
        )()
        return answer
      },
    }
    const r = await Import.run(store, [line('e1', 'c1'), line('e2', 'c1'), line('e3', 'c2')])()
    if (E.isRight(r) || r.left._tag !== 'StoreFailed') throw new Error('expected StoreFailed')
    expect(r.left).toMatchObject({ line: 3, eventId: 'e3', caseId: 'c2', appended: 2 })
    expect(r.left.error._tag).toBe('IdempotencyConflict')
    expect(Import.describe(r.left)).toMatch(
      /^import stopped at line 3 \(event e3, case c2\): event e3 is already stored \(case c9\) with different content \(IdempotencyConflict.*2 events written stay stored/,
    )
    expect((await all(inner)).map((e) => e.id)).toEqual(['e3', 'e1', 'e2'])
  })
})

describe('Import.run: writing', () => {
  it('keeps a given recordedAt and infers a missing one from occurredAt, marking it', async () => {
    const store = MemoryEventStore.make()
    await Import.run(store, [line('e1', 'c1', { recordedAt: '2026-04-02T00:00:00Z' }), line('e2', 'c1')])()
    const [a, b] = await all(store)
    expect(a!.recordedAt).toBe('2026-04-02T00:00:00Z')
    expect(a!.meta).toBeUndefined()
    expect(b!.recordedAt).toBe('2026-04-01T08:00:00-07:00')
    expect(b!.meta).toEqual({ recordedAtInferred: true })
  })

  it('re-importing the same file is harmless: everything is a duplicate, nothing changes', async () => {
    const store = MemoryEventStore.make()
    const text = [line('e1', 'c1'), line('e2', 'c2'), line('e3', 'c1'), line('e3', 'c1')].join('\n')
    const first = await Import.run(store, text)()
    expect(E.isRight(first) && first.right).toMatchObject({ appended: 3, duplicates: 1, cases: 2 })
    const before = await all(store)
    const again = await Import.run(store, text)()
    expect(E.isRight(again) && again.right).toMatchObject({ read: 4, appended: 0, duplicates: 4 })
    expect(await all(store)).toEqual(before)
  })

  it('stops on an unavailable store with the first line of the failed batch', async () => {
    const store = MemoryEventStore.make()
    await store.close()
    const r = await Import.run(store, [line('e1', 'c1'), line('e2', 'c1')])()
    expect(E.isLeft(r) && r.left._tag === 'StoreFailed' && [r.left.line, r.left.error._tag]).toEqual([
      1,
      'StoreUnavailable',
    ])
  })

  it('batches consecutive events of a case (at most batchSize) with expected revision any', async () => {
    const inner = MemoryEventStore.make()
    const calls: Array<[string, number, EventStore.ExpectedRevision]> = []
    const store: EventStore.EventStore = {
      ...inner,
      append: (caseId, events, expected) => {
        calls.push([caseId, events.length, expected])
        return inner.append(caseId, events, expected)
      },
    }
    const text = ['a1', 'a2', 'a3', 'b1', 'a4', 'a5'].map((id) => line(id, id[0]!))
    await Import.run(store, text, { batchSize: 2 })()
    expect(calls).toEqual([
      ['a', 2, 'any'],
      ['a', 1, 'any'],
      ['b', 1, 'any'],
      ['a', 2, 'any'],
    ])
  })

  it('for any valid file, each case stream holds its events in file order, and a re-import appends nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('c1', 'c2', 'c3'), fc.nat(40)), { maxLength: 60 }),
        fc.integer({ min: 1, max: 7 }),
        async (rows, batchSize) => {
          const lines = rows.map(([c, n]) => line(`${c}-${n}`, c))
          const store = MemoryEventStore.make()
          const r = await Import.run(store, lines, { batchSize })()
          expect(E.isRight(r)).toBe(true)
          const unique = [...new Set(lines)]
          expect(E.isRight(r) && r.right.appended).toBe(unique.length)
          for (const c of ['c1', 'c2', 'c3']) {
            const stream = await store.readStream(c)()
            const ids = E.isRight(stream) ? stream.right.map((s) => s.event.id) : []
            expect(ids).toEqual(
              unique.filter((l) => l.includes(`"caseId":"${c}"`)).map((l) => JSON.parse(l).id),
            )
          }
          const again = await Import.run(store, lines, { batchSize })()
          expect(E.isRight(again) && again.right.appended).toBe(0)
        },
      ),
      { numRuns: 60 },
    )
  })
})

describe('Import.run: lines read in batches (Jsonl.lineBatchesOf), wherever the chunks cut', () => {
  async function* chunks(parts: ReadonlyArray<string | Uint8Array>): AsyncGenerator<string | Uint8Array> {
    yield* parts
  }
  const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
  /** UTF-8 to text, a byte order mark kept as the character it is. */
  const text8 = (b: Uint8Array): string => new TextDecoder('utf-8', { ignoreBOM: true }).decode(b)

  /** The import of `text` read whole, and read as these chunks, each into a fresh store. */
  const both = async (
    text: string,
    parts: ReadonlyArray<string | Uint8Array>,
    options: Import.Options = {},
  ): Promise<readonly [unknown, unknown]> => {
    const run = async (input: Parameters<typeof Import.run>[1]): Promise<unknown> => {
      const store = MemoryEventStore.make()
      const r = await Import.run(store, input, options)()
      return { r, stored: await all(store) }
    }
    return [await run(text), await run(Jsonl.lineBatchesOf(chunks(parts)))]
  }

  it('numbers a bad line right after a chunk boundary as the whole file does', async () => {
    const first = line('e1', 'c1')
    const rest = `${BAD}\n${line('e3', 'c1')}\n`
    for (const [name, parts] of [
      ['boundary after the newline', [`${first}\n`, rest]],
      ['boundary before the newline', [first, `\n${rest}`]],
      ['boundary between \\r and \\n', [`${first}\r`, `\n${rest}`]],
      ['a blank line closing the first chunk', [`${first}\n\n`, rest]],
      ['a byte order mark cut in two', [utf8('\ufeff').slice(0, 2), utf8(`\ufeff${first}\n`).slice(2), rest]],
    ] as const) {
      const text = text8(Buffer.concat(parts.map((p) => (typeof p === 'string' ? utf8(p) : p))))
      const [whole, batched] = await both(text, parts)
      expect(batched, name).toEqual(whole)
      const r = (batched as { r: E.Either<Import.ImportError, Import.Summary> }).r
      const badLine = name === 'a blank line closing the first chunk' ? 3 : 2
      expect(E.isLeft(r) && r.left._tag === 'BadInput' && r.left.errors.map((e) => e.line), name).toEqual([
        badLine,
      ])
    }
  })

  it('gives the result, errors, skipped lines and stored events of the whole text, for any file and any chunks', async () => {
    const kinds = fc.oneof(
      fc.tuple(fc.constantFrom('c1', 'c2'), fc.nat(6)).map(([c, n]) => line(`${c}-${n}`, c)),
      fc.nat(6).map((n) => line(`c1-${n}`, 'c1', { data: { views: 99, shares: 9 } })),
      fc.constantFrom(
        BAD,
        'not json',
        '{}',
        '',
        '   ',
        line('ü-🙂', 'c2', { data: { views: 1, shares: 2 } }),
      ),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.array(kinds, { maxLength: 30 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.boolean(),
        fc.boolean(),
        async (lines, eol, bom, trailing, cuts, asBytes, skipBad) => {
          const text = `${bom ? '\ufeff' : ''}${lines.join(eol)}${trailing ? eol : ''}`
          const bytes = utf8(text)
          const points = [...new Set([0, ...cuts.map((c) => c % (bytes.length + 1)), bytes.length])].sort(
            (a, b) => a - b,
          )
          const parts: Array<string | Uint8Array> = []
          for (let i = 1; i < points.length; i++) {
            const slice = bytes.slice(points[i - 1], points[i])
            parts.push(asBytes ? slice : text8(slice))
          }
          // text cut inside a character is not a real input: cut bytes then
          if (!asBytes && parts.join('') !== text) return
          const [whole, batched] = await both(text, parts, { skipBad, batchSize: 3 })
          expect(batched).toEqual(whole)
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('Import.run: appends in flight', () => {
  /** Events stored, and the appends in flight at most, at once and per case. */
  interface Watched {
    readonly store: EventStore.EventStore
    readonly inner: EventStore.EventStore
    readonly most: () => { readonly all: number; readonly oneCase: number }
  }
  /**
   * A memory store whose appends answer in the order the scheduler picks: `applyAt` 'issue' runs
   * each append when it is issued (a store that runs them in the order given), 'answer' when its
   * answer comes (a store that may run them in any order); appends of the cases in `failing` are refused.
   */
  const watched = (s: fc.Scheduler, applyAt: 'issue' | 'answer', failing: ReadonlySet<string>): Watched => {
    const inner = MemoryEventStore.make()
    const open = new Map<string, number>()
    let all = 0
    let most = { all: 0, oneCase: 0 }
    const store: EventStore.EventStore = {
      ...inner,
      append: (caseId, events, expected) => async () => {
        all++
        open.set(caseId, (open.get(caseId) ?? 0) + 1)
        most = { all: Math.max(most.all, all), oneCase: Math.max(most.oneCase, open.get(caseId)!) }
        const refused = failing.has(caseId)
        const run = () =>
          refused
            ? TE.left<EventStore.StoreError>({ _tag: 'StoreUnavailable', message: `refused ${caseId}` })()
            : inner.append(caseId, events, expected)()
        const early = applyAt === 'issue' ? await run() : undefined
        await s.schedule(Promise.resolve(), caseId)
        const result = early ?? (await run())
        all--
        open.set(caseId, open.get(caseId)! - 1)
        return result
      },
    }
    return { store, inner, most: () => most }
  }
  const cases = fc.constantFrom('c1', 'c2', 'c3', 'c4', 'c5', 'c6')
  const rows = fc.array(fc.tuple(cases, fc.nat(60)), { minLength: 1, maxLength: 80 })

  it('for any file and any order of answers, each case keeps file order, one append per case in flight, at most 64 in all', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        rows,
        fc.constantFrom<'issue' | 'answer'>('issue', 'answer'),
        async (s, rs, at) => {
          const lines = rs.map(([c, n]) => line(`${c}-${n}`, c))
          const w = watched(s, at, new Set())
          const r = await s.waitFor(Import.run(w.store, lines, { batchSize: 3 })())
          const unique = [...new Set(lines)].map((l) => JSON.parse(l) as { id: string; caseId: string })
          expect(E.isRight(r) && r.right.appended).toBe(unique.length)
          const stored = (await all(w.inner)).map((e) => e.id)
          if (at === 'issue') expect(stored).toEqual(unique.map((e) => e.id))
          for (const c of new Set(unique.map((e) => e.caseId)))
            expect(stored.filter((id) => id.startsWith(`${c}-`))).toEqual(
              unique.filter((e) => e.caseId === c).map((e) => e.id),
            )
          expect(w.most().oneCase).toBe(1)
          expect(w.most().all).toBeLessThanOrEqual(64)
        },
      ),
      { numRuns: 150 },
    )
  })

  it('issues appends of other cases before the first answers (a file in time order is not a round trip per event)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (s) => {
        const lines = Array.from({ length: 30 }, (_, i) => line(`e${i}`, `c${i % 6}`))
        const w = watched(s, 'issue', new Set())
        const r = await s.waitFor(Import.run(w.store, lines)())
        expect(E.isRight(r) && r.right.appended).toBe(30)
        expect(w.most().all).toBe(6)
      }),
      { numRuns: 20 },
    )
  })

  it('a refused append stops the import once the appends in flight finish: the earliest line reported, every stored event counted', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        rows,
        fc.subarray(['c1', 'c2', 'c3', 'c4', 'c5', 'c6'], { minLength: 1 }),
        async (s, rs, failing) => {
          const lines = [...new Set(rs.map(([c, n]) => line(`${c}-${n}`, c)))]
          const w = watched(s, 'answer', new Set(failing))
          const r = await s.waitFor(Import.run(w.store, lines, { batchSize: 2 })())
          const stored = await all(w.inner)
          const refused = lines.findIndex((l) => failing.some((c) => l.includes(`"caseId":"${c}"`)))
          if (refused < 0) {
            expect(E.isRight(r)).toBe(true)
            return
          }
          if (E.isRight(r) || r.left._tag !== 'StoreFailed') throw new Error('expected StoreFailed')
          expect(failing).toContain(r.left.caseId)
          expect(r.left.appended).toBe(stored.length)
          expect(r.left.line).toBe(refused + 1)
          expect(stored.every((e) => !failing.includes(e.caseId))).toBe(true)
        },
      ),
      { numRuns: 150 },
    )
  })
})
