/**
 * The results of a replay's finished cases: each case's report line (its evaluation and its
 * facts) put into sorted runs on disk (`Spill.runs`), and the summary and counts kept exact as
 * results come and go (a case judged again replaces its result, and takes its earlier counts
 * back first). Not the judging: the caller evaluates, this records what it was given.
 */
import type { DocketEvent, Obligation } from '@docket/core'
import { Evaluation, Timestamp } from '@docket/core'
import * as Facts from './Facts.js'
import type { CaseEvaluation, CaseResult, Options, Summary } from './Replay.js'
import * as Spill from './Spill.js'

// model

/** The finished cases' results of one replay (see {@link make}). */
export interface Results {
  /** Records a finished case's result (it replaces any earlier one); returns its counts, `null` when outside the report. */
  readonly finish: (
    caseId: string,
    history: ReadonlyArray<DocketEvent>,
    ev: CaseEvaluation | null,
  ) => Summary | null
  /** Takes back the counts of a result recorded earlier, which will be recorded again. */
  readonly unfinish: (own: Summary | null) => void
  /** Results recorded, `null`s (cases outside the report) included. */
  readonly doneCases: () => number
  /** Cases in the report. */
  readonly cases: () => number
  /** The summary of the cases in the report (a copy). */
  readonly summary: () => Summary
  /** Ends recording: the results in case order (`Spill.Runs.seal`). */
  readonly seal: () => Spill.Sealed<CaseResult>
  /** Removes the files of runs not sealed. */
  readonly close: () => void
}

// constructors

/**
 * Results recorded into sorted runs (`spillDir`, `maxDoneCases`, `handOffResults` as the replay's
 * options say), each case's facts cut at `factsCut` (epoch ms) when given.
 */
export const make = (
  options: Pick<Options, 'spillDir' | 'maxDoneCases' | 'handOffResults'>,
  factsCut: number | undefined,
): Results => {
  const results = Spill.runs<CaseResult>({
    ...(options.spillDir === undefined ? {} : { dir: options.spillDir }),
    ...(options.maxDoneCases === undefined ? {} : { runSize: options.maxDoneCases }),
    ...(options.handOffResults === true ? { handOff: true } : {}),
  })
  // the summary and case count of the results put, less those of cases reopened since
  const summary = counts()
  let caseCount = 0
  let doneCases = 0
  const finish = (
    caseId: string,
    history: ReadonlyArray<DocketEvent>,
    ev: CaseEvaluation | null,
  ): Summary | null => {
    const r =
      ev === null
        ? null
        : caseResult(caseId, ev, factsCut === undefined ? history : occurredBy(history, factsCut))
    results.put(caseId, r)
    doneCases++
    if (r === null) return null
    const own = Evaluation.summarise(r.obligations)
    add(summary, own, 1)
    caseCount++
    return own
  }
  const unfinish = (own: Summary | null): void => {
    doneCases--
    if (own === null) return
    add(summary, own, -1)
    caseCount--
  }
  return {
    finish,
    unfinish,
    doneCases: () => doneCases,
    cases: () => caseCount,
    summary: () => ({ ...summary }),
    seal: () => results.seal(),
    close: () => results.close(),
  }
}

// operations

/** The `summary` of a set of obligations, as `evaluate --format json` counts it. */
export const summarize = (obligations: Iterable<Obligation.Obligation>): Summary =>
  Evaluation.summarise(obligations)

/**
 * The summary of several disjoint sets of cases (partitions, runs): the sum of their counts,
 * equal to {@link summarize} over all their obligations.
 */
export const sumSummaries = (parts: Iterable<Summary>): Summary => {
  const s = counts()
  for (const p of parts) add(s, p, 1)
  return s
}

// internal

/** A summary with every count at zero, keys in `Evaluation.summarise`'s order. */
const counts = (): Record<keyof Summary, number> => ({ ...Evaluation.summarise([]) })

/** Adds (`sign` 1) or takes away (`sign` -1) the counts of `b` to `a`. */
const add = (a: Record<keyof Summary, number>, b: Summary, sign: 1 | -1): void => {
  for (const k of Object.keys(a) as Array<keyof Summary>) a[k] += sign * b[k]
}

/** The report's line for a case (built field by field: an evaluation's `wakeAt` stays out). */
const caseResult = (caseId: string, ev: CaseEvaluation, history: ReadonlyArray<DocketEvent>): CaseResult => ({
  caseId,
  obligations: ev.obligations,
  escalations: ev.escalations,
  facts: Facts.extract(caseId, history),
})

/**
 * The events of a history that occurred by `cutMs` (`--as-of`: the report uses "the events that
 * occurred by T", its facts as its obligations); the history itself when all of them did.
 */
const occurredBy = (history: ReadonlyArray<DocketEvent>, cutMs: number): ReadonlyArray<DocketEvent> =>
  history.some((e) => Timestamp.toMillis(e.occurredAt) > cutMs)
    ? history.filter((e) => Timestamp.toMillis(e.occurredAt) <= cutMs)
    : history
