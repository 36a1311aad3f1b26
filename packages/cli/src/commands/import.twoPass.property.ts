/**
 * The property the store tests check (`import.twoPass.test.ts` on the memory store and PGlite,
 * `import.twoPass.integration.test.ts` on PostgreSQL): `Import.runTwice` gives `Import.run`'s
 * result and stored events, for any file, stored ids, skipBad, batchSize and checkBatch.
 */
import { type EventStore, Import, type Recorded } from '@docket/core'
import fc from 'fast-check'
import { expect, it } from 'vitest'

/** An event line: id, case and a content (`views`). */
export const line = (id: string, caseId: string, views: number): string =>
  JSON.stringify({
    id,
    type: 'ExposureObserved',
    caseId,
    occurredAt: '2026-04-01T08:00:00-07:00',
    data: { views, shares: 1 },
  })

const BAD = '{"id":"b","type":"ExposureObserved","caseId":"c1","occurredAt":"2026-04-01T08:00:00","data":{}}'

/** Every stored event, in global order. */
export const all = async (store: EventStore.EventStore): Promise<Recorded[]> => {
  const out: Recorded[] = []
  for await (const s of store.readAll()) out.push(s.event)
  return out
}

/** A line of few ids, cases and contents (so that ids repeat, with the same or other content), or a bad or blank one. */
const anyLine = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(fc.nat(5), fc.constantFrom('c1', 'c2'), fc.nat(2))
      .map(([n, c, v]) => line(`e${n}`, c, v)),
  },
  { weight: 1, arbitrary: fc.constantFrom(BAD, 'not json', '', '{}') },
)

/** Registers the property, each run on two fresh stores from `make`. */
export const sameAsRun = (make: () => Promise<EventStore.EventStore>, numRuns: number): void => {
  it('gives the result, errors, summary and stored events of Import.run, for any file, stored ids, skipBad, batchSize and checkBatch', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(anyLine, { maxLength: 25 }),
        fc.array(fc.tuple(fc.nat(5), fc.constantFrom('c1', 'c9'), fc.nat(2)), { maxLength: 4 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        async (lines, stored, skipBad, batchSize, checkBatch) => {
          const seed = stored.map(([n, c, v]) => line(`e${n}`, c, v))
          const once = await make()
          const twice = await make()
          try {
            for (const s of [once, twice]) await Import.run(s, seed, { skipBad: true })()
            const expected = await Import.run(once, lines, { skipBad, batchSize })()
            const got = await Import.runTwice(twice, () => lines, { skipBad, batchSize, checkBatch })()
            expect(got).toEqual(expected)
            expect(await all(twice)).toEqual(await all(once))
          } finally {
            await once.close()
            await twice.close()
          }
        },
      ),
      { numRuns },
    )
  }, 120_000)
}
