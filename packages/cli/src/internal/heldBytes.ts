/**
 * Texts held as UTF-8 bytes in one buffer, off the JS heap: values waiting for a sorted run of
 * a replay's results (`replay/Runs.ts`). Not a file: nothing is written, and the buffer is
 * reused after `clear`.
 */
import type * as Extents from './extents.js'
import * as Utf8 from './utf8.js'

/** Texts held as UTF-8 bytes in one buffer (see {@link heldBytes}). */
export interface HeldBytes {
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
export const heldBytes = (): HeldBytes => {
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
