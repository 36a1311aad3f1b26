/**
 * The time trigger: an obligation crossing a warning fraction, its internal target or its due
 * time (and a hold released early). It reads the obligations the engine evaluated, not the
 * events; the rules that fire on events are in `eventTriggers.ts`.
 */
import type { Reason } from '../Escalation.js'
import type * as Obligation from '../Obligation.js'
import * as Timestamp from '../Timestamp.js'
import type { Rule, Trigger } from '../Trigger.js'

const fromObligation = (
  o: Obligation.Obligation,
  reason: Reason,
  level: number,
  instant: string,
  at: number,
  resolvedAt: number | null,
  label: string,
): Trigger => ({
  reason,
  level,
  at,
  offset: Timestamp.offsetOfValid(instant),
  obligationId: o.id,
  cause: `${label}@${instant}`,
  causationId: o.triggeredBy,
  missedObligation: false,
  resolvedAt,
})

/**
 * Time: an obligation crossed a warning fraction (`time_warning`, one level
 * higher per warning), its internal target (`internal_target_missed`), or its
 * due time (`statutory_breach` when the number is the law's, else
 * `internal_target_missed`). A hold breaks when released early. Windows
 * (a user's right kept open) and counterfactual obligations never page.
 */
export const time: Rule = (ctx) => {
  const out: Trigger[] = []
  const lv = ctx.config.levels
  ctx.obligations.forEach((o, k) => {
    if (o.kind === 'window' || o.counterfactual || o.status === 'waived') return
    const times = ctx.instants[k]!
    const end = times.end
    const breachReason: Reason =
      o.statutory && !o.preEffective ? 'statutory_breach' : 'internal_target_missed'
    const breachLevel = breachReason === 'statutory_breach' ? lv.statutory_breach : lv.internal_target_missed
    if (o.kind === 'hold') {
      if (o.status === 'breached' && end !== null && o.completedAt !== null) {
        out.push(
          fromObligation(
            o,
            breachReason,
            breachLevel,
            o.completedAt,
            times.completed as number,
            null,
            'released',
          ),
        )
      }
      return
    }
    if (o.status === 'paused') return
    const open = (at: number): boolean => end === null || end > at
    o.warnings.forEach((w, i) => {
      const at = times.warnings[i]!
      if (open(at))
        out.push(fromObligation(o, 'time_warning', lv.time_warning + i, w, at, end, `warning${i + 1}`))
    })
    if (o.targetAt !== null && o.targetAt !== o.dueAt && open(times.target as number)) {
      out.push(
        fromObligation(
          o,
          'internal_target_missed',
          lv.internal_target_missed,
          o.targetAt,
          times.target as number,
          end,
          'target',
        ),
      )
    }
    if (open(times.due))
      out.push(fromObligation(o, breachReason, breachLevel, o.dueAt, times.due, end, 'due'))
  })
  return out
}
