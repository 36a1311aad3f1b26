/**
 * The lines of a file read synchronously through a descriptor, for readers that must be
 * synchronous iterables (the sorted runs of a replay's results, the cases of a partial report,
 * both read as `Replay.Result.cases`). UTF-8, split at `\n`; a last line without a newline is
 * still a line.
 */
import * as fs from 'node:fs'

/** The lines of a file read through `fd` from its start, without their newline, in chunks. */
export function* lines(fd: number): Generator<string> {
  let buf = Buffer.allocUnsafe(1 << 16)
  let start = 0
  let end = 0
  let pos = 0
  for (;;) {
    // a newline found past `end` is a stale byte: none in [start, end)
    const nl = buf.indexOf(10, start)
    if (nl !== -1 && nl < end) {
      yield buf.toString('utf8', start, nl)
      start = nl + 1
      continue
    }
    if (start > 0) {
      buf.copy(buf, 0, start, end)
      end -= start
      start = 0
    }
    if (end === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2)
      buf.copy(bigger, 0, 0, end)
      buf = bigger
    }
    const n = fs.readSync(fd, buf, end, buf.length - end, pos)
    if (n === 0) {
      if (end > start) yield buf.toString('utf8', start, end)
      return
    }
    pos += n
    end += n
  }
}
