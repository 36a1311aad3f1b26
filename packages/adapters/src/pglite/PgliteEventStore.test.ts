import { type EventStore, Integrity, PersonalData } from '@docket/core'
import { collect, ok, testEvent, until } from '@docket/core/testing'
import { eventStoreContract } from '@docket/core/testing/contract'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, describe, expect, it } from 'vitest'
import * as Migrations from '../internal/migrations.js'
import { expectRareReportsRead, expectTypeIndexPlan, planNodes, rareReports } from '../internal/pgTest.js'
import { pageQuery } from '../internal/sql.js'
import * as PgliteEventStore from './PgliteEventStore.js'

// One embedded database for the file (starting PGlite takes seconds); each store gets its own schema.
const db = await PGlite.create()
const schemas = new Map<EventStore.EventStore, string>()
let n = 0

afterAll(() => db.close())

eventStoreContract(
  'PGlite (memory)',
  async () => {
    const schema = `contract_${++n}`
    const store = await PgliteEventStore.make(db, { schema, pollMs: 200, pageSize: 128 })
    schemas.set(store, schema)
    return store
  },
  {
    dispose: async (store) => {
      await store.close()
      await db.exec(`DROP SCHEMA "${schemas.get(store)}" CASCADE`)
    },
  },
)

describe('PGlite schema upgrade', () => {
  it('takes a version-1 store to the latest version, keeping its log and appending after it', async () => {
    const schema = `upgrade_${++n}`
    const s = Migrations.quote(schema)
    // version 1 exactly as a DBA applied it, with one event already stored
    await db.exec(Migrations.script(schema).split('-- migration 2')[0]!)
    const first = testEvent('c', 0)
    await db.query(
      `INSERT INTO ${s}.events (position, stream, revision, event_id, type, occurred_at, recorded_at, body)
       VALUES (1, 'c', 0, $1, $2, $3, $4, $5)`,
      [first.id, first.type, first.occurredAt, first.recordedAt, JSON.stringify(first)],
    )
    await expect(PgliteEventStore.make(db, { schema, migrate: false })).rejects.toThrow(/at version 1/)
    const store = await PgliteEventStore.make(db, { schema })
    try {
      const version = await db.query<{ v: number }>(`SELECT max(version) AS v FROM ${s}.schema_migrations`)
      expect(version.rows[0]!.v).toBe(Migrations.LATEST)
      // an exact revision on the old stream and no_stream on a new one, issued together
      const [c, d] = await Promise.all([
        ok(store.append('c', [testEvent('c', 1)], 0)),
        ok(store.append('d', [testEvent('d', 0), testEvent('d', 1)], 'no_stream')),
      ])
      expect(c).toEqual({ revision: 1, appended: 1, position: '2' })
      expect(d).toEqual({ revision: 1, appended: 2, position: '4' })
      const all = await collect(store.readAll())
      expect(all.map((e) => [e.event.caseId, e.revision, e.position])).toEqual([
        ['c', 0, '1'],
        ['c', 1, '2'],
        ['d', 0, '3'],
        ['d', 1, '4'],
      ])
    } finally {
      await store.close()
      await db.exec(`DROP SCHEMA ${s} CASCADE`)
    }
  })
})

/** Runs `body` on a store of its own schema (sealed or not), then closes it and drops the schema. */
const withStore = async (
  seal: boolean,
  body: (store: EventStore.EventStore) => Promise<void>,
): Promise<void> => {
  const schema = `values_${++n}`
  const store = await PgliteEventStore.make(db, { schema, seal })
  try {
    await body(store)
  } finally {
    await store.close()
    await db.exec(`DROP SCHEMA "${schema}" CASCADE`)
  }
}

describe('PGlite store given an event that is not JSON', () => {
  it.each([false, true])('answers InvalidAppend (seal: %s), stores nothing and keeps appending', (seal) =>
    withStore(seal, async (store) => {
      const bad = testEvent('c', 0, { data: { n: 1n } } as never)
      const r = await store.append('c', [testEvent('c', 1), bad], 'any')()
      expect(r._tag === 'Left' && r.left._tag).toBe('InvalidAppend')
      expect(r._tag === 'Left' && r.left._tag === 'InvalidAppend' && r.left.message).toMatch(
        /cannot be written as JSON/,
      )
      await ok(store.append('c', [testEvent('c', 2)], 'no_stream'))
      expect((await collect(store.readAll())).length).toBe(1)
    }),
  )
})

describe('PGlite store given values JSON writes its own way (a Date, a boxed number)', () => {
  it.each([false, true])(
    'stores them as JSON.stringify writes them; the seal verifies and a retry is a no-op (seal: %s)',
    (seal) =>
      withStore(seal, async (store) => {
        const e = testEvent('c', 0, {
          data: { reason: 'x', at: new Date('2026-01-02T03:04:05Z'), n: Object(3) },
        } as never)
        expect((await ok(store.append('c', [e], 'no_stream'))).appended).toBe(1)
        const [stored] = await collect(store.readAll())
        expect(stored!.event.data).toEqual({ reason: 'x', at: '2026-01-02T03:04:05.000Z', n: 3 })
        const report = await Integrity.verify(store.readAll())
        expect(report.failure?.problem ?? null).toBe(seal ? null : 'unsealed')
        expect((await ok(store.append('c', [e], 'any'))).appended).toBe(0)
      }),
  )
})

describe('PGlite NOTIFY channel of a long schema name', () => {
  it('a subscription on a schema too long for docket_<schema> is woken by an append (hashed channel)', async () => {
    const schema = `long_${++n}_`.padEnd(60, 'x')
    // polls once a minute: a live event seen sooner came by NOTIFY
    const store = await PgliteEventStore.make(db, { schema, pollMs: 60_000 })
    const controller = new AbortController()
    const seen: EventStore.StoredEvent[] = []
    const following = (async () => {
      for await (const e of store.subscribe({ signal: controller.signal })) seen.push(e)
    })()
    try {
      await new Promise((r) => setTimeout(r, 200))
      await ok(store.append('c', [testEvent('c', 0)], 'no_stream'))
      await until(() => seen.length === 1, 5_000)
      expect(seen.length).toBe(1)
    } finally {
      controller.abort()
      await following
      await store.close()
      await db.exec(`DROP SCHEMA "${schema}" CASCADE`)
    }
  })
})

describe('PGlite reads by type', () => {
  it('a page of rare types reads the (type, position) index, never the whole log (what Erasure.erase reads)', async () => {
    const schema = `types_${++n}`
    const store = await PgliteEventStore.make(db, { schema })
    try {
      await rareReports(store, 100)
      await db.exec(`ANALYZE "${schema}".events`)
      const q = pageQuery(`"${schema}".events`, '0', 128, PersonalData.TYPES, undefined)
      const explained = await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${q.text}`, [
        ...q.params,
      ])
      expectTypeIndexPlan(planNodes(explained.rows[0]!['QUERY PLAN']))
      await expectRareReportsRead(store, 100)
    } finally {
      await store.close()
      await db.exec(`DROP SCHEMA "${schema}" CASCADE`)
    }
  })
})
