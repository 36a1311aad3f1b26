/**
 * Bounded fan-in: the passes that bring a replay's sorted runs on disk down to a number a merge
 * may open at once (a process has a limit of open files, often 1,024), by merging consecutive
 * groups of runs into bigger ones first. Shared by every merge of spilled runs (the event sort,
 * the results' runs, the check of ids across cases). Not the merge itself (`merge.ts`), nor any
 * run's format: a {@link Format} says how its runs are merged and written.
 */
import * as fs from 'node:fs'

// model

/** How one kind of run is merged and written. */
export interface Format<A> {
  /**
   * The items of the runs read through `fds` (given in source order), merged into one run's
   * items; `first` when the group starts with the first run (nothing comes before it).
   */
  readonly merge: (fds: ReadonlyArray<number>, first: boolean) => Iterable<A>
  /** Writes `items` as a run to the new file `file`. */
  readonly write: (file: string, items: Iterable<A>) => void
}

// constructors

/** The default number of runs a merge opens at once. */
export const LIMIT = 64

// operations

/** Merges the runs of `files` (source order) into a new run `out` and removes them. */
export const mergeInto = <A>(
  format: Format<A>,
  files: ReadonlyArray<string>,
  out: string,
  first: boolean,
): void => {
  const fds: number[] = []
  try {
    for (const f of files) fds.push(fs.openSync(f, 'r'))
    format.write(out, format.merge(fds, first))
  } finally {
    for (const fd of fds) fs.closeSync(fd)
  }
  for (const f of files) fs.rmSync(f, { force: true })
}

/**
 * The runs `files` (source order) brought down to at most `limit` (at least 2): consecutive
 * groups of at most `limit` runs are merged, each into a new file (`fresh()`) that takes the
 * group's place, in passes until few enough are left. A merge of the result gives what a merge
 * of `files` gives, when equal items come in source order. A pass merges no more runs than it
 * must (the earliest ones): every merge reads and writes its runs' bytes once more.
 */
export const reduce = <A>(
  format: Format<A>,
  files: ReadonlyArray<string>,
  limit: number,
  fresh: () => string,
): ReadonlyArray<string> => {
  const k = Math.max(2, limit)
  let runs = [...files]
  while (runs.length > k) {
    const next: string[] = []
    for (let i = 0; i < runs.length; ) {
      const left = runs.length - i
      // a group of `size` runs leaves `size - 1` fewer: merge just enough to fit `k`
      const size = Math.min(k, left, next.length + left - k + 1)
      if (size < 2) {
        next.push(...runs.slice(i))
        break
      }
      const out = fresh()
      mergeInto(format, runs.slice(i, i + size), out, i === 0)
      next.push(out)
      i += size
    }
    runs = next
  }
  return runs
}
