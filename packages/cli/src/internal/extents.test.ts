import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Extents from './extents.js'

// the caller's side: it tells twins apart by the key in the record (here, a model of the file)
const lookup = (x: Extents.Extents, file: Map<number, string>, key: string) =>
  x.candidates(key).find((c) => file.get(c.extent.pos) === key)

describe('Extents', () => {
  it('finds what was added and not removed, with twins and growth (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 300 })), { maxLength: 2_000 }),
        fc.boolean(),
        (ops, weak) => {
          // a weak hash makes many keys twins
          const x = Extents.make(1, weak ? (k) => [k.length % 3, 7] : undefined)
          const file = new Map<number, string>()
          const model = new Map<string, number>()
          let pos = 0
          for (const [add, n] of ops) {
            const key = `c${n}`
            const found = lookup(x, file, key)
            expect(found?.extent.pos).toBe(model.get(key))
            if (found !== undefined) {
              x.remove(found.slot)
              model.delete(key)
            }
            if (add) {
              pos++
              file.set(pos, key)
              x.add(key, { pos, len: n })
              model.set(key, pos)
            }
          }
          expect(x.size()).toBe(model.size)
          for (const [key, p] of model)
            expect(lookup(x, file, key)?.extent).toEqual({ pos: p, len: Number(key.slice(1)) })
        },
      ),
      { numRuns: 100 },
    )
  })
})
