/**
 * Migrations 3 (the partition key), 4 to 6 (seals) and 7 (the index of data subjects) on both engines: PGlite always, PostgreSQL
 * when the server answers (required with DOCKET_REQUIRE_SERVICES=1). The SQL
 * `partition_key` must be `CasePartition.key` exactly, since it fills the rows
 * stored before the migration and those written by a process of the previous
 * version; and on PostgreSQL a partitioned read must leave the other
 * partitions' rows on the server.
 */
import type { Socket } from 'node:net'
import { CasePartition, type EventStore, Integrity, PersonalData, type Recorded } from '@docket/core'
import { collect, ok, Services, testEvent } from '@docket/core/testing'
import { PGlite } from '@electric-sql/pglite'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as PgliteEventStore from '../pglite/PgliteEventStore.js'
import * as PostgresEventStore from '../postgres/PostgresEventStore.js'
import * as Migrations from './migrations.js'
import { planNodes } from './pgTest.js'
import { inPartition } from './sql.js'

const url = Services.pgUrl()
const pgRuns = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the partition-key migration tests on PostgreSQL (PGlite runs them anyway)',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

interface Engine {
  readonly query: <R>(text: string, params?: ReadonlyArray<unknown>) => Promise<ReadonlyArray<R>>
  readonly exec: (text: string) => Promise<void>
  readonly open: (schema: string, seal?: boolean, migrate?: boolean) => Promise<EventStore.EventStore>
  /** Runs `f` on one connection (session settings, prepared statements). */
  readonly session: <A>(
    f: (query: (text: string) => Promise<ReadonlyArray<Record<string, unknown>>>) => Promise<A>,
  ) => Promise<A>
  readonly close: () => Promise<void>
}

const engines: ReadonlyArray<readonly [string, boolean, () => Promise<Engine>]> = [
  [
    'PGlite',
    true,
    async () => {
      const db = await PGlite.create()
      return {
        query: async (text, params) => (await db.query(text, params as unknown[])).rows as never,
        exec: async (text) => {
          await db.exec(text)
        },
        open: (schema, seal, migrate) => PgliteEventStore.make(db, { schema, seal, migrate }),
        session: (f) => f(async (text) => (await db.query<Record<string, unknown>>(text)).rows),
        close: () => db.close(),
      }
    },
  ],
  [
    'PostgreSQL',
    pgRuns,
    async () => {
      const pool = new pg.Pool({ connectionString: url, max: 2 })
      return {
        query: async (text, params) => (await pool.query(text, params as unknown[])).rows,
        exec: async (text) => {
          await pool.query(text)
        },
        open: (schema, seal, migrate) => PostgresEventStore.make(url, { schema, max: 2, seal, migrate }),
        session: async (f) => {
          const client = await pool.connect()
          try {
            return await f(async (text) => (await client.query(text)).rows)
          } finally {
            client.release(true)
          }
        },
        close: () => pool.end(),
      }
    },
  ],
]

const CASES: ReadonlyArray<string> = [
  '',
  'c00000001',
  Integrity.CHECKPOINT_CASE,
  'ünïcødé-案件-🚨',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u{10ffff}\u{ffff}\u{e000}',
  "'; DROP TABLE events; --",
  'line\nbreak\ttab',
  'x'.repeat(300),
  ...Array.from({ length: 20 }, (_, i) => `case-${i}`),
]

/** Case ids any platform may use: every Unicode code point but NUL (which the SQL stores refuse). */
const caseIds = fc.array(
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replace(/\0/g, '')),
  { maxLength: 40 },
)

let schemas = 0
const schemaName = (what: string): string => `docket_mig3_${what}_${process.pid}_${++schemas}`

for (const [name, runs, make] of engines) {
  describe.skipIf(!runs)(`migration 3 (partition_key) on ${name}`, () => {
    let engine: Engine
    const made: string[] = []
    beforeAll(async () => {
      engine = await make()
    })
    afterAll(async () => {
      for (const s of made) await engine.exec(`DROP SCHEMA IF EXISTS ${Migrations.quote(s)} CASCADE`)
      await engine.close()
    })

    const sqlKeys = async (schema: string, ids: ReadonlyArray<string>): Promise<ReadonlyArray<number>> =>
      (
        await engine.query<{ k: string }>(
          `SELECT ${Migrations.quote(schema)}.partition_key(x)::text AS k
             FROM unnest($1::text[]) WITH ORDINALITY AS t(x, i) ORDER BY i`,
          [ids],
        )
      ).map((r) => Number(r.k))

    it('partition_key(text) in SQL is CasePartition.key, surrogate pairs and the checkpoint case included', async () => {
      const schema = schemaName('fn')
      made.push(schema)
      await engine.exec(Migrations.script(schema))
      expect(await sqlKeys(schema, CASES)).toEqual(CASES.map(CasePartition.key))
      expect((await sqlKeys(schema, [Integrity.CHECKPOINT_CASE]))[0]).toBe(0)
      await fc.assert(
        fc.asyncProperty(caseIds, async (ids) => {
          expect(await sqlKeys(schema, ids)).toEqual(ids.map(CasePartition.key))
        }),
        { numRuns: 40 },
      )
    })

    it('a partitioned read walks the primary key in order: no sort, paged or streamed', async () => {
      const schema = schemaName('plan')
      made.push(schema)
      const s = Migrations.quote(schema)
      await engine.exec(Migrations.script(schema))
      await engine.exec(
        `INSERT INTO ${s}.events (position, stream, revision, event_id, type, occurred_at, recorded_at, body)
         SELECT g, 'c' || (g % 2000), g / 2000, 'e' || g, 'x-test.Noted', now(), now(), repeat('x', 300)
           FROM generate_series(1, 30000) g;
         ANALYZE ${s}.events`,
      )
      for (const limit of [' LIMIT 5000', '']) {
        const plan = (
          await engine.query<{ 'QUERY PLAN': string }>(
            `EXPLAIN SELECT e.position::text, e.revision, e.body FROM ${s}.events e
              WHERE e.position > 1000 AND ${inPartition('4::bigint', '1::bigint')} ORDER BY e.position${limit}`,
          )
        )
          .map((r) => r['QUERY PLAN'])
          .join('\n')
        expect(plan).toMatch(/Index Scan using events_pkey/)
        expect(plan).not.toMatch(/Sort/)
      }
    })

    it('fills the rows stored before it and those written without a key, and partitioned reads see them', async () => {
      const schema = schemaName('up')
      made.push(schema)
      const s = Migrations.quote(schema)
      // version 2 exactly as a DBA applied it, with events of every case already stored
      await engine.exec(Migrations.script(schema).split('-- migration 3')[0]!)
      const before: Recorded[] = CASES.flatMap((c, i) => [testEvent(c, i), testEvent(c, i + 100)])
      const revisions = new Map<string, number>()
      for (const [i, e] of before.entries()) {
        const revision = revisions.get(e.caseId) ?? 0
        revisions.set(e.caseId, revision + 1)
        await engine.query(
          `INSERT INTO ${s}.events (position, stream, revision, event_id, type, occurred_at, recorded_at, body)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [i + 1, e.caseId, revision, e.id, e.type, e.occurredAt, e.recordedAt, JSON.stringify(e)],
        )
      }
      const store = await engine.open(schema)
      try {
        expect(
          (await engine.query<{ v: number }>(`SELECT max(version) AS v FROM ${s}.schema_migrations`))[0]!.v,
        ).toBe(Migrations.LATEST)
        // a process of the previous version appends through version 2's function; a DBA inserts by hand
        const old = testEvent('old-writer-🚨', 0)
        const answer = await engine.query<{ r: string | null }>(
          `SELECT ${s}.append_group($1::bigint, $2::text, $3::text[], $4::integer[], $5::bigint[], $6::integer[],
             $7::integer[], $8::integer[], $9::text[], $10::text[], $11::timestamptz[], $12::timestamptz[],
             $13::text[]) AS r`,
          [
            Migrations.lockKey(schema, 'append'),
            `docket_${schema}`,
            [old.caseId],
            [1],
            [-2],
            [0],
            [1],
            [0],
            [old.id],
            [old.type],
            [old.occurredAt],
            [old.recordedAt],
            [JSON.stringify(old)],
          ],
        )
        expect(answer[0]!.r).not.toBeNull()
        const byHand = testEvent('by-hand', 0)
        await engine.query(
          `INSERT INTO ${s}.events (position, stream, revision, event_id, type, occurred_at, recorded_at, body)
           VALUES ((SELECT max(position) + 1 FROM ${s}.events), $1, 0, $2, $3, $4, $5, $6)`,
          [
            byHand.caseId,
            byHand.id,
            byHand.type,
            byHand.occurredAt,
            byHand.recordedAt,
            JSON.stringify(byHand),
          ],
        )
        // and this version appends through the store
        await ok(store.append('new-𝔠𝔞𝔰𝔢', [testEvent('new-𝔠𝔞𝔰𝔢', 0)], 'no_stream'))

        const rows = await engine.query<{ stream: string; k: string }>(
          `SELECT stream, partition_key::text AS k FROM ${s}.events ORDER BY position`,
        )
        expect(rows.length).toBe(before.length + 3)
        for (const r of rows) expect([r.stream, Number(r.k)]).toEqual([r.stream, CasePartition.key(r.stream)])

        const all = await collect(store.readAll())
        expect(all.length).toBe(rows.length)
        for (const count of [2, 5]) {
          const seen: string[] = []
          for (let index = 0; index < count; index++) {
            for (const e of await collect(store.readAll({ partition: { index, count } }))) {
              expect(CasePartition.of(e.event.caseId, count)).toBe(index)
              seen.push(e.position)
            }
          }
          expect(seen.sort((a, b) => store.comparePositions(a, b))).toEqual(all.map((e) => e.position))
        }
      } finally {
        await store.close()
      }
    })
  })
}

for (const [name, runs, make] of engines) {
  describe.skipIf(!runs)(`migrations 4 (append_group_sealed) and 5 (plans) on ${name}`, () => {
    it('continues the chains sealed before it, and keeps the append functions on the indexes', async () => {
      const engine = await make()
      const schema = schemaName('seal')
      const s = Migrations.quote(schema)
      try {
        // version 3 as a DBA applied it, with a stream sealed by a process of that version (Integrity.sealed)
        await engine.exec(Migrations.script(schema).split('-- migration 4')[0]!)
        let prev: string | null = null
        for (const [i, e] of [testEvent('c', 0), testEvent('c', 1)].entries()) {
          const sealed = Integrity.seal(e, prev)
          prev = Integrity.sealFrom(sealed)!.hash
          await engine.query(
            `INSERT INTO ${s}.events (position, stream, revision, event_id, type, occurred_at, recorded_at, body,
                                      partition_key)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
            [
              i + 1,
              e.caseId,
              i,
              e.id,
              e.type,
              e.occurredAt,
              e.recordedAt,
              JSON.stringify(sealed),
              CasePartition.key('c'),
            ],
          )
        }
        const store = await engine.open(schema, true)
        try {
          // the first append reads the old seal from the body; the next one from seal_hash
          await ok(store.append('c', [testEvent('c', 2)], 'any'))
          await ok(store.append('c', [testEvent('c', 3)], 'any'))
          const report = await Integrity.verify(store.readAll())
          expect(report.failure).toBeNull()
          expect(report.events).toBe(4)
        } finally {
          await store.close()
        }
        expect(
          (await engine.query<{ v: number }>(`SELECT max(version) AS v FROM ${s}.schema_migrations`))[0]!.v,
        ).toBe(Migrations.LATEST)
        const config = await engine.query<{ f: string; c: string | null }>(
          `SELECT p.proname AS f, array_to_string(p.proconfig, ',') AS c FROM pg_proc p
             JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = $1 AND p.proname LIKE 'append_group%'`,
          [schema],
        )
        // version 2's function stays as it was (a process of that version still calls it); version 8's
        // (with subjects) and version 9's are created with version 5's setting
        expect(config.map((r) => `${r.f} ${r.c}`).sort()).toEqual([
          'append_group enable_seqscan=off',
          'append_group enable_seqscan=off',
          'append_group null',
          'append_group_presealed enable_seqscan=off',
          'append_group_sealed enable_seqscan=off',
          'append_group_sealed enable_seqscan=off',
        ])
        // what version 5 relies on: under that setting, a generic plan made while the table is nearly
        // empty reads the group's event ids and a case's last event by index
        const plans = await engine.session(async (query) => {
          await query('SET enable_seqscan = off')
          await query('SET plan_cache_mode = force_generic_plan')
          await query(`PREPARE docket_ids(text[]) AS SELECT 1 FROM ${s}.events WHERE event_id = ANY ($1)`)
          await query(
            `PREPARE docket_last(text) AS SELECT revision, seal_hash FROM ${s}.events WHERE stream = $1 ORDER BY revision DESC LIMIT 1`,
          )
          const explain = async (statement: string): Promise<string> =>
            (await query(`EXPLAIN EXECUTE ${statement}`)).map((r) => r['QUERY PLAN']).join('\n')
          const out = [await explain(`docket_ids('{a}')`), await explain(`docket_last('c')`)]
          await query('DEALLOCATE ALL')
          await query('RESET ALL')
          return out
        })
        for (const plan of plans) {
          expect(plan).toMatch(/Index/)
          expect(plan).not.toMatch(/Seq Scan/)
        }
      } finally {
        await engine.exec(`DROP SCHEMA IF EXISTS ${s} CASCADE`)
        await engine.close()
      }
    })
  })

  describe.skipIf(!runs)(`migration 6 (seal_hash checked) on ${name}`, () => {
    it("refuses a seal_hash that is not the hash of its row's seal, which the next append would chain onto", async () => {
      const engine = await make()
      const schema = schemaName('sealhash')
      const s = Migrations.quote(schema)
      try {
        const store = await engine.open(schema, true)
        try {
          await ok(store.append('c', [testEvent('c', 0), testEvent('c', 1)], 'no_stream'))
          // the column alone edited (by hand, a script, a restore): the stored events still verify
          const edit = `UPDATE ${s}.events SET seal_hash = repeat('0', 64) WHERE revision = 1`
          await expect(engine.exec(edit)).rejects.toThrow(/events_seal_hash_check/)
          // a row inserted around the library with a seal_hash its body does not carry
          const e = testEvent('c', 2)
          await expect(
            engine.query(
              `INSERT INTO ${s}.events (position, stream, revision, event_id, type, occurred_at, recorded_at, body, seal_hash)
               VALUES (3, 'c', 2, $1, $2, now(), now(), $3, repeat('0', 64))`,
              [e.id, e.type, JSON.stringify(e)],
            ),
          ).rejects.toThrow(/events_seal_hash_check/)
          // the next append chains onto the stored seal, and the whole log verifies
          await ok(store.append('c', [testEvent('c', 3)], 1))
          expect((await Integrity.verify(store.readAll())).failure).toBeNull()
        } finally {
          await store.close()
        }
      } finally {
        await engine.exec(`DROP SCHEMA IF EXISTS ${s} CASCADE`)
        await engine.close()
      }
    })
  })

  describe.skipIf(!runs)(`migration 7 (the index of data subjects) on ${name}`, () => {
    it('indexes the reports stored before it, a body that is not JSON included, and a lookup reads the index', async () => {
      const engine = await make()
      const schema = schemaName('subjects')
      const s = Migrations.quote(schema)
      try {
        // version 6, with a report naming alice, one naming bob and a tampered row
        await engine.exec(Migrations.script(schema).split('-- migration 7')[0]!)
        const report = (caseId: string, subjectId: string): Recorded =>
          testEvent(caseId, 0, {
            type: 'ContentReported',
            data: { reporter: { subjectId, name: 'N' } },
          } as Partial<Recorded>)
        const rows: ReadonlyArray<readonly [Recorded, string]> = [
          [report('c1', 'alice'), JSON.stringify(report('c1', 'alice'))],
          [report('c2', 'bob'), JSON.stringify(report('c2', 'bob'))],
          [report('c3', 'alice'), '{"broken'],
        ]
        for (const [i, [e, body]] of rows.entries())
          await engine.query(
            `INSERT INTO ${s}.events (position, stream, revision, event_id, type, occurred_at, recorded_at, body)
             VALUES ($1, $2, 0, $3, $4, $5, $6, $7)`,
            [i + 1, e.caseId, e.id, e.type, e.occurredAt, e.recordedAt, body],
          )
        const store = await engine.open(schema)
        try {
          expect(PersonalData.TYPES).toEqual(Migrations.SUBJECT_TYPES)
          // the tampered row is found by every lookup, and fails it as erasure's scan fails on it
          const broken = await store.casesOfSubject!('alice')()
          expect(E.isLeft(broken) && broken.left._tag).toBe('StoreUnavailable')
          await engine.exec(`DELETE FROM ${s}.events WHERE stream = 'c3'`)
          expect(await ok(store.casesOfSubject!('alice'))).toEqual(['c1'])
          expect(await ok(store.casesOfSubject!('bob'))).toEqual(['c2'])
          await ok(store.append('c4', [report('c4', 'bob')], 'no_stream'))
          expect(await ok(store.casesOfSubject!('bob'))).toEqual(['c2', 'c4'])
          // 5,000 more reports, of as many subjects: with statistics, the planner reads the index
          await engine.exec(
            `INSERT INTO ${s}.events (position, stream, revision, event_id, type, occurred_at, recorded_at, body)
             SELECT 10 + i, 'g' || i, 0, 'g' || i, 'ContentReported', now(), now(),
                    json_build_object('data', json_build_object('reporter', json_build_object('subjectId', 'g' || i)))::text
               FROM generate_series(1, 5000) AS i`,
          )
          await engine.exec(`ANALYZE ${s}.events`)
          const plan = await engine.session(async (query) => {
            const q = Migrations.subjectQuery(s, 'case:c1')
            await query(`PREPARE docket_subjects AS ${q.text}`)
            const params = q.params.map((p) =>
              Array.isArray(p) ? `ARRAY[${p.map((x) => `'${x}'`)}]` : `'${p}'`,
            )
            const [explained] = await query(
              `EXPLAIN (FORMAT JSON) EXECUTE docket_subjects(${params.join(', ')})`,
            )
            return planNodes(explained!['QUERY PLAN'])
          })
          expect(
            plan.some((p) => p.includes('events_subjects_idx')),
            plan.join(', '),
          ).toBe(true)
          expect(
            plan.filter((p) => p.startsWith('Seq Scan')),
            plan.join(', '),
          ).toEqual([])
        } finally {
          await store.close()
        }
      } finally {
        await engine.exec(`DROP SCHEMA IF EXISTS ${s} CASCADE`)
        await engine.close()
      }
    })
  })

  describe.skipIf(!runs)(`migration 8 (subjects written by the append) on ${name}`, () => {
    it('finds the rows version 7 found, unreadable ones included, and appends write what subject_ids reads', async () => {
      const engine = await make()
      const schema = schemaName('subjects8')
      const s = Migrations.quote(schema)
      const event = (caseId: string, id: string, type: string, data: unknown, meta?: unknown): Recorded =>
        testEvent(caseId, 0, { id, type, data, ...(meta === undefined ? {} : { meta }) } as Partial<Recorded>)
      const report = (caseId: string, id: string, subjectId: unknown): Recorded =>
        event(caseId, id, 'ContentReported', { reporter: { subjectId, name: 'N' } })
      const keys = ['alice', 'bob', 'case:c1', 'case:c5', 'x\u0000y', '?', 'nobody']
      /** The bodies each key's lookup finds, as version 7's query or as the store's (the latest version's). */
      const found = async (v7: boolean): Promise<ReadonlyArray<ReadonlyArray<string>>> =>
        Promise.all(
          keys.map(async (k) => {
            const q = Migrations.subjectQuery(s, k)
            const text = v7
              ? q.text.replace(`coalesce(e.subjects, ${s}.subject_ids(e.body))`, `${s}.subject_ids(e.body)`)
              : q.text
            const rows = await engine.query<{ body: string }>(text, q.params)
            return rows.map((r) => r.body).sort()
          }),
        )
      try {
        // version 7, with reports and reviews, a body that is not JSON, one jsonb refuses, one of another type
        await engine.exec(Migrations.script(schema).split('-- migration 8')[0]!)
        const rows: ReadonlyArray<readonly [Recorded, string]> = [
          [report('c1', 'e1', 'alice'), JSON.stringify(report('c1', 'e1', 'alice'))],
          [report('c2', 'e2', 'bob'), JSON.stringify(report('c2', 'e2', 'bob'))],
          [report('c3', 'e3', 'alice'), '{"broken'],
          [report('c4', 'e4', 'x\u0000y'), JSON.stringify(report('c4', 'e4', 'x\u0000y'))],
          [
            event('c5', 'e5', 'ReviewDecided', { explanation: 'why' }, { subjectId: 'bob' }),
            JSON.stringify(event('c5', 'e5', 'ReviewDecided', { explanation: 'why' }, { subjectId: 'bob' })),
          ],
          [event('c1', 'e6', 'CaseClosed', { reporter: { subjectId: 'alice' } }), '{"also broken'],
        ]
        for (const [i, [e, body]] of rows.entries())
          await engine.query(
            `INSERT INTO ${s}.events (position, stream, revision, event_id, type, occurred_at, recorded_at, body)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
            [
              i + 1,
              e.caseId,
              e.caseId === 'c1' && i > 0 ? 1 : 0,
              e.id,
              e.type,
              e.occurredAt,
              e.recordedAt,
              body,
            ],
          )
        const before = await found(true)
        expect(before[0]!.length).toBe(3) // alice: e1, and the unreadable e3 and e4
        const store = await engine.open(schema, true)
        try {
          expect(await engine.query(`SELECT max(version) AS v FROM ${s}.schema_migrations`)).toEqual([
            { v: Migrations.LATEST },
          ])
          expect(await found(false)).toEqual(before)
          // appends write subjects (NULL where the body has a \u escape), equal to subject_ids(body)
          await ok(
            store.append(
              'c7',
              [
                report('c7', 'e7', 'alice'),
                report('c7', 'e8', 'x\u0000y'),
                report('c7', 'e9', 7),
                event('c7', 'e10', 'ReviewDecided', { explanation: 'why' }),
                event('c7', 'e11', 'ReviewDecided', {}, { subjectId: 'ünï "q"\\' }),
                event('c7', 'e12', 'CaseClosed', { reporter: { subjectId: 'alice' } }),
              ],
              'no_stream',
            ),
          )
          const written = await engine.query<{ id: string; subjects: unknown; read: unknown }>(
            `SELECT event_id AS id, subjects, ${s}.subject_ids(body) AS read FROM ${s}.events
              WHERE stream = 'c7' ORDER BY position`,
          )
          expect(written.map((r) => [r.id, r.subjects])).toEqual([
            ['e7', ['alice']],
            ['e8', null],
            ['e9', null],
            ['e10', []],
            ['e11', ['ünï "q"\\']],
            ['e12', null],
          ])
          for (const r of written) if (r.subjects !== null) expect(r.subjects).toEqual(r.read)
          // a row written without subjects (a process of version 7) is read by subject_ids
          await engine.query(
            `INSERT INTO ${s}.events (position, stream, revision, event_id, type, occurred_at, recorded_at, body)
             VALUES (100, 'c8', 0, 'e13', 'ContentReported', now(), now(), $1)`,
            [JSON.stringify(report('c8', 'e13', 'bob'))],
          )
          await engine.exec(`DELETE FROM ${s}.events WHERE event_id IN ('e3', 'e4')`)
          expect(await ok(store.casesOfSubject!('alice'))).toEqual(['c1', 'c7'])
          expect(await ok(store.casesOfSubject!('bob'))).toEqual(['c2', 'c5', 'c8'])
          expect(await found(false)).toEqual(await found(true))
        } finally {
          await store.close()
        }
      } finally {
        await engine.exec(`DROP SCHEMA IF EXISTS ${s} CASCADE`)
        await engine.close()
      }
    })
  })

  describe.skipIf(!runs)(`opening a schema that is not a Docket store on ${name}`, () => {
    it("refuses another tool's schema_migrations or events table, naming the schema, and creates nothing", async () => {
      const engine = await make()
      const tables = async (schema: string): Promise<ReadonlyArray<string>> =>
        (
          await engine.query<{ t: string }>(
            'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1',
            [schema],
          )
        ).map((r) => r.t)
      // golang-migrate's table at a version past Docket's, and at one before it; a table events of its own
      const foreign: ReadonlyArray<readonly [string, string, RegExp]> = [
        [
          'CREATE TABLE $s.schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL); INSERT INTO $s.schema_migrations VALUES (20230101, false)',
          'schema_migrations',
          /its table schema_migrations has the columns \(version, dirty\), not Docket's \(version, name, applied_at\)/,
        ],
        [
          'CREATE TABLE $s.schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL); INSERT INTO $s.schema_migrations VALUES (3, false)',
          'schema_migrations',
          /its table schema_migrations has the columns \(version, dirty\)/,
        ],
        [
          'CREATE TABLE $s.events (id serial PRIMARY KEY, payload text)',
          'events',
          /it holds a table events, but no Docket schema version/,
        ],
      ]
      const made: string[] = []
      try {
        for (const [ddl, table, message] of foreign) {
          const schema = schemaName('foreign')
          made.push(schema)
          await engine.exec(
            `CREATE SCHEMA ${Migrations.quote(schema)}; ${ddl.replaceAll('$s', Migrations.quote(schema))}`,
          )
          for (const migrate of [true, false]) {
            const opened = await engine.open(schema, false, migrate).then(
              (store) => store.close().then(() => 'opened'),
              (e: unknown) => (e instanceof Error ? e.message : String(e)),
            )
            expect(opened).toMatch(new RegExp(`^schema ${schema} is not a Docket store: ${message.source}`))
          }
          expect(await tables(schema)).toEqual([table])
        }
      } finally {
        for (const schema of made)
          await engine.exec(`DROP SCHEMA IF EXISTS ${Migrations.quote(schema)} CASCADE`)
        await engine.close()
      }
    })
  })
}

describe.skipIf(!pgRuns)('a partitioned read on PostgreSQL', () => {
  it("leaves the other partitions' rows on the server", async () => {
    const schema = schemaName('wire')
    // one connection, kept: the bytes it receives are the read's
    const pool = new pg.Pool({ connectionString: url, max: 1, idleTimeoutMillis: 0 })
    const store = await PostgresEventStore.make(url, { pool, schema, streamBatch: 50 })
    try {
      for (let c = 0; c < 40; c++) {
        const caseId = `wire-${c}`
        const events = Array.from({ length: 25 }, (_, i) =>
          testEvent(caseId, i, { data: { n: i, pad: 'p'.repeat(400) } }),
        )
        await ok(store.append(caseId, events, 'no_stream'))
      }
      const client = await pool.connect()
      const socket = (client as unknown as { readonly connection: { readonly stream: Socket } }).connection
        .stream
      client.release()
      const received = async (options: EventStore.ReadAllOptions): Promise<readonly [number, number]> => {
        const from = socket.bytesRead
        const n = (await collect(store.readAll(options))).length
        return [n, socket.bytesRead - from]
      }
      const [events, whole] = await received({})
      expect(events).toBe(1000)
      let sum = 0
      for (let index = 0; index < 4; index++) {
        const [n, bytes] = await received({ partition: { index, count: 4 } })
        // each partition receives about its share of the bytes (a client-side filter would receive them all)
        expect(bytes).toBeLessThan(whole * (n / events) + 20_000)
        sum += bytes
      }
      expect(sum).toBeLessThan(whole * 1.1)
    } finally {
      await store.close()
      await pool.query(`DROP SCHEMA IF EXISTS ${Migrations.quote(schema)} CASCADE`)
      await pool.end()
    }
  })
})
