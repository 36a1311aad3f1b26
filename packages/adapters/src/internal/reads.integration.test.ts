/**
 * Differential property of the reads: for any workload of appends, `readAll`
 * with any combination of `after`, `until`, `types` and `partition` gives the
 * same events (ids, positions, revisions, stored JSON) on PGlite (keyset
 * pages), on PostgreSQL (the streamed portal, when the server answers) and on
 * the in-memory reference store; `head()` too. Pages and stream batches are a
 * few rows, so that every read crosses their boundaries.
 */
import { type EventStore, Integrity, MemoryEventStore, type Recorded } from '@docket/core'
import { collect, ok, Services } from '@docket/core/testing'
import { PGlite } from '@electric-sql/pglite'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import * as PgliteEventStore from '../pglite/PgliteEventStore.js'
import * as PostgresEventStore from '../postgres/PostgresEventStore.js'
import { dropSchema } from './pgTest.js'

const url = Services.pgUrl()
const pgRuns = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the PostgreSQL side of the read differential (PGlite and memory run anyway)',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

const CASES = ['a', 'b', '$c', 'ünï-🚨', "o'brien", Integrity.CHECKPOINT_CASE]
const TYPES = ['x-test.Noted', 'CaseClosed', 'ContentReported']

const append = fc.record({
  caseIdx: fc.integer({ min: 0, max: CASES.length - 1 }),
  types: fc.array(fc.integer({ min: 0, max: TYPES.length - 1 }), { minLength: 1, maxLength: 3 }),
})

/** A position given as `after` or `until`: before the log, in it, or beyond its end. */
const position = fc.option(fc.integer({ min: 0, max: 45 }), { nil: undefined })

const read = fc.record({
  after: position,
  until: position,
  types: fc.option(
    fc.array(fc.constantFrom(...TYPES, 'x-test.Unknown'), { maxLength: 4 }), // duplicates and [] included
    { nil: undefined },
  ),
  partition: fc.option(
    fc
      .integer({ min: 1, max: 4 })
      .chain((count) =>
        fc.record({ count: fc.constant(count), index: fc.integer({ min: 0, max: count - 1 }) }),
      ),
    { nil: undefined },
  ),
})

type ReadSpec = typeof read extends fc.Arbitrary<infer T> ? T : never

const options = (r: ReadSpec): EventStore.ReadAllOptions => ({
  ...(r.after === undefined ? {} : { after: String(r.after) }),
  ...(r.until === undefined ? {} : { until: String(r.until) }),
  ...(r.types === undefined ? {} : { types: r.types }),
  ...(r.partition === undefined ? {} : { partition: r.partition }),
})

const view = (events: ReadonlyArray<EventStore.StoredEvent>) =>
  events.map((e) => [e.event.id, e.position, e.revision, e.json ?? JSON.stringify(e.event)])

const db = await PGlite.create()
afterAll(() => db.close())
let n = 0

describe('readAll on memory, PGlite and PostgreSQL', () => {
  it('gives the same events for any after, until, types and partition, over any workload', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(append, { minLength: 0, maxLength: 20 }),
        fc.array(read, { minLength: 1, maxLength: 12 }),
        async (appends, reads) => {
          const schema = `reads_${process.pid}_${++n}`
          const stores: Array<readonly [string, EventStore.EventStore]> = [
            ['memory', MemoryEventStore.make()],
            ['pglite', await PgliteEventStore.make(db, { schema, pageSize: 3 })],
          ]
          if (pgRuns)
            stores.push([
              'postgres',
              await PostgresEventStore.make(url, { schema, max: 2, pageSize: 3, streamBatch: 2 }),
            ])
          try {
            for (const [i, a] of appends.entries()) {
              const caseId = CASES[a.caseIdx]!
              const events = a.types.map(
                (t, k) =>
                  ({
                    id: `e${i}-${k}`,
                    type: TYPES[t]!,
                    caseId,
                    occurredAt: '2026-03-01T10:00:00Z',
                    recordedAt: '2026-03-01T10:00:00Z',
                    data: { i, k },
                  }) as Recorded,
              )
              for (const [, s] of stores) await ok(s.append(caseId, events, 'any'))
            }
            const heads = await Promise.all(stores.map(([, s]) => s.head()))
            expect(new Set(heads).size).toBe(1)
            for (const r of reads) {
              const o = options(r)
              const [reference, ...others] = await Promise.all(
                stores.map(async ([name, s]) => [name, view(await collect(s.readAll(o)))] as const),
              )
              for (const [name, got] of others)
                expect({ store: name, options: o, events: got }).toEqual({
                  store: name,
                  options: o,
                  events: reference![1],
                })
            }
          } finally {
            for (const [, s] of stores) await s.close()
            await db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
            if (pgRuns) await dropSchema(url, schema)
          }
        },
      ),
      { numRuns: 40 },
    )
  }, 240_000)
})
