/**
 * Figures 1 and 2: a replay evaluating every policy, from decoded events in
 * memory, from a JSON Lines file end to end, and streamed from PostgreSQL and
 * PGlite, each beside a baseline measured in the same process.
 */
import * as fs from 'node:fs'
import type { EventStore, Recorded } from '@docket/core'
import { Replay } from '@docket/cli'
import { PgliteEventStore } from '@docket/adapters/pglite'
import { PostgresEventStore } from '@docket/adapters/postgres'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import * as Data from '../internal/data.js'
import * as Docket from '../internal/docket.js'
import { type Row, rate, stream, timed } from '../internal/measure.js'

/** 1a: decoded events in memory. Baseline: the bare loop a replay cannot avoid (group events by case). */
export const memory = async (events: number): Promise<Row[]> => {
  const all = [...Data.history(events)]
  const base = await timed(() => {
    const byCase = new Map<string, Recorded[]>()
    for (const e of all) {
      const l = byCase.get(e.caseId)
      if (l === undefined) byCase.set(e.caseId, [e])
      else l.push(e)
    }
    return byCase.size
  })
  const run = await timed(() => Docket.replay(stream(all)))
  const docketRate = rate(events, run.ms)
  return [
    {
      figure: '1a replay, decoded in memory',
      docket: {
        label: 'Replay.run, every policy',
        value: docketRate,
        unit: 'events/s',
        extra: { events, ms: Math.round(run.ms), cases: run.result.stats.cases },
      },
      baseline: {
        label: 'group by case only',
        value: rate(events, base.ms),
        unit: 'events/s',
        extra: { ms: Math.round(base.ms) },
      },
      ratio: docketRate / rate(events, base.ms),
      ratioMeaning: 'Docket events/s ÷ baseline events/s',
      target: '≥ 1,000,000 events/s',
      met: docketRate >= 1_000_000,
    },
  ]
}

/** 1b: a JSON Lines file end to end. Baseline: read the file and `JSON.parse` each line. */
export const jsonl = async (file: string): Promise<{ rows: Row[]; digest: string }> => {
  const base = await timed(() => Data.parseOnly(file))
  const run = await timed(() => Docket.replay(Docket.decoded(Data.lineBatches(file))))
  const events = base.result
  return {
    rows: [
      {
        figure: '1b replay, JSON Lines file end to end',
        docket: {
          label: 'read + decode + Replay.run',
          value: Math.round(run.ms),
          unit: 'ms',
          extra: { events, eventsPerSecond: rate(events, run.ms), peakRssMb: run.peakRssMb },
        },
        baseline: {
          label: 'read + JSON.parse',
          value: Math.round(base.ms),
          unit: 'ms',
          extra: { linesPerSecond: rate(events, base.ms) },
        },
        ratio: run.ms / base.ms,
        ratioMeaning: 'Docket time ÷ baseline time (lower is better)',
        target: '≤ 2× the baseline',
        met: run.ms <= 2 * base.ms,
      },
    ],
    digest: Docket.digest(run.result),
  }
}

/** 2: streamed from PostgreSQL. Baseline: the bare driver paging 20,000 rows at a time (see `pagedRows`). */
export const postgres = async (url: string, schema: string, events: number): Promise<Row[]> => {
  const pool = new pg.Pool({ connectionString: url, max: 2 })
  const base = await timed(() =>
    pagedRows(async (text, after) => {
      const r = await pool.query<[string, string]>({ text, values: [after], rowMode: 'array' })
      return r.rows
    }, schema),
  )
  await pool.end()
  pagedAll(base.result, events)
  const store = await PostgresEventStore.make(url, { schema, migrate: false })
  const { read, run } = await readThenReplay(store)
  await store.close()
  return storeRows('PostgreSQL', events, base, read, run)
}

/** 2: the same from PGlite (a data directory on disk). Baseline: PGlite's own query, paging 20,000 rows. */
export const pglite = async (dir: string, events: number): Promise<Row[]> => {
  fs.rmSync(dir, { recursive: true, force: true })
  const db = await PGlite.create(dir)
  const schema = 'bench'
  const init = await PgliteEventStore.make(db, { schema })
  await init.close()
  await Data.loadSql(db, schema, events)
  const base = await timed(() =>
    pagedRows(
      async (text, after) => (await db.query<[string, string]>(text, [after], { rowMode: 'array' })).rows,
      schema,
    ),
  )
  pagedAll(base.result, events)
  const store = await PgliteEventStore.make(db, { schema, migrate: false, pageSize: 20_000 })
  const { read, run } = await readThenReplay(store)
  await store.close()
  await db.close()
  fs.rmSync(dir, { recursive: true, force: true })
  return storeRows('PGlite', events, base, read, run)
}

/** A baseline that skipped rows would not be a baseline. */
const pagedAll = (rows: number, events: number): void => {
  if (rows !== events) throw new Error(`the bare-driver baseline read ${rows} rows of ${events}`)
}

/**
 * The bare-driver baseline: pages of 20,000 rows by keyset. The position is selected as text
 * under another name, so that `ORDER BY position` means the column (an index scan), not a text
 * output column of the same name (a sort of every later row). Returns the rows read.
 */
const pagedRows = async (
  page: (text: string, after: string) => Promise<ReadonlyArray<[string, string]>>,
  schema: string,
): Promise<number> => {
  const text = `SELECT position::text AS p, body FROM "${schema}".events WHERE position > $1 ORDER BY position LIMIT 20000`
  let after = '0'
  let n = 0
  for (;;) {
    const rows = await page(text, after)
    n += rows.length
    if (rows.length < 20000) return n
    after = rows[rows.length - 1]![0]
  }
}

/** The store's whole log read once (every event parsed), then replayed. */
const readThenReplay = async (store: EventStore.EventStore) => {
  const read = await timed(async () => {
    let n = 0
    for await (const s of store.readAll()) if (s.event.caseId !== '') n++
    return n
  })
  const run = await timed(() => Docket.replay(Replay.fromStore(store)))
  return { read, run }
}

const storeRows = (
  engine: string,
  events: number,
  base: { ms: number; peakRssMb: number },
  read: { ms: number; peakRssMb: number },
  run: { ms: number; peakRssMb: number },
): Row[] => {
  const b = {
    label: 'bare driver, 20,000-row pages',
    value: rate(events, base.ms),
    unit: 'events/s',
    extra: { ms: Math.round(base.ms), peakRssMb: base.peakRssMb },
  }
  const isPg = engine === 'PostgreSQL'
  return [
    {
      figure: `2 replay streamed from ${engine}`,
      docket: {
        label: 'readAll + Replay.run, every policy',
        value: rate(events, run.ms),
        unit: 'events/s',
        extra: { events, ms: Math.round(run.ms), peakRssMb: run.peakRssMb },
      },
      baseline: b,
      ratio: base.ms / run.ms,
      ratioMeaning: 'Docket events/s ÷ baseline events/s',
      target: isPg ? '≥ 300,000 events/s; peak RSS < 512 MB at 10M events' : 'events/s and peak RSS reported',
      met: isPg ? rate(events, run.ms) >= 300_000 : null,
    },
    {
      figure: `2 read only, ${engine} (readAll + JSON.parse)`,
      docket: {
        label: 'readAll, event parsed',
        value: rate(events, read.ms),
        unit: 'events/s',
        extra: { ms: Math.round(read.ms), peakRssMb: read.peakRssMb },
      },
      baseline: b,
      ratio: base.ms / read.ms,
      ratioMeaning: 'Docket events/s ÷ baseline events/s',
      target: isPg ? '≥ 300,000 events/s (reading alone)' : 'context',
      met: isPg ? rate(events, read.ms) >= 300_000 : null,
    },
  ]
}
