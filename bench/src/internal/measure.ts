/**
 * Timing and memory helpers of the benchmarks: wall time with
 * `performance.now`, resident memory sampled while a phase runs (the peak a
 * phase reaches, not the process's), the process's own peak (for a phase run
 * alone in a process of its own, the phase's true peak), and the line every
 * figure prints.
 */
import { performance } from 'node:perf_hooks'

/** A figure's measurement, as the table and `bench/results.json` show it. */
export interface Row {
  /** Figure number and short name (`1a replay, in memory`). */
  readonly figure: string
  /** What Docket did. */
  readonly docket: Value
  /** What the baseline of the same run did. */
  readonly baseline: Value | null
  /** Docket against the baseline, oriented so that higher is better for Docket (see `ratioMeaning`). */
  readonly ratio: number | null
  readonly ratioMeaning: string
  /** The target of the issue, in words, and whether this run met it. */
  readonly target: string
  readonly met: boolean | null
  readonly notes?: string
}

/** One measured quantity. */
export interface Value {
  readonly label: string
  readonly value: number
  readonly unit: string
  /** Other absolute numbers for context (events, ms, MB…). */
  readonly extra?: Readonly<Record<string, number | string>>
}

/** Runs `f` and returns its result, the wall time in ms and the peak RSS in MB sampled every 20 ms. */
export const timed = async <A>(
  f: () => Promise<A> | A,
): Promise<{ readonly result: A; readonly ms: number; readonly peakRssMb: number }> => {
  let peak = process.memoryUsage.rss()
  const sampler = setInterval(() => {
    const r = process.memoryUsage.rss()
    if (r > peak) peak = r
  }, 20)
  const t = performance.now()
  try {
    const result = await f()
    const ms = performance.now() - t
    const r = process.memoryUsage.rss()
    if (r > peak) peak = r
    return { result, ms, peakRssMb: Math.round(peak / 1048576) }
  } finally {
    clearInterval(sampler)
  }
}

/** This process's peak resident set so far, in MB (`process.resourceUsage().maxRSS`, in KiB). */
export const processPeakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024)

/** A phase run alone in a process: wall time, that process's peak RSS (`maxRSS`) and the RSS sampled during the phase. */
export interface Measured {
  readonly ms: number
  readonly peakRssMb: number
  readonly sampledPeakRssMb: number
}

/**
 * Runs `f` as {@link timed} does, then reads this process's peak RSS: for a phase that is all its
 * process does (a figure's child, run by `run.ts`), a peak the 20 ms sample cannot miss.
 */
export const timedAlone = async <A>(f: () => Promise<A> | A): Promise<Measured & { readonly result: A }> => {
  const m = await timed(f)
  return { result: m.result, ms: m.ms, peakRssMb: processPeakRssMb(), sampledPeakRssMb: m.peakRssMb }
}

/** A phase's peak RSS as a row's `extra` shows it: its own process's, and the one sampled while it ran. */
export const peakRss = (m: Measured): Readonly<Record<string, number | string>> => ({
  peakRssMb: m.peakRssMb,
  peakRssOf: "the phase's own process (resourceUsage().maxRSS)",
  sampledPeakRssMb: m.sampledPeakRssMb,
})

/** Runs `f` and returns its result with the wall and CPU (user + system) milliseconds it took, rounded. */
export const cpuTimed = async <A>(
  f: () => Promise<A>,
): Promise<{ readonly result: A; readonly ms: number; readonly cpuMs: number }> => {
  const cpu = process.cpuUsage()
  const started = performance.now()
  const result = await f()
  const ms = performance.now() - started
  const used = process.cpuUsage(cpu)
  return { result, ms: Math.round(ms), cpuMs: Math.round((used.user + used.system) / 1000) }
}

/** Events per second. */
export const rate = (n: number, ms: number): number => Math.round((n / ms) * 1000)

/** A percentile (0–100) of a list of numbers. */
export const percentile = (xs: ReadonlyArray<number>, p: number): number => {
  if (xs.length === 0) return Number.NaN
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

/** Prints the child's result for the parent (`run.ts`) to read. */
export const emit = (rows: ReadonlyArray<Row>, extra: object = {}): void => {
  process.stdout.write(`\nRESULT ${JSON.stringify({ rows, ...extra })}\n`)
}

/** Async iteration of an array (what a replay of decoded events reads). */
export async function* stream<A>(xs: Iterable<A>): AsyncGenerator<A> {
  yield* xs
}
