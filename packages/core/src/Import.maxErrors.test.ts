import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type * as EventStore from './EventStore.js'
import * as Import from './Import.js'
import * as MemoryEventStore from './MemoryEventStore.js'

// A file with many bad lines lists the first `maxErrors` of them, in line order, and counts them
// all; nothing is stored. Bad lines are of both kinds: a line that does not decode (first read)
// and an id given other content than its first line (found on the second read of runTwice).

type Kind = 'good' | 'undecodable' | 'reused'

const text = (kinds: ReadonlyArray<Kind>): ReadonlyArray<string> =>
  kinds.map((k, i) =>
    k === 'undecodable'
      ? `{"id":"b${i}","type":"ExposureObserved","caseId":"c1","occurredAt":"2026-04-01T08:00:00","data":{}}`
      : JSON.stringify({
          // a reused line gives the id `first` other content than the line that first gave it
          id: k === 'reused' ? 'first' : i === 0 ? 'first' : `e${i}`,
          type: 'ExposureObserved',
          caseId: 'c1',
          occurredAt: '2026-04-01T08:00:00Z',
          data: { views: k === 'reused' ? i : 0, shares: 0 },
        }),
  )

/** Lines whose first line is good (the id the reused lines repeat), then `kinds`. */
const input = fc
  .array(fc.constantFrom<Kind>('good', 'undecodable', 'reused'), { minLength: 1, maxLength: 40 })
  .map((kinds) => ['good' as Kind, ...kinds])

describe('Import: maxErrors', () => {
  it('lists the first maxErrors bad lines in line order, counts every one, and stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(input, fc.integer({ min: 1, max: 8 }), async (kinds, max) => {
        const lines = text(kinds)
        const badLines = kinds.flatMap((k, i) => (k === 'good' ? [] : [i + 1]))
        for (const importIt of [
          (s: EventStore.EventStore, o: Import.Options) => Import.run(s, lines, o)(),
          (s: EventStore.EventStore, o: Import.Options) => Import.runTwice(s, () => lines, o)(),
        ]) {
          const store = MemoryEventStore.make()
          const r = await importIt(store, { maxErrors: max })
          if (badLines.length === 0) {
            expect(E.isRight(r)).toBe(true)
            continue
          }
          expect(E.isLeft(r) && r.left._tag).toBe('BadInput')
          if (E.isLeft(r) && r.left._tag === 'BadInput') {
            expect(r.left.errors.map((e) => e.line)).toEqual(badLines.slice(0, max))
            expect(r.left.bad).toBe(badLines.length)
            expect(r.left.read).toBe(lines.length)
          }
          let stored = 0
          for await (const _ of store.readAll()) stored++
          expect(stored).toBe(0)
          // skipping lists every bad line, whatever maxErrors says
          const skipping = await importIt(MemoryEventStore.make(), { maxErrors: max, skipBad: true })
          expect(E.isRight(skipping) && skipping.right.skipped.map((s) => s.line)).toEqual(badLines)
        }
      }),
      { numRuns: 60 },
    )
  })

  it('refuses a maxErrors that is not a whole number ≥ 1 (a bug in the caller)', async () => {
    await expect(Import.run(MemoryEventStore.make(), [], { maxErrors: 0 })()).rejects.toThrow(
      /maxErrors must be an integer ≥ 1/,
    )
  })
})
