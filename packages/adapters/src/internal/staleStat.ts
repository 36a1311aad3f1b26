/**
 * A workaround for Node's `fs.realpathSync`, which the ES module loader runs on every module it
 * resolves: where it already knows a part of the path, it reads that part's file type from the
 * buffer the last synchronous `stat` filled, and after a `statSync` of a named pipe (or a socket)
 * it stops early and returns the path with its symbolic links unresolved. A package linked by pnpm
 * then resolves its own dependencies from the link's directory, and the `import()` of an adapter
 * fails with "Cannot find package …" (seen with `docket import FIFO --store postgres://…`, Node
 * 20–24). A `statSync` of a regular file just before the `import()` leaves a regular file there.
 */
import * as fs from 'node:fs'
import { fileURLToPath } from 'node:url'

const self = fileURLToPath(import.meta.url)

/** Leaves a regular file in the buffer of the last synchronous `stat` (call just before an `import()`). */
export const forgetStaleStat = (): void => {
  fs.statSync(self)
}
