import { describe, expect, it } from 'vitest'
import * as MemoryEventStore from '../MemoryEventStore.js'
import { ok, testEvent } from '../testing/StoreFixtures.js'
import * as PositionCheckpoint from './positionCheckpoint.js'

describe('PositionCheckpoint', () => {
  it('saves and loads a position of the store, and refuses anything else there, naming the checkpoint and the value', async () => {
    const store = MemoryEventStore.make()
    const { position } = await ok(store.append('c1', [testEvent('c1', 0)], 'any'))
    expect(await PositionCheckpoint.load(store, 'w')).toBeUndefined()
    await PositionCheckpoint.save(store, 'w', position)
    expect(await PositionCheckpoint.load(store, 'w')).toBe(position)
    const refusal =
      'checkpoint "w" holds "12/34", which is not a position of this store (not a position of the memory store: "12/34")'
    // refused before it is saved: what was there stays
    await expect(PositionCheckpoint.save(store, 'w', '12/34')).rejects.toThrow(refusal)
    expect(await store.checkpoints.load('w')).toBe(position)
    // saved past the check (by hand, or by another kind of store): refused when loaded
    await store.checkpoints.save('w', '12/34')
    await expect(PositionCheckpoint.load(store, 'w')).rejects.toThrow(refusal)
    expect(PositionCheckpoint.notPosition(store, position)).toBeUndefined()
  })
})
