/**
 * Global ids: the check that no event id of a replayed file (or standard input) is in two cases.
 * An event id is stored once, in one case (events.md: idempotency is global), so such an input is
 * one no store could hold. A replay holds only the ids of the cases in memory (`Intake` checks a
 * repeat within a case), so every event is noted on disk and the notes are merged once the input
 * has ended, before any report is written: memory is one chunk of notes, whatever the number of
 * events.
 *
 * How, cheaply: each event's line number, id and case are appended to a file as text
 * (`internal/appender.ts`), and only a 32-bit hash of its id with where its text lies is kept,
 * in typed arrays; a full chunk is sorted by hash (a native numeric sort of numbers packing hash
 * and index) and written as a run of those numbers; the runs are merged by hash
 * (`internal/merge.ts`), at most 64 open at once (more are merged in passes first,
 * `internal/fanIn.ts`). Only the events of a hash shared by several (a repeat within a case, an
 * id in two cases, or two ids whose hashes collide) are read back, and their ids and cases
 * compared whole: exact, a collision is never taken for a conflict, nor a conflict missed. Sorted
 * runs of the ids themselves (`Spill.runs`) cost eight times as much: a third of a replay.
 *
 * Not for a store, whose unique id already guarantees it; not the repeat within a case (`Intake`).
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { type Appender, appender } from '../internal/appender.js'
import * as Extents from '../internal/extents.js'
import * as FanIn from '../internal/fanIn.js'
import { mergeSorted } from '../internal/merge.js'
import { removeTemp, tempDir } from '../internal/spillDir.js'

// model

/** An event id given in two cases: its first line, and the first line giving it in another case. */
export interface IdInTwoCases {
  readonly _tag: 'IdInTwoCases'
  readonly eventId: string
  /** The case of the id's first line, and that line (1-based, in the input). */
  readonly caseId: string
  readonly line: number
  /** The case of the first line giving the id in another case, and that line. */
  readonly otherCaseId: string
  readonly otherLine: number
}

/** The check of one input's event ids across its cases (see the module header). */
export interface GlobalIds {
  /** Notes that line `line` (1-based, increasing from one call to the next) gives event `id` in case `caseId`. */
  readonly note: (id: string, caseId: string, line: number) => void
  /**
   * Once every line is noted: the id given in two cases whose second case's line comes first, or
   * `undefined` when each id is in one case. Call it once.
   */
  readonly check: () => IdInTwoCases | undefined
  /** Removes the files (whether or not `check` ran). */
  readonly close: () => void
}

/** Options of {@link make}. */
export interface Options {
  /** Directory for the temporary files (default: the OS temporary directory). */
  readonly dir?: string
  /** Events noted in memory before a sorted run is written (default 262,144; at most 2,097,152). */
  readonly chunk?: number
  /** The 32-bit hash of an id (replaceable for tests, to make ids collide). */
  readonly hash?: (id: string) => number
  /** The most runs a merge opens at once (default 64, at least 2): more are merged in passes first. */
  readonly fanIn?: number
}

// internal

/** A chunk's indices are packed below the hash: `hash * SLOTS + index`, exact in a double. */
const SLOTS = 2 ** 21

/** Numbers of a run's record: the id's hash, and where the event's text lies (position, length). */
const RECORD = 3

/** Records read from a run at a time. */
const BLOCK = 2048

/** A noted event as a run holds it. */
interface Note {
  readonly hash: number
  readonly pos: number
  readonly len: number
}

/** An event read back: its line, id and case. */
interface Noted {
  readonly line: number
  readonly id: string
  readonly caseId: string
}

const firstHash = (id: string): number => Extents.hashes(id)[0] >>> 0

/** A UTF-16 surrogate: UTF-8 cannot hold a lone one (written as U+FFFD, two such ids would read back equal). */
const SURROGATE = /[\ud800-\udfff]/

/**
 * The text of a noted event: its line, its id's length, its id and case (read back by
 * {@link parse}); as JSON, which escapes lone surrogates, when they have a surrogate.
 */
const text = (id: string, caseId: string, line: number): string =>
  SURROGATE.test(id) || SURROGATE.test(caseId)
    ? `j${JSON.stringify([line, id, caseId])}`
    : `${line} ${id.length} ${id}${caseId}`

const parse = (t: string): Noted => {
  if (t.startsWith('j')) {
    const [line, id, caseId] = JSON.parse(t.slice(1)) as [number, string, string]
    return { line, id, caseId }
  }
  const a = t.indexOf(' ')
  const b = t.indexOf(' ', a + 1)
  const end = b + 1 + Number(t.slice(a + 1, b))
  return { line: Number(t.slice(0, a)), id: t.slice(b + 1, end), caseId: t.slice(end) }
}

/** The first `n` notes of the chunk, sorted by hash (noting order within a hash), as a run's numbers. */
const sorted = (hashes: Uint32Array, pos: Float64Array, len: Float64Array, n: number): Float64Array => {
  const keys = new Float64Array(n)
  for (let i = 0; i < n; i++) keys[i] = hashes[i]! * SLOTS + i
  keys.sort()
  const out = new Float64Array(RECORD * n)
  for (let k = 0; k < n; k++) {
    const i = keys[k]! % SLOTS
    out[RECORD * k] = hashes[i]!
    out[RECORD * k + 1] = pos[i]!
    out[RECORD * k + 2] = len[i]!
  }
  return out
}

/** The notes of a run's numbers, in memory. */
function* notesOf(run: Float64Array): Generator<Note> {
  for (let k = 0; k < run.length; k += RECORD) yield { hash: run[k]!, pos: run[k + 1]!, len: run[k + 2]! }
}

/** The notes of a run written to `fd`, read a block at a time. */
function* notesIn(fd: number): Generator<Note> {
  const block = new Float64Array(RECORD * BLOCK)
  const bytes = new Uint8Array(block.buffer)
  for (let at = 0; ; ) {
    const n = fs.readSync(fd, bytes, 0, bytes.length, at)
    if (n === 0) return
    at += n
    yield* notesOf(block.subarray(0, n / Float64Array.BYTES_PER_ELEMENT))
  }
}

/** Runs of notes, merged by hash (equal hashes in run order) and written a block at a time. */
const noteRuns: FanIn.Format<Note> = {
  merge: function* (fds) {
    const sources = fds.map((fd) => ({ [Symbol.iterator]: () => notesIn(fd) }))
    for (const { item } of mergeSorted(sources, byHash)) yield item
  },
  write: (file, notes) => {
    const fd = fs.openSync(file, 'w')
    try {
      const block = new Float64Array(RECORD * BLOCK)
      const bytes = new Uint8Array(block.buffer)
      let k = 0
      for (const m of notes) {
        block[k] = m.hash
        block[k + 1] = m.pos
        block[k + 2] = m.len
        k += RECORD
        if (k === block.length) {
          fs.writeSync(fd, bytes)
          k = 0
        }
      }
      if (k > 0) fs.writeSync(fd, bytes, 0, k * Float64Array.BYTES_PER_ELEMENT)
    } finally {
      fs.closeSync(fd)
    }
  },
}

const byHash = (a: Note, b: Note): number => a.hash - b.hash

/** Of events sharing a hash, the id in two cases whose second case's line comes first, if any. */
const inTwoCases = (events: ReadonlyArray<Noted>): IdInTwoCases | undefined => {
  let found: IdInTwoCases | undefined
  const byId = new Map<string, Noted[]>()
  for (const e of events) {
    const same = byId.get(e.id)
    if (same === undefined) byId.set(e.id, [e])
    else same.push(e)
  }
  for (const [id, lines] of byId) {
    const [first, ...rest] = [...lines].sort((a, b) => a.line - b.line)
    const other = rest.find((e) => e.caseId !== first!.caseId)
    if (other !== undefined && (found === undefined || other.line < found.otherLine))
      found = {
        _tag: 'IdInTwoCases',
        eventId: id,
        caseId: first!.caseId,
        line: first!.line,
        otherCaseId: other.caseId,
        otherLine: other.line,
      }
  }
  return found
}

// constructors

/** A check of event ids across cases, spilling under `options.dir` (see the module header). */
export const make = (options: Options = {}): GlobalIds => {
  const chunk = Math.min(SLOTS, Math.max(1, options.chunk ?? 1 << 18))
  const hash = options.hash ?? firstHash
  const fanIn = options.fanIn ?? FanIn.LIMIT
  let root: string | undefined
  let texts: Appender | undefined
  const runs: string[] = []
  const fds: number[] = []
  let hashes = new Uint32Array(0)
  let pos = new Float64Array(0)
  let len = new Float64Array(0)
  let n = 0
  let count = 0
  const fresh = (): string => path.join(root!, `ids-${count++}.bin`)
  const spill = (): void => {
    const file = fresh()
    const run = sorted(hashes, pos, len, n)
    fs.writeFileSync(file, new Uint8Array(run.buffer, run.byteOffset, run.byteLength))
    runs.push(file)
    n = 0
  }
  return {
    note: (id, caseId, line) => {
      if (texts === undefined) {
        root = tempDir(options.dir)
        texts = appender(path.join(root, 'ids.txt'))
        const size = Math.min(chunk, 1 << 12)
        hashes = new Uint32Array(size)
        pos = new Float64Array(size)
        len = new Float64Array(size)
      }
      if (n === hashes.length) {
        if (n === chunk) spill()
        else {
          // grown as needed up to a chunk: a small input holds little
          const size = Math.min(chunk, 2 * n)
          const grown = [new Uint32Array(size), new Float64Array(size), new Float64Array(size)] as const
          grown[0].set(hashes)
          grown[1].set(pos)
          grown[2].set(len)
          ;[hashes, pos, len] = grown
        }
      }
      const at = texts.add(text(id, caseId, line))
      hashes[n] = hash(id)
      pos[n] = at.pos
      len[n] = at.len
      n++
    },
    check: () => {
      if (texts === undefined) return undefined
      const read = texts
      const last = sorted(hashes, pos, len, n)
      // the chunk in memory is a run too, with no file to open
      for (const f of FanIn.reduce(noteRuns, runs, fanIn, fresh)) fds.push(fs.openSync(f, 'r'))
      const sources: Array<Iterable<Note>> = [
        ...fds.map((fd) => ({ [Symbol.iterator]: () => notesIn(fd) })),
        { [Symbol.iterator]: () => notesOf(last) },
      ]
      let found: IdInTwoCases | undefined
      // the notes of the current hash: most hashes have one, read back only when shared
      let first: Note | undefined
      let more: Note[] = []
      const settle = (): void => {
        if (first === undefined || more.length === 0) return
        const x = inTwoCases([first, ...more].map((m) => parse(read.read(m))))
        if (x !== undefined && (found === undefined || x.otherLine < found.otherLine)) found = x
      }
      for (const { item } of mergeSorted(sources, byHash)) {
        if (first !== undefined && item.hash === first.hash) {
          more.push(item)
          continue
        }
        settle()
        first = item
        if (more.length > 0) more = []
      }
      settle()
      return found
    },
    close: () => {
      texts?.close()
      texts = undefined
      for (const fd of fds.splice(0)) fs.closeSync(fd)
      if (root !== undefined) removeTemp(root)
      root = undefined
    },
  }
}

// operations

/** A one-line explanation of an id in two cases, saying that nothing was written. */
export const describe = (e: IdInTwoCases): string =>
  `event id ${e.eventId} is given in two cases: case ${e.caseId} (line ${e.line}) and case ${e.otherCaseId} ` +
  `(line ${e.otherLine}): an event id is stored once, in one case (an IdempotencyConflict, as an import of ` +
  'the input would refuse it). Nothing was written.'
