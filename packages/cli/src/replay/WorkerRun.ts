/**
 * WorkerRun: the state one replay on worker threads (`Workers.replay`) shares between its
 * parts while it runs: the threads, what each has in flight and has replayed, the earliest
 * failure known so far, a crash, whether every batch has been sent, the integrity chain and the
 * seals of workers reading a store, and the read position. It wakes the calling thread when
 * that state changes. Not how batches reach the workers (`WorkerFeed`), how their messages are
 * taken (`WorkerOutcomes`), nor how the run ends (`WorkerEnd`).
 */
import type { Worker } from 'node:worker_threads'
import { type CasePartition, Integrity } from '@docket/core'
import * as Partition from './Partition.js'
import type * as Replay from './Replay.js'
import type { Failure, ToWorker } from './WorkerProtocol.js'
import type { Input } from './Workers.js'

// model

/** What a worker has replayed so far, as its latest `progress` message says. */
export interface WorkerProgress {
  readonly events: number
  readonly openCases: number
  readonly doneCases: number
}

/** The state of one run on worker threads, shared by its parts (see {@link make}). */
export interface Run {
  readonly input: Input
  /** The number of workers. */
  readonly n: number
  readonly partition: CasePartition.Partition | undefined
  readonly threads: ReadonlyArray<Worker>
  /** Batches sent to each worker and not yet acknowledged. */
  readonly inFlight: number[]
  readonly progress: WorkerProgress[]
  /** The earliest failure known so far (the calling thread's own, or a worker's). */
  failed: { readonly position: number; readonly failure: Failure } | undefined
  crash: Error | undefined
  /**
   * Set once every batch has been sent: a `stop` may then go to the workers (not before: a
   * worker told to stop must already hold every item before the failure).
   */
  flushed: boolean
  /**
   * The chain head: folded by this thread as it reads, or from the seals of workers reading a
   * store, in log order (`seals`).
   */
  readonly chain: Integrity.Chain
  readonly seals: ReturnType<typeof Partition.sealMerge> | undefined
  /** Each worker's latest occurredAt, when it reads a store. */
  readonly latest: Array<string | undefined>
  /** Workers reading a store that have ended their read. */
  read: number
  /** The input position of the latest event read by this thread. */
  position: number
  /** The head and latest instant of what this thread reads. */
  readonly lead: Partition.Lead
  /** Wakes the calling thread when it waits (`sleep`). */
  readonly nudge: () => void
  /** Waits for the next `nudge`. */
  readonly sleep: () => Promise<void>
  /** Records a failure at `position` unless an earlier one is known, and tells the workers to stop there once flushed. */
  readonly stopAt: (position: number, failure: Failure) => void
  /** Reports progress, summed over the workers. */
  readonly report: (done: boolean) => void
}

// constructors

/** The state of a run reading `input` on `threads`, reporting progress to `onProgress`. */
export const make = (
  input: Input,
  threads: ReadonlyArray<Worker>,
  partition: CasePartition.Partition | undefined,
  knownAt: string | undefined,
  onProgress: ((p: Replay.Progress) => void) | undefined,
): Run => {
  const n = threads.length
  let wake: (() => void) | undefined
  const nudge = (): void => {
    const w = wake
    wake = undefined
    w?.()
  }
  const chain = Integrity.chain()
  const run: Run = {
    input,
    n,
    partition,
    threads,
    inFlight: threads.map(() => 0),
    progress: threads.map(() => ({ events: 0, openCases: 0, doneCases: 0 })),
    failed: undefined,
    crash: undefined,
    flushed: input._tag === 'Store',
    chain,
    seals: input._tag === 'Store' ? Partition.sealMerge(n, input.store.comparePositions, chain) : undefined,
    latest: [],
    read: 0,
    position: 0,
    lead: Partition.lead(knownAt, chain),
    nudge,
    sleep: () => new Promise<void>((r) => (wake = r)),
    stopAt: (position, failure) => {
      if (run.failed !== undefined && run.failed.position <= position) return
      run.failed = { position, failure }
      if (run.flushed) for (const t of threads) t.postMessage({ kind: 'stop', position } satisfies ToWorker)
      nudge()
    },
    report: (done) =>
      onProgress?.({
        // the workers read a store themselves: what they have replayed
        events: input._tag === 'Store' ? run.progress.reduce((s, p) => s + p.events, 0) : run.position,
        openCases: run.progress.reduce((s, p) => s + p.openCases, 0),
        doneCases: run.progress.reduce((s, p) => s + p.doneCases, 0),
        done,
      }),
  }
  return run
}
