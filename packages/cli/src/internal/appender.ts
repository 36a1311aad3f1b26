/**
 * A file written by appending text through one reused buffer, readable while it grows: the
 * writing side of a replay's disk spill (the archive of cases out of memory, the sorted runs of
 * results, `replay/Spill.ts`). Not a stream: writes are synchronous, and nothing is appended
 * after `end`.
 */
import * as fs from 'node:fs'
import type * as Extents from './extents.js'
import * as Utf8 from './utf8.js'

/** A file written by appending text through one reused buffer (see {@link appender}). */
export interface Appender {
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
export const appender = (file: string, bufferBytes = 1 << 20): Appender => {
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
