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

  it('names an event whose content was edited', async () => {
    const edited = history.map((s) =>
      s.event.id === 'a-1' ? { ...s, event: { ...s.event, data: { reason: 'edited' } } as Recorded } : s,
    )
    const report = await Integrity.verify(from(edited))
    expect(report.ok).toBe(false)
    expect(report.failure).toMatchObject({ eventId: 'a-1', problem: 'content_altered' })
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
    expect(r.failure).toMatchObject({ revision: 2, problem: 'content_altered' })
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
