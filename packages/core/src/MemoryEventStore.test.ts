import { describe, expect, it } from 'vitest'
import * as MemoryEventStore from './MemoryEventStore.js'
import { eventStoreContract } from './testing/EventStoreContract.js'
import { collect, ok, testEvent } from './testing/StoreFixtures.js'

eventStoreContract('memory', () => Promise.resolve(MemoryEventStore.make()))

describe('MemoryEventStore', () => {
  it('starts with the initial events in order', async () => {
    const initial = [testEvent('a', 0), testEvent('b', 0), testEvent('a', 1)]
    const s = MemoryEventStore.make({ initial })
    expect((await collect(s.readAll())).map((e) => [e.event.id, e.revision, e.position])).toEqual([
      [initial[0]!.id, 0, '1'],
      [initial[1]!.id, 0, '2'],
      [initial[2]!.id, 1, '3'],
    ])
    expect((await ok(s.append('a', [testEvent('a', 2)], 1))).revision).toBe(2)
  })

  it('refuses duplicate ids in the initial events', () => {
    const e = testEvent('a', 0)
    expect(() => MemoryEventStore.make({ initial: [e, e] })).toThrow(/duplicate/)
  })

  it('compares positions numerically, not as text', async () => {
    const s = MemoryEventStore.make()
    expect(s.comparePositions('9', '10')).toBeLessThan(0)
    expect(s.comparePositions('10', '10')).toBe(0)
  })
})
