/**
 * A single-owner lock: a file holding the owner's pid and host, created
 * exclusively (`O_EXCL`), removed by its owner on release or exit. A lock
 * whose owner died (same host, pid no longer alive) is stale and taken
 * over; a lock from another host is never taken over, since whether that
 * process lives cannot be told from here (its file must be deleted by hand).
 * Used for what one process at a time may hold: a PGlite data directory, the
 * journal of a Transparency Database submission.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as E from 'fp-ts/lib/Either.js'

// model

/** Who holds a lock. */
export interface Owner {
  readonly pid: number
  readonly host: string
}

/** The lock is held by another live process, or already by this one. */
export interface Held {
  readonly _tag: 'LockHeld'
  /** The lock file. */
  readonly file: string
  readonly owner: Owner
  /** This process holds it already. */
  readonly self: boolean
}

// internal

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

// operations

/** Who a {@link Held} names: `this process`, or `process <pid> on <host>`. */
export const holder = (h: Held): string =>
  h.self ? 'this process' : `process ${h.owner.pid} on ${h.owner.host}`

/** Takes the lock `file` (its directory must exist); returns its release function, or who holds it. */
export const acquire = (file: string): E.Either<Held, () => void> => {
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
    const self = owner !== undefined && owner.pid === me.pid && owner.host === me.host
    if (owner !== undefined && (owner.host !== me.host || self || alive(owner.pid)))
      return E.left({ _tag: 'LockHeld', file, owner, self })
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
