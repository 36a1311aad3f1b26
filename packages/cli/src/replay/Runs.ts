/**
 * Sorted runs of finished cases' results, the writing side: values by key (a case id) held as
 * JSON bytes until a budget is reached, then written as a run sorted by key, and runs of one
 * level merged into one of the next, so that a replay's report can be read in case order
 * without holding every case in memory. Not the reader: sealing hands the runs to `SealedRuns`.
 */
import * as path from 'node:path'
import { appender } from '../internal/appender.js'
import type * as Extents from '../internal/extents.js'
import * as FanIn from '../internal/fanIn.js'
import { heldBytes } from '../internal/heldBytes.js'
import { removeTemp, tempDir } from '../internal/spillDir.js'
import { compareKeys, lineRuns } from './RunLines.js'
import { adopt, type Detached, handOff, type Sealed } from './SealedRuns.js'

// model

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

/** Options of {@link runs}. */
export interface RunsOptions {
  /** Directory for the temporary files (default: the OS temporary directory). */
  readonly dir?: string
  /** Values held in memory before a sorted run is written (default 5,000). */
  readonly runSize?: number
  /** Bytes of JSON held in memory before a sorted run is written, whatever the count (default 8 MiB). */
  readonly runBytes?: number
  /**
   * Runs of one level on disk before they are merged into one run of the next, and the most runs
   * a merge opens at once (default 64): sealing merges the earliest runs first until no more are left.
   */
  readonly fanIn?: number
  /**
   * Seal into runs that another thread can take ({@link detach}, then {@link adopt}): their
   * files stay until they are first read, here or there (default false: opened and removed at
   * once).
   */
  readonly handOff?: boolean
}

// constructors

/** Sorted runs of results in a private temporary directory (see {@link Runs}). */
export const runs = <A>(options: RunsOptions = {}): Runs<A> => {
  const runSize = options.runSize ?? 5_000
  const runBytes = options.runBytes ?? 1 << 23
  const fanIn = Math.max(2, options.fanIn ?? FanIn.LIMIT)
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
      const out = file()
      FanIn.mergeInto(lineRuns, files.slice(-fanIn), out, files.length === fanIn)
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
      // up to `fanIn - 1` runs of each level are left: the merge that reads them opens `fanIn` at most
      const written = { dir: root!, files: FanIn.reduce(lineRuns, files, fanIn, file) }
      root = undefined
      files = []
      levels = []
      return sealedAs(written)
    },
    close,
    written: () => count,
  }
}
