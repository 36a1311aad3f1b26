/**
 * Test support for the PostgreSQL integration tests: dropping the schema a
 * test created, through a connection of its own, and a fixture that closes
 * the stores each test opened and drops its schemas. Not used by the stores.
 */
import { Erasure, type EventStore, KeyStore, PersonalData, type Recorded } from '@docket/core'
import { collect, ok, testEvent } from '@docket/core/testing'
import * as E from 'fp-ts/lib/Either.js'
import pg from 'pg'
import { afterAll, afterEach, expect } from 'vitest'

/** Drops `schema` and everything in it, if it exists (close the stores using it first). */
export const dropSchema = async (url: string, schema: string): Promise<void> => {
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  try {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    await admin.end()
  }
}

/** What {@link schemas} gives a test file. */
export interface Schemas {
  /** A fresh schema name (`<prefix>_<pid>_<n>`), dropped after the file's tests. */
  readonly fresh: () => string
  /** Closes `store` after the current test (connections are a shared budget on the test server). */
  readonly keep: <S extends EventStore.EventStore>(store: S) => S
}

/** Registers vitest hooks (call it inside a `describe`) closing each test's stores and dropping the schemas at the end. */
export const schemas = (url: string, prefix: string): Schemas => {
  const admin = new pg.Pool({ connectionString: url, max: 2 })
  const made: string[] = []
  const open: EventStore.EventStore[] = []
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close()
  })
  afterAll(async () => {
    for (const schema of made) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await admin.end()
  })
  return {
    fresh: () => {
      const schema = `${prefix}_${process.pid}_${made.length}`
      made.push(schema)
      return schema
    },
    keep: (store) => {
      open.push(store)
      return store
    },
  }
}

/**
 * Appends `cases` cases of 20 events each, the first a `ContentReported` naming the subject `s<i>`, the
 * others platform events: a log in which the types that can hold personal data are rare.
 */
export const rareReports = async (store: EventStore.EventStore, cases: number): Promise<void> => {
  for (let c = 0; c < cases; c++) {
    const report = testEvent(`c${c}`, 0, {
      type: 'ContentReported',
      data: { reporter: { subjectId: `s${c}`, name: 'N' } },
    } as Partial<Recorded>)
    const rest = Array.from({ length: 19 }, (_, i) => testEvent(`c${c}`, i + 1))
    await ok(store.append(`c${c}`, [report, ...rest], 'any'))
  }
}

/** Every node of the plan an `EXPLAIN (FORMAT JSON)` answers (its `QUERY PLAN` value), as its type and the index or table it reads. */
export const planNodes = (queryPlan: unknown): ReadonlyArray<string> => {
  type Node = Readonly<Record<string, unknown>> & { readonly Plans?: ReadonlyArray<Node> }
  const parsed = (typeof queryPlan === 'string' ? JSON.parse(queryPlan) : queryPlan) as ReadonlyArray<{
    readonly Plan: Node
  }>
  const walk = (node: Node): ReadonlyArray<string> => [
    [node['Node Type'], node['Index Name'] ?? node['Relation Name']].filter(Boolean).join(' '),
    ...(node.Plans ?? []).flatMap(walk),
  ]
  return walk(parsed[0]!.Plan)
}

/** Expects a plan (of {@link planNodes}) to read the `(type, position)` index and neither the whole table nor its primary key. */
export const expectTypeIndexPlan = (nodes: ReadonlyArray<string>): void => {
  expect(
    nodes.some((p) => p.includes('events_type_position_idx')),
    nodes.join(', '),
  ).toBe(true)
  expect(
    nodes.filter((p) => p.startsWith('Seq Scan') || p.includes('events_pkey')),
    nodes.join(', '),
  ).toEqual([])
}

/** Expects a store of {@link rareReports} to read back its `cases` reports by type, and `Erasure.erase` to find subject `s42`'s case. */
export const expectRareReportsRead = async (store: EventStore.EventStore, cases: number): Promise<void> => {
  const read = await collect(store.readAll({ types: [...PersonalData.TYPES, 'ContentReported'] }))
  expect(read.map((s) => s.event.caseId)).toEqual(Array.from({ length: cases }, (_, c) => `c${c}`))
  const erased = await Erasure.erase(store, KeyStore.memory(), 's42', { at: '2026-03-02T00:00:00Z' })()
  expect(E.isRight(erased) && erased.right.cases).toEqual(['c42'])
}
