/**
 * A single-owner lock on a PGlite data directory: a `docket.lock` file
 * holding the owner's pid and host, created exclusively. PGlite is one
 * connection in one process; a second process opening the same directory
 * would corrupt it, so it is refused with a message naming the directory and
 * the owner. A lock left by a process that died (same host, pid not alive)
 * is stale and taken over.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as E from 'fp-ts/lib/Either.js'

/** The directory is held by another live process (or already open in this one). */
export interface Locked {
  readonly _tag: 'StoreLocked'
  readonly path: string
  readonly pid: number
  readonly message: string
}

interface Owner {
  readonly pid: number
  readonly host: string
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const readOwner = (file: string): Owner | undefined => {
  try {
    const o = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Owner>
    return typeof o.pid === 'number' && typeof o.host === 'string' ? { pid: o.pid, host: o.host } : undefined
  } catch {
    return undefined
  }
}

/** The lock file of a data directory. */
export const lockFile = (dir: string): string => path.join(dir, 'docket.lock')

/** Takes the lock on `dir` (created if missing); returns its release function, or who holds it. */
export const acquire = (dir: string): E.Either<Locked, () => void> => {
  fs.mkdirSync(dir, { recursive: true })
  const file = lockFile(dir)
  const me: Owner = { pid: process.pid, host: os.hostname() }
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      fs.writeFileSync(file, `${JSON.stringify(me)}\n`, { flag: 'wx' })
      const release = (): void => {
        process.removeListener('exit', release)
        const owner = readOwner(file)
        if (owner?.pid === me.pid && owner.host === me.host) fs.rmSync(file, { force: true })
      }
      process.on('exit', release)
      return E.right(release)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
    const owner = readOwner(file)
    if (owner === undefined && attempt < 2) {
      // maybe being written by its creator right now: look again shortly
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100)
      continue
    }
    const held = owner !== undefined && (owner.host !== me.host || owner.pid === me.pid || alive(owner.pid))
    if (held) {
      const who =
        owner.pid === me.pid && owner.host === me.host
          ? 'this process'
          : `process ${owner.pid} on ${owner.host}`
      return E.left({
        _tag: 'StoreLocked',
        path: dir,
        pid: owner.pid,
        message:
          `the PGlite store ${dir} is already open by ${who} (lock file ${file}). ` +
          'PGlite is one connection in one process: stop the other process, or use PostgreSQL (postgres://…) ' +
          'when several processes, such as an importer and a watcher, share a store. ' +
          `If no process uses the store any more (its pid was reused), delete ${file}.`,
      })
    }
    // stale (dead owner) or unreadable: move it aside, then try again
    try {
      fs.renameSync(file, `${file}.stale-${process.pid}-${attempt}`)
      fs.rmSync(`${file}.stale-${process.pid}-${attempt}`, { force: true })
    } catch {
      // another process took it over first: loop and look again
    }
  }
  throw new Error(`could not take the lock ${file}`)
}
