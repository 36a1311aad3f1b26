/**
 * Figure 5 across machines: the replay split over processes that each read one
 * partition of the PostgreSQL store of figure 2 (`docket replay --store URL
 * --partition I/N --as-of T --report partial`, the filter on the server) and
 * merged (`docket merge`'s checks and merge, `Partial.openAll` and
 * `Partial.merge`). Here the "machines" are `docket` processes on this one
 * machine, run at the same time; the baseline is one such process replaying
 * the whole store into one partial, the same command with `--partition 0/1`.
 * Every process is given the same `--as-of`, the store's latest `occurredAt`
 * (what a replay of the whole store judges at by default, read with one
 * query): judged at a fixed instant, a replay drops closed cases without
 * checking that their results are settled, so the single process must be
 * given it too for the two to do the same work (until the tenth pass it ran
 * without it). Every process also reads one cut of the log (`--until`, the
 * store's last position, read by the same query), as machines must on a store
 * still written to (since the eleventh pass). Both are timed from spawning the processes to the merged result; the
 * digests of the two merged results (`Partition.canonical`) must be equal, and
 * equal to figure 1b's replay of the same history.
 */
import { spawn } from 'node:child_process'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Partial } from '@docket/cli'
import pg from 'pg'
import * as Docket from '../internal/docket.js'
import type { Row } from '../internal/measure.js'

const DOCKET = fileURLToPath(new URL('../../../packages/cli/bin/docket.js', import.meta.url))

/** Preloaded into each `docket` process: its peak RSS on descriptor 3 at exit. */
const PEAK_RSS_AT_EXIT = new URL('../internal/peakRssAtExit.js', import.meta.url).href

/** What the figure measured: wall time of N processes and the merge, for N = 1 and N = `count`. */
export interface Measured {
  readonly events: number
  readonly count: number
  readonly one: Run
  readonly many: Run
}

/** One split: processes spawned to merged result, the merge's own share, the processes' peak RSS, and the merged result's digest. */
export interface Run {
  readonly ms: number
  readonly mergeMs: number
  /** The largest peak RSS among the `docket` processes (each a machine's), MB. */
  readonly peakRssMb: number
  readonly digest: string
}

/** Runs `docket` with `args`; resolves with its peak RSS (MB), rejects with its standard error when it exits other than 0. */
const docket = (args: ReadonlyArray<string>): Promise<number> =>
  new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', PEAK_RSS_AT_EXIT, DOCKET, ...args], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    })
    let err = ''
    let rss = ''
    p.stderr!.on('data', (d: Buffer) => {
      err += d.toString('utf8')
    })
    ;(p.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
      rss += d.toString('utf8')
    })
    p.on('error', reject)
    p.on('close', (code) =>
      code === 0 ? resolve(Number(rss)) : reject(new Error(`docket ${args.join(' ')}: exit ${code}\n${err}`)),
    )
  })

/** What every process is given: the instant it judges at and the position it reads to. */
interface Frame {
  readonly asOf: string
  readonly until: string
}

/** Replays the store in `count` processes at once, each at the same {@link Frame}, then opens, checks and merges their partials. */
const split = async (store: string, frame: Frame, count: number, dir: string): Promise<Run> => {
  const files = Array.from({ length: count }, (_, i) => path.join(dir, `machines-${count}-part-${i}.jsonl`))
  const started = performance.now()
  const rss = await Promise.all(
    files.map((out, i) =>
      docket([
        'replay',
        '--store',
        store,
        '--partition',
        `${i}/${count}`,
        '--as-of',
        frame.asOf,
        '--until',
        frame.until,
        '--report',
        'partial',
        '--out',
        out,
        '--quiet',
      ]),
    ),
  )
  const mergeStarted = performance.now()
  const parts = await Partial.openAll(files)
  if (parts._tag === 'Left') throw new Error(Partial.describe(parts.left))
  const merged = Partial.merge(parts.right)
  if (merged._tag === 'Left') throw new Error(Partial.describe(merged.left))
  const done = performance.now()
  return {
    ms: done - started,
    mergeMs: done - mergeStarted,
    peakRssMb: Math.max(...rss),
    digest: Docket.digest(merged.right),
  }
}

/** The latest `occurredAt` of the loaded events, as a replay's `asOf` (UTC, milliseconds), and the log's last position. */
const frameOf = async (url: string, schema: string): Promise<Frame> => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const r = await client.query<{ at: string; until: string }>(
      `SELECT to_char(max(occurred_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
              max(position)::text AS until FROM "${schema}".events`,
    )
    return { asOf: r.rows[0]!.at, until: r.rows[0]!.until }
  } finally {
    await client.end()
  }
}

/**
 * Measures the figure on the loaded schema of figure 2 (`url`, `schema`, `events` rows of the
 * generated history), every process judging at the store's latest `occurredAt`, as a replay of
 * the whole store judges by default, so that the digests compare with figure 1b's.
 */
export const measure = async (
  url: string,
  schema: string,
  events: number,
  dir: string,
  count = 2,
): Promise<Measured> => {
  const store = `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`
  const frame = await frameOf(url, schema)
  const one = await split(store, frame, 1, dir)
  const many = await split(store, frame, count, dir)
  return { events, count, one, many }
}

/** The figure's row; `singleProcessDigest` is figure 1b's, when it ran. */
export const row = (m: Measured, singleProcessDigest: string | undefined): Row => ({
  figure: '5 scale-out across machines: processes each reading one PostgreSQL partition',
  docket: {
    label: `${m.count} processes (docket replay --partition i/${m.count}, merged)`,
    value: Math.round(m.many.ms),
    unit: 'ms',
    extra: {
      events: m.events,
      mergeMs: Math.round(m.many.mergeMs),
      peakRssMb: m.many.peakRssMb,
      peakRssOf: 'the largest of the docket processes (resourceUsage().maxRSS at exit)',
      digest: m.many.digest,
    },
  },
  baseline: {
    label: '1 process (--partition 0/1), the same command',
    value: Math.round(m.one.ms),
    unit: 'ms',
    extra: {
      mergeMs: Math.round(m.one.mergeMs),
      peakRssMb: m.one.peakRssMb,
      digest: m.one.digest,
      singleProcessDigest: singleProcessDigest ?? 'not run',
    },
  },
  ratio: m.one.ms / m.many.ms,
  ratioMeaning: 'speed-up: 1-process time ÷ N-process time (all on this machine)',
  target: 'merged bytes = single-process bytes',
  met:
    m.one.digest === m.many.digest &&
    (singleProcessDigest === undefined || singleProcessDigest === m.one.digest),
})
