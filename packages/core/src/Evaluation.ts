/**
 * Evaluation: judge every legal (and internal) clock of every case at one
 * instant, on one or two time axes, and summarise. This is what
 * `docket evaluate --format json` prints (`shared/spec/cli.md`).
 *
 * - `occurredAt` drives the clocks; `asOf` judges them at an instant using the
 *   events that occurred by then (default: the latest `occurredAt` in the input,
 *   so the same input always gives the same output).
 * - `knownAt` keeps only events recorded by then (`recordedAt`, or `occurredAt`
 *   when absent): what the platform could have known. With `knownAt` alone,
 *   `asOf` defaults to it.
 * - Input order does not matter: events are grouped by case and each case is
 *   ordered by `occurredAt`, then `recordedAt`, then `id`. Cases are sorted by
 *   `caseId`, obligations by `startedAt` then `id`.
 *
 * It is not a store reader or a scheduler: it takes decoded events in memory,
 * and `ObligationQuery.nextWakeAt` tells a scheduler when to look again.
 */
import type * as ClockRule from './ClockRule.js'
import type { DocketEvent } from './Envelope.js'
import * as Obligation from './Obligation.js'
import * as Observability from './Observability.js'
import * as Profile from './Profile.js'
import * as Timestamp from './Timestamp.js'
import * as Engine from './internal/engine.js'
import * as PreparedRules from './internal/preparedRules.js'
import { type Entry, compare, entry, instant } from './internal/order.js'

// model

/** An escalation as the report lists it (the escalation engine computes them). */
export interface EscalationSummary {
  readonly escalationId: string
  readonly level: number
  readonly reason: string
  readonly at: string
  readonly obligationId: string | null
}

/** What the escalation hook is given for one case. */
export interface EscalationInput {
  readonly caseId: string
  /** The case's events used for this evaluation, in the engine's order. */
  readonly history: ReadonlyArray<DocketEvent>
  /** Epoch ms of each history event's `occurredAt` (same indexes). */
  readonly occurredMs: ReadonlyArray<number>
  readonly obligations: ReadonlyArray<Obligation.Obligation>
  /** Each obligation's instants in epoch ms (same indexes as `obligations`). */
  readonly instants: ReadonlyArray<Obligation.Instants>
  /** The instant the clocks are judged at, ISO-8601 (UTC). */
  readonly asOf: string
  /** The same instant in epoch ms. */
  readonly asOfMs: number
  readonly profile: Profile.Resolved
}

/** Options of an evaluation; only `rules` is required. */
export interface Options {
  /** The clock rules to run (the policies package supplies them). */
  readonly rules: ReadonlyArray<ClockRule.Rule>
  /** The platform profile (default `Profile.DEFAULTS`). */
  readonly profile?: Profile.Resolved
  /** Judge clocks at this instant (ISO-8601 with offset, or epoch ms); a malformed one, or NaN, throws. */
  readonly asOf?: string | number
  /** Use only events recorded by this instant. */
  readonly knownAt?: string | number
  /** Only cases whose first event occurred at or after this instant. */
  readonly from?: string | number
  /** Only cases whose first event occurred before this instant (half-open window). */
  readonly to?: string | number
  /** Policy ids (or `policy/rule` ids) to run; default every rule on by default. */
  readonly policies?: ReadonlyArray<string>
  /** Policy ids applied even where the trigger predates their entry into force (counterfactual). */
  readonly whatIf?: ReadonlyArray<string>
  /** Computes a case's escalations from its history, obligations and `asOf`. */
  readonly escalate?: (input: EscalationInput) => ReadonlyArray<EscalationSummary>
}

/** One case in the report. */
export interface CaseReport {
  readonly caseId: string
  readonly obligations: ReadonlyArray<Obligation.Obligation>
  readonly escalations: ReadonlyArray<EscalationSummary>
}

/** Counts over every obligation of the report. */
export interface Summary {
  readonly obligations: number
  readonly met: number
  readonly met_late: number
  /** Statutory breaches only (never pre-effective nor counterfactual). */
  readonly breached: number
  readonly pending: number
  readonly waived: number
  readonly paused: number
  /**
   * Obligations past their due time where the law gives it no number (`Obligation.isPastInternalTarget`):
   * statutory duties whose deadline is an internal target, and internal rules.
   */
  readonly internalBreached: number
  /** Obligations whose `targetStatus` is `breached`. */
  readonly targetsMissed: number
}

/** The report of `docket evaluate --format json`. */
export interface Report {
  readonly asOf: string
  readonly knownAt: string | null
  readonly counterfactual: boolean
  readonly profile: string
  readonly cases: ReadonlyArray<CaseReport>
  readonly summary: Summary
}

// operations

interface Axes {
  readonly asOf: number
  readonly knownAt: number | null
}

// The last `asOf` read and its instant: a replay judges case after case at the same instant.
let lastAsOf: string | number | undefined
let lastAsOfMs = 0

/** `instant(asOf)`, parsed once for consecutive calls with the same text. */
const asOfInstant = (asOf: string | number): number => {
  if (asOf !== lastAsOf) {
    lastAsOfMs = instant(asOf)
    lastAsOf = asOf
  }
  return lastAsOfMs
}

const axes = (entries: ReadonlyArray<Entry>, options: Options): Axes => {
  const knownAt = options.knownAt === undefined ? null : instant(options.knownAt)
  if (options.asOf !== undefined) return { asOf: asOfInstant(options.asOf), knownAt }
  if (knownAt !== null) return { asOf: knownAt, knownAt }
  let latest = Number.NEGATIVE_INFINITY
  for (const e of entries) if (e.at > latest) latest = e.at
  return { asOf: Number.isFinite(latest) ? latest : 0, knownAt }
}

const visible = (e: Entry, ax: Axes): boolean =>
  e.at <= ax.asOf && (ax.knownAt === null || e.recorded <= ax.knownAt)

/** The earliest instant of `entries`, `+Infinity` when there are none. */
const earliest = (entries: ReadonlyArray<Entry>): number => {
  let first = Number.POSITIVE_INFINITY
  for (const e of entries) if (e.at < first) first = e.at
  return first
}

/** Whether a case whose first (visible) event occurred at `first` is inside `from`/`to` (half-open). */
const windowOf = (options: Options): ((first: number) => boolean) => {
  const from = options.from === undefined ? Number.NEGATIVE_INFINITY : instant(options.from)
  const to = options.to === undefined ? Number.POSITIVE_INFINITY : instant(options.to)
  return (first) => first >= from && first < to
}

/** The visible entries: `entries` itself (the caller's fresh array) when all are. */
const visibleOnly = (entries: Entry[], ax: Axes): Entry[] => {
  for (let i = 0; i < entries.length; i++)
    if (!visible(entries[i]!, ax)) return entries.filter((e) => visible(e, ax))
  return entries
}

const runOne = (
  caseId: string,
  entries: Entry[],
  prep: PreparedRules.Prepared,
  ax: Axes,
  options: Options,
): CaseReport => {
  entries.sort(compare)
  const { obligations, instants } = Engine.runCase(caseId, entries, prep, ax.asOf)
  if (options.escalate === undefined) return { caseId, obligations, escalations: [] }
  const history: DocketEvent[] = []
  const occurredMs: number[] = []
  for (const x of entries) {
    history.push(x.event)
    occurredMs.push(x.at)
  }
  const escalations = options.escalate({
    caseId,
    history,
    occurredMs,
    obligations,
    instants,
    asOf: Timestamp.format(ax.asOf),
    asOfMs: ax.asOf,
    profile: prep.profile,
  })
  return { caseId, obligations, escalations }
}

interface Prepared {
  readonly profile: Profile.Resolved
  readonly policies: ReadonlyArray<string> | undefined
  readonly whatIf: ReadonlyArray<string> | undefined
  readonly prep: PreparedRules.Prepared
}

// The last preparation per rule list, so that calling `evaluateCase` case after case
// (with the same rules, profile, policies and whatIf objects) prepares the rules once.
const prepared = new WeakMap<ReadonlyArray<ClockRule.Rule>, Prepared>()

const prepare = (options: Options): PreparedRules.Prepared => {
  const profile = options.profile ?? Profile.DEFAULTS
  const last = prepared.get(options.rules)
  if (
    last !== undefined &&
    last.profile === profile &&
    last.policies === options.policies &&
    last.whatIf === options.whatIf
  ) {
    return last.prep
  }
  const prep = PreparedRules.prepare(options.rules, profile, options.policies, options.whatIf)
  prepared.set(options.rules, { profile, policies: options.policies, whatIf: options.whatIf, prep })
  return prep
}

/** Evaluates one case's history; see {@link evaluator}. */
export type CaseEvaluator = (caseId: string, history: ReadonlyArray<DocketEvent>) => CaseReport

/** Throws when an event of `history` belongs to another case. */
const checkCase = (caseId: string, history: ReadonlyArray<DocketEvent>): void => {
  const stranger = history.find((e) => e.caseId !== caseId)
  if (stranger !== undefined) throw new Error(`event ${stranger.id} is not in case ${caseId}`)
}

/**
 * Prepares the rules once and returns a function that evaluates one case at a time:
 * the entry point for streaming case by case (replay). Give `asOf` (or `knownAt`)
 * explicitly so that every case is judged at the same instant; otherwise each case
 * defaults to its own latest `occurredAt`.
 */
export const evaluator = (options: Options): CaseEvaluator => {
  const prep = prepare(options)
  return (caseId, history) => {
    // Every instant read first (an unreadable one throws first), then the case checked.
    const all = history.map(entry)
    checkCase(caseId, history)
    const ax = axes(all, options)
    return runOne(caseId, visibleOnly(all, ax), prep, ax, options)
  }
}

/** A case judged by a {@link Judge}: its report, and when its history would show more. */
export interface Judgment {
  readonly report: CaseReport
  /** The instant judged at, in epoch ms. */
  readonly asOfMs: number
  /**
   * The earliest `occurredAt` (epoch ms) after `asOf` of an event of the history recorded by
   * `knownAt`: when judging the same history later could see more of it. `null` when none.
   */
  nextVisibleMs(): number | null
}

/** Judges one case's history at `asOf`; `null` when the case is outside the report. */
export type Judge = (
  caseId: string,
  history: ReadonlyArray<DocketEvent>,
  asOf: string | number,
) => Judgment | null

class Judged implements Judgment {
  constructor(
    readonly report: CaseReport,
    private readonly all: ReadonlyArray<Entry>,
    private readonly ax: Axes,
  ) {}
  get asOfMs(): number {
    return this.ax.asOf
  }
  nextVisibleMs(): number | null {
    const { asOf, knownAt } = this.ax
    let next = Number.POSITIVE_INFINITY
    for (const e of this.all)
      if (e.at > asOf && e.at < next && (knownAt === null || e.recorded <= knownAt)) next = e.at
    return next === Number.POSITIVE_INFINITY ? null : next
  }
}

/**
 * Advanced (the replay's entry point): prepares the rules once and judges case after case,
 * each at the `asOf` it is given (`options.asOf` is not read), reading each event's instants
 * once per judgment. A case is left out (`null`) as {@link evaluate} leaves it out: no event
 * visible at `asOf` (and recorded by `knownAt`), or the first visible one outside `from`/`to`;
 * otherwise its report is {@link evaluateCase}'s with that `asOf`.
 */
export const judge = (options: Options): Judge => {
  const prep = prepare(options)
  const knownAt = options.knownAt === undefined ? null : instant(options.knownAt)
  const inWindow = windowOf(options)
  return (caseId, history, asOf) => {
    const all = history.map(entry)
    const ax: Axes = { asOf: asOfInstant(asOf), knownAt }
    const seen = visibleOnly(all, ax)
    if (seen.length === 0 || !inWindow(earliest(seen))) return null
    checkCase(caseId, history)
    return new Judged(runOne(caseId, seen, prep, ax, options), all, ax)
  }
}

/**
 * Evaluates one case's history (any order; other cases' events are an error).
 * `asOf` defaults to `knownAt`, else the latest `occurredAt` of this history.
 * `from`/`to` are not applied (the caller chose the case). Rule preparation is
 * reused across calls with the same `rules`, `profile`, `policies` and `whatIf` objects.
 */
export const evaluateCase = (
  caseId: string,
  history: ReadonlyArray<DocketEvent>,
  options: Options,
): CaseReport => evaluator(options)(caseId, history)

/**
 * A case's events in the engine's order: `occurredAt`, then `recordedAt` (`occurredAt` when
 * absent), then `id`; each instant read once. Reports that walk a history use it so that they
 * see the events as the engine does, whatever the input order.
 */
export const inEngineOrder = (events: ReadonlyArray<DocketEvent>): DocketEvent[] =>
  events
    .map(entry)
    .sort(compare)
    .map((x) => x.event)

/** Adds up the statuses of a list of obligations. */
export const summarise = (obligations: Iterable<Obligation.Obligation>): Summary => {
  const s = {
    obligations: 0,
    met: 0,
    met_late: 0,
    breached: 0,
    pending: 0,
    waived: 0,
    paused: 0,
    internalBreached: 0,
    targetsMissed: 0,
  }
  for (const o of obligations) {
    s.obligations++
    if (o.status === 'breached') {
      if (Obligation.isStatutoryBreach(o)) s.breached++
      else if (Obligation.isPastInternalTarget(o)) s.internalBreached++
    } else s[o.status]++
    if (o.targetStatus === 'breached') s.targetsMissed++
  }
  return s
}

/**
 * Evaluates every case of a set of events (any order) with the given rules and options,
 * and returns the report of `docket evaluate --format json`.
 */
const evaluateUntraced = (events: Iterable<DocketEvent>, options: Options): Report => {
  const all: Entry[] = []
  for (const e of events) all.push(entry(e))
  const ax = axes(all, options)
  const prep = prepare(options)
  const byCase = new Map<string, Entry[]>()
  for (const e of all) {
    if (!visible(e, ax)) continue
    const list = byCase.get(e.event.caseId)
    if (list === undefined) byCase.set(e.event.caseId, [e])
    else list.push(e)
  }
  const inWindow = windowOf(options)
  const ids = [...byCase.keys()].sort()
  const cases: CaseReport[] = []
  for (const caseId of ids) {
    const entries = byCase.get(caseId)!
    if (inWindow(earliest(entries))) cases.push(runOne(caseId, entries, prep, ax, options))
  }
  return {
    asOf: Timestamp.format(ax.asOf),
    knownAt: ax.knownAt === null ? null : Timestamp.format(ax.knownAt),
    counterfactual: (options.whatIf?.length ?? 0) > 0,
    profile: prep.profile.name,
    cases,
    summary: summarise(cases.flatMap((c) => c.obligations)),
  }
}

/**
 * Evaluates every case of a set of events (any order) with the given rules and options,
 * and returns the report of `docket evaluate --format json`, inside a `docket.evaluate` span.
 */
export const evaluate = (events: Iterable<DocketEvent>, options: Options): Report =>
  Observability.withSpan(Observability.SPANS.evaluate, { 'docket.rules': options.rules.length }, (span) => {
    const report = evaluateUntraced(events, options)
    span.setAttributes({
      'docket.cases': report.cases.length,
      'docket.obligations': report.summary.obligations,
    })
    return report
  })
