/**
 * Starting a replay's worker threads: one per worker, each given the settings it binds, its
 * index, the partition shared, and what it reads itself (the file it reads cases back from, or
 * the store and cut it reads its partition of). Not what they are sent afterwards
 * (`WorkerProtocol`).
 */
import { Worker } from 'node:worker_threads'
import type { CasePartition, EventStore } from '@docket/core'
import * as Keys from '../internal/keys.js'
import type * as Settings from './Settings.js'
import type { Input } from './Workers.js'

/** The worker's code, compiled: `dist/internal/replayWorker.js` (this module runs from `src` in the tests). */
const WORKER = new URL('../../dist/internal/replayWorker.js', import.meta.url)

/** Starts `n` worker threads replaying `input` with `settings`, spilling under `spillDir`. */
export const start = (
  input: Input,
  settings: Settings.Settings,
  n: number,
  spillDir: string,
  partition: CasePartition.Partition | undefined,
  cut: EventStore.Position | undefined,
): ReadonlyArray<Worker> =>
  Array.from(
    { length: n },
    (_, index) =>
      new Worker(WORKER, {
        workerData: {
          settings: { ...settings, spillDir },
          index,
          workers: n,
          ...(partition === undefined ? {} : { partition }),
          ...(input._tag === 'FileLines' ? { file: input.file, version: input.version } : {}),
          ...(input._tag === 'Store'
            ? {
                store: {
                  url: input.url,
                  cwd: input.cwd,
                  env: Keys.pick(input.env ?? process.env),
                  until: cut ?? null,
                },
              }
            : {}),
        },
      }),
  )
