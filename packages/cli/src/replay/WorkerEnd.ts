/**
 * WorkerEnd: the end of a replay on worker threads (`Workers.replay`) once the calling thread
 * has fed the workers every batch. Each worker is told to judge its cases at the latest instant
 * of the whole input (`end`), or to stop at the earliest failure known; the run's result is that
 * failure, or the workers' results merged under the chain head (`Partition.mergeCounts`), their
 * cases read from every worker's sorted runs as one merge that opens at most `fanIn` files
 * whatever the number of workers (`Spill.adoptAll`). Not the
 * threads' termination nor the spill directory's removal, which `Workers.replay` does however
 * the run ends.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as FanIn from '../internal/fanIn.js'
import * as Partition from './Partition.js'
import type * as Replay from './Replay.js'
import * as Spill from './Spill.js'
import type { Failure, ToWorker } from './WorkerProtocol.js'
import type { Outcome } from './WorkerOutcomes.js'
import type { Run } from './WorkerRun.js'

// operations

/**
 * Ends `run`, every batch sent: tells the workers to end (or stop at the failure), waits for
 * their `outcomes`, and gives the failure or the merged result, whose cases' merge opens at most
 * `fanIn` files (default 64). Throws when a worker crashed or ended without a result and no
 * failure is known.
 */
export const end = async (
  run: Run,
  outcomes: ReadonlyArray<Promise<Outcome>>,
  fanIn: number = FanIn.LIMIT,
): Promise<E.Either<Failure, Replay.Result>> => {
  const { input, threads, latest, lead, seals, chain } = run
  run.flushed = true
  const asOf = input._tag === 'Store' ? Partition.latestOf(latest) : lead.asOf()
  for (const t of threads)
    t.postMessage(
      (run.failed === undefined
        ? { kind: 'end', asOf }
        : { kind: 'stop', position: run.failed.position }) satisfies ToWorker,
    )
  const ends = await Promise.all(outcomes)
  if (run.failed !== undefined) return E.left(run.failed.failure)
  const done = ends.map((o) => {
    if (o.kind !== 'done') throw new Error(`replay worker ended with ${o.kind} and no failure`)
    return o
  })
  if (seals !== undefined && !seals.done()) throw new Error('replay workers ended with seals not folded')
  const counts = Partition.mergeCounts(
    done.map((o) => o.result),
    chain.head(),
  )
  // no case is in two workers: their runs are read as one merge, bounded whatever their number
  const cases = Spill.adoptAll<Replay.CaseResult>(
    done.map((o) => o.runs),
    fanIn,
  )
  run.report(true)
  return E.right({ ...counts, cases, casesJson: cases.texts })
}
