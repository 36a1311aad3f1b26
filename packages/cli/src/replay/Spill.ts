/**
 * Disk spill for replays larger than memory: an external merge sort that puts
 * an out-of-order event file into `recordedAt` order (stable: ties keep file
 * order), and an archive of dropped cases' histories so that a case reopened
 * after it was dropped can be replayed in full. Files live in a private
 * temporary directory that `close()` removes.
 *
 * This is not a store: nothing here survives the replay.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as readline from 'node:readline'
import type { DocketEvent, Recorded } from '@docket/core'
import { Timestamp } from '@docket/core'

// model

/** Histories of dropped cases, kept on disk. */
export interface Archive {
  /** Writes a case's history (replacing any earlier copy). */
  readonly put: (caseId: string, history: ReadonlyArray<DocketEvent>) => void
  /** Reads a case's history back and forgets it, or `undefined` when it was never archived. */
  readonly take: (caseId: string) => ReadonlyArray<DocketEvent> | undefined
  readonly has: (caseId: string) => boolean
  readonly close: () => void
}

/** Options of {@link sort}. */
export interface SortOptions {
  /** Directory for the temporary files (default: the OS temporary directory). */
  readonly dir?: string
  /** Events held in memory per sorted run (default 100,000). */
  readonly runSize?: number
}

// internal

const tempDir = (dir: string | undefined): string =>
  fs.mkdtempSync(path.join(dir ?? os.tmpdir(), 'docket-replay-'))

const keyOf = (e: DocketEvent): number => Timestamp.toMillis(e.recordedAt ?? e.occurredAt)

// constructors

/** A fresh archive in a private temporary directory. */
export const archive = (dir?: string): Archive => {
  let root: string | undefined
  let fd: number | undefined
  let size = 0
  const index = new Map<string, { readonly pos: number; readonly len: number }>()
  const open = (): number => {
    if (fd === undefined) {
      root = tempDir(dir)
      fd = fs.openSync(path.join(root, 'archive.jsonl'), 'a+')
    }
    return fd
  }
  return {
    put: (caseId, history) => {
      const buf = Buffer.from(`${JSON.stringify(history)}\n`, 'utf8')
      fs.writeSync(open(), buf, 0, buf.length, size)
      index.set(caseId, { pos: size, len: buf.length })
      size += buf.length
    },
    take: (caseId) => {
      const at = index.get(caseId)
      if (at === undefined || fd === undefined) return undefined
      const buf = Buffer.alloc(at.len)
      fs.readSync(fd, buf, 0, at.len, at.pos)
      index.delete(caseId)
      return JSON.parse(buf.toString('utf8')) as DocketEvent[]
    },
    has: (caseId) => index.has(caseId),
    close: () => {
      if (fd !== undefined) fs.closeSync(fd)
      if (root !== undefined) fs.rmSync(root, { recursive: true, force: true })
      fd = undefined
      root = undefined
      index.clear()
    },
  }
}

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
    if (root !== undefined) fs.rmSync(root, { recursive: true, force: true })
  }
}
