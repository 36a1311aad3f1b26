/**
 * Disk spill for replays larger than memory: an external merge sort that puts
 * an out-of-order event file into `recordedAt` order (stable: ties keep file
 * order), an archive of the histories of cases leaving memory (or of the
 * handles their source reads them back by) so that a case that returns can
 * be replayed in full, and sorted runs of finished
 * cases' results ({@link runs}) so that a replay's report can be read in case
 * order without holding every case in memory. Files live in private temporary
 * directories (`docket-replay-*` under the given directory, or the OS's) that
 * `close()` removes; a sealed set of runs is unlinked at once and read through
 * open file descriptors, closed when the results are garbage-collected or the
 * process exits.
 *
 * This is not a store: nothing here survives the replay.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as readline from 'node:readline'
import type { DocketEvent, Recorded } from '@docket/core'
import { Timestamp } from '@docket/core'
import * as Extents from '../internal/extents.js'
import { lines } from '../internal/fdLines.js'
import { mergeSorted } from '../internal/merge.js'
import * as Temporary from '../internal/temporary.js'
import * as Utf8 from '../internal/utf8.js'

// model

/**
 * Histories of cases that left memory, kept on disk: their events (default), or whatever the
 * caller keeps in their place (the handles a source reads them back by, `Replay.ReadBack`).
 */
export interface Archive<A = DocketEvent> {
  /** Writes a case's history and a note of the caller's (replacing any earlier copy). */
  readonly put: (caseId: string, history: ReadonlyArray<A>, note?: string) => void
  /** Reads a case's history and note back and forgets them, or `undefined` when it was never archived. */
  readonly take: (caseId: string) => Archived<A> | undefined
  readonly has: (caseId: string) => boolean
  readonly close: () => void
}

/** A history read back from an {@link Archive}, with the note written beside it (`''` when none). */
export interface Archived<A = DocketEvent> {
  readonly history: ReadonlyArray<A>
  readonly note: string
}

/**
 * Results by key (a case id) written to disk in sorted runs. A key put again replaces its
 * earlier value, wherever that is (the latest put wins); `null` says the key has no value.
 */
export interface Runs<A> {
  /** Records `value` for `key`; values are written as JSON, so they must survive `JSON.parse(JSON.stringify(…))`. */
  readonly put: (key: string, value: A | null) => void
  /** Records a value given as its JSON text (`JSON.stringify(value)`, or `null`): no parse and stringify again. */
  readonly putJson: (key: string, json: string | null) => void
  /**
   * Ends writing and returns the values in key order (code-unit order), each key's latest one,
   * `null`s left out. The result may be iterated any number of times, each time reading the
   * runs from disk (or, when no run was written, the values parsed once from the JSON held in memory).
   */
  readonly seal: () => Sealed<A>
  /** Removes the files of runs not sealed (after `seal`, they belong to its result). */
  readonly close: () => void
  /** Runs written so far (compactions included). */
  readonly written: () => number
}

/** Sealed runs: their values in key order, and the same as key and JSON text, unparsed. */
export interface Sealed<A> extends Iterable<A> {
  /** Each key with its value's JSON text, in key order (`null`s left out): for a reader that passes values on. */
  readonly texts: Iterable<readonly [string, string]>
}

/** Options of {@link runs}. */
export interface RunsOptions {
  /** Directory for the temporary files (default: the OS temporary directory). */
  readonly dir?: string
  /** Values held in memory before a sorted run is written (default 5,000). */
  readonly runSize?: number
  /** Bytes of JSON held in memory before a sorted run is written, whatever the count (default 8 MiB). */
  readonly runBytes?: number
  /** Runs of one level on disk before they are merged into one run of the next (default 64). */
  readonly fanIn?: number
  /**
   * Seal into runs that another thread can take ({@link detach}, then {@link adopt}): their
   * files stay until they are first read, here or there (default false: opened and removed at
   * once).
   */
  readonly handOff?: boolean
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
  Temporary.hold(fs.mkdtempSync(path.join(dir ?? os.tmpdir(), 'docket-replay-')))

/** Removes a temporary directory of {@link tempDir} or {@link scratch}. */
const removeTemp = (root: string): void => {
  fs.rmSync(root, { recursive: true, force: true })
  Temporary.release(root)
}

const keyOf = (e: DocketEvent): number => Timestamp.toMillis(e.recordedAt ?? e.occurredAt)

// constructors

/**
 * A fresh archive in a private temporary directory. Records are appended to one file through a
 * write buffer of `bufferBytes` (default 1 MiB: one write per buffer, not one per case); a record
 * still in the buffer is read from it. What it keeps is written as JSON.
 */
export const archive = <A = DocketEvent>(dir?: string, bufferBytes = 1 << 20): Archive<A> => {
  let root: string | undefined
  let file: Appender | undefined
  // a compact index (millions of dropped cases): the record names its case, to tell hash twins apart
  let index = Extents.make()
  type Record = { readonly c: string; readonly n: string; readonly h: A[] }
  const find = (caseId: string): { readonly slot: number; readonly record: Record } | undefined => {
    for (const { slot, extent } of index.candidates(caseId)) {
      const record = JSON.parse(file!.read(extent)) as Record
      if (record.c === caseId) return { slot, record }
    }
    return undefined
  }
  return {
    put: (caseId, history, note = '') => {
      const earlier = find(caseId)
      if (earlier !== undefined) index.remove(earlier.slot)
      if (file === undefined) {
        root = tempDir(dir)
        file = appender(path.join(root, 'archive.jsonl'), bufferBytes)
      }
      index.add(caseId, file.add(`${JSON.stringify({ c: caseId, n: note, h: history })}\n`))
    },
    take: (caseId) => {
      const found = find(caseId)
      if (found === undefined) return undefined
      index.remove(found.slot)
      return { history: found.record.h, note: found.record.n }
    },
    has: (caseId) => find(caseId) !== undefined,
    close: () => {
      file?.close()
      if (root !== undefined) removeTemp(root)
      file = undefined
      root = undefined
      index = Extents.make()
    },
  }
}

const compareKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** A run's line: the key as JSON, a tab, the value as JSON (empty for `null`). */
interface Line {
  readonly key: string
  readonly line: string
  readonly tab: number
}

function* runLines(fd: number): Generator<Line> {
  for (const line of lines(fd)) {
    const tab = line.indexOf('\t')
    yield { key: JSON.parse(line.slice(0, tab)) as string, line, tab }
  }
}

/** Each key once, from the newest run holding it (runs are given oldest first). */
function* latest(fds: ReadonlyArray<number>): Generator<Line> {
  let pending: { item: Line; source: number } | undefined
  for (const x of mergeSorted(
    fds.map((fd) => ({ [Symbol.iterator]: () => runLines(fd) })),
    (a, b) => compareKeys(a.key, b.key),
  )) {
    // equal keys come oldest run first: the last of them wins
    if (pending !== undefined && pending.item.key !== x.item.key) yield pending.item
    pending = x
  }
  if (pending !== undefined) yield pending.item
}

/** The non-null values of sealed runs, each its key and JSON text; `owner` is kept alive while iterating (its finalizer closes `fds`). */
function* texts(fds: ReadonlyArray<number>, owner: object): Generator<readonly [string, string]> {
  for (const l of latest(fds)) if (l.tab < l.line.length - 1) yield [l.key, l.line.slice(l.tab + 1)]
  void owner
}

/** The values of key and JSON text pairs, parsed. */
function* parsed<A>(entries: Iterable<readonly [string, string]>): Generator<A> {
  for (const [, json] of entries) yield JSON.parse(json) as A
}

/** A file written by appending text through one reused buffer (see {@link appender}). */
interface Appender {
  /** Appends `s`; returns where its bytes lie in the file. */
  readonly add: (s: string) => Extents.Extent
  /** Appends the bytes of `src` at `at`. */
  readonly addBytes: (src: Buffer, at: Extents.Extent) => void
  /** The text of bytes already added, whether written or still in the buffer. */
  readonly read: (at: Extents.Extent) => string
  /** Writes what the buffer holds and closes the file. */
  readonly end: () => void
  /** Closes the file, dropping what the buffer holds (a file about to be removed). */
  readonly close: () => void
}

/**
 * Appends text to a new file through one reused buffer of `bufferBytes` (default 1 MiB): the
 * text is encoded into it as it comes, one write per buffer, and no large joined string is ever
 * built (large strings go to the old generation and make every major collection walk the whole
 * heap sooner). A text longer than the buffer is written on its own.
 */
const appender = (file: string, bufferBytes = 1 << 20): Appender => {
  const fd = fs.openSync(file, 'w+')
  const buf = Buffer.allocUnsafe(bufferBytes)
  // bytes in the file; the buffer's `used` bytes follow them
  let written = 0
  let used = 0
  const write = (bytes: Buffer, len: number): void => {
    fs.writeSync(fd, bytes, 0, len, written)
    written += len
  }
  const flush = (): void => {
    if (used > 0) write(buf, used)
    used = 0
  }
  return {
    add: (s) => {
      if (used + Utf8.maxBytes(s) > buf.length) flush()
      if (Utf8.maxBytes(s) > buf.length) {
        const bytes = Buffer.from(s, 'utf8')
        write(bytes, bytes.length)
        return { pos: written - bytes.length, len: bytes.length }
      }
      const len = buf.write(s, used)
      const at = { pos: written + used, len }
      used += len
      return at
    },
    addBytes: (src, { pos, len }) => {
      if (used + len > buf.length) flush()
      if (len > buf.length) write(src.subarray(pos), len)
      else {
        src.copy(buf, used, pos, pos + len)
        used += len
      }
    },
    read: ({ pos, len }) => {
      if (pos >= written) return buf.toString('utf8', pos - written, pos - written + len)
      const bytes = Buffer.allocUnsafe(len)
      fs.readSync(fd, bytes, 0, len, pos)
      return bytes.toString('utf8')
    },
    end: () => {
      flush()
      fs.closeSync(fd)
    },
    close: () => fs.closeSync(fd),
  }
}

/** Texts held as UTF-8 bytes in one buffer (see {@link heldBytes}). */
interface HeldBytes {
  /** Holds `s`; returns where its bytes lie in {@link bytes}. */
  readonly add: (s: string) => Extents.Extent
  readonly read: (at: Extents.Extent) => string
  /** The buffer (valid until the next `add`). */
  readonly bytes: () => Buffer
  /** Bytes held. */
  readonly size: () => number
  /** Forgets every text held; the buffer is kept for the next ones. */
  readonly clear: () => void
}

/** Texts held as UTF-8 bytes in one buffer that grows as needed and is reused after `clear`. */
const heldBytes = (): HeldBytes => {
  let buf = Buffer.allocUnsafe(1 << 16)
  let used = 0
  return {
    add: (s) => {
      if (used + Utf8.maxBytes(s) > buf.length) {
        const bigger = Buffer.allocUnsafe(Math.max(2 * buf.length, used + Utf8.maxBytes(s)))
        buf.copy(bigger, 0, 0, used)
        buf = bigger
      }
      const len = buf.write(s, used)
      const at = { pos: used, len }
      used += len
      return at
    },
    read: ({ pos, len }) => buf.toString('utf8', pos, pos + len),
    bytes: () => buf,
    size: () => used,
    clear: () => {
      used = 0
    },
  }
}

// closes the descriptors of sealed runs once their reader is garbage
const sealedFds = new FinalizationRegistry<ReadonlyArray<number>>((fds) => {
  for (const fd of fds) {
    try {
      fs.closeSync(fd)
    } catch {
      // already closed
    }
  }
})

/** Sealed runs reading `fds`, closed once the result is garbage. */
const fromFds = <A>(fds: ReadonlyArray<number>): Sealed<A> => {
  const sealed: Sealed<A> = {
    [Symbol.iterator]: () => parsed<A>(texts(fds, sealed)),
    texts: { [Symbol.iterator]: () => texts(fds, sealed) },
  }
  sealedFds.register(sealed, fds)
  return sealed
}

/** Sealed runs held in memory (no run was written), parsed once when first read. */
const fromEntries = <A>(entries: ReadonlyArray<readonly [string, string]>): Sealed<A> => {
  let values: A[] | undefined
  return {
    [Symbol.iterator]: () => {
      values ??= [...parsed<A>(entries)]
      return values[Symbol.iterator]()
    },
    texts: entries,
  }
}

/** Removes a directory and what it holds, or at exit where open files keep it (Windows). */
const removeDir = (dir: string): void => {
  try {
    removeTemp(dir)
  } catch {
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }))
  }
}

/**
 * Opens the run files and removes their directory (the open descriptors keep the data; where an
 * open file cannot be removed, it goes at exit).
 */
const openRuns = (dir: string, files: ReadonlyArray<string>): number[] => {
  const fds = files.map((f) => fs.openSync(f, 'r'))
  removeDir(dir)
  return fds
}

/** A private temporary directory shared by several threads' spills (see {@link scratch}). */
export interface Scratch {
  readonly dir: string
  /** Removes the directory and everything in it. */
  readonly remove: () => void
}

/**
 * A private temporary directory under `dir` (default: the OS temporary directory) for other
 * threads to spill into (replay workers' runs and archives): removing it removes whatever a
 * thread left there, one stopped mid-replay or one that ended between sealing its runs and
 * handing them over. Runs already adopted stay readable (they are open).
 */
export const scratch = (dir?: string): Scratch => {
  const root = Temporary.hold(fs.mkdtempSync(path.join(dir ?? os.tmpdir(), 'docket-workers-')))
  return { dir: root, remove: () => removeDir(root) }
}

/**
 * Sealed runs that can change threads ({@link RunsOptions}`.handOff`): their files and the
 * directory holding them, or their entries when no run was written. A worker thread's open
 * descriptors are closed when it exits, so runs go from one thread to another as files.
 */
export type Detached =
  | { readonly dir: string; readonly files: ReadonlyArray<string> }
  | { readonly entries: ReadonlyArray<readonly [string, string]> }

// handed-off runs not yet read here nor detached
const handable = new WeakMap<object, Detached>()

/** Sealed runs from {@link Detached}: files are opened (and their directory removed) now. */
export const adopt = <A>(from: Detached): Sealed<A> =>
  'entries' in from ? fromEntries<A>(from.entries) : fromFds<A>(openRuns(from.dir, from.files))

/**
 * Takes handed-off sealed runs ({@link RunsOptions}`.handOff`) for another thread to
 * {@link adopt}: `sealed` can no longer be read here. `undefined` when `sealed` is not handed-off
 * runs, or was read here already.
 */
export const detach = (sealed: Iterable<unknown>): Detached | undefined => {
  const from = handable.get(sealed)
  handable.delete(sealed)
  return from
}

/** Handed-off runs: adopted here when first read, unless {@link detach}ed before. */
const handOff = <A>(from: Detached): Sealed<A> => {
  let here: Sealed<A> | undefined
  const get = (): Sealed<A> => {
    if (here === undefined) {
      if (!handable.has(sealed)) throw new Error('these sealed runs were handed to another thread')
      handable.delete(sealed)
      here = adopt<A>(from)
    }
    return here
  }
  const sealed: Sealed<A> = {
    [Symbol.iterator]: () => get()[Symbol.iterator](),
    texts: { [Symbol.iterator]: () => get().texts[Symbol.iterator]() },
  }
  handable.set(sealed, from)
  return sealed
}

/** Sorted runs of results in a private temporary directory (see {@link Runs}). */
export const runs = <A>(options: RunsOptions = {}): Runs<A> => {
  const runSize = options.runSize ?? 5_000
  const runBytes = options.runBytes ?? 1 << 23
  const fanIn = Math.max(2, options.fanIn ?? 64)
  let root: string | undefined
  let files: string[] = []
  let levels: number[] = []
  let count = 0
  // Values wait for their run as JSON bytes in one reused buffer, off the JS heap: held as
  // strings, they lived long enough to be promoted, and that garbage grew the old generation (and
  // the RSS) by a hundred MB at a million events. `held` maps a key to its latest value's bytes.
  const pending = heldBytes()
  let held = new Map<string, Extents.Extent>()
  // sealed runs read here at once, or handed off (see `RunsOptions.handOff`)
  const sealedAs = (from: Detached): Sealed<A> =>
    options.handOff === true ? handOff<A>(from) : adopt<A>(from)
  const file = (): string => {
    root ??= tempDir(options.dir)
    return path.join(root, `results-${count++}.jsonl`)
  }
  // The newest `fanIn` runs of one level become one run of the next level (a run's level is how
  // many merges it went through), so each value is rewritten a logarithmic number of times. A
  // merged run takes its group's place in age order; `null`s can go when nothing is older.
  const compact = (): void => {
    for (;;) {
      const level = levels[levels.length - 1]
      if (level === undefined || levels.length < fanIn) return
      if (!levels.slice(-fanIn).every((l) => l === level)) return
      const group = files.slice(-fanIn)
      const oldest = files.length === fanIn
      const fds = group.map((f) => fs.openSync(f, 'r'))
      const out = file()
      const w = appender(out)
      try {
        for (const l of latest(fds)) if (!oldest || l.tab < l.line.length - 1) w.add(`${l.line}\n`)
      } finally {
        w.end()
        for (const fd of fds) fs.closeSync(fd)
      }
      for (const f of group) fs.rmSync(f, { force: true })
      files = [...files.slice(0, -fanIn), out]
      levels = [...levels.slice(0, -fanIn), level + 1]
    }
  }
  const flush = (): void => {
    if (held.size === 0) return
    const keys = [...held.keys()].sort(compareKeys)
    const out = file()
    const w = appender(out)
    try {
      for (const k of keys) {
        w.add(`${JSON.stringify(k)}\t`)
        w.addBytes(pending.bytes(), held.get(k)!)
        w.add('\n')
      }
    } finally {
      w.end()
    }
    held = new Map()
    pending.clear()
    files.push(out)
    levels.push(0)
    compact()
  }
  const close = (): void => {
    if (root !== undefined) removeTemp(root)
    root = undefined
    files = []
    levels = []
    held = new Map()
    pending.clear()
  }
  const putJson = (key: string, json: string | null): void => {
    // `null` is no bytes: a run's line with nothing after the tab
    held.set(key, pending.add(json ?? ''))
    if (held.size >= runSize || pending.size() >= runBytes) flush()
  }
  return {
    put: (key, value) => putJson(key, value === null ? null : JSON.stringify(value)),
    putJson,
    seal: () => {
      if (files.length === 0) {
        const entries = [...held.entries()]
          .filter((kv) => kv[1].len > 0)
          .sort((a, b) => compareKeys(a[0], b[0]))
          .map(([k, at]): readonly [string, string] => [k, pending.read(at)])
        held = new Map()
        pending.clear()
        return sealedAs({ entries })
      }
      flush()
      const written = { dir: root!, files }
      root = undefined
      files = []
      levels = []
      return sealedAs(written)
    },
    close,
    written: () => count,
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
    if (root !== undefined) removeTemp(root)
  }
}
