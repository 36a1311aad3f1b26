/**
 * The temporary files and directories this thread has made and not yet removed (the temporary
 * file of an `--out` report, a replay's spill directories), so that the `docket` process, when
 * SIGINT or SIGTERM interrupts it, removes them before it ends (`main.ts`): an interrupted
 * command leaves no half-written report and no spilled histories behind. A registry only: it
 * installs no signal handler, so an application using these modules keeps its own.
 */
import * as fs from 'node:fs'

// model

const held = new Set<string>()

// operations

/** Records `path` (a file or a directory) as temporary until {@link release}; returns it. */
export const hold = (path: string): string => {
  held.add(path)
  return path
}

/** `path` is no longer temporary: removed, or renamed into place. */
export const release = (path: string): void => {
  held.delete(path)
}

/**
 * Removes every path still held, synchronously (a signal handler cannot wait); one that cannot be
 * removed is left, since an interrupted process has no one to tell but standard error.
 */
export const removeAll = (): void => {
  for (const path of held) {
    try {
      // retries: a worker thread may still be writing into a spill directory
      fs.rmSync(path, { recursive: true, force: true, maxRetries: 3 })
    } catch {}
  }
  held.clear()
}
