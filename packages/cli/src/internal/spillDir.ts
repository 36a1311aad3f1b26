/**
 * The private temporary directories a replay spills into (`docket-replay-*` under the given
 * directory, or the OS's), held in the registry of temporary paths (`temporary.ts`) until they
 * are removed. Not what goes into them: that is `replay/Spill.ts`'s.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as Temporary from './temporary.js'

/** A fresh private temporary directory under `dir` (default: the OS temporary directory). */
export const tempDir = (dir: string | undefined): string =>
  Temporary.hold(fs.mkdtempSync(path.join(dir ?? os.tmpdir(), 'docket-replay-')))

/** Removes a temporary directory of {@link tempDir} or of `Spill.scratch`. */
export const removeTemp = (root: string): void => {
  fs.rmSync(root, { recursive: true, force: true })
  Temporary.release(root)
}

/** Removes a directory and what it holds, or at exit where open files keep it (Windows). */
export const removeDir = (dir: string): void => {
  try {
    removeTemp(dir)
  } catch {
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }))
  }
}
