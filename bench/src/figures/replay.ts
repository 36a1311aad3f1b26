/**
 * Figures 1 and 2: a replay evaluating every policy, from decoded events in
 * memory (1a, beside a baseline measured in the same process), from a JSON
 * Lines file end to end (1b), and streamed from PostgreSQL and PGlite (2),
 * where the table is loaded once. In 1b and 2 each phase (baseline, read,
 * replay) runs in a process of its own, so that its peak RSS is its own.
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
import { type Measured, peakRss, type Row, rate, timed, timedAlone } from '../internal/measure.js'

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
  const run = await timed(() => Docket.replay(Replay.fromEvents(all)))
  const docketRate = rate(events, run.ms)
  return [
    {
      figure: '1a replay, decoded in memory',
      docket: {
        label: 'Replay.run, every policy (read back from memory)',
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

/** The phases of 1b, each run by `run.ts` in a fresh process: the `baseline`, then Docket's `replay`. */
export type JsonlPhase = Extract<Phase, 'baseline' | 'replay'>

/** What a phase of 1b reports: its measurement, the events it read, and (the replay) the digest of its result. */
export interface JsonlMeasured extends Measured {
  readonly events: number
  readonly digest?: string
}

/**
 * 1b: one phase of a JSON Lines file end to end, all its process does: `baseline` reads the file
 * and `JSON.parse`s each line; `replay` reads, decodes and replays it (the digest, for figure 5,
 * is taken after the process's peak RSS is read).
 */
export const jsonl = async (phase: Phase, file: string): Promise<JsonlMeasured> => {
  if (phase === 'baseline') {
    const { result, ...m } = await timedAlone(() => Data.parseOnly(file))
    return { ...m, events: result }
  }
  if (phase === 'replay') {
    const { result, ...m } = await timedAlone(() => Docket.replayFile(file))
    return { ...m, events: result.stats.events, digest: Docket.digest(result) }
  }
  throw new Error(`figure 1b has no phase ${phase}`)
}

/** Figure 1b's row, from its phases' measurements (each phase's own process). */
export const jsonlRows = ({
  baseline: base,
  replay: run,
}: Readonly<Record<JsonlPhase, JsonlMeasured>>): Row[] => {
  const events = base.events
  return [
    {
      figure: '1b replay, JSON Lines file end to end',
      docket: {
        label: 'read + decode + Replay.run',
        value: Math.round(run.ms),
        unit: 'ms',
        extra: { events, eventsPerSecond: rate(events, run.ms), ...peakRss(run) },
      },
      baseline: {
        label: 'read + JSON.parse',
        value: Math.round(base.ms),
        unit: 'ms',
        extra: { linesPerSecond: rate(events, base.ms), ...peakRss(base) },
      },
      ratio: run.ms / base.ms,
      ratioMeaning: 'Docket time ÷ baseline time (lower is better)',
      target: '≤ 2× the baseline',
      met: run.ms <= 2 * base.ms,
    },
  ]
}

/**
 * A phase of figure 2, each run by `run.ts` in a fresh process: `load` (schema and rows), then
 * the measured `baseline`, `read`, `replay` and `workers` (the replay on 2 worker threads, as
 * `docket replay --store URL --workers 2`), then `drop` (always, even after a failure).
 * Figure 1b runs `baseline` and `replay` the same way ({@link JsonlPhase}).
 */
export type Phase = 'load' | 'baseline' | 'read' | 'replay' | 'workers' | 'drop'

/** An engine of figure 2 as its phases use it: loading, the bare driver's pages, and a store on the loaded table. */
interface Engine {
  readonly load: () => Promise<void>
  readonly page: (text: string, after: string) => Promise<ReadonlyArray<[string, string]>>
  readonly store: () => Promise<EventStore.EventStore>
  /** The store's URL, when worker threads can each open it and read their own partition (a server's). */
  readonly url?: string
}

/** 2: one phase streamed from PostgreSQL. Baseline: the bare driver paging 20,000 rows at a time (see `pagedRows`). */
export const postgres = async (
  phase: Phase,
  url: string,
  schema: string,
  events: number,
): Promise<Measured> => {
  const pool = new pg.Pool({ connectionString: url, max: 2 })
  try {
    if (phase === 'drop') {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      return unmeasured
    }
    return await measure(phase, schema, events, {
      load: async () => {
        // the store's own migrations create the schema; the rows are loaded in bulk
        await (await PostgresEventStore.make(url, { schema })).close()
        await Data.loadSql(pool, schema, events)
        await pool.query(`VACUUM ANALYZE "${schema}".events`)
      },
      page: async (text, after) =>
        (await pool.query<[string, string]>({ text, values: [after], rowMode: 'array' })).rows,
      store: () => PostgresEventStore.make(url, { schema, migrate: false }),
      url: `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`,
    })
  } finally {
    await pool.end()
  }
}

/** 2: one phase from PGlite (a data directory on disk, opened by each phase's process in turn). Baseline: PGlite's own query, paging 20,000 rows. */
export const pglite = async (phase: Phase, dir: string, events: number): Promise<Measured> => {
  if (phase === 'load' || phase === 'drop') fs.rmSync(dir, { recursive: true, force: true })
  if (phase === 'drop') return unmeasured
  const db = await PGlite.create(dir)
  const schema = 'bench'
  try {
    return await measure(phase, schema, events, {
      load: async () => {
        await (await PgliteEventStore.make(db, { schema })).close()
        await Data.loadSql(db, schema, events)
      },
      page: async (text, after) =>
        (await db.query<[string, string]>(text, [after], { rowMode: 'array' })).rows,
      store: () => PgliteEventStore.make(db, { schema, migrate: false, pageSize: 20_000 }),
    })
  } finally {
    await db.close()
  }
}

/** Runs one phase in this process; its peak RSS is the process's (the phase is all the process does). */
const measure = async (phase: Phase, schema: string, events: number, engine: Engine): Promise<Measured> => {
  const { ms, peakRssMb, sampledPeakRssMb } = await measured(phase, schema, events, engine)
  return { ms, peakRssMb, sampledPeakRssMb }
}

/** The phase itself, timed with its RSS sampled and the process's peak read at its end; a store is opened (untimed) for `read` and `replay`. */
const measured = async (phase: Phase, schema: string, events: number, engine: Engine): Promise<Measured> => {
  if (phase === 'load') return timedAlone(engine.load)
  if (phase === 'baseline')
    return counted('the bare-driver baseline', await timedAlone(() => pagedRows(engine.page, schema)), events)
  const store = await engine.store()
  try {
    if (phase === 'read') return counted('readAll', await timedAlone(() => readAll(store)), events)
    if (phase === 'replay')
      return counted(
        'the replay',
        await timedAlone(async () => (await Docket.replay(Replay.storeSource(store))).stats.events),
        events,
      )
    if (phase === 'workers')
      return counted(
        'the replay on 2 workers',
        await timedAlone(
          async () =>
            (
              await Docket.onWorkers(
                engine.url === undefined
                  ? { _tag: 'Events', events: Replay.fromStore(store) }
                  : { _tag: 'Store', url: engine.url, cwd: process.cwd(), store },
                2,
                false,
              )
            ).stats.events,
        ),
        events,
      )
    throw new Error(`unknown phase ${phase}`)
  } finally {
    await store.close()
  }
}

/** What `drop` reports: cleanup has nothing to measure. */
const unmeasured: Measured = { ms: 0, peakRssMb: 0, sampledPeakRssMb: 0 }

/** A phase that skipped rows would not measure the figure. */
const counted = <M extends { readonly result: number }>(what: string, m: M, events: number): M => {
  if (m.result !== events) throw new Error(`${what} read ${m.result} rows of ${events}`)
  return m
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

/** The store's whole log read once, every event parsed; returns the events read. */
const readAll = async (store: EventStore.EventStore): Promise<number> => {
  let n = 0
  for await (const s of store.readAll()) if (s.event.caseId !== '') n++
  return n
}

/** Figure 2's rows for one engine, from its phases' measurements (each phase's own process). */
export const storeRows = (
  engine: string,
  events: number,
  {
    baseline: base,
    read,
    replay: run,
    workers,
  }: Readonly<Record<'baseline' | 'read' | 'replay', Measured>> & { readonly workers?: Measured },
): Row[] => {
  const b = {
    label: 'bare driver, 20,000-row pages',
    value: rate(events, base.ms),
    unit: 'events/s',
    extra: { ms: Math.round(base.ms), ...peakRss(base) },
  }
  const isPg = engine === 'PostgreSQL'
  // a row of Docket's events/s against the baseline's, its target only on PostgreSQL
  const row = (figure: string, label: string, m: Measured, target: string, extra: object = {}): Row => ({
    figure,
    docket: {
      label,
      value: rate(events, m.ms),
      unit: 'events/s',
      extra: { ...extra, ms: Math.round(m.ms), ...peakRss(m) },
    },
    baseline: b,
    ratio: base.ms / m.ms,
    ratioMeaning: 'Docket events/s ÷ baseline events/s',
    target: isPg ? target : 'events/s and peak RSS reported',
    met: isPg ? rate(events, m.ms) >= 300_000 : null,
  })
  return [
    row(
      `2 replay streamed from ${engine}`,
      'readAll + Replay.run, every policy',
      run,
      '≥ 300,000 events/s; peak RSS < 512 MB at 10M events',
      { events },
    ),
    ...(workers === undefined
      ? []
      : [
          row(
            `2 replay streamed from ${engine}, 2 worker threads`,
            isPg
              ? 'Workers.replay, each worker reading its partition of one cut (docket replay --workers 2)'
              : 'readAll, events sent to Workers.replay (docket replay --workers 2)',
            workers,
            '≥ 300,000 events/s',
            { events },
          ),
        ]),
    row(
      `2 read only, ${engine} (readAll + JSON.parse)`,
      'readAll, event parsed',
      read,
      '≥ 300,000 events/s (reading alone)',
    ),
  ]
}
