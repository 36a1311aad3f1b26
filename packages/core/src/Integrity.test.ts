import * as fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { beforeEach, describe, expect, it } from 'vitest'
import type { Recorded } from './Envelope.js'
import type { EventStore, StoredEvent } from './EventStore.js'
import * as Integrity from './Integrity.js'
import * as MemoryEventStore from './MemoryEventStore.js'

const at = (minute: number): string => `2026-01-01T10:${String(minute).padStart(2, '0')}:00Z`

const ev = (caseId: string, n: number, text = 'hello'): Recorded =>
  ({
    id: `${caseId}-${n}`,
    type: 'CaseReopened',
    caseId,
    occurredAt: at(n),
    recordedAt: at(n),
    data: { reason: text },
  }) as Recorded

const collect = async (it: AsyncIterable<StoredEvent>): Promise<StoredEvent[]> => {
  const out: StoredEvent[] = []
  for await (const s of it) out.push(s)
  return out
}

async function* from(list: ReadonlyArray<StoredEvent>): AsyncIterable<StoredEvent> {
  yield* list
}

const must = async <A>(t: () => Promise<E.Either<unknown, A>>): Promise<A> => {
  const r = await t()
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left))
  return r.right
}

describe('Integrity', () => {
  let store: EventStore
  let history: StoredEvent[]

  beforeEach(async () => {
    store = Integrity.sealed(MemoryEventStore.make())
    await must(store.append('a', [ev('a', 0), ev('a', 1)], 'no_stream'))
    await must(store.append('b', [ev('b', 2)], 'any'))
    await must(store.append('a', [ev('a', 3)], 'any'))
    await must(Integrity.checkpoint(store, at(4)))
    await must(store.append('b', [ev('b', 5)], 'any'))
    history = await collect(store.readAll())
  })

  it('verifies an event whose data held an array hole when it was sealed (stored as null)', async () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the case under test
    const holed = { ...ev('c', 6), data: { reason: 'x', list: [1, , 3] } } as Recorded
    await must(store.append('c', [holed], 'any'))
    const report = await Integrity.verify(store.readAll())
    expect(report.failure).toBeNull()
    expect(report.events).toBe(6)
  })

  it('verifies an untouched history and reports its chain head', async () => {
    const report = await Integrity.verify(from(history))
    expect(report.failure).toBeNull()
    expect(report.ok).toBe(true)
    expect(report.events).toBe(5)
    expect(report.streams).toBe(2)
    expect(report.head.digest).toMatch(/^[0-9a-f]{64}$/)
    expect(report.head).toEqual(await Integrity.head(from(history)))
  })

  it('chains each event to the previous one of its stream', () => {
    const a = history.filter((s) => s.event.caseId === 'a').map((s) => Integrity.sealFrom(s.event)!)
    expect(a[0]!.prev).toBeNull()
    expect(a[1]!.prev).toBe(a[0]!.hash)
    expect(a[2]!.prev).toBe(a[1]!.hash)
  })

  it('keeps the chain intact when a batch is retried', async () => {
    await must(store.append('a', [ev('a', 3), ev('a', 6)], 'any'))
    const report = await Integrity.verify(store.readAll())
    expect(report.failure).toBeNull()
    expect(report.events).toBe(6)
  })

  it('keeps the chain intact when a batch repeats an event (the store keeps it once)', async () => {
    await must(store.append('c', [ev('c', 7), ev('c', 7), ev('c', 8)], 'no_stream'))
    const c = (await collect(store.readAll())).filter((s) => s.event.caseId === 'c')
    expect(c.map((s) => s.event.id)).toEqual(['c-7', 'c-8'])
    expect((await Integrity.verify(store.readAll())).failure).toBeNull()
  })

  it('seals a store-side sealable event into the bytes and hash seal gives', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.option(fc.stringMatching(/^[0-9a-f]{64}$/)),
        (text, prev) => {
          const e = {
            ...ev('a', 1, text),
            meta: { integrity: { alg: 'sha256', prev: 'x', hash: 'y' }, note: text },
          }
          const sealed = Integrity.seal(e as unknown as Recorded, prev)
          const parts = Integrity.sealedBody(Integrity.sealable(e as unknown as Recorded), prev)
          expect(parts.body).toBe(JSON.stringify(sealed))
          expect(parts.hash).toBe(Integrity.sealFrom(sealed)!.hash)
        },
      ),
    )
  })

  it('names an event whose content was edited', async () => {
    const edited = history.map((s) =>
      s.event.id === 'a-1' ? { ...s, event: { ...s.event, data: { reason: 'edited' } } as Recorded } : s,
    )
    const report = await Integrity.verify(from(edited))
    expect(report.ok).toBe(false)
    const position = history.find((s) => s.event.id === 'a-1')!.position
    expect(report.failure).toMatchObject({ eventId: 'a-1', position, problem: 'content_altered' })
    // where `--until` reaches it: a read up to that position holds the altered event last
    expect(Integrity.describeFailure(report.failure!)).toContain(
      `(event a-1, position ${position}): content altered`,
    )
  })

  it('names the log position of the failing event, none when no event can be named', async () => {
    const b5 = history.find((s) => s.event.id === 'b-5')!
    const other = await Integrity.verify(from(history), { expect: { events: 5, digest: 'f'.repeat(64) } })
    expect(other.failure).toMatchObject({
      eventId: 'b-5',
      position: b5.position,
      problem: 'checkpoint_mismatch',
    })
    const deleted = history.filter((s) => s.event.id !== 'a-1')
    const a3 = history.find((s) => s.event.id === 'a-3')!
    expect((await Integrity.verify(from(deleted))).failure?.position).toBe(a3.position)
    const empty = await Integrity.verify(from([]), { expect: { events: 1, digest: 'f'.repeat(64) } })
    expect(empty.failure).toMatchObject({ eventId: '(none)', problem: 'checkpoint_mismatch' })
    expect(empty.failure).not.toHaveProperty('position')
    expect(Integrity.describeFailure(empty.failure!)).toContain('(event (none)): checkpoint mismatch')
  })

  it('names the first event after a reordering inside a stream', async () => {
    const i = history.findIndex((s) => s.event.id === 'a-0')
    const j = history.findIndex((s) => s.event.id === 'a-1')
    const swapped = [...history]
    swapped[i] = { ...history[j]!, revision: 0 }
    swapped[j] = { ...history[i]!, revision: 1 }
    const report = await Integrity.verify(from(swapped))
    expect(report.failure).toMatchObject({ eventId: 'a-1', problem: 'order_or_presence_altered' })
  })

  it('names the event after one deleted from the middle of a stream', async () => {
    const deleted = history.filter((s) => s.event.id !== 'a-1')
    const report = await Integrity.verify(from(deleted))
    expect(report.failure).toMatchObject({ eventId: 'a-3', problem: 'order_or_presence_altered' })
  })

  it('catches the deletion of the last events before a checkpoint', async () => {
    const deleted = history.filter((s) => s.event.id !== 'a-3')
    const report = await Integrity.verify(from(deleted))
    expect(report.ok).toBe(false)
    expect(report.failure?.problem).toBe('checkpoint_mismatch')
  })

  it('catches a whole stream removed before a checkpoint', async () => {
    const deleted = history.filter((s) => s.event.caseId !== 'b')
    const report = await Integrity.verify(from(deleted))
    expect(report.failure?.problem).toBe('checkpoint_mismatch')
  })

  it('catches a duplicated event', async () => {
    const i = history.findIndex((s) => s.event.id === 'b-2')
    const duplicated = [...history.slice(0, i + 1), { ...history[i]!, revision: 1 }, ...history.slice(i + 1)]
    const report = await Integrity.verify(from(duplicated))
    expect(report.failure).toMatchObject({ eventId: 'b-2', problem: 'order_or_presence_altered' })
  })

  it('catches an unsealed event slipped into the log', async () => {
    const slipped = [...history, { event: ev('c', 9), revision: 0, position: 'x' }]
    const report = await Integrity.verify(from(slipped))
    expect(report.failure).toMatchObject({ eventId: 'c-9', problem: 'unsealed' })
  })

  it('checks the history against a head kept elsewhere, catching events removed from the end', async () => {
    const kept = (await Integrity.verify(from(history))).head
    expect((await Integrity.verify(from(history), { expect: kept })).ok).toBe(true)
    // the last event of b was removed: no chain inside the log shows it, the kept head does
    const truncated = history.filter((s) => s.event.id !== 'b-5')
    expect((await Integrity.verify(from(truncated))).ok).toBe(true)
    const r = await Integrity.verify(from(truncated), { expect: kept })
    expect(r.failure?.problem).toBe('checkpoint_mismatch')
    // a head of another history of the same length does not match
    const other = await Integrity.verify(from(history), { expect: { events: 5, digest: 'f'.repeat(64) } })
    expect(other.failure).toMatchObject({ eventId: 'b-5', problem: 'checkpoint_mismatch' })
  })

  it('names a stored event that no longer parses as altered content', async () => {
    const broken: StoredEvent = {
      get event(): Recorded {
        return JSON.parse('{"id":') as Recorded
      },
      revision: 2,
      position: '7',
    }
    const r = await Integrity.verify(from([...history.slice(0, 2), broken]))
    expect(r.failure).toMatchObject({ revision: 2, position: '7', problem: 'content_altered' })
  })

  it('writes a checkpoint only for a new head, and none for a history that does not verify', async () => {
    await must(Integrity.checkpoint(store, at(6)))
    await must(Integrity.checkpoint(store, at(7)))
    const cps = await must(store.readStream(Integrity.CHECKPOINT_CASE))
    expect(cps.length).toBe(2)
    const raw = MemoryEventStore.make()
    await must(raw.append('x', [ev('x', 0)], 'no_stream'))
    const refused = await Integrity.checkpoint(Integrity.sealed(raw), at(8))()
    expect(E.isLeft(refused) && refused.left._tag).toBe('InvalidAppend')
  })

  it('gives the same verdicts with the checkpoint counts read beforehand (flat memory)', async () => {
    const counts = await must(Integrity.checkpointCounts(store))
    expect([...counts]).toEqual([4])
    const intact = await Integrity.verify(from(history), { checkpointCounts: counts })
    expect(intact).toEqual(await Integrity.verify(from(history)))
    const cut = history.filter((s) => s.event.id !== 'a-3')
    const r = await Integrity.verify(from(cut), { checkpointCounts: counts })
    expect(r.failure?.problem).toBe('checkpoint_mismatch')
    const edited = history.map((s) =>
      s.event.caseId === Integrity.CHECKPOINT_CASE
        ? { ...s, event: { ...s.event, data: { count: 4, head: 'f'.repeat(64) } } as unknown as Recorded }
        : s,
    )
    const forged = await Integrity.verify(from(edited), { checkpointCounts: counts })
    expect(forged.failure?.problem).toBe('checkpoint_mismatch')
  })
})

describe('Integrity.sealed remembers stream heads', () => {
  /** A store that counts the reads of each stream. */
  const counting = (raw: EventStore): { readonly store: EventStore; readonly reads: string[] } => {
    const reads: string[] = []
    return {
      reads,
      store: {
        ...raw,
        readStream: (caseId) => {
          reads.push(caseId)
          return raw.readStream(caseId)
        },
      },
    }
  }

  it('seals the next append to a stream it appended to without reading the stream', async () => {
    const raw = counting(MemoryEventStore.make())
    const store = Integrity.sealed(raw.store)
    await must(store.append('a', [ev('a', 0)], 'any'))
    await must(store.append('a', [ev('a', 1), ev('a', 2)], 'any'))
    await must(store.append('a', [ev('a', 3)], 2))
    expect(raw.reads).toEqual(['a'])
    const report = await Integrity.verify(store.readAll())
    expect(report.failure).toBeNull()
    expect(report.events).toBe(4)
  })

  it('takes the head from a read of the stream, as a command handler reads before it appends', async () => {
    const raw = counting(MemoryEventStore.make())
    const writer = Integrity.sealed(MemoryEventStore.make())
    await must(writer.append('a', [ev('a', 0)], 'any'))
    const other = Integrity.sealed(raw.store)
    for (const s of await must(writer.readStream('a'))) await must(raw.store.append('a', [s.event], 'any'))
    const read = await must(other.readStream('a'))
    await must(other.append('a', [ev('a', 1)], read[read.length - 1]!.revision))
    expect(raw.reads).toEqual(['a'])
    const report = await Integrity.verify(other.readAll())
    expect(report.failure).toBeNull()
    expect(report.events).toBe(2)
  })

  it('reads the stream again when another writer moved it, and keeps one chain', async () => {
    const raw = counting(MemoryEventStore.make())
    const one = Integrity.sealed(raw.store)
    const two = Integrity.sealed(raw.store)
    await must(one.append('a', [ev('a', 0)], 'any'))
    await must(two.append('a', [ev('a', 1)], 'any'))
    await must(one.append('a', [ev('a', 2)], 'any'))
    expect(raw.reads).toEqual(['a', 'a', 'a'])
    const report = await Integrity.verify(one.readAll())
    expect(report.failure).toBeNull()
    expect(report.events).toBe(3)
  })

  it('checks an append repeating a known event id against the stored events', async () => {
    const raw = counting(MemoryEventStore.make())
    const store = Integrity.sealed(raw.store)
    await must(store.append('a', [ev('a', 0), ev('a', 1)], 'any'))
    const repeat = await must(store.append('a', [ev('a', 1), ev('a', 2)], 'any'))
    expect(repeat.appended).toBe(1)
    const conflict = await store.append('a', [ev('a', 2, 'changed')], 'any')()
    expect(E.isLeft(conflict)).toBe(true)
    expect(raw.reads).toEqual(['a', 'a', 'a'])
    expect((await Integrity.verify(store.readAll())).events).toBe(3)
  })

  it('forgets the least recently appended streams beyond rememberedStreams, and none are kept at 0', async () => {
    const lru = counting(MemoryEventStore.make())
    const one = Integrity.sealed(lru.store, { rememberedStreams: 1 })
    for (const [c, n] of [
      ['a', 0],
      ['b', 1],
      ['a', 2],
      ['a', 3],
    ] as const)
      await must(one.append(c, [ev(c, n)], 'any'))
    expect(lru.reads).toEqual(['a', 'b', 'a'])
    const none = counting(MemoryEventStore.make())
    const zero = Integrity.sealed(none.store, { rememberedStreams: 0 })
    for (const n of [0, 1, 2]) await must(zero.append('a', [ev('a', n)], 'any'))
    expect(none.reads).toEqual(['a', 'a', 'a'])
  })

  it('gives the history an unremembering wrapper gives, for any interleaving of two writers with reads and repeats', async () => {
    const step = fc.record({
      writer: fc.integer({ min: 0, max: 1 }),
      caseId: fc.constantFrom('a', 'b', 'c'),
      first: fc.integer({ min: 0, max: 11 }),
      count: fc.integer({ min: 1, max: 3 }),
      expected: fc.oneof(
        fc.constantFrom<'any' | 'no_stream'>('any', 'no_stream'),
        fc.integer({ min: 0, max: 6 }),
      ),
      readFirst: fc.boolean(),
    })
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 25 }),
        fc.integer({ min: 0, max: 2 }),
        async (steps, remembered) => {
          const play = async (rememberedStreams: number) => {
            const raw = MemoryEventStore.make()
            const writers = [0, 1].map(() => Integrity.sealed(raw, { rememberedStreams }))
            const outcomes: string[] = []
            for (const s of steps) {
              if (s.readFirst)
                outcomes.push(`read ${(await must(writers[s.writer]!.readStream(s.caseId))).length}`)
              const events = Array.from({ length: s.count }, (_, k) => ev(s.caseId, s.first + k))
              const r = await writers[s.writer]!.append(s.caseId, events, s.expected)()
              outcomes.push(E.isLeft(r) ? r.left._tag : `${r.right.revision}/${r.right.appended}`)
            }
            const stored = await collect(raw.readAll())
            return {
              outcomes,
              history: stored.map((x) => x.event),
              ok: (await Integrity.verify(from(stored))).ok,
            }
          }
          const expected = await play(0)
          const actual = await play(remembered + 1)
          expect(actual).toEqual(expected)
          expect(actual.ok).toBe(true)
        },
      ),
      { numRuns: 150 },
    )
  })
})
