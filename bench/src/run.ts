/**
 * `pnpm bench`: Docket's benchmarks (not part of the test suite). Generates a
 * seeded history, runs each figure in a process of its own (figure 1b: one per
 * phase, baseline then replay; figure 2: one per phase, load, baseline, read,
 * replay, then one that drops the table; figure 5: one per worker count, and
 * across machines, `docket` processes reading partitions of figure 2's
 * PostgreSQL table, run with `2pg` before the table is dropped), so
 * that a phase's peak RSS is its own process's `maxRSS`, prints a
 * table and writes `bench/results.json`. Every figure sets Docket beside a
 * baseline measured in the same run; docs/performance.md explains each one.
 *
 *   node bench/dist/run.js [--events N] [--quick] [--only 1a,1b,2pg,2pglite,3,5,6,decode] [--rss-10m]
 *
 * `--events N` sizes figures 1, 2 and 5 (default 1,000,000); `--quick` runs
 * everything small (100,000 events, fewer appends); `--rss-10m` runs only
 * figure 2 on PostgreSQL with 10,000,000 events (peak RSS target; loading
 * takes a while). PostgreSQL: `DOCKET_BENCH_PG` (default
 * postgres://postgres@127.0.0.1:5432/test); each run uses schema
 * bench_<pid> and database docket_bench_emmett, dropped afterwards.
 */
import { spawn, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as Machines from './figures/machines.js'
import type * as Partition from './figures/partition.js'
import * as Replay from './figures/replay.js'
import * as Data from './internal/data.js'
import { type Measured, peakRss, type Row } from './internal/measure.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2)
const flag = (name: string): boolean => args.includes(`--${name}`)
const value = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}
const quick = flag('quick')
const rss10m = flag('rss-10m')
const events = Number(value('events') ?? (rss10m ? 10_000_000 : quick ? 100_000 : 1_000_000))
const only = value('only')?.split(',')
const wanted = (id: string): boolean => (rss10m ? id === '2pg' : only === undefined || only.includes(id))
/** Figures run only when named in `--only` (not part of the default run). */
const named = (id: string): boolean => !rss10m && only !== undefined && only.includes(id)
const pgUrl = process.env.DOCKET_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
const server = pgUrl.replace(/\/[^/]*$/, '')
const database = pgUrl.replace(/^.*\//, '')
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-bench-'))

/** Runs one figure in a child process; resolves with its RESULT object. */
const runChild = (name: string, options: Record<string, unknown>): Promise<Record<string, unknown>> =>
  new Promise((resolve, reject) => {
    process.stderr.write(`figure ${name} ${JSON.stringify(options)}\n`)
    const p = spawn(
      process.execPath,
      [...process.execArgv, path.join(here, 'figure.js'), name, JSON.stringify(options)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    let out = ''
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString()
    })
    p.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '))
      if (code !== 0 || line === undefined) reject(new Error(`figure ${name} failed (exit ${code})\n${out}`))
      else resolve(JSON.parse(line.slice(7)) as Record<string, unknown>)
    })
  })

/** A figure that fails is reported as a row and the run goes on. */
const failures: string[] = []
const failed = (name: string, e: unknown): void => {
  failures.push(`${name}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`)
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`)
}
const child = async (name: string, options: Record<string, unknown>): Promise<Record<string, unknown>> => {
  try {
    return await runChild(name, options)
  } catch (e) {
    failed(name, e)
    return { rows: [], failed: true }
  }
}

/**
 * Runs a figure's phases one after another, each in a fresh child of its own (its peak RSS is that
 * process's, nothing an earlier phase left); resolves with what each phase's child reported (`M`,
 * as the figure's phases report it), or with `undefined` once the phase that failed is reported.
 */
const phased = async <P extends Replay.Phase, M extends Measured = Measured>(
  name: string,
  options: Record<string, unknown>,
  phases: ReadonlyArray<P>,
): Promise<Readonly<Record<P, M>> | undefined> => {
  const done: Partial<Record<P, M>> = {}
  let at: P | undefined
  try {
    for (const p of phases) {
      at = p
      const m = (await runChild(name, { ...options, phase: p })) as unknown as M
      process.stderr.write(`  ${p}: ${Math.round(m.ms)} ms, peak RSS ${m.peakRssMb} MB\n`)
      done[p] = m
    }
    return done as Record<P, M>
  } catch (e) {
    failed(`${name} (${at})`, e)
    return undefined
  }
}

/**
 * Figure 2 on one engine: a child loads the table, each measured phase runs in a child of its own
 * ({@link phased}), and a last child drops the table, also when a phase failed.
 */
const storeFigure = async (
  name: string,
  engine: string,
  options: Record<string, unknown>,
  onLoaded: () => Promise<Row[]> = async () => [],
): Promise<Row[]> => {
  try {
    const m = await phased(name, options, ['load', 'baseline', 'read', 'replay', 'workers'])
    return m === undefined ? [] : [...Replay.storeRows(engine, events, m), ...(await onLoaded())]
  } finally {
    await child(name, { ...options, phase: 'drop' })
  }
}

/**
 * The checkout the run measured: its commit and whether it had uncommitted changes (`git`), or
 * `null` outside a git checkout. Docs quote it beside each number.
 */
const sourceVersion = (): { readonly commit: string; readonly uncommittedChanges: boolean } | null => {
  const git = (...a: string[]): string | null => {
    const r = spawnSync('git', a, { cwd: path.dirname(fileURLToPath(import.meta.url)), encoding: 'utf8' })
    return r.status === 0 ? r.stdout.trim() : null
  }
  const commit = git('rev-parse', '--short', 'HEAD')
  const status = git('status', '--porcelain', '--untracked-files=no')
  return commit === null ? null : { commit, uncommittedChanges: status !== null && status !== '' }
}

const fmt = (n: number): string =>
  Number.isInteger(n) ? n.toLocaleString('en') : n.toLocaleString('en', { maximumFractionDigits: 2 })

const printTable = (rows: ReadonlyArray<Row>): void => {
  const lines = rows.map((r) => [
    r.figure,
    `${fmt(r.docket.value)} ${r.docket.unit}`,
    r.baseline === null ? '' : `${fmt(r.baseline.value)} ${r.baseline.unit} (${r.baseline.label})`,
    r.ratio === null ? '' : `${fmt(r.ratio)}`,
    r.target,
    r.met === null ? '' : r.met ? 'met' : 'MISSED',
  ])
  const head = ['figure', 'Docket', 'baseline (same run)', 'ratio', 'target', '']
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)))
  const show = (l: ReadonlyArray<string>): string => l.map((c, i) => c.padEnd(widths[i]!)).join(' | ')
  process.stdout.write(`\n${show(head)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n`)
  for (const l of lines) process.stdout.write(`${show(l)}\n`)
  process.stdout.write('\n')
}

const main = async (): Promise<void> => {
  const started = new Date().toISOString()
  const rows: Row[] = []
  const file = path.join(tmp, 'history.jsonl')
  const needsFile = wanted('1b') || wanted('5') || named('decode')
  if (needsFile) {
    const t = Date.now()
    const size = await Data.writeJsonl(file, events)
    process.stderr.write(
      `wrote ${events} events (${Math.round(size / 1048576)} MB) in ${Math.round((Date.now() - t) / 1000)} s\n`,
    )
  }
  if (named('decode')) rows.push(...((await child('decode', { file })).rows as Row[]))
  if (wanted('1a')) rows.push(...((await child('memory', { events })).rows as Row[]))
  let digest: string | undefined
  // 1b's read + JSON.parse, to set figure 5's 2 workers against too
  let parseOnly: Replay.JsonlMeasured | undefined
  if (wanted('1b')) {
    const m = await phased<Replay.JsonlPhase, Replay.JsonlMeasured>('jsonl', { file }, ['baseline', 'replay'])
    if (m !== undefined) {
      rows.push(...Replay.jsonlRows(m))
      digest = m.replay.digest
      parseOnly = m.baseline
    }
  }
  if (wanted('2pg')) {
    const schema = `bench_${process.pid}`
    // figure 5 across machines reads the table figure 2 loaded, before it is dropped
    const machines = async (): Promise<Row[]> => {
      if (!wanted('5')) return []
      try {
        const m = (await runChild('machines', {
          url: pgUrl,
          schema,
          events,
          dir: tmp,
        })) as unknown as Machines.Measured
        return [Machines.row(m, digest)]
      } catch (e) {
        failed('machines', e)
        return []
      }
    }
    rows.push(...(await storeFigure('postgres', 'PostgreSQL', { url: pgUrl, schema, events }, machines)))
  }
  if (wanted('2pglite'))
    rows.push(...(await storeFigure('pglite', 'PGlite', { dir: path.join(tmp, 'pglite'), events })))
  if (wanted('3'))
    rows.push(
      ...((
        await child('emmett', {
          server,
          database,
          schema: `bench_${process.pid}_append`,
          prefill: quick ? 20_000 : 100_000,
          writers: 8,
          appendsPerWriter: quick ? 100 : 500,
          emmettBatch: 1000,
        })
      ).rows as Row[]),
    )
  if (wanted('5')) {
    type Run = Partition.Measured & { readonly failed?: boolean }
    const one = (await child('partition', { file, workers: 1 })) as unknown as Run
    const two = (await child('partition', { file, workers: 2 })) as unknown as Run
    const same =
      !one.failed &&
      !two.failed &&
      one.digest === two.digest &&
      (digest === undefined || digest === one.digest)
    rows.push({
      figure: '5 scale-out: JSONL replay on worker threads',
      docket: {
        label: '2 workers',
        value: Math.round(two.ms),
        unit: 'ms',
        extra: {
          events: two.events,
          digest: two.digest,
          ...peakRss(two),
          // 1b's target set against 2 workers: their time ÷ read + JSON.parse (1b's baseline)
          ...(parseOnly === undefined ? {} : { timesReadAndParse: two.ms / parseOnly.ms }),
        },
      },
      baseline: {
        label: '1 worker',
        value: Math.round(one.ms),
        unit: 'ms',
        extra: { digest: one.digest, singleProcessDigest: digest ?? 'not run', ...peakRss(one) },
      },
      ratio: one.ms / two.ms,
      ratioMeaning: 'speed-up: 1-worker time ÷ 2-worker time',
      target: 'merged bytes = single-process bytes',
      met: same,
    })
  }
  if (wanted('6'))
    rows.push(...((await child('escalation', { obligations: 1_000_000, crossing: 10_000 })).rows as Row[]))
  printTable(rows)
  for (const f of failures) process.stdout.write(`FAILED ${f}\n`)
  const results = {
    started,
    finished: new Date().toISOString(),
    command: `node bench/dist/run.js ${args.join(' ')}`.trim(),
    source: sourceVersion(),
    events,
    machine: {
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(os.totalmem() / 1073741824),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    rows,
    failures,
  }
  const out = path.join(here, '..', rss10m ? 'results-rss-10m.json' : 'results.json')
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`)
  process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`)
}

main()
  .then(
    () => undefined,
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
      process.exitCode = 1
    },
  )
  .finally(() => fs.rmSync(tmp, { recursive: true, force: true }))
