/**
 * Workers: one replay run as partitions on worker threads (`docket replay
 * --workers N`), merged into what a replay in one thread gives (`Partition`):
 * the same report, byte for byte, but for the memory counters (`stats.dropped`,
 * `reopened`, `maxOpenCases`: each worker's own, summed).
 *
 * The calling thread reads the input once. A JSON Lines file's lines are
 * scanned (`internal/lineFields.ts`; parsed when the scan is unsure, never
 * decoded) to route each to the worker of its case (`Partition.of`), to
 * fold the integrity chain in read order and to find the latest
 * `occurredAt`; each worker decodes its own lines (the validation of a
 * replay in one thread), replays its cases with `Replay.run` (given the
 * file's path and each line's byte offset, `FileLines`, it reads cases that
 * return to memory back from the file, as a replay in one thread of a file
 * does, instead of archiving their histories), and, once the
 * input has ended, judges them at the instant the calling thread sends
 * (`Partition.lateAsOf`): its results' sorted runs (`Spill.runs`, sealed to be
 * handed off) pass to the calling thread as files, which the merge reads
 * (`Spill.detach`, `Spill.adopt`). Events already decoded (an
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
 * Memory: each worker has the replay's budgets (`maxOpenCases`,
 * `maxDoneCases`) to itself, and at most {@link IN_FLIGHT} batches travel to
 * a worker at a time.
 *
 * Not here: rules given as functions (a worker binds the policy pack's rules
 * for the profile, `Settings.evaluation`), the thread's own code
 * (`internal/replayWorker.ts`), the messages both sides send (`WorkerProtocol`)
 * and how the threads are started (`WorkerThreads`).
 */
import { type CasePartition, type EventStore, Integrity, type Recorded } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import * as FileLines from '../internal/fileLines.js'
import * as LineFields from '../internal/lineFields.js'
import * as Partition from './Partition.js'
import type * as Replay from './Replay.js'
import type * as Settings from './Settings.js'
import * as Spill from './Spill.js'
import { BATCH, type Failure, type FromWorker, IN_FLIGHT, type ToWorker } from './WorkerProtocol.js'
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
}

/**
 * What is read: the lines of a JSON Lines file (decoded by the workers), the same with each
 * line's byte offset in `file` (the workers read cases back from it: `Input.fileLines`), or
 * events already decoded.
 */
export type Input =
  | { readonly _tag: 'Lines'; readonly batches: AsyncIterable<ReadonlyArray<string>> }
  | {
      readonly _tag: 'FileLines'
      readonly file: string
      /** The file's version when its lines were first read (`FileLines.versionOf`). */
      readonly version: FileLines.Version
      readonly batches: AsyncIterable<FileLines.Batch>
    }
  | { readonly _tag: 'Events'; readonly events: AsyncIterable<Recorded> }
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

// internal

type Outcome =
  | { readonly kind: 'done'; readonly result: Replay.Result }
  | { readonly kind: 'failed'; readonly position: number; readonly failure: Failure }
  | { readonly kind: 'stopped' }

// operations

/** Replays `input` on `options.workers` worker threads and merges their results (see the module header). */
export const replay = async (input: Input, options: Options): Promise<E.Either<Failure, Replay.Result>> => {
  const n = options.workers
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`workers must be a positive integer, got ${n}`)
  const { workers: _, onProgress, progressEvery, partition, ...settings } = options
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
  const inFlight = threads.map(() => 0)
  const progress = threads.map(() => ({ events: 0, openCases: 0, doneCases: 0 }))
  // the earliest failure known so far (the calling thread's own, or a worker's)
  let failed: { readonly position: number; readonly failure: Failure } | undefined
  let crash: Error | undefined
  let wake: (() => void) | undefined
  const nudge = (): void => {
    const w = wake
    wake = undefined
    w?.()
  }
  // set once every batch has been sent: a `stop` may then go to the workers (not before: a
  // worker told to stop must already hold every item before the failure)
  let flushed = input._tag === 'Store'
  // the chain head: folded by this thread as it reads, or from the seals of workers reading a
  // store, in log order; and each such worker's latest occurredAt
  const chain = Integrity.chain()
  const seals =
    input._tag === 'Store' ? Partition.sealMerge(n, input.store.comparePositions, chain) : undefined
  const latest: Array<string | undefined> = []
  let read = 0
  const stopAt = (position: number, failure: Failure): void => {
    if (failed !== undefined && failed.position <= position) return
    failed = { position, failure }
    if (flushed) for (const t of threads) t.postMessage({ kind: 'stop', position } satisfies ToWorker)
    nudge()
  }
  const outcomes = threads.map(
    (t, i) =>
      new Promise<Outcome>((resolve, reject) => {
        t.on('message', (m: FromWorker) => {
          switch (m.kind) {
            case 'ack':
              inFlight[i]!--
              nudge()
              return
            case 'progress':
              progress[i] = { events: m.events, openCases: m.openCases, doneCases: m.doneCases }
              if (input._tag === 'Store') report(false)
              return
            case 'seals':
              seals!.push(i, m.seals, m.through, () => t.postMessage({ kind: 'sealsAck' } satisfies ToWorker))
              return
            case 'read':
              latest[i] = m.latest ?? undefined
              seals!.end(i)
              read++
              nudge()
              return
            case 'done':
              resolve({ kind: 'done', result: withCases(m.result, m.cases) })
              return
            case 'failed':
              stopAt(m.position, m.failure)
              resolve(m)
              return
            case 'stopped':
              resolve(m)
          }
        })
        t.on('error', (e) => {
          crash ??= e
          reject(e)
          nudge()
        })
        t.on('exit', (code) => {
          const e = new Error(`replay worker ${i} exited (code ${code}) before its result`)
          crash ??= e
          reject(e)
          nudge()
        })
      }),
  )
  for (const o of outcomes) o.catch(() => undefined)
  const emptyBatch = () => ({
    items: [] as Array<string | Recorded>,
    positions: [] as number[],
    lineNumbers: [] as number[],
    offsets: [] as number[],
  })
  const batches = threads.map(emptyBatch)
  // a batch is sent even after a failure is known: its items may come before the failure
  const send = async (i: number): Promise<void> => {
    while (inFlight[i]! >= IN_FLIGHT && crash === undefined) await new Promise<void>((r) => (wake = r))
    if (crash !== undefined) throw crash
    const b = batches[i]!
    inFlight[i]!++
    threads[i]!.postMessage({
      kind: 'batch',
      ...(input._tag === 'Events'
        ? { events: b.items as ReadonlyArray<Recorded> }
        : { lines: b.items as ReadonlyArray<string> }),
      positions: b.positions,
      lineNumbers: b.lineNumbers,
      ...(input._tag === 'FileLines' ? { offsets: b.offsets } : {}),
    } satisfies ToWorker)
    batches[i] = emptyBatch()
  }
  const lead = Partition.lead(settings.knownAt, chain)
  let position = 0
  const report = (done: boolean): void =>
    onProgress?.({
      // the workers read a store themselves: what they have replayed
      events: input._tag === 'Store' ? progress.reduce((s, p) => s + p.events, 0) : position,
      openCases: progress.reduce((s, p) => s + p.openCases, 0),
      doneCases: progress.reduce((s, p) => s + p.doneCases, 0),
      done,
    })
  const route = async (
    item: string | Recorded,
    caseId: unknown,
    line: number,
    offset = -1,
  ): Promise<void> => {
    // an event with no string caseId cannot be decoded: the first worker says so; an event of
    // another partition than the one shared goes nowhere
    const i = typeof caseId === 'string' ? Partition.worker(caseId, n, partition) : 0
    if (i === undefined) return
    const b = batches[i]!
    b.items.push(item)
    b.positions.push(position)
    if (line > 0) b.lineNumbers.push(line)
    if (offset >= 0) b.offsets.push(offset)
    if (b.items.length >= BATCH) await send(i)
  }
  try {
    if (input._tag === 'Store') {
      // the workers read; this thread folds their seals as they come
      while (read < n && failed === undefined && crash === undefined)
        await new Promise<void>((r) => (wake = r))
    } else if (input._tag !== 'Events') {
      let line = 0
      const batches = input._tag === 'FileLines' ? input.batches : FileLines.withoutOffsets(input.batches)
      reading: for await (const { lines, offsets } of batches) {
        for (let k = 0; k < lines.length; k++) {
          const text = lines[k]!
          line++
          if (text.trim() === '') continue
          position++
          if (position % every === 0) report(false)
          // read for its case id, seal and instants: scanned, or parsed when the scan is unsure or
          // a line may go to no worker (a bad line must reach one). A line that is not JSON goes to
          // the worker of the case id the scan read, or to the first when it read none; either
          // way that worker's decoder reports it, with the same line number and message
          const e = partition === undefined ? LineFields.of(text) : LineFields.parsed(text)
          lead.see(e)
          await route(text, e.caseId, line, offsets?.[k])
          if (failed !== undefined || crash !== undefined) break reading
        }
      }
    } else {
      for await (const e of input.events) {
        position++
        if (position % every === 0) report(false)
        lead.see(e)
        await route(e, e.caseId, 0)
        if (failed !== undefined || crash !== undefined) break
      }
    }
    if (crash !== undefined) throw crash
    for (let i = 0; i < n; i++) if (batches[i]!.items.length > 0) await send(i)
    flushed = true
    const asOf = input._tag === 'Store' ? Partition.latestOf(latest) : lead.asOf()
    for (const t of threads)
      t.postMessage(
        (failed === undefined
          ? { kind: 'end', asOf }
          : { kind: 'stop', position: failed.position }) satisfies ToWorker,
      )
    const ends = await Promise.all(outcomes)
    if (failed !== undefined) return E.left(failed.failure)
    const parts = ends.map((o) => {
      if (o.kind !== 'done') throw new Error(`replay worker ended with ${o.kind} and no failure`)
      return o.result
    })
    if (seals !== undefined && !seals.done()) throw new Error('replay workers ended with seals not folded')
    const merged = Partition.merge(parts, chain.head())
    report(true)
    return E.right(merged)
  } finally {
    await Promise.all(threads.map((t) => t.terminate()))
    scratch.remove()
  }
}

/** A worker's result with its cases, read from the sorted runs it handed over. */
const withCases = (
  result: Omit<Replay.Result, 'cases' | 'casesJson'>,
  runs: Spill.Detached,
): Replay.Result => {
  const cases = Spill.adopt<Replay.CaseResult>(runs)
  return { ...result, cases, casesJson: cases.texts }
}
