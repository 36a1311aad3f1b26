/**
 * Replay: the streaming engine behind `docket replay`. It reads an event
 * history once, groups it by case, evaluates each case's obligations with the
 * core engine and extracts the facts reports need, holding in memory a bounded
 * number of open cases (the rest waits on disk).
 *
 * Order. A store is read in its global log order, which is taken as it comes
 * (`checkOrder: false`: an import may record old events after newer ones). A
 * JSON Lines file must be in
 * `recordedAt` order within each case (file order breaks ties, and events
 * without a `recordedAt` of their own are taken in file order); an event
 * recorded before the previous event of its case is an `OutOfOrder` error
 * naming both, unless the caller sorts the input first (`Spill.sort`, spill
 * to disk). An event id is stored once, with one content (events.md), so an
 * event repeating an earlier one of its case is left out, as a store's append
 * leaves it, and one giving its id another content is a `DuplicateId` error.
 * An id given in two cases is not found here, where only the open cases' ids
 * are held: a file's input checks it once read (`Input.ids`, `GlobalIds`).
 *
 * Making room. When more than `maxOpenCases` cases are held, the least
 * recently active leave memory until half of them remain. A closed case (its
 * last life-cycle event is `CaseClosed`) whose result is final is dropped:
 * judged at the current instant (the fixed `asOf` or `knownAt`, or the latest
 * `occurredAt` read so far), its result is kept and its history moves to a disk
 * archive (`Spill.archive`), or, when the source can read its events back
 * (`Options.readBack`), only their handles do. Final means, when `asOf` is not fixed, no
 * obligation `pending` or `paused` and, if an escalation was raised, the same
 * result judged ten years later (no escalation still climbing its ladder;
 * `CaseEvaluation.wakeAt` usually answers without that second judgment). Any
 * other case is parked: its history moves to the archive. A closed case with a
 * clock still running (a six-month appeal window) is parked with the result it
 * was judged to have as it left, recorded like a final one and holding until
 * its `wakeAt`; other parked cases are not judged as they leave. Most cases are
 * thus judged once: when they leave memory closed, or at the end; a case is
 * judged twice only when its recorded result no longer holds at the end (a
 * clock fell due in between, or no `wakeAt` was given). Judging a case only
 * once it is idle, rather than as soon as it closes, keeps it to once: just
 * after closing, most cases are still within their short deadlines.
 *
 * Coming back. A later event of a parked case brings it back as it left (no
 * reopening counted; a result recorded as it left is taken back, counts
 * included); a parked case with no later event is judged at the end from the
 * archive, unless its recorded result still holds. A later event of a dropped
 * case (a `CaseReopened`, a late appeal, an authority's request) brings its
 * history back too: the case is open again, is evaluated anew, and the report
 * counts the reopening.
 * `stats.maxOpenCases` counts the cases held in memory.
 *
 * Finished cases. The result of a dropped case (obligations, escalations,
 * facts) is not kept in memory either: results are held up to `maxDoneCases`,
 * then written to disk in runs sorted by case id (`Spill.runs`), which
 * `Result.cases` merges each time it is read. Memory is therefore bounded by
 * the open cases and these budgets, not by the number of cases; the summary
 * and counts are kept exact as results come and go (a reopened case takes its
 * earlier result's counts back).
 *
 * Parts. This module holds the model and the loop that reads the input; taking
 * an event into its case (the repeat and order checks) is `Intake`'s, making room
 * `Eviction`'s, the cases out of memory `Parking`'s, the finished cases' results
 * and counts `Results`', the sources that read their events back `Sources`', and
 * the core engine as an {@link EvaluateCase} `CoreEvaluation`'s.
 *
 * Not here: the rules (`@docket/policies`), the clocks (`@docket/core`), the
 * formats (`reports/`).
 */
import type { DocketEvent, Obligation, Recorded } from '@docket/core'
import { type Evaluation, Integrity, Timestamp } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import * as Eviction from './Eviction.js'
import type * as Facts from './Facts.js'
import * as Intake from './Intake.js'
import * as Parking from './Parking.js'
import * as Results from './Results.js'
import type { ReadBack } from './Sources.js'

export { fromCore } from './CoreEvaluation.js'
export { type DuplicateId, describe, type OutOfOrder, type ReplayError, where } from './Intake.js'
export { summarize, sumSummaries } from './Results.js'
export { fromEvents, fromStore, type ReadBack, type Source, storeSource } from './Sources.js'

// model

/** An escalation in a case's evaluation (`evaluate --format json`). */
export interface Escalation {
  readonly escalationId: string
  readonly level: number
  readonly reason: string
  readonly at: string
  readonly obligationId: string | null
}

/** What the core engine says about one case at `asOf`. */
export interface CaseEvaluation {
  readonly obligations: ReadonlyArray<Obligation.Obligation>
  readonly escalations: ReadonlyArray<Escalation>
  /**
   * The first instant (epoch ms) after `asOf` at which judging the same history could give a
   * different evaluation (a clock falls due, a warning or target passes, an escalation climbs,
   * an event of the history becomes visible), or `null` when only a new event can change it.
   * Absent when unknown: the replay then judges the case ten years later to learn whether its
   * result is final. It is never part of a report.
   */
  readonly wakeAt?: () => number | null
}

/**
 * Evaluates one case's history (stream order) at `asOf`. The command binds
 * rules, profile, `knownAt`, policies and `whatIf` into it; `null` means the
 * case is outside the report (for example outside `--from/--to`).
 */
export type EvaluateCase = (
  caseId: string,
  history: ReadonlyArray<DocketEvent>,
  asOf: string,
) => CaseEvaluation | null

/** One case in the report. */
export interface CaseResult extends CaseEvaluation {
  readonly caseId: string
  readonly facts: Facts.Facts
}

/** Counts of `evaluate --format json`'s `summary` (the core's). */
export type Summary = Evaluation.Summary

/** How the replay went (deterministic: no timings). */
export interface Stats {
  readonly events: number
  /** Events left out by `--known-at` (recorded after it). */
  readonly unknownAtKnownAt: number
  readonly cases: number
  /** Cases whose state was dropped after closing with no open clock. */
  readonly dropped: number
  /** Dropped cases brought back by a later event. */
  readonly reopened: number
  /** The most cases held in memory at once. */
  readonly maxOpenCases: number
}

/** The replay's result, before any format. */
export interface Result {
  readonly asOf: string
  readonly knownAt: string | null
  /**
   * Every case in the report, in `caseId` order (code units), `stats.cases` of them. Not an
   * array: a large replay reads them back from disk each time they are iterated (see the
   * module header), so iterate rather than spread them.
   */
  readonly cases: Iterable<CaseResult>
  /**
   * The same cases, each its id and its JSON text (`JSON.stringify` of the case), in the same
   * order: for a reader that passes cases on without parsing them (worker threads).
   */
  readonly casesJson: Iterable<readonly [string, string]>
  readonly summary: Summary
  readonly stats: Stats
  /** The integrity chain head folded from the events' seals, in read order; `null` when no event is sealed. */
  readonly integrity: Integrity.ChainHead | null
}

/** Progress of a replay, reported every `progressEvery` events and at the end. */
export interface Progress {
  readonly events: number
  /** Cases in memory, or parked on disk with no result recorded. */
  readonly openCases: number
  /** Cases whose result is recorded. */
  readonly doneCases: number
  readonly done: boolean
}

/** Options of {@link run}. */
export interface Options {
  readonly evaluate: EvaluateCase
  /** Judge at this instant; default: the latest `occurredAt` read. */
  readonly asOf?: string
  /** Use only events recorded at or before this instant. */
  readonly knownAt?: string
  /** Directory for the temporary files: the dropped-case archive and the sorted runs of results. */
  readonly spillDir?: string
  readonly onProgress?: (p: Progress) => void
  /**
   * Check that each case's events come in `recordedAt` order (default true). A store's global
   * order is authoritative (an import may record old events after newer ones): pass false.
   */
  readonly checkOrder?: boolean
  readonly progressEvery?: number
  /**
   * Memory budget in open cases (default 10,000): when more are held, the least recently
   * active leave memory until half the budget is held (closed cases whose result is final are
   * dropped, the others parked on disk; see the module header).
   */
  readonly maxOpenCases?: number
  /**
   * Memory budget in finished cases' results (default 5,000; or 8 MiB of their JSON, whichever
   * comes first): when more are held, they are written to disk as a run sorted by case id,
   * merged when `Result.cases` is read.
   */
  readonly maxDoneCases?: number
  /**
   * Seal the results' runs so that another thread can take them (`Spill.detach` of
   * `Result.cases`, then `Spill.adopt`; a replay worker's): default false.
   */
  readonly handOffResults?: boolean
  /**
   * How the source reads its events back, when it can ({@link Source}): a case leaving memory
   * then keeps only its events' handles on disk, and its history is read back from the source
   * when the case returns (a later event, or judging a parked case at the end), instead of being
   * written to disk as JSON each time it leaves (a `remote` source: only the dropped cases).
   */
  readonly readBack?: ReadBack
  /**
   * The input line of the event the source yielded last, for a source read from lines (a file or
   * standard input, `Input.line`, or its events sorted, `Spill.sortLined`): a replay error then
   * names the line. 0 or absent: unknown (a store's events), the error names the input position.
   */
  readonly line?: () => number
}

// internal

/** A replay error naming input line `line`, when known (above 0). */
const withLine = (e: Intake.ReplayError, line: number): Intake.ReplayError => (line > 0 ? { ...e, line } : e)

// operations

/** Replays a history (see the module header for order and memory). */
export const run = async (
  source: AsyncIterable<Recorded>,
  options: Options,
): Promise<E.Either<Intake.ReplayError, Result>> => {
  const knownAt = options.knownAt === undefined ? undefined : Timestamp.toMillis(options.knownAt)
  // a fixed instant (`asOf`, else `knownAt`) cuts the facts too; the latest occurredAt cuts nothing
  const factsCut = options.asOf !== undefined ? Timestamp.toMillis(options.asOf) : knownAt
  const every = options.progressEvery ?? 10_000
  const budget = options.maxOpenCases ?? 10_000
  const open = new Map<string, Intake.OpenCase>()
  const results = Results.make(options, factsCut)
  const parking = Parking.make(options, results)
  const eviction = Eviction.make(open, budget, options, parking, results)
  const readBack = options.readBack
  const checkOrder = options.checkOrder !== false
  let events = 0
  let unknown = 0
  let maxOpen = 0
  let latest = Number.NEGATIVE_INFINITY
  let latestText: string | undefined
  const sealed = Integrity.chain()
  let position = 0
  const progress = (final: boolean): void =>
    options.onProgress?.({
      events: position,
      openCases: open.size + parking.waiting(),
      doneCases: results.doneCases(),
      done: final,
    })
  try {
    for await (const e of source) {
      position++
      if (position % every === 0) progress(false)
      if (e.caseId === Integrity.CHECKPOINT_CASE) continue
      const seal = Integrity.sealFrom(e)
      if (seal !== undefined) sealed.fold(seal)
      const rec = Intake.recordedMs(e)
      if (knownAt !== undefined && rec > knownAt) {
        unknown++
        continue
      }
      let state = open.get(e.caseId)
      if (state === undefined) {
        const taken = parking.take(e.caseId)
        state =
          taken === undefined
            ? Intake.openCase(Intake.NOTHING_KEPT, Intake.NEW_CASE, position, readBack !== undefined)
            : await parking.back(e.caseId, taken, position)
        open.set(e.caseId, state)
        if (open.size > maxOpen) maxOpen = open.size
      }
      const admitted = Intake.admit(state, e, position, rec, checkOrder, readBack)
      if (admitted === false) continue
      if (admitted !== true) return E.left(withLine(admitted, options.line?.() ?? 0))
      events++
      const occ = Timestamp.toMillis(e.occurredAt)
      if (occ > latest) {
        latest = occ
        latestText = e.occurredAt
      }
      if (open.size > budget) eviction.evict(latestText)
    }
    const asOf = Timestamp.format(
      Timestamp.toMillis(options.asOf ?? options.knownAt ?? latestText ?? '1970-01-01T00:00:00.000Z'),
    )
    await parking.finishRest(asOf)
    for (const [caseId, state] of open) {
      results.finish(caseId, state.history, options.evaluate(caseId, state.history, asOf))
      open.delete(caseId)
    }
    const cases = results.seal()
    progress(true)
    return E.right({
      asOf,
      knownAt: options.knownAt === undefined ? null : Timestamp.format(Timestamp.toMillis(options.knownAt)),
      cases,
      casesJson: cases.texts,
      summary: results.summary(),
      stats: {
        events,
        unknownAtKnownAt: unknown,
        cases: results.cases(),
        dropped: eviction.dropped(),
        reopened: parking.reopened(),
        maxOpenCases: maxOpen,
      },
      integrity: sealed.head(),
    })
  } finally {
    parking.close()
    results.close()
  }
}
