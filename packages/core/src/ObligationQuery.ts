/**
 * Questions over obligations, for the tools platforms build on top of an
 * evaluation: what is open, what is due within a window, what is breached,
 * where one case stands, what to look at first (sorted by time to breach),
 * and when anything can next change (the instant the escalation scheduler
 * sleeps until). Pure functions over `Obligation`s or an `Evaluation.Report`;
 * they never recompute a clock.
 */
import type * as Evaluation from './Evaluation.js'
import * as Obligation from './Obligation.js'
import * as Timestamp from './Timestamp.js'
import { instant } from './internal/order.js'

// model

/** An obligation with the case it belongs to. */
export interface Row {
  readonly caseId: string
  readonly obligation: Obligation.Obligation
}

// operations

/** Every obligation of a report, with its case, in report order. */
export const rows = (report: Evaluation.Report): ReadonlyArray<Row> =>
  report.cases.flatMap((c) => c.obligations.map((obligation) => ({ caseId: c.caseId, obligation })))

/** Whether the clock is still running (pending or paused); same as `Obligation.isOpen`. */
export const isOpen = (o: Obligation.Obligation): boolean => Obligation.isOpen(o)

/** Whether the obligation counts as a statutory breach; same as `Obligation.isStatutoryBreach`. */
export const isStatutoryBreach = (o: Obligation.Obligation): boolean => Obligation.isStatutoryBreach(o)

/** The open obligations. */
export const open = (rs: ReadonlyArray<Row>): ReadonlyArray<Row> => rs.filter((r) => isOpen(r.obligation))

/** Open obligations whose due time falls in `[from, to]` (ISO-8601 or epoch ms), soonest first. */
export const dueWithin = (
  rs: ReadonlyArray<Row>,
  from: string | number,
  to: string | number,
): ReadonlyArray<Row> => {
  const a = instant(from)
  const b = instant(to)
  return byTimeToBreach(
    rs.filter((r) => {
      if (!isOpen(r.obligation)) return false
      const d = Timestamp.toMillis(r.obligation.dueAt)
      return d >= a && d <= b
    }),
  )
}

/** Breached obligations; `statutoryOnly` keeps those `summary.breached` counts. */
export const breached = (rs: ReadonlyArray<Row>, statutoryOnly = false): ReadonlyArray<Row> =>
  rs.filter((r) => (statutoryOnly ? isStatutoryBreach(r.obligation) : r.obligation.status === 'breached'))

/** The obligations of one case, in report order (empty when the case is unknown). */
export const forCase = (report: Evaluation.Report, caseId: string): ReadonlyArray<Obligation.Obligation> =>
  report.cases.find((c) => c.caseId === caseId)?.obligations ?? []

/** Time left before the due time at `now`, in ms (negative once past). */
export const timeToBreach = (o: Obligation.Obligation, now: string | number): number =>
  Timestamp.toMillis(o.dueAt) - instant(now)

/** Rows sorted by due time (soonest, i.e. least time to breach, first), then case and obligation id. */
export const byTimeToBreach = (rs: ReadonlyArray<Row>): ReadonlyArray<Row> =>
  rs
    .map((r) => ({ r, d: Timestamp.toMillis(r.obligation.dueAt) }))
    .sort((x, y) => x.d - y.d || cmp(x.r.caseId, y.r.caseId) || cmp(x.r.obligation.id, y.r.obligation.id))
    .map((x) => x.r)

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The next instant after `now` (epoch ms) at which anything can change for these obligations
 * without a new event: a warning, a target or a due time of an open clock; `null` when none.
 * A paused clock waits for an event (its resume), so it contributes nothing.
 */
export const nextWakeAt = (
  obligations: Iterable<Obligation.Obligation>,
  now: string | number,
): number | null => {
  const t = instant(now)
  let next = Number.POSITIVE_INFINITY
  const consider = (s: string | null): void => {
    if (s === null) return
    const ms = Timestamp.toMillis(s)
    if (ms > t && ms < next) next = ms
  }
  for (const o of obligations) {
    if (o.status !== 'pending') continue
    for (const w of o.warnings) consider(w)
    consider(o.targetAt)
    consider(o.dueAt)
  }
  return Number.isFinite(next) ? next : null
}
