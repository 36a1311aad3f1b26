import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type * as EventStore from '../EventStore.js'
import * as MemoryEventStore from '../MemoryEventStore.js'
import * as WatchState from './watchState.js'

const wakes = (n: number): Array<readonly [string, number]> =>
  Array.from({ length: n }, (_, i) => [`case-${i}-${'x'.repeat(20)}`, 1_700_000_000_000 + i] as const)

describe('the process manager checkpoint', () => {
  it('round-trips, in chunks of bounded size when the cases are many', async () => {
    const { checkpoints } = MemoryEventStore.make()
    const state = { position: '42', wakes: wakes(20_000) }
    await WatchState.save(checkpoints, 'pm', 'f1', state)
    expect(await WatchState.load(checkpoints, 'pm', 'f1')).toEqual(E.right(state))
    const chunks = WatchState.encodeChunks(state.wakes)
    expect(chunks.length).toBeGreaterThan(1)
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(1 << 18)
    // none is an empty queue too
    await WatchState.save(checkpoints, 'empty', 'f1', { position: '7', wakes: [] })
    expect(await WatchState.load(checkpoints, 'empty', 'f1')).toEqual(E.right({ position: '7', wakes: [] }))
  })

  it('is Missing, Unreadable or Incompatible rather than trusted when it should not be', async () => {
    const { checkpoints } = MemoryEventStore.make()
    expect(await WatchState.load(checkpoints, 'pm', 'f1')).toEqual(E.left({ _tag: 'Missing' }))
    await WatchState.save(checkpoints, 'pm', 'f1', { position: '3', wakes: wakes(3) })
    // other profile or rules
    const other = await WatchState.load(checkpoints, 'pm', 'f2')
    expect(E.isLeft(other) && other.left._tag).toBe('Incompatible')
    // another version: 1 planned every repeat report's escalation, which version 2 groups
    const manifest = JSON.parse((await checkpoints.load('pm/state'))!) as Record<string, unknown>
    await checkpoints.save('pm/state', JSON.stringify({ ...manifest, version: 1 }))
    const old = await WatchState.load(checkpoints, 'pm', 'f1')
    expect(E.isLeft(old) && old.left).toEqual({
      _tag: 'Incompatible',
      message: 'saved by format version 1, not 2',
    })
    // not JSON, not the shape, chunks of another save
    for (const [text, expected] of [
      ['{"version":', /^manifest: /],
      [JSON.stringify({ ...manifest, position: 3 }), /^manifest: .*position/],
      [JSON.stringify({ ...manifest, digest: '0' }), /do not match/],
      [JSON.stringify({ ...manifest, chunks: 2 }), /chunk 1 of 2 is missing/],
    ] as const) {
      await checkpoints.save('pm/state', text)
      const r = await WatchState.load(checkpoints, 'pm', 'f1')
      expect(E.isLeft(r) && r.left._tag).toBe('Unreadable')
      expect(E.isLeft(r) && r.left._tag === 'Unreadable' && r.left.message).toMatch(expected)
      expect(E.isLeft(r) && WatchState.describe(r.left)).toMatch(/unreadable/)
    }
  })

  it('a save that dies before its manifest leaves the previous checkpoint whole', async () => {
    const store = MemoryEventStore.make()
    const first = { position: '10', wakes: wakes(30_000) }
    await WatchState.save(store.checkpoints, 'pm', 'f', first)
    let saves = 0
    const dying: EventStore.CheckpointStore = {
      load: store.checkpoints.load,
      save: async (name, value) => {
        if (++saves > 1) throw new Error('killed')
        await store.checkpoints.save(name, value)
      },
    }
    await expect(
      WatchState.save(dying, 'pm', 'f', { position: '11', wakes: wakes(40_000).reverse() }),
    ).rejects.toThrow('killed')
    expect(await WatchState.load(store.checkpoints, 'pm', 'f')).toEqual(E.right(first))
    // and the next save that completes replaces it
    const third = { position: '12', wakes: wakes(5) }
    await WatchState.save(store.checkpoints, 'pm', 'f', third)
    expect(await WatchState.load(store.checkpoints, 'pm', 'f')).toEqual(E.right(third))
  })
})
