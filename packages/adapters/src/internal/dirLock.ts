/**
 * A single-owner lock on a PGlite data directory: a `docket.lock` file
 * holding the owner's pid and host, created exclusively. PGlite is one
 * connection in one process; a second process opening the same directory
 * would corrupt it, so it is refused with a message naming the directory and
 * the owner. A lock left by a process that died (same host, pid not alive)
 * is stale and taken over (`LockFile`).
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import * as LockFile from '../LockFile.js'

/** The directory is held by another live process (or already open in this one). */
export interface Locked {
  readonly _tag: 'StoreLocked'
  readonly path: string
  readonly pid: number
  readonly message: string
}

/** The lock file of a data directory. */
export const lockFile = (dir: string): string => path.join(dir, 'docket.lock')

/** Takes the lock on `dir` (created if missing); returns its release function, or who holds it. */
export const acquire = (dir: string): E.Either<Locked, () => void> => {
  fs.mkdirSync(dir, { recursive: true })
  const file = lockFile(dir)
  return E.mapLeft(
    (held: LockFile.Held): Locked => ({
      _tag: 'StoreLocked',
      path: dir,
      pid: held.owner.pid,
      message:
        `the PGlite store ${dir} is already open by ${LockFile.holder(held)} (lock file ${file}). ` +
        'PGlite is one connection in one process: stop the other process, or use PostgreSQL (postgres://…) ' +
        'when several processes, such as an importer and a watcher, share a store. ' +
        `If no process uses the store any more (its pid was reused), delete ${file}.`,
    }),
  )(LockFile.acquire(file))
}
