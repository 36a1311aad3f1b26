import { ok, Services, take, testEvent } from '@docket/core/testing'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import * as PgStream from '../internal/pgStream.js'
import * as PostgresEventStore from './PostgresEventStore.js'
import { dropSchema } from '../internal/pgTest.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the streamed PostgreSQL reader (pgStream) tests',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

type Row = readonly [string, number, string]

const collect = async (
  pool: pg.Pool,
  text: string,
  batch: number,
  values: ReadonlyArray<unknown> = [],
): Promise<Row[]> => {
  const out: Row[] = []
  for await (const b of PgStream.rows(pool, text, values, batch)) {
    for (let i = 0; i < b.length; i += 3) out.push([b[i] as string, b[i + 1] as number, b[i + 2] as string])
  }
  return out
}

/** The same rows through the driver's ordinary query path. */
const expected = async (pool: pg.Pool, text: string, values: ReadonlyArray<unknown> = []): Promise<Row[]> =>
  (await pool.query<[string, string, string]>({ text, values: [...values], rowMode: 'array' })).rows.map(
    (r) => [r[0], Number(r[1]), r[2]] as const,
  )

describe.skipIf(!run)('pgStream.rows (rows read from the socket)', () => {
  const pool = new pg.Pool({ connectionString: url, max: 2 })
  afterAll(() => pool.end())

  it('gives the driver’s rows: messages cut across socket chunks, bodies up to 200 kB, multi-byte text', async () => {
    // sizes cross the 64 kB socket reads at every offset; é, 日 and 😀 take 2, 3 and 4 bytes in UTF-8
    const text = `SELECT g::text, (g * 7)::text,
        repeat(CASE g % 3 WHEN 0 THEN 'é' WHEN 1 THEN '日本' ELSE 'a😀' END, (g * 7919) % (CASE WHEN g % 50 = 0 THEN 70000 ELSE 400 END))
      FROM generate_series(1, 3000) g ORDER BY g`
    const want = await expected(pool, text)
    for (const batch of [1, 7, 1000, 20_000]) expect(await collect(pool, text, batch)).toEqual(want)
  })

  it('throws the server’s error raised mid-read, and the pool goes on', async () => {
    const text = `SELECT g::text, g::text, (100 / (1500 - g))::text FROM generate_series(1, 3000) g`
    await expect(collect(pool, text, 100)).rejects.toThrow(/division by zero/)
    await expect(collect(pool, text, 5000)).rejects.toThrow(/division by zero/)
    for (let i = 0; i < 3; i++) expect((await pool.query('SELECT 1 AS one')).rows[0].one).toBe(1)
  })

  it('hands a notice raised between rows to the driver and keeps reading', async () => {
    const schema = `docket_pgstream_${process.pid}`
    const notices: string[] = []
    try {
      await pool.query(`CREATE SCHEMA ${schema}`)
      await pool.query(`CREATE FUNCTION ${schema}.noisy(g int) RETURNS text LANGUAGE plpgsql AS $$
        BEGIN IF g % 500 = 0 THEN RAISE NOTICE 'at %', g; END IF; RETURN repeat('x', g % 300); END $$`)
      const text = `SELECT g::text, g::text, ${schema}.noisy(g) FROM generate_series(1, 2000) g`
      const single = new pg.Pool({ connectionString: url, max: 1 })
      single.on('connect', (c) => c.on('notice', (n) => notices.push(n.message ?? '')))
      try {
        const got = await collect(single, text, 300)
        expect(got).toEqual(await expected(pool, text))
        expect(notices).toEqual(['at 500', 'at 1000', 'at 1500', 'at 2000'])
        expect((await single.query('SELECT 2 AS two')).rows[0].two).toBe(2)
      } finally {
        await single.end()
      }
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    }
  })

  it('stops early at any point and leaves the connection usable', async () => {
    const single = new pg.Pool({ connectionString: url, max: 1 })
    try {
      let k = 0
      // stops inside a batch, at a batch's end, with Executes still queued behind the last row (each answered
      // by a CommandComplete of its own), and after the end
      for (const total of [5000, 4999, 20]) {
        const text = `SELECT g::text, g::text, repeat('y', g % 2000) FROM generate_series(1, ${total}) g`
        for (const [batch, stopAt] of [
          [10, 1],
          [10, 25],
          [1000, 999],
          [1000, 1001],
          [2500, 1],
          [5000, 1],
          [20_000, 4999],
          [10, 10_000],
        ] as const) {
          let n = 0
          for await (const b of PgStream.rows(single, text, [], batch)) {
            n += b.length / 3
            if (n >= stopAt) break
          }
          expect(n).toBe(
            Math.min(total, Math.max(stopAt, Math.min(total, Math.ceil(stopAt / batch) * batch))),
          )
          // a connection left mid-protocol hangs here; a stray ReadyForQuery answers these with no rows
          for (let j = 0; j < 3; j++) {
            k++
            expect((await single.query('SELECT $1::int AS k', [k])).rows).toEqual([{ k }])
          }
        }
      }
    } finally {
      await single.end()
    }
  })
})

describe.skipIf(!run)('readAll of the PostgreSQL store (events one by one)', () => {
  it('gives the events in order to calls made without awaiting, stops on return, rejects a bad position', async () => {
    const schema = `docket_readall_${process.pid}`
    const store = await PostgresEventStore.make(url, { schema, max: 2, streamBatch: 7 })
    try {
      for (let c = 0; c < 5; c++) {
        await ok(
          store.append(
            `c${c}`,
            Array.from({ length: 20 }, (_, i) => testEvent(`c${c}`, i)),
            'no_stream',
          ),
        )
      }
      const all: string[] = []
      for await (const s of store.readAll()) all.push(`${s.position}:${s.event.id}`)
      expect(all.length).toBe(100)

      // 60 calls at once, then the rest: the same events in the same order, then done
      const it = store.readAll()[Symbol.asyncIterator]()
      const first = await Promise.all(Array.from({ length: 60 }, () => it.next()))
      const rest = await Promise.all(Array.from({ length: 45 }, () => it.next()))
      const got = [...first, ...rest]
      expect(
        got.filter((r) => r.done !== true).map((r) => `${r.value!.position}:${r.value!.event.id}`),
      ).toEqual(all)
      expect(got.slice(100).every((r) => r.done === true)).toBe(true)

      // return while a next is pending: the next still gets its event, then the read is over
      const it2 = store.readAll({ after: '50' })[Symbol.asyncIterator]()
      const [a, b, ended, after] = await Promise.all([it2.next(), it2.next(), it2.return!(), it2.next()])
      expect([a.value?.position, b.value?.position]).toEqual(['51', '52'])
      expect([ended.done, after.done]).toEqual([true, true])

      await expect(store.readAll({ after: 'x' })[Symbol.asyncIterator]().next()).rejects.toThrow(
        /not a position/,
      )
      // every connection was given back: two reads at once still run on the pool of two
      const [x, y] = await Promise.all([take(store.readAll(), 100), take(store.readAll({ after: '99' }), 5)])
      expect([x.length, y.length]).toEqual([100, 1])
    } finally {
      await store.close()
      await dropSchema(url, schema)
    }
  })
})
