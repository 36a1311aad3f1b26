/**
 * Figure 5: a replay of a JSON Lines file partitioned across worker threads.
 * The main thread reads the file, parses each line just enough to route it
 * (`Partition.of(caseId, n)`), folds the integrity chain and tracks the
 * latest `occurredAt`; each worker decodes its lines (the same validation as
 * a single replay), replays its cases, and returns its `Replay.Result`, judged
 * at the `asOf` the main thread sends at the end. `Partition.merge` joins them;
 * the figure checks the merged bytes against the single-process replay's.
 *
 * Batches of lines travel as string arrays (cheap to clone); at most 8 are in
 * flight per worker, so memory stays bounded whatever the file's size.
 */
import { Worker } from 'node:worker_threads'
import { Integrity, type Recorded, Timestamp } from '@docket/core'
import { Partition, type Replay, Spill } from '@docket/cli'
import * as Data from '../internal/data.js'
import * as Docket from '../internal/docket.js'
import * as Measure from '../internal/measure.js'

/** What the main thread sends a worker. */
export type ToWorker =
  | { readonly kind: 'lines'; readonly first: number; readonly lines: ReadonlyArray<string> }
  | { readonly kind: 'end'; readonly asOf: string }
  /** A chunk of cases was taken in: the worker may send the next (back-pressure). */
  | { readonly kind: 'casesAck' }

/** What a worker sends back. */
export type FromWorker =
  | { readonly kind: 'ack' }
  /** Some of the worker's cases, as JSON, in case order (before `done`). */
  | { readonly kind: 'cases'; readonly json: ReadonlyArray<string> }
  /** The worker's result, its `cases` left empty (sent before). */
  | { readonly kind: 'done'; readonly result: Replay.Result }
  | { readonly kind: 'error'; readonly message: string }

const BATCH = 2000
const IN_FLIGHT = 8

/** Replays `file` on `n` workers; returns the merged result. */
export const replayFile = async (file: string, n: number): Promise<Replay.Result> => {
  const workers = Array.from(
    { length: n },
    () => new Worker(new URL('../partitionWorker.js', import.meta.url)),
  )
  const inFlight = workers.map(() => 0)
  let waiting: (() => void) | undefined
  let failure: Error | undefined
  // each worker's cases, held in sorted runs on disk past a few thousand (as a replay holds them)
  const cases = workers.map(() => Spill.runs<Replay.CaseResult>())
  const results = workers.map(
    (w, i) =>
      new Promise<Replay.Result>((resolve, reject) => {
        w.on('message', (m: FromWorker) => {
          if (m.kind === 'ack') {
            inFlight[i]!--
            const go = waiting
            waiting = undefined
            go?.()
          } else if (m.kind === 'cases') {
            for (const j of m.json) {
              const c = JSON.parse(j) as Replay.CaseResult
              cases[i]!.put(c.caseId, c)
            }
            w.postMessage({ kind: 'casesAck' } satisfies ToWorker)
          } else if (m.kind === 'done') resolve({ ...m.result, cases: cases[i]!.seal() })
          else {
            failure = new Error(m.message)
            reject(failure)
            waiting?.()
          }
        })
        w.on('error', (e) => {
          failure = e
          reject(e)
          waiting?.()
        })
      }),
  )
  for (const r of results) r.catch(() => undefined)
  const pending: string[][] = workers.map(() => [])
  const firstLine: number[] = workers.map(() => 1)
  let digest = Integrity.EMPTY_HEAD.digest
  let sealed = 0
  let latest = Number.NEGATIVE_INFINITY
  let latestText: string | undefined
  let line = 0
  const send = async (i: number): Promise<void> => {
    while (inFlight[i]! >= IN_FLIGHT && failure === undefined) await new Promise<void>((r) => (waiting = r))
    if (failure !== undefined) throw failure
    inFlight[i]!++
    workers[i]!.postMessage({ kind: 'lines', first: firstLine[i]!, lines: pending[i]! } satisfies ToWorker)
    pending[i] = []
  }
  try {
    for await (const lines of Data.lineBatches(file)) {
      for (const text of lines) {
        line++
        if (text.length === 0) continue
        const e = JSON.parse(text) as Recorded
        if (e.caseId === Integrity.CHECKPOINT_CASE) continue
        const seal = Integrity.sealFrom(e)
        if (seal !== undefined) {
          digest = Integrity.fold(digest, seal)
          sealed++
        }
        const occ = Timestamp.toMillis(e.occurredAt)
        if (occ > latest) {
          latest = occ
          latestText = e.occurredAt
        }
        const p = Partition.of(e.caseId, n)
        if (pending[p]!.length === 0) firstLine[p] = line
        pending[p]!.push(text)
        if (pending[p]!.length === BATCH) await send(p)
      }
    }
    for (let i = 0; i < n; i++) if (pending[i]!.length > 0) await send(i)
    const asOf = Timestamp.format(Timestamp.toMillis(latestText ?? '1970-01-01T00:00:00.000Z'))
    for (const w of workers) w.postMessage({ kind: 'end', asOf } satisfies ToWorker)
    const parts = await Promise.all(results)
    return Partition.merge(parts, sealed === 0 ? null : { events: sealed, digest })
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
    for (const c of cases) c.close()
  }
}

/** What a run of figure 5 reports: its measurement (its process's peak RSS), the events replayed, the digest of the merged bytes. */
export interface Measured extends Measure.Measured {
  readonly events: number
  readonly digest: string
}

/**
 * Times a partitioned replay of `file` on `n` workers, all its process does (`run.ts` runs each
 * in a child of its own; the workers are threads of that process, so its peak RSS includes
 * theirs); the digest of its canonical bytes is taken after the peak is read.
 */
export const measure = async (file: string, n: number): Promise<Measured> => {
  const { result, ...m } = await Measure.timedAlone(() => replayFile(file, n))
  return { ...m, events: result.stats.events, digest: Docket.digest(result) }
}
