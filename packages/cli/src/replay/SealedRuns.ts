/**
 * Sealed runs: a replay's results once their sorted runs are written (`Runs.seal`), read in key
 * order as many times as the caller iterates them, each time from disk through descriptors
 * opened when sealed (their files already unlinked), closed when the result is garbage; or,
 * when no run was written, from the entries held in memory. Handed-off runs can change threads
 * ({@link detach}, then {@link adopt}) as files; several threads' runs are read as one merge,
 * opening a bounded number of files ({@link adoptAll}). Not the writer: that is `Runs`.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import * as FanIn from '../internal/fanIn.js'
import { mergeSorted } from '../internal/merge.js'
import { removeDir } from '../internal/spillDir.js'
import { compareKeys, latest, lineRuns } from './RunLines.js'

// model

/** Sealed runs: their values in key order, and the same as key and JSON text, unparsed. */
export interface Sealed<A> extends Iterable<A> {
  /** Each key with its value's JSON text, in key order (`null`s left out): for a reader that passes values on. */
  readonly texts: Iterable<readonly [string, string]>
}

/**
 * Sealed runs that can change threads ({@link RunsOptions}`.handOff`): their files and the
 * directory holding them, or their entries when no run was written. A worker thread's open
 * descriptors are closed when it exits, so runs go from one thread to another as files.
 */
export type Detached =
  | { readonly dir: string; readonly files: ReadonlyArray<string> }
  | { readonly entries: ReadonlyArray<readonly [string, string]> }

// internal

/** The non-null values of the runs read through `fds`, each its key and JSON text. */
function* fdTexts(fds: ReadonlyArray<number>): Generator<readonly [string, string]> {
  for (const l of latest(fds)) if (l.tab < l.line.length - 1) yield [l.key, l.line.slice(l.tab + 1)]
}

/**
 * The non-null values of sealed runs, each its key and JSON text: the runs read through `fds`,
 * merged with `entries` (keys in none of the runs) when there are some; `owner` is kept alive
 * while iterating (its finalizer closes `fds`).
 */
function* texts(
  fds: ReadonlyArray<number>,
  owner: object,
  entries: ReadonlyArray<ReadonlyArray<readonly [string, string]>> = [],
): Generator<readonly [string, string]> {
  if (entries.length === 0) yield* fdTexts(fds)
  else {
    const runs = { [Symbol.iterator]: () => fdTexts(fds) }
    for (const x of mergeSorted([runs, ...entries], (a, b) => compareKeys(a[0], b[0]))) yield x.item
  }
  void owner
}

/** The values of key and JSON text pairs, parsed. */
function* parsed<A>(entries: Iterable<readonly [string, string]>): Generator<A> {
  for (const [, json] of entries) yield JSON.parse(json) as A
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

/** Sealed runs reading `fds` (and `entries`, see {@link texts}), closed once the result is garbage. */
const fromFds = <A>(
  fds: ReadonlyArray<number>,
  entries: ReadonlyArray<ReadonlyArray<readonly [string, string]>> = [],
): Sealed<A> => {
  const sealed: Sealed<A> = {
    [Symbol.iterator]: () => parsed<A>(texts(fds, sealed, entries)),
    texts: { [Symbol.iterator]: () => texts(fds, sealed, entries) },
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

/**
 * Opens the run files and removes their directory (the open descriptors keep the data; where an
 * open file cannot be removed, it goes at exit).
 */
const openRuns = (dir: string, files: ReadonlyArray<string>): number[] => {
  const fds = files.map((f) => fs.openSync(f, 'r'))
  removeDir(dir)
  return fds
}

// operations

// handed-off runs not yet read here nor detached
const handable = new WeakMap<object, Detached>()

/** Sealed runs from {@link Detached}: files are opened (and their directory removed) now. */
export const adopt = <A>(from: Detached): Sealed<A> =>
  'entries' in from ? fromEntries<A>(from.entries) : fromFds<A>(openRuns(from.dir, from.files))

/**
 * The sealed runs of several threads (`froms`, no key in two of them) read as one, in key order:
 * their files, taken in the order given, are first merged in passes down to at most `limit`
 * (`internal/fanIn.ts`; the new runs go in the first one's directory), so that reading them opens
 * `limit` files at most, however many threads handed runs over; entries held in memory are merged
 * beside them. Every directory is removed once the files are open.
 */
export const adoptAll = <A>(froms: ReadonlyArray<Detached>, limit: number = FanIn.LIMIT): Sealed<A> => {
  const dirs: string[] = []
  const files: string[] = []
  const entries: Array<ReadonlyArray<readonly [string, string]>> = []
  for (const from of froms) {
    if ('entries' in from) entries.push(from.entries)
    else {
      dirs.push(from.dir)
      files.push(...from.files)
    }
  }
  const into = dirs[0]
  if (into === undefined) return fromFds<A>([], entries)
  let count = 0
  const reduced = FanIn.reduce(lineRuns, files, limit, () => path.join(into, `across-${count++}.jsonl`))
  const fds = reduced.map((f) => fs.openSync(f, 'r'))
  for (const dir of dirs) removeDir(dir)
  return fromFds<A>(fds, entries)
}

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
export const handOff = <A>(from: Detached): Sealed<A> => {
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
