import { testEvent } from '@docket/core/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as EsdbEventStore from './EsdbEventStore.js'

describe('EventStoreDB mapping (no server needed)', () => {
  it('writes positions as commit/prepare and orders them by commit, then prepare', () => {
    const big = fc.bigInt({ min: 0n, max: 2n ** 63n })
    fc.assert(
      fc.property(big, big, big, big, (c1, p1, c2, p2) => {
        const a = EsdbEventStore.formatPosition({ commit: c1, prepare: p1 })
        const b = EsdbEventStore.formatPosition({ commit: c2, prepare: p2 })
        expect(EsdbEventStore.parsePosition(a)).toEqual({ commit: c1, prepare: p1 })
        const expected = c1 !== c2 ? (c1 < c2 ? -1 : 1) : p1 === p2 ? 0 : p1 < p2 ? -1 : 1
        expect(EsdbEventStore.comparePositions(a, b)).toBe(expected)
      }),
    )
  })

  it('refuses positions of other stores', () => {
    expect(() => EsdbEventStore.parsePosition('42')).toThrow(/EventStoreDB position/)
  })

  it('never names a stream with a leading $', () => {
    fc.assert(
      fc.property(fc.string(), (id) => {
        expect(EsdbEventStore.claimStream(id).startsWith('$')).toBe(false)
        expect(EsdbEventStore.checkpointStream(id)).toMatch(/^docket-checkpoint-[A-Za-z0-9_.~%-]*$/)
      }),
    )
  })

  it('maps expected revisions exactly', () => {
    expect(EsdbEventStore.expectedRevision('no_stream')).toBe('no_stream')
    expect(EsdbEventStore.expectedRevision('any')).toBe('any')
    expect(EsdbEventStore.expectedRevision(41)).toBe(41n)
  })

  it('accepts kurrentdb:// as esdb://', () => {
    expect(EsdbEventStore.normaliseUrl('kurrentdb://localhost:2113?tls=false')).toBe(
      'esdb://localhost:2113?tls=false',
    )
    expect(EsdbEventStore.normaliseUrl('kurrentdb+discover://a,b,c')).toBe('esdb+discover://a,b,c')
    expect(EsdbEventStore.normaliseUrl('esdb://x:2113')).toBe('esdb://x:2113')
  })

  it('refuses an event that cannot be written as JSON before it claims or sends anything, as the other stores do', async () => {
    // nothing listens on port 1: a refusal that reached the server would be StoreUnavailable
    const store = await EsdbEventStore.make('esdb://127.0.0.1:1?tls=false')
    try {
      const cycle: Record<string, unknown> = {}
      cycle.self = cycle
      for (const data of [{ n: 1n }, cycle]) {
        const r = await store.append('c', [testEvent('c', 0), testEvent('c', 1, { data } as never)], 'any')()
        expect(r._tag === 'Left' && r.left).toMatchObject({
          _tag: 'InvalidAppend',
          message: expect.stringMatching(/^an event cannot be written as JSON: /),
        })
      }
    } finally {
      await store.close()
    }
  }, 20_000)
})
