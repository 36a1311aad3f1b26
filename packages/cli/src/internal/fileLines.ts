/**
 * The lines of a file with the byte offset each starts at, so that a line can
 * be read back later by its offset alone (`Replay.ReadBack` for a file). Lines
 * are split as `Jsonl.lineBatchesOf` splits them: on `\n`, a `\r` before it
 * dropped, a leading byte order mark dropped; a `\n` byte never occurs inside
 * a multi-byte UTF-8 character, so splitting bytes equals splitting text.
 * {@link readBack} reads a case's events back by their lines' offsets.
 */
import { isUtf8 } from 'node:buffer'
import * as fs from 'node:fs'
import { Jsonl, type Recorded } from '@docket/core'
import type * as Replay from '../replay/Replay.js'
import * as Source from '../Source.js'

// model

/** The lines of one chunk read, and the byte offset in its file where each starts when there is a file. */
export interface Lines {
  readonly lines: ReadonlyArray<string>
  readonly offsets?: ReadonlyArray<number>
}

/** The lines of one chunk of a file, each with the byte offset where it starts. */
export interface Batch extends Lines {
  readonly offsets: ReadonlyArray<number>
}

// internal

const NL = 10
const CR = 13
const BOM = Buffer.from([0xef, 0xbb, 0xbf])

/**
 * The text of `buf[start, end)` without a final `\r`, `Jsonl.notUtf8`-marked when its bytes are
 * not UTF-8. `utf8`: the caller already knows they are (a whole chunk's lines checked at once, as
 * `Jsonl.lineBatchesOf` checks them), so only the lines of a chunk that is not are checked alone.
 */
const text = (buf: Buffer, start: number, end: number, utf8 = false): string => {
  const stop = end > start && buf[end - 1] === CR ? end - 1 : end
  const s = buf.toString('utf8', start, stop)
  return utf8 || isUtf8(buf.subarray(start, stop)) ? s : Jsonl.notUtf8(s)
}

// operations

/**
 * The lines of `file` in batches, one per chunk read (`chunkBytes`, default 1 MiB), with their
 * offsets; `count` is told the bytes of each chunk as it is read (a progress bar's).
 */
export async function* batches(
  file: string,
  count: (bytes: number) => void = () => {},
  chunkBytes = 1 << 20,
): AsyncGenerator<Batch> {
  // bytes of a line not ended yet, and the file offset of its first byte
  let rest: Buffer = Buffer.alloc(0)
  let base = 0
  // whether the file's first bytes were looked at for a byte order mark (only offset 0 has one)
  let bomChecked = false
  for await (const chunk of fs.createReadStream(file, { highWaterMark: chunkBytes })) {
    const bytes = chunk as Buffer
    count(bytes.length)
    const buf = rest.length === 0 ? bytes : Buffer.concat([rest, bytes])
    let start = 0
    if (!bomChecked && (base > 0 || buf.length >= BOM.length)) {
      if (base === 0 && buf.subarray(0, BOM.length).equals(BOM)) start = BOM.length
      bomChecked = true
    }
    const lines: string[] = []
    const offsets: number[] = []
    // the chunk's whole lines checked at once (one pass); each line alone only when they are not UTF-8
    const utf8 = isUtf8(buf.subarray(start, buf.lastIndexOf(NL) + 1))
    for (let nl = buf.indexOf(NL, start); nl !== -1; nl = buf.indexOf(NL, start)) {
      lines.push(text(buf, start, nl, utf8))
      offsets.push(base + start)
      start = nl + 1
    }
    rest = buf.subarray(start)
    base += start
    if (lines.length > 0) yield { lines, offsets }
  }
  if (rest.length > 0) yield { lines: [text(rest, 0, rest.length)], offsets: [base] }
}

/** The line of the file open as `fd` that starts at byte `offset` (read up to its `\n` or the end). */
export const lineAt = (fd: number, offset: number): string => {
  let buf = Buffer.allocUnsafe(4096)
  let end = 0
  for (;;) {
    const n = fs.readSync(fd, buf, end, buf.length - end, offset + end)
    const nl = buf.indexOf(NL, end)
    end += n
    if (nl !== -1 && nl < end) return text(buf, 0, nl)
    if (n === 0) return text(buf, 0, end)
    if (end === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2)
      buf.copy(bigger, 0, 0, end)
      buf = bigger
    }
  }
}

/** What tells a file's versions apart: its size, modification time and inode. */
export interface Version {
  readonly size: number
  readonly mtimeMs: number
  readonly ino: number
}

/** The version of `file` now. */
export const versionOf = (file: string): Version => {
  const { size, mtimeMs, ino } = fs.statSync(file)
  return { size, mtimeMs, ino }
}

/** Whether a file's `stat` is still of `version` (same size, modification time and inode). */
export const sameVersion = (now: Version, version: Version): boolean =>
  now.size === version.size && now.mtimeMs === version.mtimeMs && now.ino === version.ino

/**
 * The `name` of the error a read back throws when the file changed during the replay: bad input
 * (exit 2), not a bug. An error's `name` survives the crossing from a worker thread.
 */
const CHANGED = 'FileChanged'

/** Whether `e` is the error of a file changed during the replay ({@link readBack}), from any thread. */
export const isChanged = (e: unknown): e is Error => e instanceof Error && e.name === CHANGED

/** Batches of lines read from a stream, which has no offsets. */
export async function* withoutOffsets(batches: AsyncIterable<ReadonlyArray<string>>): AsyncGenerator<Lines> {
  for await (const lines of batches) yield { lines }
}

/**
 * How a replay reads events of `file` back by their lines' offsets: `handle` gives the offset of
 * the line of the event read last. Reading fails when the file is no longer the `version` it was
 * when it was read (written since: its size, modification time or inode differ), or a line is no
 * longer an event of its case: it then throws an error {@link isChanged} recognises.
 */
export const readBack = (file: string, version: Version, handle: () => number): Replay.ReadBack => ({
  handle,
  read: async (caseId, offsets) => readEvents(file, version, caseId, offsets),
})

/** The events of `caseId` at these byte offsets of `file`, decoded (see {@link readBack}). */
const readEvents = (
  file: string,
  version: Version,
  caseId: string,
  offsets: ReadonlyArray<number>,
): Recorded[] => {
  const changed = (why: string): Error =>
    Object.assign(new Error(`${file}: ${why}: the file changed during the replay`), { name: CHANGED })
  const fd = fs.openSync(file, 'r')
  try {
    const now = fs.fstatSync(fd)
    if (!sameVersion(now, version))
      throw changed('its size, modification time or inode differ from when it was read')
    return offsets.map((o) => {
      const d = Source.decodeLine(lineAt(fd, o), 0)
      if (d._tag === 'Left' || d.right.caseId !== caseId)
        throw changed(`the line at byte ${o} is no longer an event of case ${caseId}`)
      return d.right
    })
  } finally {
    fs.closeSync(fd)
  }
}
