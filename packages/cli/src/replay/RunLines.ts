/**
 * The lines of a replay's sorted runs of results (`Runs`), and their merge: each line is a key
 * as JSON, a tab, and the value as JSON (nothing for `null`); runs are merged in key order, each
 * key once, from the newest run holding it, and written again when merged in passes
 * ({@link lineRuns}). Not the runs' files: `Runs` writes them, `SealedRuns` reads them for their
 * user.
 */
import { appender } from '../internal/appender.js'
import type * as FanIn from '../internal/fanIn.js'
import { lines } from '../internal/fdLines.js'
import { mergeSorted } from '../internal/merge.js'

/** Code-unit order of keys (the runs' order). */
export const compareKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** A run's line: the key as JSON, a tab, the value as JSON (empty for `null`). */
export interface Line {
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
export function* latest(fds: ReadonlyArray<number>): Generator<Line> {
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

/**
 * The format of these runs for a merge in passes (`internal/fanIn.ts`): each key once, from the
 * newest run; `null`s left out when nothing is older.
 */
export const lineRuns: FanIn.Format<Line> = {
  merge: function* (fds, first) {
    for (const l of latest(fds)) if (!first || l.tab < l.line.length - 1) yield l
  },
  write: (file, items) => {
    const w = appender(file)
    try {
      for (const l of items) w.add(`${l.line}\n`)
    } finally {
      w.end()
    }
  },
}
