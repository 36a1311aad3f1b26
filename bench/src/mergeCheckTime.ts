/**
 * Checking partial reports before a merge, in this thread against on worker threads, one way per
 * process (alternate them to compare): `node bench/dist/mergeCheckTime.js <one|threads>
 * <partial…>` times `Partial.openAll` of the given partials (`docket replay --partition I/N
 * --report partial`), in this thread (`one`) or one worker thread per file (`threads`), and
 * prints the wall milliseconds, the cases and the bytes checked.
 */
import * as fs from 'node:fs'
import { Partial } from '@docket/cli'

const [mode = 'threads', ...files] = process.argv.slice(2)
if (!['one', 'threads'].includes(mode) || files.length === 0)
  throw new Error('usage: mergeCheckTime.js <one|threads> <partial…>')
const started = performance.now()
const parts = await Partial.openAll(files, mode === 'one' ? { threads: 1 } : { minBytesForThreads: 0 })
const ms = performance.now() - started
if (parts._tag === 'Left') throw new Error(Partial.describe(parts.left))
process.stdout.write(
  `${JSON.stringify({
    mode,
    files: files.length,
    ms: Math.round(ms),
    cases: parts.right.reduce((n, p) => n + p.header.stats.cases, 0),
    bytes: files.reduce((n, f) => n + fs.statSync(f).size, 0),
  })}\n`,
)
