/**
 * The merge of a partitioned replay: the results of the partitions of one history, judged at one
 * instant, merged into what one replay of the whole history gives (the cases lazily, in `caseId`
 * order; the counts summed), and the canonical JSON a whole and a partitioned replay share. Not
 * how the partitions are run (`Partition`), nor the integrity head they merge with (`Lead`,
 * `SealMerge`).
 */
import type { Integrity } from '@docket/core'
import { mergeSorted } from '../internal/merge.js'
import * as Replay from './Replay.js'

// operations

/**
 * Merges the results of the partitions of one history (each judged at the same `asOf`, no
 * case in two of them). The cases are merged lazily, in `caseId` order, each time they are read.
 */
export const merge = (
  parts: ReadonlyArray<Replay.Result>,
  integrity: Integrity.ChainHead | null,
): Replay.Result => {
  // each part is in caseId order and no case is in two parts: merge them as they are read
  const cases: Iterable<Replay.CaseResult> = merged(
    parts.map((p) => p.cases),
    (c) => c.caseId,
  )
  const casesJson: Iterable<readonly [string, string]> = merged(
    parts.map((p) => p.casesJson),
    (c) => c[0],
  )
  return { ...mergeCounts(parts, integrity), cases, casesJson }
}

/**
 * What {@link merge} gives but the cases: the instants, the summary and the counts of the
 * partitions' results, for a caller that reads their cases another way (replay workers' runs,
 * `SealedRuns.adoptAll`).
 */
export const mergeCounts = (
  parts: ReadonlyArray<Omit<Replay.Result, 'cases' | 'casesJson'>>,
  integrity: Integrity.ChainHead | null,
): Omit<Replay.Result, 'cases' | 'casesJson'> => {
  const first = parts[0]
  if (first === undefined) throw new Error('merge needs at least one partition')
  for (const p of parts) {
    if (p.asOf !== first.asOf || p.knownAt !== first.knownAt)
      throw new Error(`partitions judged at different instants: ${p.asOf} and ${first.asOf}`)
  }
  const sum = (k: keyof Replay.Stats): number => parts.reduce((s, p) => s + p.stats[k], 0)
  return {
    asOf: first.asOf,
    knownAt: first.knownAt,
    summary: Replay.sumSummaries(parts.map((p) => p.summary)),
    stats: {
      events: sum('events'),
      unknownAtKnownAt: sum('unknownAtKnownAt'),
      cases: sum('cases'),
      dropped: sum('dropped'),
      reopened: sum('reopened'),
      maxOpenCases: sum('maxOpenCases'),
    },
    integrity,
  }
}

/** Sorted sequences of cases merged by case id, lazily, each time they are read. */
const merged = <A>(sources: ReadonlyArray<Iterable<A>>, key: (a: A) => string): Iterable<A> => ({
  *[Symbol.iterator]() {
    for (const x of mergeSorted(sources, (a, b) => compareIds(key(a), key(b)))) yield x.item
  },
})

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The result as JSON without the per-process memory counters: equal bytes for a whole and a
 * partitioned replay. In pieces (one per case), since a large history's report outgrows a string.
 */
export function* canonical(r: Replay.Result): Generator<string> {
  yield `{"asOf":${JSON.stringify(r.asOf)},"knownAt":${JSON.stringify(r.knownAt)},"cases":[`
  let first = true
  for (const c of r.cases) {
    yield first ? JSON.stringify(c) : `,${JSON.stringify(c)}`
    first = false
  }
  yield `],"summary":${JSON.stringify(r.summary)},"events":${r.stats.events},"unknownAtKnownAt":${r.stats.unknownAtKnownAt},"integrity":${JSON.stringify(r.integrity)}}`
}
