/**
 * An external merge sort of events by `recordedAt` (stable: ties keep input order), for an
 * event file out of order within its cases (`docket replay --sort`): runs of events are sorted
 * in memory and written to disk, then merged, at most `fanIn` open at once (`internal/fanIn.ts`).
 * Each event keeps its input line through the sort when its source tells it ({@link sortLined}).
 * Not the replay's order check: that is `Intake`'s.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { DocketEvent, Recorded } from '@docket/core'
import { Timestamp } from '@docket/core'
import { appender } from '../internal/appender.js'
import * as FanIn from '../internal/fanIn.js'
import { lines } from '../internal/fdLines.js'
import { mergeSorted } from '../internal/merge.js'
import { removeTemp, tempDir } from '../internal/spillDir.js'

// model

/** Options of {@link sort}. */
export interface SortOptions {
  /** Directory for the temporary files (default: the OS temporary directory). */
  readonly dir?: string
  /** Events held in memory per sorted run (default 100,000). */
  readonly runSize?: number
  /** The most runs a merge opens at once (default 64, at least 2): more are merged in passes first. */
  readonly fanIn?: number
}

/** Sorted events that tell the input line of the event last yielded ({@link sortLined}). */
export interface LinedEvents extends AsyncIterable<Recorded> {
  /** The input line of the event last yielded (0 before the first). */
  readonly line: () => number
}

// internal

const keyOf = (e: DocketEvent): number => Timestamp.toMillis(e.recordedAt ?? e.occurredAt)

/** An event of a run: its key, input order, input line (0 when unknown) and JSON text. */
interface Item {
  readonly k: number
  readonly s: number
  readonly line: number
  readonly json: string
}

type Keyed = Pick<Item, 'k' | 's'>
const byKey = (a: Keyed, b: Keyed): number => a.k - b.k || a.s - b.s

const itemOf = (text: string): Item => {
  const t1 = text.indexOf('\t')
  const t2 = text.indexOf('\t', t1 + 1)
  const t3 = text.indexOf('\t', t2 + 1)
  return {
    k: Number(text.slice(0, t1)),
    s: Number(text.slice(t1 + 1, t2)),
    line: Number(text.slice(t2 + 1, t3)),
    json: text.slice(t3 + 1),
  }
}

function* itemsIn(fd: number): Generator<Item> {
  for (const text of lines(fd)) yield itemOf(text)
}

/** The items of runs merged by key, then input order. */
function* merged(fds: ReadonlyArray<number>): Generator<Item> {
  const sources = fds.map((fd) => ({ [Symbol.iterator]: () => itemsIn(fd) }))
  for (const { item } of mergeSorted(sources, byKey)) yield item
}

/** Runs of events, one a line: key, input order, line and JSON, tab-separated. */
const eventRuns: FanIn.Format<Item> = {
  merge: merged,
  write: (file, items) => {
    const w = appender(file)
    try {
      for (const x of items) w.add(`${x.k}\t${x.s}\t${x.line}\t${x.json}\n`)
    } finally {
      w.end()
    }
  },
}

/** The sort, telling `yielded` the line of each event it yields (read from `lineOf` as it takes it). */
async function* sorted(
  source: AsyncIterable<Recorded>,
  options: SortOptions,
  lineOf: () => number,
  yielded: (line: number) => void,
): AsyncGenerator<Recorded> {
  const runSize = options.runSize ?? 100_000
  let root: string | undefined
  const runs: string[] = []
  let buffer: Array<{ readonly k: number; readonly s: number; readonly line: number; readonly e: Recorded }> =
    []
  let seq = 0
  let count = 0
  const fresh = (): string => {
    root ??= tempDir(options.dir)
    return path.join(root, `run-${count++}.jsonl`)
  }
  const flush = (): void => {
    if (buffer.length === 0) return
    buffer.sort(byKey)
    const file = fresh()
    eventRuns.write(
      file,
      buffer.map((x) => ({ k: x.k, s: x.s, line: x.line, json: JSON.stringify(x.e) })),
    )
    runs.push(file)
    buffer = []
  }
  const fds: number[] = []
  try {
    for await (const e of source) {
      buffer.push({ k: keyOf(e), s: seq++, line: lineOf(), e })
      if (buffer.length >= runSize) flush()
    }
    if (runs.length === 0) {
      buffer.sort(byKey)
      for (const x of buffer) {
        yielded(x.line)
        yield x.e
      }
      return
    }
    flush()
    for (const f of FanIn.reduce(eventRuns, runs, options.fanIn ?? FanIn.LIMIT, fresh))
      fds.push(fs.openSync(f, 'r'))
    for (const x of merged(fds)) {
      yielded(x.line)
      yield JSON.parse(x.json) as Recorded
    }
  } finally {
    for (const fd of fds) fs.closeSync(fd)
    if (root !== undefined) removeTemp(root)
  }
}

// operations

/**
 * Sorts events by `recordedAt` (then input order) with bounded memory: runs of
 * `runSize` events are sorted and written to disk, then merged.
 */
export const sort = (source: AsyncIterable<Recorded>, options: SortOptions = {}): AsyncGenerator<Recorded> =>
  sorted(
    source,
    options,
    () => 0,
    () => {},
  )

/**
 * {@link sort}, keeping each event's input line: `line` gives the line of the event `source`
 * yielded last (`Input.line`), and the result tells the line of the event it yielded last.
 */
export const sortLined = (
  source: AsyncIterable<Recorded>,
  line: () => number,
  options: SortOptions = {},
): LinedEvents => {
  let last = 0
  return {
    [Symbol.asyncIterator]: () =>
      sorted(source, options, line, (l) => {
        last = l
      }),
    line: () => last,
  }
}
