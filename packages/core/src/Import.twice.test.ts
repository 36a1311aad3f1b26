import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { describe, expect, it } from 'vitest'
import type { Recorded } from './Envelope.js'
import * as EventStore from './EventStore.js'
import * as Import from './Import.js'
import * as MemoryEventStore from './MemoryEventStore.js'

const line = (id: string, caseId: string, views = 10): string =>
  JSON.stringify({
    id,
    type: 'ExposureObserved',
    caseId,
    occurredAt: '2026-04-01T08:00:00-07:00',
    data: { views, shares: 1 },
  })

const all = async (store: EventStore.EventStore): Promise<string[]> => {
  const out: Recorded[] = []
  for await (const s of store.readAll()) out.push(s.event)
  return out.map((e) => e.id)
}

/** A first read of `first`, every later read of `second`. */
const reads = (first: ReadonlyArray<string>, second: ReadonlyArray<string>) => {
  let n = 0
  return () => (n++ === 0 ? first : second)
}

describe('Import.runTwice: reading the input twice', () => {
  it('reads the input twice, asking the store while reading and appending while reading again: no event is held for the whole file', async () => {
    const inner = MemoryEventStore.make()
    let yielded = 0
    let reads = 0
    async function* counted(lines: ReadonlyArray<string>): AsyncGenerator<string> {
      reads++
      for (const l of lines) {
        yielded++
        yield l
      }
    }
    // when each call is made: lines yielded so far, and the events it carries
    const asked: Array<[number, number]> = []
    const appended: Array<[number, number]> = []
    const store: EventStore.EventStore = {
      ...inner,
      conflicts: (events) => {
        asked.push([yielded, events.length])
        return inner.conflicts(events)
      },
      append: (caseId, events, expected) => {
        appended.push([yielded, events.length])
        return inner.append(caseId, events, expected)
      },
    }
    const lines = Array.from({ length: 100 }, (_, i) => line(`e${i}`, 'c1'))
    const r = await Import.runTwice(store, () => counted(lines), { checkBatch: 10, batchSize: 7 })()
    expect(E.isRight(r) && r.right).toMatchObject({ read: 100, appended: 100, cases: 1 })
    expect(reads).toBe(2)
    // the store is asked about each 10 events as soon as they are read
    expect(asked).toEqual(Array.from({ length: 10 }, (_, i) => [10 * (i + 1), 10]))
    // each append is made one line after its batch, during the second read
    expect(appended.slice(0, -1)).toEqual(Array.from({ length: 14 }, (_, i) => [100 + 7 * (i + 1) + 1, 7]))
    expect(appended.at(-1)).toEqual([200, 2])
  })

  it('a store that cannot answer the check stops it before any write, as Import.run does', async () => {
    const store: EventStore.EventStore = {
      ...MemoryEventStore.make(),
      conflicts: () => TE.left(EventStore.unavailable('connection lost')),
    }
    const lines = [line('e1', 'c1'), line('e2', 'c2')]
    const twice = await Import.runTwice(store, () => lines)()
    expect(twice).toEqual(await Import.run(store, lines)())
    expect(E.isLeft(twice) && twice.left).toMatchObject({ _tag: 'StoreFailed', line: 1, appended: 0 })
  })
})

describe('Import.runTwice: an input that changes between the reads', () => {
  const lines = ['a1', 'a2', 'a3', 'b1', 'b2'].map((id) => line(id, id[0]!))

  it('a line that is another event the second time stops before its batch: earlier batches stay', async () => {
    const store = MemoryEventStore.make()
    const second = [...lines.slice(0, 3), line('b1', 'b', 11), lines[4]!]
    const r = await Import.runTwice(store, reads(lines, second), { batchSize: 2 })()
    expect(E.isLeft(r) && r.left).toEqual({
      _tag: 'InputChanged',
      line: 4,
      reason: 'line 4 is not the event it was on the first read',
      appended: 2,
      duplicates: 0,
    })
    expect(await all(store)).toEqual(['a1', 'a2'])
    if (E.isLeft(r))
      expect(Import.describe(r.left)).toBe(
        'the input changed while it was imported (line 4 is not the event it was on the first read): ' +
          'import stopped at line 4; 2 events written before it stay stored, and importing the file again completes it',
      )
  })

  it('a line that no longer decodes, or decodes now, stops there', async () => {
    for (const [first, second, reason] of [
      [lines, [lines[0]!, 'not json', ...lines.slice(2)], 'line 2 no longer decodes'],
      [
        [lines[0]!, 'not json', ...lines.slice(2)],
        lines,
        'line 2 decodes now, and did not on the first read',
      ],
    ] as const) {
      const store = MemoryEventStore.make()
      const r = await Import.runTwice(store, reads(first, second), { skipBad: true })()
      expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'InputChanged', line: 2, reason, appended: 0 })
      expect(await all(store)).toEqual([])
    }
  })

  it('lines added, or a line replaced by a copy of an earlier one, are found before the last append', async () => {
    // each line written was checked; the last batch waits for the whole input to compare equal
    for (const [second, reason, stored] of [
      [[...lines, lines[0]!], 'the input has more than the 5 non-blank lines of the first read', 3],
      [lines.slice(0, 4), 'the input has 4 non-blank lines, 5 on the first read', 3],
      [
        [...lines.slice(0, 4), lines[0]!],
        'the input has its lines in another order than on the first read',
        4,
      ],
    ] as const) {
      const store = MemoryEventStore.make()
      const r = await Import.runTwice(store, reads(lines, second), { batchSize: 10 })()
      expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'InputChanged', reason, appended: stored })
      expect(await all(store)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2'].slice(0, stored))
    }
  })

  it('stops when changed gives a reason, before the second read or before the next append', async () => {
    const store = MemoryEventStore.make()
    const before = await Import.runTwice(store, () => lines, { changed: () => 'size 10 then 12' })()
    expect(E.isLeft(before) && before.left).toMatchObject({ _tag: 'InputChanged', line: 0, appended: 0 })
    expect(await all(store)).toEqual([])
    let asked = 0
    const later = await Import.runTwice(store, () => lines, {
      batchSize: 2,
      changed: () => (++asked > 2 ? 'modified' : undefined),
    })()
    expect(E.isLeft(later) && later.left).toMatchObject({
      _tag: 'InputChanged',
      line: 4,
      reason: 'modified',
      appended: 2,
    })
    expect(await all(store)).toEqual(['a1', 'a2'])
  })
})

describe('Import.runTwice: interrupted by its signal', () => {
  const lines = ['a1', 'a2', 'a3', 'b1', 'b2', 'c1'].map((id) => line(id, id[0]!))

  it('aborted while checking, writes nothing', async () => {
    const store = MemoryEventStore.make()
    const ac = new AbortController()
    let n = 0
    async function* aborting(): AsyncGenerator<string> {
      for (const l of lines) {
        if (++n === 3) ac.abort()
        yield l
      }
    }
    const checking = await Import.runTwice(store, aborting, { signal: ac.signal })()
    expect(E.isLeft(checking) && checking.left).toEqual({
      _tag: 'Interrupted',
      line: 0,
      appended: 0,
      duplicates: 0,
    })
    expect(n).toBe(3)
    expect(await all(store)).toEqual([])
    if (E.isLeft(checking))
      expect(Import.describe(checking.left)).toBe(
        'import interrupted while checking the input: nothing was written',
      )
  })

  it('aborted during the appends, stops before the next one once those in flight finish; importing again completes it', async () => {
    const inner = MemoryEventStore.make()
    const ac = new AbortController()
    const store: EventStore.EventStore = {
      ...inner,
      // aborted while the first append is in flight: it finishes, no other is issued
      append: (caseId, events, expected) => {
        ac.abort()
        return inner.append(caseId, events, expected)
      },
    }
    const r = await Import.runTwice(store, () => lines, { batchSize: 2, signal: ac.signal })()
    expect(E.isLeft(r) && r.left).toEqual({ _tag: 'Interrupted', line: 3, appended: 2, duplicates: 0 })
    expect(await all(inner)).toEqual(['a1', 'a2'])
    if (E.isLeft(r))
      expect(Import.describe(r.left)).toBe(
        'import interrupted before line 3: 2 new event(s) written stay stored, the lines from there on were not; importing the input again completes it',
      )
    const again = await Import.runTwice(inner, () => lines, { batchSize: 2 })()
    expect(E.isRight(again) && again.right).toMatchObject({ read: 6, appended: 4, duplicates: 2 })
    expect(await all(inner)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'c1'])
  })

  it('aborted before the last batch is issued, writes no more', async () => {
    const store = MemoryEventStore.make()
    const ac = new AbortController()
    let n = 0
    async function* aborting(): AsyncGenerator<string> {
      for (const l of lines) yield l
      // the end of the second read: the last batch (c1) not yet issued
      if (++n === 2) ac.abort()
    }
    const r = await Import.runTwice(store, aborting, { signal: ac.signal })()
    expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'Interrupted', line: 6, appended: 5 })
    expect(await all(store)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2'])
  })

  it('reports its progress every progressEvery lines of each read, checking then storing, and at the end of each', async () => {
    const store = MemoryEventStore.make()
    const input = [line('a1', 'a'), line('a2', 'a'), line('b1', 'b'), line('b2', 'b'), line('c1', 'c')]
    const seen: Import.Progress[] = []
    const r = await Import.runTwice(store, () => input, {
      batchSize: 1,
      progressEvery: 2,
      onProgress: (p) => seen.push(p),
    })()
    expect(E.isRight(r)).toBe(true)
    const at = (phase: Import.Progress['phase'], lines: number, done: boolean) => ({ phase, lines, done })
    expect(seen.map((p) => at(p.phase, p.lines, p.done))).toEqual([
      at('checking', 2, false),
      at('checking', 4, false),
      at('checking', 5, true),
      at('storing', 2, false),
      at('storing', 4, false),
      at('storing', 5, true),
    ])
    expect(seen.every((p) => p.total === (p.phase === 'checking' ? null : 5))).toBe(true)
    expect(seen.at(-1)).toMatchObject({ appended: 5, duplicates: 0 })
    expect(seen.filter((p) => p.phase === 'checking').every((p) => p.appended === 0)).toBe(true)
  })
})
