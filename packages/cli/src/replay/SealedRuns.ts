/**
 * Sealed runs: a replay's results once their sorted runs are written (`Runs.seal`), read in key
 * order as many times as the caller iterates them, each time from disk through descriptors
 * opened when sealed (their files already unlinked), closed when the result is garbage; or,
 * when no run was written, from the entries held in memory. Handed-off runs can change threads
 * ({@link detach}, then {@link adopt}) as files. Not the writer: that is `Runs`.
 */
import * as fs from 'node:fs'
import { removeDir } from '../internal/spillDir.js'
import { latest } from './RunLines.js'

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

/** The non-null values of sealed runs, each its key and JSON text; `owner` is kept alive while iterating (its finalizer closes `fds`). */
function* texts(fds: ReadonlyArray<number>, owner: object): Generator<readonly [string, string]> {
  for (const l of latest(fds)) if (l.tab < l.line.length - 1) yield [l.key, l.line.slice(l.tab + 1)]
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

/** Sealed runs reading `fds`, closed once the result is garbage. */
const fromFds = <A>(fds: ReadonlyArray<number>): Sealed<A> => {
  const sealed: Sealed<A> = {
    [Symbol.iterator]: () => parsed<A>(texts(fds, sealed)),
    texts: { [Symbol.iterator]: () => texts(fds, sealed) },
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
