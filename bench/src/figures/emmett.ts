/**
 * Figures 3 and 4: Docket's PostgreSQL store against Emmett's
 * (`@event-driven-io/emmett-postgresql`) on the same server with the same
 * events. Emmett has no schema option, so it gets its own database
 * (`docket_bench_emmett`, dropped afterwards); Docket gets a schema of its own.
 *
 * Workload (3): 8 concurrent writers, each appending 1 to 10 events (seeded)
 * to its current case and moving to a new case every third append, with no
 * expected-revision check on either side. Before it, both stores are
 * prefilled with the same events (100 per append) so that appends land on
 * tables that are not empty and the read of figure 4 has volume. Each timed
 * workload starts after a `CHECKPOINT` (when the role may run one), so that
 * neither side pays for writing back the other's prefill or appends, and both
 * start with the same full-page-image cost.
 * Each side runs the workload `appendRounds` times (default 3, fresh cases
 * each round), alternating which side goes first; the medians are compared
 * and p50/p99 are over every append of the rounds. Docket's row is the bare
 * store; a second row runs the same rounds (on cases of their own, after
 * figure 4's reads, Emmett again beside them) on a store sealing every append
 * (`seal: true`, as `Store.open` opens a PostgreSQL store: the seals are
 * chained inside the append's own statement, on the server).
 * Figure 4 reads the whole log: Docket's `readAll` (each event parsed) and
 * Emmett's batched reader (`readMessagesBatch`, the function its consumers
 * page with; payloads come back parsed by the driver), each `readRounds`
 * times (default 3) alternating which side goes first, medians compared.
 */
import { performance } from 'node:perf_hooks'
import type { Recorded } from '@docket/core'
import { PostgresEventStore } from '@docket/adapters/postgres'
import { getPostgreSQLEventStore, readMessagesBatch } from '@event-driven-io/emmett-postgresql'
import pg from 'pg'
import { History } from '@docket/core/testing'
import * as Data from '../internal/data.js'
import { percentile, type Row, rate, timed } from '../internal/measure.js'

/** Options of figures 3 and 4. */
export interface Options {
  /** Server URL without database (`postgres://postgres@127.0.0.1:5432`). */
  readonly server: string
  /** Database for Docket's schema. */
  readonly database: string
  readonly schema: string
  readonly prefill: number
  readonly appendsPerWriter: number
  readonly writers: number
  readonly emmettBatch: number
  /** Reads of the whole log per side for figure 4, alternating which side goes first (default 3). */
  readonly readRounds?: number
  /** Rounds of each append workload per side for figure 3, alternating which side goes first (default 3). */
  readonly appendRounds?: number
}

const EMMETT_DB = 'docket_bench_emmett'

/** An endless supply of realistic event bodies, re-addressed to a stream. */
const supply = (): ((caseId: string, n: number) => Recorded[]) => {
  const it = Data.history(10_000_000, 7)[Symbol.iterator]()
  let k = 0
  return (caseId, n) =>
    Array.from({ length: n }, () => {
      const e = it.next().value as Recorded
      return { ...e, id: `${caseId}-${++k}`, caseId } as Recorded
    })
}

type Append = (stream: string, events: ReadonlyArray<Recorded>) => Promise<void>

interface Workload {
  readonly plan: ReadonlyArray<
    ReadonlyArray<{ readonly stream: string; readonly events: ReadonlyArray<Recorded> }>
  >
  readonly events: number
}

const workload = (prefix: string, writers: number, appends: number): Workload => {
  const rand = History.seededRandom(11)
  const make = supply()
  let events = 0
  const plan = Array.from({ length: writers }, (_, w) =>
    Array.from({ length: appends }, (_, i) => {
      const n = 1 + Math.floor(rand() * 10)
      events += n
      const stream = `${prefix}-w${w}-c${Math.floor(i / 3)}`
      return { stream, events: make(stream, n) }
    }),
  )
  return { plan, events }
}

const runWorkload = async (w: Workload, append: Append): Promise<{ ms: number; latencies: number[] }> => {
  const latencies: number[] = []
  const t = performance.now()
  await Promise.all(
    w.plan.map(async (steps) => {
      for (const s of steps) {
        const t0 = performance.now()
        await append(s.stream, s.events)
        latencies.push(performance.now() - t0)
      }
    }),
  )
  return { ms: performance.now() - t, latencies }
}

/** One side's rounds of a workload: the median round's rate, and every append's latency. */
interface Rounds {
  readonly rate: number
  readonly rates: ReadonlyArray<number>
  readonly latencies: ReadonlyArray<number>
}

/**
 * `rounds` rounds of the same workload (fresh cases each round, the same on both sides) for
 * `docket` and `emmett`, alternating which goes first, each after `settle`.
 */
const alternate = async (
  prefix: string,
  o: Options,
  docket: Append,
  emmett: Append,
  settle: () => Promise<unknown>,
): Promise<{ readonly docket: Rounds; readonly emmett: Rounds; readonly events: number }> => {
  const d: Array<{ readonly rate: number; readonly latencies: number[] }> = []
  const e: Array<{ readonly rate: number; readonly latencies: number[] }> = []
  let events = 0
  for (let r = 0; r < (o.appendRounds ?? 3); r++) {
    const w = workload(`${prefix}${r}`, o.writers, o.appendsPerWriter)
    events += w.events
    const side = async (append: Append, into: typeof d): Promise<void> => {
      await settle()
      const m = await runWorkload(w, append)
      into.push({ rate: rate(w.events, m.ms), latencies: m.latencies })
    }
    if (r % 2 === 0) {
      await side(docket, d)
      await side(emmett, e)
    } else {
      await side(emmett, e)
      await side(docket, d)
    }
  }
  const rounds = (xs: typeof d): Rounds => ({
    rate: percentile(
      xs.map((x) => x.rate),
      50,
    ),
    rates: xs.map((x) => x.rate),
    latencies: xs.flatMap((x) => x.latencies),
  })
  return { docket: rounds(d), emmett: rounds(e), events }
}

const prefill = async (n: number, append: Append): Promise<void> => {
  const make = supply()
  for (let i = 0; i * 100 < n; i++) {
    const stream = `prefill-${i}`
    await append(stream, make(stream, Math.min(100, n - i * 100)))
  }
}

/** Runs figures 3 and 4. */
export const run = async (o: Options): Promise<Row[]> => {
  const admin = new pg.Pool({ connectionString: `${o.server}/${o.database}`, max: 1 })
  await admin.query(`DROP DATABASE IF EXISTS ${EMMETT_DB}`)
  await admin.query(`CREATE DATABASE ${EMMETT_DB}`)
  const emmettUrl = `${o.server}/${EMMETT_DB}`
  const docket = await PostgresEventStore.make(`${o.server}/${o.database}`, {
    schema: o.schema,
    max: o.writers + 2,
  })
  const emmett = getPostgreSQLEventStore(emmettUrl)
  await emmett.schema.migrate()
  const docketAppend: Append = async (stream, events) => {
    const r = await docket.append(stream, events, 'any')()
    if (r._tag === 'Left') throw new Error(JSON.stringify(r.left))
  }
  const sealed = await PostgresEventStore.make(`${o.server}/${o.database}`, {
    schema: o.schema,
    max: o.writers + 2,
    seal: true,
  })
  const sealedAppend: Append = async (stream, events) => {
    const r = await sealed.append(stream, events, 'any')()
    if (r._tag === 'Left') throw new Error(JSON.stringify(r.left))
  }
  const emmettAppend: Append = async (stream, events) => {
    await emmett.appendToStream(
      stream,
      events.map((e) => ({ type: e.type, data: e as unknown as Record<string, unknown> })),
    )
  }
  try {
    await prefill(o.prefill, docketAppend)
    await prefill(o.prefill, emmettAppend)
    // a server-wide checkpoint needs superuser (or pg_checkpoint); without it both sides run as they come
    const settle = (): Promise<unknown> => admin.query('CHECKPOINT').catch(() => undefined)
    const bare = await alternate('live', o, docketAppend, emmettAppend, settle)
    const total = o.prefill + bare.events
    const docketRead = (): Promise<{ readonly result: number; readonly ms: number }> =>
      timed(async () => {
        let n = 0
        for await (const s of docket.readAll()) if (s.event.id !== '') n++
        return n
      })
    const pool = new pg.Pool({ connectionString: emmettUrl, max: 2 })
    const executor = { query: (sql: string) => pool.query(sql) } as unknown as Parameters<
      typeof readMessagesBatch
    >[0]
    const emmettRead = (): Promise<{ readonly result: number; readonly ms: number }> =>
      timed(async () => {
        let after = 0n
        let n = 0
        for (;;) {
          const b = await readMessagesBatch(executor, { after, batchSize: o.emmettBatch })
          n += b.messages.length
          if (b.messages.length === 0) return n
          after = b.currentGlobalPosition
          if (!b.areMessagesLeft) return n
        }
      })
    // each side reads the whole log `readRounds` times, alternating which goes first; medians compared
    const dReads: Array<{ readonly result: number; readonly ms: number }> = []
    const eReads: Array<{ readonly result: number; readonly ms: number }> = []
    for (let r = 0; r < (o.readRounds ?? 3); r++) {
      if (r % 2 === 0) {
        dReads.push(await docketRead())
        eReads.push(await emmettRead())
      } else {
        eReads.push(await emmettRead())
        dReads.push(await docketRead())
      }
    }
    const median = (xs: ReadonlyArray<{ readonly ms: number }>): number =>
      percentile(
        xs.map((x) => x.ms),
        50,
      )
    const dRead = { result: dReads[0]!.result, ms: median(dReads) }
    const eRead = { result: eReads[0]!.result, ms: median(eReads) }
    await pool.end()
    // after the reads, so that figure 4 reads the same events on both sides; Emmett runs again beside it
    const sealedRounds = await alternate('sealed', o, sealedAppend, emmettAppend, settle)
    const side = (label: string, r: Rounds, events: number) => ({
      label,
      value: r.rate,
      unit: 'events/s',
      extra: {
        events,
        appends: o.writers * o.appendsPerWriter * r.rates.length,
        rounds: r.rates.map((x) => Math.round(x)).join(' '),
        p50ms: +percentile(r.latencies, 50).toFixed(2),
        p99ms: +percentile(r.latencies, 99).toFixed(2),
      },
    })
    const appendRow = (figure: string, label: string, m: Awaited<ReturnType<typeof alternate>>): Row => ({
      figure,
      docket: side(label, m.docket, m.events),
      baseline: side('Emmett appendToStream', m.emmett, m.events),
      ratio: m.docket.rate / m.emmett.rate,
      ratioMeaning: 'Docket events/s ÷ Emmett events/s (median rounds)',
      target: '≥ 1.5× Emmett; p99 reported',
      met: m.docket.rate >= 1.5 * m.emmett.rate,
      notes: `median of ${m.docket.rates.length} rounds per side, alternating which side goes first; p50 and p99 over every append of the rounds`,
    })
    return [
      appendRow(`3 appends, ${o.writers} writers, 1–10 events each`, 'PostgresEventStore.append', bare),
      appendRow(
        `3 the same, sealed (as Store.open opens a store)`,
        'PostgresEventStore.append, seal: true',
        sealedRounds,
      ),
      {
        figure: '4 read the whole log from PostgreSQL',
        docket: {
          label: 'readAll (streamed), event parsed',
          value: rate(dRead.result, dRead.ms),
          unit: 'events/s',
          extra: {
            events: dRead.result,
            ms: Math.round(dRead.ms),
            rounds: dReads.map((x) => rate(x.result, x.ms)).join(' '),
          },
        },
        baseline: {
          label: `Emmett readMessagesBatch, batches of ${o.emmettBatch}`,
          value: rate(eRead.result, eRead.ms),
          unit: 'events/s',
          extra: {
            events: eRead.result,
            ms: Math.round(eRead.ms),
            rounds: eReads.map((x) => rate(x.result, x.ms)).join(' '),
          },
        },
        ratio: rate(dRead.result, dRead.ms) / rate(eRead.result, eRead.ms),
        ratioMeaning: 'Docket events/s ÷ Emmett events/s',
        target: '≥ 10× Emmett',
        met: rate(dRead.result, dRead.ms) >= 10 * rate(eRead.result, eRead.ms),
        notes: [
          `median of ${dReads.length} reads per side, alternating which side goes first`,
          dReads.every((x) => x.result === total) ? '' : `; expected ${total} events in every Docket read`,
          // Emmett resumes after the last global position of a page ordered by transaction id: when the two
          // orders differ (concurrent appends), a page can start before rows already read
          eReads[0]!.result === total
            ? ''
            : `; Emmett returned ${eReads[0]!.result} messages for ${total} events`,
        ].join(''),
      },
    ]
  } finally {
    await docket.close()
    await sealed.close()
    await emmett.close()
    // Emmett's pool can keep idle connections after close(); the forced drop terminates them
    // (57P01) and that pool, which has no error listener, would crash the process over it
    const terminated = (e: unknown): void => {
      if ((e as { code?: unknown } | null)?.code !== '57P01') throw e
    }
    process.on('uncaughtException', terminated)
    await admin.query(`DROP DATABASE IF EXISTS ${EMMETT_DB} WITH (FORCE)`)
    await new Promise((r) => setTimeout(r, 200))
    process.off('uncaughtException', terminated)
    await admin.query(`DROP SCHEMA IF EXISTS "${o.schema}" CASCADE`)
    await admin.end()
  }
}
