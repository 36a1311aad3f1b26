/**
 * The files this process holds open, for tests that check a merge's bound on them: counted in
 * `/proc/self/fd` (Linux). Not a limit: nothing here closes or refuses anything.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'

/**
 * How many files under the directory `under` the process holds open now (each descriptor whose
 * target is below it; other tests' files, sockets and worker threads' descriptors, which come and
 * go meanwhile in a shared test process, are not counted), or `undefined` where `/proc/self/fd`
 * is missing.
 */
export const openFiles = (under: string): number | undefined => {
  const prefix = `${fs.realpathSync(under)}${path.sep}`
  let fds: ReadonlyArray<string>
  try {
    fds = fs.readdirSync('/proc/self/fd')
  } catch {
    return undefined
  }
  let n = 0
  for (const fd of fds) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith(prefix)) n++
    } catch {
      // closed since the directory was read
    }
  }
  return n
}
