/**
 * Disk spill for replays larger than memory: an external merge sort that puts
 * an out-of-order event file into `recordedAt` order (stable: ties keep file
 * order), an archive of the histories of cases leaving memory (or of the
 * handles their source reads them back by) so that a case that returns can
 * be replayed in full, and sorted runs of finished
 * cases' results ({@link runs}) so that a replay's report can be read in case
 * order without holding every case in memory. Files live in private temporary
 * directories (`docket-replay-*` under the given directory, or the OS's) that
 * `close()` removes; a sealed set of runs is unlinked at once and read through
 * open file descriptors, closed when the results are garbage-collected or the
 * process exits.
 *
 * Each tool is a module of its own: {@link sort} is `EventSort`'s, {@link archive} is
 * `Archive`'s, {@link runs} is `Runs`' (their lines and merge `RunLines`', their reader
 * `SealedRuns`'); this module names them together and holds the directory several threads
 * spill into ({@link scratch}).
 *
 * This is not a store: nothing here survives the replay.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { removeDir } from '../internal/spillDir.js'
import * as Temporary from '../internal/temporary.js'

export { type Archive, type Archived, archive } from './Archive.js'
export { type LinedEvents, type SortOptions, sort, sortLined } from './EventSort.js'
export { type Runs, type RunsOptions, runs } from './Runs.js'
export { adopt, adoptAll, type Detached, detach, type Sealed } from './SealedRuns.js'

// constructors

/** A private temporary directory shared by several threads' spills (see {@link scratch}). */
export interface Scratch {
  readonly dir: string
  /** Removes the directory and everything in it. */
  readonly remove: () => void
}

/**
 * A private temporary directory under `dir` (default: the OS temporary directory) for other
 * threads to spill into (replay workers' runs and archives): removing it removes whatever a
 * thread left there, one stopped mid-replay or one that ended between sealing its runs and
 * handing them over. Runs already adopted stay readable (they are open).
 */
export const scratch = (dir?: string): Scratch => {
  const root = Temporary.hold(fs.mkdtempSync(path.join(dir ?? os.tmpdir(), 'docket-workers-')))
  return { dir: root, remove: () => removeDir(root) }
}
