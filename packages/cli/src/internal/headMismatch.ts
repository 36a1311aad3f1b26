/**
 * What `docket verify --head N:DIGEST` says when the given head is not the
 * history's: both heads, one above the other, with the first character that
 * differs marked, so that a digest mistyped or cut short when copied from a
 * report's stamp is seen at once. Every event of the history verified
 * against its seal and its stream; only the head given differs, so the
 * message names what that can mean instead of calling an event altered.
 */
import type { Integrity } from '@docket/core'

/** `events:digest`, as `--head` takes it and reports quote it. */
const text = (h: Integrity.ChainHead): string => `${h.events}:${h.digest}`

/** Index of the first character where `a` and `b` differ (the shorter's length when one starts the other). */
const firstDifference = (a: string, b: string): number => {
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  return i
}

/**
 * The text output of a failed `--head` check: `given` is the head passed, `history` the history's
 * own head (after `given.events` sealed events, or all of them when it has fewer).
 */
export const describe = (given: Integrity.ChainHead, history: Integrity.ChainHead): string => {
  const g = text(given)
  const h = text(history)
  const at = firstDifference(g, h)
  const why =
    history.events < given.events
      ? `The given head covers ${given.events} sealed event(s), the history has ${history.events}: events were removed, or the count was mistyped, or the head is of a longer history`
      : `After ${history.events} sealed event(s) the history's digest is not the one given: the head was mistyped or copied from another history, or the history was rewritten consistently since it was taken`
  return (
    'HEAD MISMATCH: the given head does not match this history\n' +
    `  given:   ${g}\n` +
    `  history: ${h}\n` +
    `           ${' '.repeat(at)}^ first difference (character ${at + 1})\n` +
    `${why}. Each of its ${history.events} event(s) verifies against its seal and its stream; check that the head was copied whole (a report's stamp.integrity, or docket verify's head:) and is of this store's cut (docket verify --until POSITION).\n`
  )
}

/** The one-line error for standard error. */
export const summary = (given: Integrity.ChainHead, history: Integrity.ChainHead): string =>
  `the given head ${text(given)} does not match the history's ${text(history)}`
