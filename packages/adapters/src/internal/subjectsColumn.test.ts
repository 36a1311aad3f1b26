/**
 * Schema version 8's `subjects`, written by the append: for any event JSON, `subjectsColumn` gives
 * what `subject_ids(body)` reads on the server (PGlite), or `null` so that the server reads it itself.
 */
import { PGlite } from '@electric-sql/pglite'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Migrations from './migrations.js'

const db = await PGlite.create()
const schema = `subjects_column_${process.pid}`
const s = Migrations.quote(schema)
beforeAll(async () => {
  await db.exec(Migrations.script(schema))
})
afterAll(() => db.close())

/** What the server reads from `body`, and the column as the server would store it. */
const server = async (body: string, column: string | null): Promise<{ read: unknown; column: unknown }> =>
  (
    await db.query<{ read: unknown; column: unknown }>(
      `SELECT ${s}.subject_ids($1) AS read, $2::text[] AS column`,
      [body, column],
    )
  ).rows[0]!

const subjectId = fc.oneof(
  fc.constantFrom('alice', '', '?', 'x\u0000y', '\ud800', 'ünï "q"\\ {a,b}', 'NULL', '🚨', 'a\u0001b'),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.jsonValue({ maxDepth: 2 }),
)
const holder = fc.oneof(
  fc.record({ subjectId, name: fc.constant('N') }, { requiredKeys: [] }),
  fc.jsonValue({ maxDepth: 2 }),
)
const body = fc.record(
  {
    id: fc.string({ unit: 'binary', maxLength: 6 }),
    type: fc.constantFrom('ContentReported', 'ReviewDecided', 'CaseClosed'),
    data: fc.oneof(
      fc.record({ reporter: holder, victim: holder }, { requiredKeys: [] }),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    meta: fc.oneof(fc.record({ subjectId }, { requiredKeys: [] }), fc.jsonValue({ maxDepth: 1 })),
  },
  { requiredKeys: ['type'] },
)

describe('subjectsColumn (schema version 8)', () => {
  it('is what subject_ids reads, or null for the server to read', async () => {
    let read = 0
    await fc.assert(
      fc.asyncProperty(body, async (e) => {
        const text = JSON.stringify(e)
        const column = Migrations.subjectsColumn(e.type, text)
        if (column === null) return
        read += 1
        const r = await server(text, column)
        expect(r.column).toEqual(r.read)
      }),
      { numRuns: 500 },
    )
    // most bodies of the indexed types are read by the append, not left to the server
    expect(read).toBeGreaterThan(150)
  })

  it('reads the usual report and review, and leaves other types and odd bodies to the server', async () => {
    const report = JSON.stringify({ type: 'ContentReported', data: { reporter: { subjectId: 'a"b\\c' } } })
    expect(Migrations.subjectsColumn('ContentReported', report)).toBe('{"a\\"b\\\\c"}')
    expect((await server(report, '{"a\\"b\\\\c"}')).read).toEqual(['a"b\\c'])
    expect(Migrations.subjectsColumn('ReviewDecided', '{"data":{},"meta":{}}')).toBe('{}')
    expect(Migrations.subjectsColumn('CaseClosed', report)).toBeNull()
    expect(Migrations.subjectsColumn('ContentReported', '{"broken')).toBeNull()
    expect(Migrations.subjectsColumn('ContentReported', JSON.stringify({ data: { x: '\u0000' } }))).toBeNull()
    expect(Migrations.subjectsColumn('ContentReported', '{"meta":{"subjectId":7}}')).toBeNull()
    expect(
      Migrations.subjectsColumn('ContentReported', `${'['.repeat(1_001)}${']'.repeat(1_001)}`),
    ).toBeNull()
  })
})
