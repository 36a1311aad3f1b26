/**
 * Partition: replay one history as several independent replays, each over the
 * cases whose id hashes to it, and merge their results into what one replay
 * of the whole history gives. Cases never interact (every clock belongs to one
 * case), so a case's result depends only on its own events and on `asOf`.
 *
 * The partitions may run anywhere: in this process ({@link replay}), in worker
 * threads (`Workers`, `docket replay --workers`), or on several
 * machines (`docket replay --partition I/N`), each reading one partition of a
 * shared store (`Replay.storeSource(store, partition)`) or keeping its share of
 * a history it reads whole ({@link only}); their results travel as partial
 * reports (`reports/Partial.ts`, `docket merge`) and are merged here.
 * Two things must be shared: the instant the cases are judged at (`asOf`:
 * the latest `occurredAt` of the whole history unless fixed, which only the
 * reader of the whole input knows at its end; {@link lateAsOf} hands it to a
 * partition then), and the integrity chain head, folded over the whole log in
 * read order by the reader (`Integrity.sealFrom` and `fold`).
 *
 * What is identical: everything {@link canonical} keeps, that is the report
 * (asOf, knownAt, cases, summary, integrity) and the event and case counts.
 * What is not: the memory counters (cases dropped, reopened, most held at
 * once), which describe each process's own evictions; merged, they are sums.
 *
 * This module routes cases and runs partitions; the merge is `PartitionMerge`, the
 * reader's chain head and instant `Lead`, the fold of partitions' seals `SealMerge`.
 */
import { CasePartition, Integrity, type Recorded } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import { channel } from '../internal/channel.js'
import { lateAsOf, lead } from './Lead.js'
import { merge } from './PartitionMerge.js'
import * as Replay from './Replay.js'

export { type Fields, type Lead, type Latest, lateAsOf, latest, latestOf, lead } from './Lead.js'
export { canonical, merge, mergeCounts } from './PartitionMerge.js'
export { sealMerge } from './SealMerge.js'

// model

/** Options of a partitioned replay: a replay's options and the number of partitions. */
export interface Options extends Replay.Options {
  readonly partitions: number
}

// operations

/**
 * The partition (0 ≤ p < n) of a case: FNV-1a of its id (UTF-16 code units), stable across runs
 * and machines; the assignment of `EventStore.readAll({ partition })` (`CasePartition`).
 */
export const of = (caseId: string, n: number): number => CasePartition.hash(caseId) % n

/**
 * The worker (0 ≤ w < n) of a case among `n` worker threads, or `undefined` when the threads
 * share only partition `within` of the cases (`docket replay --partition I/N --workers n`) and the
 * case is outside it. The cases of partition I of N are spread evenly over the workers (their
 * hash modulo N·n, which is I + N·w for exactly one w), where the plain {@link of}`(caseId, n)`
 * would leave workers idle whenever N and n share a factor (and use only one when n divides N).
 */
export const worker = (caseId: string, n: number, within?: CasePartition.Partition): number | undefined => {
  const h = CasePartition.hash(caseId)
  if (within === undefined) return h % n
  if (h % within.count !== within.index) return undefined
  return Math.floor((h % (within.count * n)) / within.count)
}

/**
 * The cases {@link worker} gives worker `w` of `n` (within partition `within`, if any), as the
 * partition of a store that worker reads itself (`readAll({ partition })`): I + N·w of N·n.
 */
export const workerPartition = (
  w: number,
  n: number,
  within: CasePartition.Partition = { index: 0, count: 1 },
): CasePartition.Partition => ({ index: within.index + within.count * w, count: within.count * n })

/**
 * Replays one partition of a history read whole (every machine reads the same file and keeps
 * its share): the events of the other partitions are skipped, but the reader still sees every
 * event, so the result's `integrity` is the whole history's chain head and, unless fixed, its
 * `asOf` the latest `occurredAt` of the whole history, as in every other partition. {@link merge}
 * the partitions' results (`docket merge`) to get what a replay of the whole history gives.
 */
export const only = async (
  source: AsyncIterable<Recorded>,
  partition: CasePartition.Partition,
  options: Replay.Options,
): Promise<E.Either<Replay.ReplayError, Replay.Result>> => {
  const { index, count } = CasePartition.check(partition, 'Partition.only')
  const late = lateAsOf(options)
  const reader = lead(options.knownAt)
  const mine: AsyncIterable<Recorded> = {
    async *[Symbol.asyncIterator]() {
      for await (const e of source) {
        reader.see(e)
        if (e.caseId !== Integrity.CHECKPOINT_CASE && of(e.caseId, count) === index) yield e
      }
      late.set(reader.asOf())
    },
  }
  const result = await Replay.run(mine, late.options)
  return E.map((r: Replay.Result) => ({ ...r, integrity: reader.integrity() }))(result)
}

/**
 * Replays `source` as `partitions` replays in this process, routing each event by
 * {@link of}, and merges them: the reference for other transports (threads, machines).
 */
export const replay = async (
  source: AsyncIterable<Recorded>,
  options: Options,
): Promise<E.Either<Replay.ReplayError, Replay.Result>> => {
  const n = options.partitions
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`partitions must be a positive integer, got ${n}`)
  const late = lateAsOf(options)
  const channels = Array.from({ length: n }, () => channel<Recorded>())
  const runs = channels.map((c) => Replay.run(c.items, late.options))
  const reader = lead(options.knownAt)
  for await (const e of source) {
    reader.see(e)
    // checkpoints are not cases (the replays would skip them)
    if (e.caseId !== Integrity.CHECKPOINT_CASE) await channels[of(e.caseId, n)]!.push(e)
  }
  late.set(reader.asOf())
  for (const c of channels) c.end()
  const results = await Promise.all(runs)
  const parts: Replay.Result[] = []
  for (const r of results) {
    if (E.isLeft(r)) return r
    parts.push(r.right)
  }
  return E.right(merge(parts, reader.integrity()))
}
