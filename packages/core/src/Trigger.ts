/**
 * A trigger: a small pure rule that starts an escalation, with a reason code
 * that reports can count. Each rule reads one case (its history up to `now`,
 * the refusals found by core's one `Refusal` predicate, its obligations) and
 * returns the escalations it starts: when, at which level, for what cause,
 * and when the cause was resolved (so paging stops).
 *
 * This module decides *whether and when* to escalate; `Escalation` turns
 * triggers into `EscalationRaised` events and climbs the ladder. The rules
 * themselves live by family in `internal/` (on events, on obligations' time),
 * with what causes and resolves them; this module holds the model, the rule
 * list and the context the rules read.
 */
import type { DocketEvent } from './Envelope.js'
import type { Config, Input, Reason } from './Escalation.js'
import { authorityAfterRefusal, reach, refusalGuard, repeatReport } from './internal/eventTriggers.js'
import { time } from './internal/timeTrigger.js'
import * as Obligation from './Obligation.js'
import * as Refusal from './Refusal.js'
import * as Timestamp from './Timestamp.js'

// model

/** A trigger that fired: the start of one escalation. */
export interface Trigger {
  readonly reason: Reason
  /** The level it pages first (clamped to the ladder by the engine). */
  readonly level: number
  /** Epoch ms of the trigger. */
  readonly at: number
  /** Offset in minutes used to write `at` (that of the triggering event or obligation). */
  readonly offset: number
  readonly obligationId: string | null
  /** What fired it: an event id, or an obligation instant. Part of the escalation's identity. */
  readonly cause: string
  /** The event that caused it, when one did (written as `meta.causationId`). */
  readonly causationId: string | null
  readonly missedObligation: boolean
  /** Epoch ms at which the cause was resolved (paging stops), or `null`. */
  readonly resolvedAt: number | null
}

/** The context every trigger rule reads. */
export interface Context {
  readonly caseId: string
  /** Events that occurred by `now`, in the order given ("after" below means later in this order). */
  readonly history: ReadonlyArray<DocketEvent>
  /** Epoch ms of each event's `occurredAt` (same indexes as `history`). */
  readonly at: ReadonlyArray<number>
  /** Indexes in `history` of its refusals (core's `Refusal` predicate). */
  readonly refusals: ReadonlySet<number>
  readonly obligations: ReadonlyArray<Obligation.Obligation>
  /** The obligations' instants (same indexes as `obligations`). */
  readonly instants: ReadonlyArray<Obligation.Instants>
  readonly config: Config
  readonly now: number
}

/** A trigger rule: a pure function from the case to the escalations it starts. */
export type Rule = (ctx: Context) => ReadonlyArray<Trigger>

// rules

export { isGuarded } from './internal/triggerCauses.js'
export { authorityAfterRefusal, reach, refusalGuard, repeatReport, time }

/** Every trigger rule, by reason family, in the order they run. */
export const RULES: ReadonlyArray<Rule> = [time, refusalGuard, authorityAfterRefusal, reach, repeatReport]

export { type Recorded, resolution } from './internal/triggerResolution.js'

// operations

const ms = (s: string): number => Timestamp.toMillis(s)

/** The events of `history` that occurred by `now` (the history itself when all did), with their epoch ms. */
export const visible = (
  history: ReadonlyArray<DocketEvent>,
  now: number,
  occurredMs: ReadonlyArray<number> = history.map((e) => ms(e.occurredAt)),
): { readonly history: ReadonlyArray<DocketEvent>; readonly at: ReadonlyArray<number> } => {
  if (occurredMs.every((at) => at <= now)) return { history, at: occurredMs }
  const keep = (_: unknown, i: number): boolean => occurredMs[i]! <= now
  return { history: history.filter(keep), at: occurredMs.filter(keep) }
}

const NO_REFUSALS: ReadonlySet<number> = new Set()

/** Indexes in `history` of its refusals (core's one `Refusal` predicate). */
const refusalIndexes = (history: ReadonlyArray<DocketEvent>): ReadonlySet<number> => {
  const found = Refusal.refusals(history)
  if (found.length === 0) return NO_REFUSALS
  const out = new Set<number>()
  let k = 0
  for (let i = 0; i < history.length && k < found.length; i++) {
    if (history[i] === found[k]) {
      out.add(i)
      k++
    }
  }
  return out
}

/** The context of the trigger rules for `input` at `now`. */
export const context = (input: Input, now: number): Context => {
  const { history, at } = visible(input.history, now, input.occurredMs)
  const obligations = input.obligations ?? []
  return {
    caseId: input.caseId,
    history,
    at,
    refusals: refusalIndexes(history),
    obligations,
    instants: input.instants ?? obligations.map(Obligation.instantsOf),
    config: input.config,
    now,
  }
}
