/**
 * Checking several partial reports at once: each file's check (`PartialCheck`) made on worker
 * threads of its own when the files are large, in this thread otherwise, the outcomes in the
 * files' order. Not the check itself, which is the same on either side.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as fs from 'node:fs'
import * as os from 'node:os'
import { Worker } from 'node:worker_threads'
import type { Part, PartialError } from './Partial.js'
import { type Checked, check, part } from './PartialCheck.js'

/** Options of {@link openAll}. */
export interface OpenAllOptions {
  /** Worker threads checking files at once (default: the machine's available parallelism). */
  readonly threads?: number
  /** Below this many bytes in all, the files are checked in this thread (default 16 MiB). */
  readonly minBytesForThreads?: number
}

/**
 * `Partial.open`s several partial reports, checking them at once on worker threads when they are
 * large: the same parts, or the error `Partial.open` gives for the first bad file in `files`'s order.
 */
export const openAll = async (
  files: ReadonlyArray<string>,
  options: OpenAllOptions = {},
): Promise<E.Either<PartialError, ReadonlyArray<Part>>> => {
  const bytes = files.reduce((n, f) => n + sizeOf(f), 0)
  const threads = Math.max(1, Math.min(files.length, options.threads ?? os.availableParallelism()))
  const checked =
    threads > 1 && bytes >= (options.minBytesForThreads ?? 16 << 20)
      ? await onThreads(files, threads)
      : files.map(check)
  return E.map((cs: ReadonlyArray<Checked>) => cs.map(part))(E.sequenceArray(checked))
}

/** Each file's {@link check}, made on at most `threads` worker threads at once, in `files`'s order. */
const onThreads = async (
  files: ReadonlyArray<string>,
  threads: number,
): Promise<ReadonlyArray<E.Either<PartialError, Checked>>> => {
  const out: Array<E.Either<PartialError, Checked>> = []
  let next = 0
  const run = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++
      out[i] = await checkOnThread(files[i]!)
    }
  }
  await Promise.all(Array.from({ length: threads }, run))
  return out
}

/** The worker's code, compiled (this module runs from `src` in the tests). */
const CHECK_WORKER = new URL('../../dist/internal/partialWorker.js', import.meta.url)

/** {@link check} of `file` on a worker thread of its own. */
const checkOnThread = (file: string): Promise<E.Either<PartialError, Checked>> =>
  new Promise((resolve, reject) => {
    const w = new Worker(CHECK_WORKER, { workerData: { file } })
    w.once('message', (m: E.Either<PartialError, Checked>) => {
      resolve(m)
      void w.terminate()
    })
    w.once('error', reject)
    w.once('exit', (code) =>
      reject(new Error(`partial check worker exited (code ${code}) before its result`)),
    )
  })

/** A file's size, 0 when it cannot be read (its check says why). */
const sizeOf = (file: string): number => {
  try {
    return fs.statSync(file).size
  } catch {
    return 0
  }
}
