/**
 * An obligation is one legal (or internal) clock on one case: when it
 * started, when it is due, whether it was met. Its identity is derived from
 * case, policy, rule and the event of first receipt, so it is stable across
 * replays and across late information, and reports and escalations can refer
 * to it. This module is the output model of `shared/spec/cli.md`.
 */
import type { Confidence, Kind } from './ClockRule.js'
import * as Timestamp from './Timestamp.js'

// model

/** Status of a clock judged at `asOf`. */
export type Status = 'pending' | 'met' | 'met_late' | 'breached' | 'waived' | 'paused'

/** One step in the life of a clock, with the event that caused it (the audit trail). */
export interface Action {
  readonly action: 'start' | 'pause' | 'resume' | 'restart' | 'extend' | 'complete' | 'cancel' | 'release'
  readonly at: string
  readonly eventId: string
}

/** An obligation, as `docket evaluate --format json` writes it. Timestamps carry the rule's legal zone offset. */
export interface Obligation {
  /** `<caseId>/<policy>/<rule>/<first receipt event id>` (see {@link makeId}). */
  readonly id: string
  readonly policy: string
  readonly rule: string
  readonly kind: Kind
  /** Citation of the rule version applied. */
  readonly citation: string
  readonly confidence: Confidence
  /** Whether `dueAt` is a number the law gives (false for internal targets and the platform's own rules). */
  readonly statutory: boolean
  /** Applied under `whatIf` although the trigger predates the rule's entry into force. */
  readonly counterfactual: boolean
  /** Triggered before the rule's entry into force; the clock starts at the effective instant. */
  readonly preEffective: boolean
  /** The event that started the clock (for a request completed later: the completing event). */
  readonly triggeredBy: string
  readonly startedAt: string
  /** The due time (legal cap, or the internal target when the law gives no number), after pauses and extensions. */
  readonly dueAt: string
  /** The platform's internal target where the law also gives a number; judged in `targetStatus`. */
  readonly targetAt: string | null
  /** For a request that became complete later: the due time counted from first receipt (a risk signal). */
  readonly shadowDueAt: string | null
  /** Warning instants at the configured fractions of the time allowed (none on holds). */
  readonly warnings: ReadonlyArray<string>
  /** When the duty was done (for a hold or window: released or closed). */
  readonly completedAt: string | null
  readonly completedBy: string | null
  readonly status: Status
  /** Status against `targetAt` (deadlines with a target only). */
  readonly targetStatus: Status | null
  /** Every action on the clock, in order. */
  readonly actions: ReadonlyArray<Action>
}

/** An obligation's instants in epoch ms: what escalation triggers read, without parsing timestamps back. */
export interface Instants {
  readonly due: number
  readonly target: number | null
  /** Same order as `warnings`. */
  readonly warnings: ReadonlyArray<number>
  /** When the duty stopped needing action (its first complete, cancel or release), else `completedAt`, or `null`. */
  readonly end: number | null
  readonly completed: number | null
}

// constructors

/** The stable id of an obligation: `<caseId>/<policy>/<rule>/<first receipt event id>`. */
export const makeId = (caseId: string, policy: string, rule: string, firstEventId: string): string =>
  `${caseId}/${policy}/${rule}/${firstEventId}`

// operations

/** Whether the clock is still running at `asOf` (pending or paused). */
export const isOpen = (o: Pick<Obligation, 'status'>): boolean =>
  o.status === 'pending' || o.status === 'paused'

/** Whether it counts in `summary.breached`: a statutory breach, never pre-effective nor counterfactual. */
export const isStatutoryBreach = (
  o: Pick<Obligation, 'status' | 'statutory' | 'preEffective' | 'counterfactual'>,
): boolean => o.status === 'breached' && o.statutory && !o.preEffective && !o.counterfactual

/**
 * Whether the obligation is past an internal target: breached, with a due time the law gives no
 * number (a statutory duty's internal target, or an internal rule's), neither pre-effective nor
 * counterfactual. What a summary's `internalBreached` counts; never a statutory breach.
 */
export const isPastInternalTarget = (
  o: Pick<Obligation, 'status' | 'statutory' | 'preEffective' | 'counterfactual'>,
): boolean => o.status === 'breached' && !o.statutory && !o.preEffective && !o.counterfactual

/** Whether an action ends the duty (met, cancelled or released): what `Instants.end` is the first of. */
export const endsDuty = (action: Action['action']): boolean =>
  action === 'complete' || action === 'cancel' || action === 'release'

/** An obligation's {@link Instants}, read from its timestamps (the engine hands them over already computed). */
export const instantsOf = (o: Obligation): Instants => {
  let end: number | null = null
  for (const a of o.actions) {
    if (!endsDuty(a.action)) continue
    const at = Timestamp.toMillis(a.at)
    if (end === null || at < end) end = at
  }
  const completed = o.completedAt === null ? null : Timestamp.toMillis(o.completedAt)
  return {
    due: Timestamp.toMillis(o.dueAt),
    target: o.targetAt === null ? null : Timestamp.toMillis(o.targetAt),
    warnings: o.warnings.map(Timestamp.toMillis),
    end: end ?? completed,
    completed,
  }
}
