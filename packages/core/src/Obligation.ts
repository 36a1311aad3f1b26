/**
 * An obligation is one legal (or internal) clock on one case: when it
 * started, when it is due, whether it was met. Its identity is derived from
 * case, policy, rule and the event of first receipt, so it is stable across
 * replays and across late information, and reports and escalations can refer
 * to it. This module is the output model of `shared/spec/cli.md`.
 */
import type { Confidence, Kind } from './ClockRule.js'

// model

/** Status of a clock judged at `asOf`. */
export type Status = 'pending' | 'met' | 'met_late' | 'breached' | 'waived' | 'paused'

/** One step in the life of a clock, with the event that caused it (the audit trail). */
export interface Action {
  readonly action: 'start' | 'pause' | 'resume' | 'restart' | 'extend' | 'complete' | 'cancel' | 'release'
  readonly at: string
  readonly eventId: string
}

/** An obligation, as `docket evaluate --format json` writes it. */
export interface Obligation {
  readonly id: string
  readonly policy: string
  readonly rule: string
  readonly kind: Kind
  readonly citation: string
  readonly confidence: Confidence
  readonly statutory: boolean
  readonly counterfactual: boolean
  readonly preEffective: boolean
  readonly triggeredBy: string
  readonly startedAt: string
  readonly dueAt: string
  readonly targetAt: string | null
  readonly shadowDueAt: string | null
  readonly warnings: ReadonlyArray<string>
  readonly completedAt: string | null
  readonly completedBy: string | null
  readonly status: Status
  readonly targetStatus: Status | null
  /** Every action on the clock, in order. */
  readonly actions: ReadonlyArray<Action>
}

// constructors

/** The stable id of an obligation: `<caseId>/<policy>/<rule>/<first receipt event id>`. */
export const makeId = (caseId: string, policy: string, rule: string, firstEventId: string): string =>
  `${caseId}/${policy}/${rule}/${firstEventId}`
