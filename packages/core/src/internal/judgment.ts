/**
 * The judgment of a clock at an instant (`asOf`): its status (met, breached, pending…), its
 * due time moved by a pause still running, its warnings, and the `Obligation` that reports it,
 * with its instants written in the clock's zone. It is not the clock's run over the events
 * (`runningClock.ts`): it reads the state the run left.
 */
import * as Duration from '../Duration.js'
import * as Obligation from '../Obligation.js'
import * as Timestamp from '../Timestamp.js'
import type { Prepared } from './preparedRules.js'
import { type Clock, idOf } from './runningClock.js'
import * as Written from './written.js'

const judgeDeadline = (
  due: number,
  completedAt: number | null,
  paused: boolean,
  cancelled: boolean,
  asOf: number,
): Obligation.Status =>
  cancelled
    ? 'waived'
    : completedAt !== null
      ? completedAt <= due
        ? 'met'
        : 'met_late'
      : paused
        ? 'paused'
        : asOf > due
          ? 'breached'
          : 'pending'

const judgeHold = (
  due: number,
  completedAt: number | null,
  paused: boolean,
  cancelled: boolean,
  asOf: number,
): Obligation.Status =>
  cancelled
    ? 'waived'
    : completedAt !== null
      ? completedAt < due
        ? 'breached'
        : 'met'
      : paused
        ? 'paused'
        : asOf >= due
          ? 'met'
          : 'pending'

/** An obligation as judged at `asOf`, with its start (for ordering) and its instants. */
export interface Judged {
  readonly at: number
  readonly o: Obligation.Obligation
  readonly instants: Obligation.Instants
}

const endOf = (c: Clock): number | null => {
  let end: number | null = null
  for (const a of c.actions) {
    if (!Obligation.endsDuty(a.action)) continue
    if (end === null || a.at < end) end = a.at
  }
  return end ?? c.completedAt
}

// A case's obligations write the same instants several times (a clock's start and its start
// action, a completion and its action, rules started by one event): formatted once per (zone, instant).
const formatted = Written.make<string>()

/** `Timestamp.format` of `ms` at the zone's offset at that instant. */
export const formatIn = (zone: string, ms: number): string => {
  const slot = formatted.slot(ms, 0)
  const hit = formatted.get(slot, ms, zone)
  if (hit !== undefined) return hit
  const text = Timestamp.format(ms, Duration.offsetAt(zone, ms))
  formatted.set(slot, ms, zone, text)
  return text
}

/** The obligation of a clock as judged at `asOf`. */
export const judge = (caseId: string, c: Clock, prep: Prepared, asOf: number): Judged => {
  // A clock still paused at asOf: its due time has moved by the time paused so far.
  const paused = c.pausedAt !== null
  const due = paused ? Duration.shift(c.due, c.pausedAt as number, asOf, c.kind, c.ctx) : c.due
  const targetDue =
    c.targetDue === null
      ? null
      : paused
        ? c.targetDue + Math.max(0, asOf - (c.pausedAt as number))
        : c.targetDue
  const zone = c.ctx.zone
  const fmt = (ms: number): string => formatIn(zone, ms)
  const kind = c.pr.rule.kind
  const span = due - c.anchor
  const warningMs =
    kind === 'hold' || span <= 0 ? [] : prep.warningFractions.map((f) => c.anchor + Math.round(f * span))
  const status = (kind === 'deadline' ? judgeDeadline : judgeHold)(
    due,
    c.completedAt,
    paused,
    c.cancelled,
    asOf,
  )
  const targetStatus =
    targetDue === null || kind !== 'deadline'
      ? null
      : judgeDeadline(targetDue, c.completedAt, paused, c.cancelled, asOf)
  const o: Obligation.Obligation = {
    id: idOf(caseId, c),
    policy: c.pr.rule.policy,
    rule: c.pr.rule.rule,
    kind,
    citation: c.version.citation,
    confidence: c.pr.rule.confidence,
    statutory: c.statutory,
    counterfactual: c.counterfactual,
    preEffective: c.preEffective,
    triggeredBy: c.startEntry.event.id,
    startedAt: fmt(c.startedAt),
    dueAt: fmt(due),
    targetAt: targetDue === null || kind !== 'deadline' ? null : fmt(targetDue),
    shadowDueAt: c.shadowDue === null ? null : fmt(c.shadowDue),
    warnings: warningMs.map(fmt),
    completedAt: c.completedAt === null ? null : fmt(c.completedAt),
    completedBy: c.completedBy,
    status,
    targetStatus,
    actions: c.actions.map((a) => ({ action: a.action, at: fmt(a.at), eventId: a.eventId })),
  }
  const instants: Obligation.Instants = {
    due,
    target: targetDue === null || kind !== 'deadline' ? null : targetDue,
    warnings: warningMs,
    end: endOf(c),
    completed: c.completedAt,
  }
  return { at: c.startedAt, o, instants }
}
