/**
 * Differential property: for any sequence of appends (repeats, conflicts,
 * wrong revisions, ids reused across cases), the SQL store on PGlite answers
 * exactly as the in-memory reference store, and both end with the same log,
 * also when appends are issued concurrently (and so committed in groups).
 * A sealing SQL store (`seal: true`, sealing inside its own append) stores
 * the very bytes the memory store stores through `Integrity.sealed`.
 */
import { type EventStore, Integrity, MemoryEventStore, type Recorded } from '@docket/core'
import { collect } from '@docket/core/testing'
import { PGlite } from '@electric-sql/pglite'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import * as PgliteEventStore from './PgliteEventStore.js'

const db = await PGlite.create()
afterAll(() => db.close())

const CASES = ['a', 'b', '$c']

const op = fc.record({
  caseIdx: fc.integer({ min: 0, max: CASES.length - 1 }),
  events: fc.array(
    fc.record({ id: fc.integer({ min: 0, max: 7 }), variant: fc.integer({ min: 0, max: 1 }) }),
    {
      minLength: 1,
      maxLength: 3,
    },
  ),
  expected: fc.oneof(
    fc.constant<EventStore.ExpectedRevision>('any'),
    fc.constant<EventStore.ExpectedRevision>('no_stream'),
    fc.integer({ min: 0, max: 5 }),
  ),
})

const eventOf = (caseId: string, id: number, variant: number): Recorded =>
  ({
    id: `e${id}`,
    type: 'x-test.Noted',
    caseId,
    occurredAt: '2026-03-01T10:00:00Z',
    recordedAt: `2026-03-01T10:00:0${variant}Z`,
    // strings a seal must hash as JavaScript does: quotes, escapes, non-ASCII, astral, a lone surrogate, NUL
    data: {
      variant,
      text: ['plain', 'quote " back \\ tab \t', 'é ü 中文', '😀 𝄞', '\ud800 lone', 'nul \u0000'][id % 6],
    },
  }) as Recorded

const view = (events: ReadonlyArray<EventStore.StoredEvent>) =>
  events.map((e) => ({ json: e.json ?? JSON.stringify(e.event), revision: e.revision, position: e.position }))

let n = 0

describe.each([
  { seal: false, reference: 'the memory store' },
  { seal: true, reference: 'the memory store through Integrity.sealed' },
])('PGlite store (seal: $seal) against $reference', ({ seal }) => {
  it('answers every append alike and ends with the same log', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 15 }),
        fc.integer({ min: 1, max: 6 }),
        async (ops, chunk) => {
          const schema = `diff_${++n}`
          const memory = seal ? Integrity.sealed(MemoryEventStore.make()) : MemoryEventStore.make()
          const sql = await PgliteEventStore.make(db, { schema, seal })
          try {
            // ops run in concurrent chunks: the SQL store commits a chunk as one group, in call order
            for (let i = 0; i < ops.length; i += chunk) {
              const calls = ops.slice(i, i + chunk).map((o) => {
                const caseId = CASES[o.caseIdx]!
                return [caseId, o.events.map((e) => eventOf(caseId, e.id, e.variant)), o.expected] as const
              })
              // the reference one by one, in call order: what a group must be equivalent to
              const expected = []
              for (const [c, es, x] of calls) expected.push(await memory.append(c, es, x)())
              const actual = await Promise.all(calls.map(([c, es, x]) => sql.append(c, es, x)()))
              expect(actual).toEqual(expected)
            }
            const log = await collect(sql.readAll())
            expect(view(log)).toEqual(view(await collect(memory.readAll())))
            if (seal) expect((await Integrity.verify(sql.readAll())).failure).toBeNull()
            for (const c of CASES) {
              const m = await memory.readStream(c)()
              const s = await sql.readStream(c)()
              expect(s._tag === 'Right' && view(s.right)).toEqual(m._tag === 'Right' && view(m.right))
            }
          } finally {
            await sql.close()
            await db.exec(`DROP SCHEMA "${schema}" CASCADE`)
          }
        },
      ),
      { numRuns: 40 },
    )
  }, 120_000)
})
