/**
 * The time trigger: an obligation crossing a warning fraction, its internal target or its due
 * time (and a hold released early). It reads the obligations the engine evaluated, not the
 * events; the rules that fire on events are in `eventTriggers.ts`.
 */
import type { Reason } from '../Escalation.js'
import type * as Obligation from '../Obligation.js'
import * as Timestamp from '../Timestamp.js'
import type { Context, Rule, Trigger } from '../Trigger.js'

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

/** A time trigger of one obligation before grouping: what it is and when it falls. */
interface Crossing {
  readonly reason: Reason
  readonly level: number
  readonly instant: string
  readonly at: number
  readonly label: string
}

/** Whether an obligation's time can page at all: windows, counterfactual and waived ones never do. */
const pages = (o: Obligation.Obligation): boolean =>
  o.kind !== 'window' && !o.counterfactual && o.status !== 'waived'

/**
 * With `timePages: perRule`, the instant from which each deadline obligation pages for its rule on
 * the case (by index): `-Infinity` for the one due first, then for each the latest end of those due
 * before it, `null` while one of them is still open (it pages for the rule). Absent for holds and
 * obligations that never page.
 */
export const turns = (
  ctx: Pick<Context, 'obligations' | 'instants'>,
): ReadonlyArray<number | null | undefined> => {
  const out: Array<number | null | undefined> = new Array(ctx.obligations.length).fill(undefined)
  const groups = new Map<string, number[]>()
  ctx.obligations.forEach((o, k) => {
    if (o.kind === 'hold' || o.status === 'paused' || !pages(o)) return
    const key = `${o.policy}\u0000${o.rule}`
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [k])
    else group.push(k)
  })
  for (const group of groups.values()) {
    group.sort((a, b) => {
      const d = ctx.instants[a]!.due - ctx.instants[b]!.due
      return d !== 0 ? d : ctx.obligations[a]!.id < ctx.obligations[b]!.id ? -1 : 1
    })
    let from: number | null = Number.NEGATIVE_INFINITY
    for (const k of group) {
      out[k] = from
      const end = ctx.instants[k]!.end
      from = from === null || end === null ? null : Math.max(from, end)
    }
  }
  return out
}

/**
 * Time: an obligation crossed a warning fraction (`time_warning`, one level
 * higher per warning), its internal target (`internal_target_missed`), or its
 * due time (`statutory_breach` when the number is the law's, else
 * `internal_target_missed`). A hold breaks when released early. Windows
 * (a user's right kept open) and counterfactual obligations never page.
 *
 * With `timePages: perRule`, the deadlines of one rule on one case page as
 * one: only the open one due first pages; when it ends, the next takes over,
 * its crossings before then folded into the latest of them, paged at the
 * handover.
 */
export const time: Rule = (ctx) => {
  const out: Trigger[] = []
  const lv = ctx.config.levels
  const from = ctx.config.timePages === 'perRule' ? turns(ctx) : undefined
  ctx.obligations.forEach((o, k) => {
    if (!pages(o)) return
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
    const crossings: Crossing[] = o.warnings.map((w, i) => ({
      reason: 'time_warning',
      level: lv.time_warning + i,
      instant: w,
      at: times.warnings[i]!,
      label: `warning${i + 1}`,
    }))
    if (o.targetAt !== null && o.targetAt !== o.dueAt)
      crossings.push({
        reason: 'internal_target_missed',
        level: lv.internal_target_missed,
        instant: o.targetAt,
        at: times.target as number,
        label: 'target',
      })
    crossings.push({
      reason: breachReason,
      level: breachLevel,
      instant: o.dueAt,
      at: times.due,
      label: 'due',
    })
    const turn = from === undefined ? undefined : from[k]
    if (turn === null) return
    const start = turn ?? Number.NEGATIVE_INFINITY
    // crossed before this obligation's turn: only the latest pages, at the handover
    let latest: Crossing | undefined
    for (const c of crossings) if (c.at < start && (latest === undefined || c.at >= latest.at)) latest = c
    for (const c of crossings) {
      if (c.at < start && c !== latest) continue
      const at = Math.max(c.at, start)
      if (end === null || end > at)
        out.push(fromObligation(o, c.reason, c.level, c.instant, at, end, c.label))
    }
  })
  return out
}
