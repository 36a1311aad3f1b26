/**
 * An external merge sort of events by `recordedAt` (stable: ties keep input order), for an
 * event file out of order within its cases (`docket replay --sort`): runs of events are sorted
 * in memory and written to disk, then merged. Not the replay's order check: that is `Intake`'s.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import * as readline from 'node:readline'
import type { DocketEvent, Recorded } from '@docket/core'
import { Timestamp } from '@docket/core'
import { removeTemp, tempDir } from '../internal/spillDir.js'

// model

/** Options of {@link sort}. */
export interface SortOptions {
  /** Directory for the temporary files (default: the OS temporary directory). */
  readonly dir?: string
  /** Events held in memory per sorted run (default 100,000). */
  readonly runSize?: number
}

// internal

const keyOf = (e: DocketEvent): number => Timestamp.toMillis(e.recordedAt ?? e.occurredAt)

// operations

/**
 * Sorts events by `recordedAt` (then input order) with bounded memory: runs of
 * `runSize` events are sorted and written to disk, then merged.
 */
export async function* sort(
  source: AsyncIterable<Recorded>,
  options: SortOptions = {},
): AsyncGenerator<Recorded> {
  const runSize = options.runSize ?? 100_000
  let root: string | undefined
  const runs: string[] = []
  let buffer: Array<{ readonly k: number; readonly s: number; readonly e: Recorded }> = []
  let seq = 0
  const flush = (): void => {
    if (buffer.length === 0) return
    root ??= tempDir(options.dir)
    buffer.sort((a, b) => a.k - b.k || a.s - b.s)
    const file = path.join(root, `run-${runs.length}.jsonl`)
    fs.writeFileSync(file, buffer.map((x) => `${x.k}\t${x.s}\t${JSON.stringify(x.e)}\n`).join(''))
    runs.push(file)
    buffer = []
  }
  try {
    for await (const e of source) {
      buffer.push({ k: keyOf(e), s: seq++, e })
      if (buffer.length >= runSize) flush()
    }
    if (runs.length === 0) {
      buffer.sort((a, b) => a.k - b.k || a.s - b.s)
      for (const x of buffer) yield x.e
      return
    }
    flush()
    const readers = runs.map((f) =>
      readline
        .createInterface({ input: fs.createReadStream(f), crlfDelay: Number.POSITIVE_INFINITY })
        [Symbol.asyncIterator](),
    )
    type Head = { readonly k: number; readonly s: number; readonly line: string; readonly r: number }
    const next = async (r: number): Promise<Head | undefined> => {
      const n = await readers[r]!.next()
      if (n.done === true) return undefined
      const line = n.value
      const t1 = line.indexOf('\t')
      const t2 = line.indexOf('\t', t1 + 1)
      return { k: Number(line.slice(0, t1)), s: Number(line.slice(t1 + 1, t2)), line: line.slice(t2 + 1), r }
    }
    const heads: Head[] = []
    for (let r = 0; r < readers.length; r++) {
      const h = await next(r)
      if (h) heads.push(h)
    }
    // few runs: a linear scan of the heads is simpler than a heap and fast enough
    while (heads.length > 0) {
      let m = 0
      for (let i = 1; i < heads.length; i++) {
        const a = heads[i]!
        const b = heads[m]!
        if (a.k < b.k || (a.k === b.k && a.s < b.s)) m = i
      }
      const h = heads[m]!
      yield JSON.parse(h.line) as Recorded
      const n = await next(h.r)
      if (n) heads[m] = n
      else heads.splice(m, 1)
    }
  } finally {
    if (root !== undefined) removeTemp(root)
  }
}
