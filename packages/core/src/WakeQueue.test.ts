import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as WakeQueue from './WakeQueue.js'

type Op =
  | { readonly op: 'set'; readonly key: string; readonly at: number | null }
  | { readonly op: 'delete'; readonly key: string }
  | { readonly op: 'pop'; readonly now: number }

const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h')
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), key, at: fc.option(fc.integer({ min: 0, max: 100 })) }),
  fc.record({ op: fc.constant('delete' as const), key }),
  fc.record({ op: fc.constant('pop' as const), now: fc.integer({ min: 0, max: 100 }) }),
)

describe('WakeQueue', () => {
  it('behaves like a sorted map of key → instant under any sequence of operations', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const q = WakeQueue.make()
        const model = new Map<string, number>()
        for (const o of ops) {
          if (o.op === 'set') {
            q.set(o.key, o.at)
            if (o.at === null) model.delete(o.key)
            else model.set(o.key, o.at)
          } else if (o.op === 'delete') {
            expect(q.delete(o.key)).toBe(model.delete(o.key))
          } else {
            const expected = [...model]
              .filter(([, at]) => at <= o.now)
              .sort(([ka, a], [kb, b]) => a - b || (ka < kb ? -1 : 1))
              .map(([k, at]) => ({ key: k, at }))
            for (const e of expected) model.delete(e.key)
            expect(q.popDue(o.now)).toEqual(expected)
          }
          expect(q.size()).toBe(model.size)
          const min = [...model].sort(([ka, a], [kb, b]) => a - b || (ka < kb ? -1 : 1))[0]
          expect(q.peek()).toEqual(min === undefined ? undefined : { key: min[0], at: min[1] })
          for (const [k, at] of model) expect(q.get(k)).toBe(at)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('reschedules a key in place instead of adding it twice', () => {
    const q = WakeQueue.make()
    q.set('x', 10)
    q.set('y', 5)
    q.set('x', 1)
    expect(q.size()).toBe(2)
    expect(q.peek()).toEqual({ key: 'x', at: 1 })
    q.set('x', 20)
    expect(q.popDue(15)).toEqual([{ key: 'y', at: 5 }])
    expect(q.popDue(25)).toEqual([{ key: 'x', at: 20 }])
    expect(q.peek()).toBeUndefined()
  })

  it('lists every scheduled entry once, with its current instant', () => {
    const q = WakeQueue.make()
    for (let i = 0; i < 3000; i++) q.set(`k${i}`, i % 97)
    for (let i = 0; i < 3000; i += 3) q.delete(`k${i}`)
    q.set('k1', 1000)
    q.popDue(5)
    const entries = q.entries()
    expect(entries).toHaveLength(q.size())
    const rebuilt = WakeQueue.make()
    for (const e of entries) rebuilt.set(e.key, e.at)
    expect(rebuilt.popDue(Number.POSITIVE_INFINITY)).toEqual(q.popDue(Number.POSITIVE_INFINITY))
  })
})
