/**
 * Differential property of the index of data subjects (schema versions 7 and 8): for any log of reports,
 * reviews and other events naming random subjects, `EventStore.casesOfSubject` on memory (a scan),
 * PGlite and PostgreSQL (when the server answers), bare or encrypted (`PersonalData.protect`), gives
 * what erasure's scan of `PersonalData.TYPES` gives, for every subject named, `case:<id>` and
 * subjects never seen, before and after an erasure; and the subject ids are stored in clear.
 */
import {
  Erasure,
  type EventStore,
  KeyStore,
  MemoryEventStore,
  PersonalData,
  type Recorded,
} from '@docket/core'
import { collect, ok, Services } from '@docket/core/testing'
import { PGlite } from '@electric-sql/pglite'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, describe, expect, it } from 'vitest'
import * as PgliteEventStore from '../pglite/PgliteEventStore.js'
import * as PostgresEventStore from '../postgres/PostgresEventStore.js'
import { dropSchema } from './pgTest.js'

const url = Services.pgUrl()
const pgRuns = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the PostgreSQL side of the subject index differential (PGlite and memory run anyway)',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

const CASES = ['a', 'b', "o'brien", 'ünï-🚨']
/** Subjects, with ids a database text cannot hold (NUL, a lone surrogate), `?` (the unreadable key), `case:…`. */
const SUBJECTS = ['alice', 'bob', 'case:a', 'case:b', '?', '', 'x\u0000y', '\ud800', 'ünï "q"\n']
const NEVER = ['nobody', 'case:zzz', 'case:', 'case:x\u0000']

const subject = fc.oneof(fc.constantFrom(...SUBJECTS), fc.constant(7), fc.constant(null))
const person = fc.record(
  { subjectId: subject, name: fc.constant('N'), email: fc.constant(null), dateOfBirth: fc.constant('2010') },
  { requiredKeys: [] },
)

const event = fc.oneof(
  fc.record({
    type: fc.constant('ContentReported'),
    data: fc.record(
      { reporter: fc.oneof(person, fc.constant([])), victim: person, text: fc.constant('t') },
      { requiredKeys: [] },
    ),
  }),
  fc.record({
    type: fc.constant('ReviewDecided'),
    data: fc.record({ explanation: fc.constant('why') }, { requiredKeys: [] }),
    meta: fc.option(fc.record({ subjectId: subject }, { requiredKeys: [] }), { nil: undefined }),
  }),
  // not a type that holds personal fields: names no one
  fc.record({ type: fc.constant('CaseClosed'), data: fc.record({ reporter: person }) }),
)

const append = fc.record({
  caseIdx: fc.integer({ min: 0, max: CASES.length - 1 }),
  events: fc.array(event, { minLength: 1, maxLength: 3 }),
})

/** The store without its index: `Erasure.casesOf` then scans. */
const scanned = (store: EventStore.EventStore): EventStore.EventStore => {
  const { casesOfSubject: _, ...rest } = store
  return rest
}

const right = async <A>(te: () => Promise<E.Either<unknown, A>>): Promise<A> => {
  const r = await te()
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left))
  return r.right
}

const db = await PGlite.create()
afterAll(() => db.close())
let n = 0

describe('casesOfSubject on memory, PGlite and PostgreSQL, bare and encrypted', () => {
  it("gives erasure's scan answer for every subject, before and after an erasure", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(append, { minLength: 0, maxLength: 12 }),
        fc.constantFrom(...SUBJECTS),
        async (appends, erased) => {
          const schema = `subject_index_${process.pid}_${++n}`
          const keys = KeyStore.memory()
          const bare: Array<readonly [string, EventStore.EventStore]> = [
            ['memory', MemoryEventStore.make()],
            ['pglite', await PgliteEventStore.make(db, { schema })],
            ['pglite encrypted', await PgliteEventStore.make(db, { schema: `${schema}_e` })],
          ]
          if (pgRuns)
            bare.push(
              ['postgres', await PostgresEventStore.make(url, { schema, max: 2 })],
              ['postgres encrypted', await PostgresEventStore.make(url, { schema: `${schema}_e`, max: 2 })],
            )
          const stores = bare.map(
            ([name, s]) => [name, name.endsWith('encrypted') ? PersonalData.protect(s, keys) : s] as const,
          )
          try {
            const written: Recorded[] = []
            for (const [i, a] of appends.entries()) {
              const caseId = CASES[a.caseIdx]!
              const events = a.events.map(
                (e, k) =>
                  ({
                    ...e,
                    id: `e${i}-${k}`,
                    caseId,
                    occurredAt: '2026-03-01T10:00:00Z',
                    recordedAt: '2026-03-01T10:00:00Z',
                  }) as Recorded,
              )
              written.push(...events)
              for (const [, s] of stores) await ok(s.append(caseId, events, 'any'))
            }
            // encrypted or not, the rows name the subjects the events name: their ids are stored in clear
            for (const [, s] of bare)
              expect((await collect(s.readAll())).map((r) => PersonalData.subjectsOf(r.event))).toEqual(
                written.map(PersonalData.subjectsOf),
              )
            // schema version 8: what the append wrote in `subjects` is what subject_ids reads from the body
            for (const x of [schema, `${schema}_e`]) {
              const s = `"${x}"`
              const differ = await db.query(
                `SELECT event_id FROM ${s}.events WHERE subjects IS NOT NULL AND subjects IS DISTINCT FROM ${s}.subject_ids(body)`,
              )
              expect(differ.rows).toEqual([])
            }
            const expectIndexIsScan = async (): Promise<void> => {
              for (const subjectId of [...SUBJECTS, ...NEVER, ...CASES.map((c) => `case:${c}`)]) {
                const expected = await right(Erasure.casesOf(scanned(stores[0]![1]), subjectId))
                expect(expected).toEqual(PersonalData.casesNaming(subjectId, written))
                for (const [name, s] of stores) {
                  expect(s.casesOfSubject, name).toBeDefined()
                  expect({ name, subjectId, cases: await right(s.casesOfSubject!(subjectId)) }).toEqual({
                    name,
                    subjectId,
                    cases: expected,
                  })
                  expect(await right(Erasure.casesOf(scanned(s), subjectId))).toEqual(expected)
                }
              }
            }
            await expectIndexIsScan()
            for (const [name, s] of stores) {
              const r = await Erasure.erase(s, keys, erased, { at: '2026-03-02T00:00:00Z' })()
              expect({ name, erased: E.isRight(r) && r.right.cases }).toEqual({
                name,
                erased: PersonalData.casesNaming(erased, written),
              })
            }
            await expectIndexIsScan()
          } finally {
            for (const [, s] of bare) await s.close()
            for (const x of [schema, `${schema}_e`]) await db.exec(`DROP SCHEMA IF EXISTS "${x}" CASCADE`)
            if (pgRuns) for (const x of [schema, `${schema}_e`]) await dropSchema(url, x)
          }
        },
      ),
      { numRuns: 40 },
    )
  }, 240_000)

  it('writes subjects on the checked path too (a group repeating a stored event), sealed or not', async () => {
    for (const seal of [false, true]) {
      const schema = `subject_checked_${process.pid}_${seal}`
      const store = await PgliteEventStore.make(db, { schema, seal })
      try {
        const report = (id: string, subjectId: string): Recorded =>
          ({
            id,
            type: 'ContentReported',
            caseId: 'c',
            occurredAt: '2026-03-01T10:00:00Z',
            recordedAt: '2026-03-01T10:00:00Z',
            data: { reporter: { subjectId } },
          }) as unknown as Recorded
        await ok(store.append('c', [report('e1', 'alice')], 'no_stream'))
        // e1 is stored already: the fast append declines and the checked one writes e2
        expect(
          await ok(store.append('c', [report('e1', 'alice'), report('e2', 'bob')], 'any')),
        ).toMatchObject({
          revision: 1,
          appended: 1,
        })
        const rows = await db.query<{ event_id: string; subjects: string[] | null }>(
          `SELECT event_id, subjects FROM "${schema}".events ORDER BY position`,
        )
        expect(rows.rows).toEqual([
          { event_id: 'e1', subjects: ['alice'] },
          { event_id: 'e2', subjects: ['bob'] },
        ])
      } finally {
        await store.close()
        await db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      }
    }
  })
})
