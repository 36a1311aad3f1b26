/**
 * Workers: one replay run as partitions on worker threads (`docket replay
 * --workers N`), merged into what a replay in one thread gives (`Partition`):
 * the same report, byte for byte, but for the memory counters (`stats.dropped`,
 * `reopened`, `maxOpenCases`: each worker's own, summed).
 *
 * The calling thread reads the input once. A JSON Lines file's lines are
 * scanned (`internal/lineFields.ts`; parsed when the scan is unsure, never
 * decoded) to route each to the worker of its case (`Partition.of`), to
 * fold the integrity chain in read order, to find the latest
 * `occurredAt` and to note each event id with its case (`Input.ids`: the
 * caller checks ids across cases, every partition's, once the run is over);
 * each worker decodes its own lines (the validation of a
 * replay in one thread), replays its cases with `Replay.run` (given the
 * file's path and each line's byte offset, `FileLines`, it reads cases that
 * return to memory back from the file, as a replay in one thread of a file
 * does, instead of archiving their histories), and, once the
 * input has ended, judges them at the instant the calling thread sends
 * (`Partition.lateAsOf`): its results' sorted runs (`Spill.runs`, sealed to be
 * handed off) pass to the calling thread as files, which the merge reads, every
 * worker's as one merge opening at most `fanIn` files however many workers there are
 * (`Spill.detach`, `Spill.adoptAll`). Events already decoded (an
 * embedded store, or sorted input) are sent as they are (structured clone).
 *
 * A server's store (`StoreInput`) is not routed: the calling thread takes one
 * cut of its log (`EventStore.head`) and every worker opens the store again and
 * reads its own partition of the cut (`readAll({ partition, until })`,
 * `Partition.workerPartition`), sending the calling thread the positions and
 * hashes of its sealed events and, at the end of its read, its latest
 * `occurredAt`: the calling thread reads nothing, folds the seals in log order
 * (`Partition.sealMerge`) and hands every worker the latest instant.
 *
 * One machine's share (`partition`, `docket replay --partition I/N
 * --workers n`): the calling thread still reads every event of the input (the
 * chain head and latest `occurredAt` are the whole input's) but routes only the
 * partition's, spread over the workers by `Partition.worker`.
 *
 * Failures are a single thread's: the first bad line or out-of-order event of
 * the whole input wins, whichever worker meets it. A worker stops at its first
 * failure; the others go on up to that position, no further, in case one of
 * them has an earlier one.
 *
 * Temporary files: the workers spill under one directory of the calling thread's
 * (`Spill.scratch`, in `spillDir`), removed when the replay ends, however it ends.
 *
 * Stopped (`signal`, a command on SIGINT or SIGTERM): every worker is told to stop at once (a
 * `stop` at position 0), a worker reading a store stops at its next event and closes its store
 * before it says it has stopped, and the run fails as {@link INTERRUPTED} once every worker has;
 * the threads are then ended and the spill directory removed, as at any end.
 *
 * Memory: each worker has the replay's budgets (`maxOpenCases`,
 * `maxDoneCases`) to itself, and at most {@link IN_FLIGHT} batches travel to
 * a worker at a time.
 *
 * Its parts: the state the run shares while it goes (`WorkerRun`), the read of
 * the input and the batches fed to the workers (`WorkerFeed`), what the workers
 * send back (`WorkerOutcomes`) and the end of the run (`WorkerEnd`).
 *
 * Not here: rules given as functions (a worker binds the policy pack's rules
 * for the profile, `Settings.evaluation`), the thread's own code
 * (`internal/replayWorker.ts`), the messages both sides send (`WorkerProtocol`)
 * and how the threads are started (`WorkerThreads`).
 */
import type { CasePartition, EventStore, Recorded } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import type * as FileLines from '../internal/fileLines.js'
import type * as GlobalIds from './GlobalIds.js'
import type * as Replay from './Replay.js'
import type * as Settings from './Settings.js'
import * as Spill from './Spill.js'
import * as WorkerEnd from './WorkerEnd.js'
import * as WorkerFeed from './WorkerFeed.js'
import * as WorkerOutcomes from './WorkerOutcomes.js'
import type { Failure } from './WorkerProtocol.js'
import * as WorkerRun from './WorkerRun.js'
import * as WorkerThreads from './WorkerThreads.js'

export {
  BATCH,
  type BadLine,
  type Failure,
  type FromWorker,
  IN_FLIGHT,
  type StoreFailure,
  type ToWorker,
} from './WorkerProtocol.js'

// model

/** Options of {@link replay}: the settings every worker binds, the number of workers, and progress. */
export interface Options extends Settings.Settings {
  readonly workers: number
  /**
   * Replay only the cases of this partition of the input (`docket replay --partition I/N`), as
   * `Partition.only` does in one thread: the other partitions' events are read (the integrity
   * chain and the latest `occurredAt` are the whole input's) but not sent to any worker, and
   * their lines are not decoded.
   */
  readonly partition?: CasePartition.Partition
  readonly onProgress?: (p: Replay.Progress) => void
  /** Events read between two progress reports (default 10,000). */
  readonly progressEvery?: number
  /**
   * The most sorted runs of results the report's merge opens at once, all workers' together
   * (default 64, `internal/fanIn.ts`): when the workers hand over more, they are merged in passes
   * first.
   */
  readonly fanIn?: number
  /**
   * Stops the run when aborted (see the module header): it then fails as {@link INTERRUPTED},
   * each worker's store closed first. Not sent to the workers, as settings are.
   */
  readonly signal?: AbortSignal
}

/** How a run stopped by {@link Options.signal} fails (as a store's read stopped so does: `Input`). */
export const INTERRUPTED: Failure = { _tag: 'Store', message: 'interrupted' }

/**
 * What is read: the lines of a JSON Lines file (decoded by the workers), the same with each
 * line's byte offset in `file` (the workers read cases back from it: `Input.fileLines`), or
 * events already decoded.
 */
export type Input =
  | {
      readonly _tag: 'Lines'
      readonly batches: AsyncIterable<ReadonlyArray<string>>
      /** Where the reading thread notes each line's event id and case (`Input.ids`), when they are checked. */
      readonly ids?: GlobalIds.GlobalIds
    }
  | {
      readonly _tag: 'FileLines'
      readonly file: string
      /** The file's version when its lines were first read (`FileLines.versionOf`). */
      readonly version: FileLines.Version
      readonly batches: AsyncIterable<FileLines.Batch>
      /** Where the reading thread notes each line's event id and case (`Input.ids`), when they are checked. */
      readonly ids?: GlobalIds.GlobalIds
    }
  | {
      readonly _tag: 'Events'
      readonly events: AsyncIterable<Recorded>
      /** The input line of the event `events` yielded last (`Spill.sortLined`), when it has lines. */
      readonly line?: () => number
    }
  | StoreInput

/**
 * A store every worker reads itself, its own partition of one cut of the log
 * (`readAll({ partition, until })`), each in a store it opens again from `url` (relative to
 * `cwd`, with the key store `env` names; `Store.open`): so only for engines that serve several connections (PostgreSQL,
 * KurrentDB). `store` is the calling thread's, which takes the cut (`head()`) and orders the
 * workers' seals by position (`comparePositions`).
 */
export interface StoreInput {
  readonly _tag: 'Store'
  readonly url: string
  readonly cwd: string
  /**
   * The key variables of the invocation's environment (`DOCKET_KEYS`, `DOCKET_MASTER_KEY`), with
   * which each worker opens its key store; absent: each worker's own `process.env`.
   */
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly store: EventStore.EventStore
  /** The cut every worker reads to (checked already: `Store.cut`): the log's end when absent. */
  readonly until?: EventStore.Position
}

// operations

/** Replays `input` on `options.workers` worker threads and merges their results (see the module header). */
export const replay = async (input: Input, options: Options): Promise<E.Either<Failure, Replay.Result>> => {
  const n = options.workers
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`workers must be a positive integer, got ${n}`)
  const { workers: _, onProgress, progressEvery, partition, fanIn, signal, ...settings } = options
  const every = progressEvery ?? 10_000
  // one cut of a store for every reader (an empty log: none reads anything)
  let cut: EventStore.Position | undefined
  try {
    cut = input._tag === 'Store' ? (input.until ?? (await input.store.head())) : undefined
  } catch (e) {
    return E.left({ _tag: 'Store', message: e instanceof Error ? e.message : String(e) })
  }
  // every worker spills under one directory, removed at the end whatever the workers left
  const scratch = Spill.scratch(settings.spillDir)
  const threads = WorkerThreads.start(input, settings, n, scratch.dir, partition, cut)
  const run = WorkerRun.make(input, threads, partition, settings.knownAt, onProgress)
  const outcomes = WorkerOutcomes.listen(run)
  const feed = WorkerFeed.make(run)
  // the earliest failure there is: every worker stops at once, nothing before it to take
  const stop = (): void => run.stopAt(0, INTERRUPTED)
  if (signal?.aborted === true) stop()
  signal?.addEventListener('abort', stop, { once: true })
  try {
    await feed.read(every)
    if (run.crash !== undefined) throw run.crash
    await feed.flush()
    return await WorkerEnd.end(run, outcomes, fanIn)
  } finally {
    signal?.removeEventListener('abort', stop)
    await Promise.all(threads.map((t) => t.terminate()))
    scratch.remove()
  }
}
