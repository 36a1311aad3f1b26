/**
 * The trigger rules that fire on events of the case: a guarded refusal, an authority request or
 * repeat reports while a refusal stands, and exposure past the reach thresholds. Each returns the
 * escalations it starts and when their cause was resolved. The rules that fire on obligations'
 * instants are in `timeTrigger.ts`; `Escalation` turns triggers into pages.
 */
import type { DocketEvent } from '../Envelope.js'
import type { Reason } from '../Escalation.js'
import * as Timestamp from '../Timestamp.js'
import type { Rule, Trigger } from '../Trigger.js'
import {
  firstAfterEach,
  firstGuardedReport,
  isDecision,
  isReport,
  isTakedown,
  resolvesExposure,
  resolvesGuard,
  resolvesRepeat,
  standingRefusals,
} from './triggerCauses.js'

const offsetOf = (s: string): number => Timestamp.offsetOf(s)

const fromEvent = (
  e: DocketEvent,
  at: number,
  reason: Reason,
  level: number,
  resolvedAt: number | null,
  extra: Partial<Pick<Trigger, 'cause' | 'missedObligation'>> = {},
): Trigger => ({
  reason,
  level,
  at,
  offset: offsetOf(e.occurredAt),
  obligationId: null,
  cause: extra.cause ?? e.id,
  causationId: e.id,
  missedObligation: extra.missedObligation ?? false,
  resolvedAt,
})

/**
 * Refusal guard: a frontline refusal of a report that alleges a minor, gives a
 * police reference, or is in a child-safety category escalates at once to the
 * specialist tier, and stays open until a specialist (or legal) decides.
 */
export const refusalGuard: Rule = (ctx) => {
  const out: Trigger[] = []
  let guardedFrom: number | undefined
  let resolved: ReadonlyArray<number | null> | undefined
  for (const i of ctx.refusals) {
    const e = ctx.history[i]!
    if (!isDecision(e) || e.data.tier !== 'frontline') continue
    guardedFrom ??= firstGuardedReport(ctx.history)
    if (guardedFrom >= i) continue
    resolved ??= firstAfterEach(ctx, resolvesGuard)
    out.push(fromEvent(e, ctx.at[i]!, 'refusal_guard', ctx.config.levels.refusal_guard, resolved[i] ?? null))
  }
  return out
}

/**
 * Authority after refusal: any authority request, an informal intervention
 * included, on a case whose refusal still stands is a missed obligation and
 * goes to the top of the ladder.
 */
export const authorityAfterRefusal: Rule = (ctx) => {
  const out: Trigger[] = []
  if (ctx.refusals.size === 0) return out // no refusal stands anywhere
  const standing = standingRefusals(ctx)
  let resolved: ReadonlyArray<number | null> | undefined
  ctx.history.forEach((e, j) => {
    if (e.type !== 'AuthorityRequestReceived' || standing[j]! < 0) return
    resolved ??= firstAfterEach(ctx, resolvesExposure)
    out.push(
      fromEvent(
        e,
        ctx.at[j]!,
        'authority_after_refusal',
        ctx.config.levels.authority_after_refusal,
        resolved[j] ?? null,
        {
          missedObligation: true,
        },
      ),
    )
  })
  return out
}

/**
 * Repetition: further reports about content whose refusal still stands, grouped as alerting
 * systems group a storm. The reports under one standing refusal are counted (a new refusal, or
 * one after a reversal, counts from zero again). Each calls for a level: `levels.repeat_report`
 * (`specialistLevel` when higher and a report of the case up to this one is guarded), plus one
 * per `repeatReports` threshold the count has reached. A report raises an escalation only when
 * its level is higher than every level raised under the same refusal: the first does, then one
 * per threshold, and a guarded report once when it lifts the level to the specialist's. So
 * thousands of reports about a viral video page a handful of times, not once each.
 */
export const repeatReport: Rule = (ctx) => {
  const out: Trigger[] = []
  if (ctx.refusals.size === 0) return out // no refusal stands anywhere
  const standing = standingRefusals(ctx)
  const thresholds = ctx.config.repeatReports ?? []
  const plain = ctx.config.levels.repeat_report
  const guarded = Math.max(plain, ctx.config.specialistLevel)
  let guardedFrom: number | undefined
  let resolved: ReadonlyArray<number | null> | undefined
  let refusal = -1
  let count = 0
  let reached = 0
  let raised = Number.NEGATIVE_INFINITY
  ctx.history.forEach((e, j) => {
    if (!isReport(e) || standing[j]! < 0) return
    if (standing[j] !== refusal) {
      refusal = standing[j]!
      count = 0
      reached = 0
      raised = Number.NEGATIVE_INFINITY
    }
    count++
    while (reached < thresholds.length && count >= thresholds[reached]!) reached++
    guardedFrom ??= firstGuardedReport(ctx.history)
    const level = (guardedFrom <= j ? guarded : plain) + reached
    if (level <= raised) return
    raised = level
    resolved ??= firstAfterEach(ctx, resolvesRepeat)
    out.push(fromEvent(e, ctx.at[j]!, 'repeat_report', level, resolved[j] ?? null))
  })
  return out
}

/**
 * Reach: exposure growing past the configured thresholds (views, shares, or
 * their hourly rate between two observations) while the content is up. An
 * observation that crosses new thresholds raises one escalation, one level
 * higher for every threshold crossed so far.
 */
export const reach: Rule = (ctx) => {
  const r = ctx.config.reach
  const out: Trigger[] = []
  const crossed = new Set<string>()
  let down = false
  let previous: { at: number; views: number; shares: number } | null = null
  let resolved: ReadonlyArray<number | null> | undefined
  ctx.history.forEach((e, j) => {
    if (isTakedown(e)) down = true
    else if (e.type === 'ContentRestored') down = false
    if (e.type !== 'ExposureObserved') return
    const at = ctx.at[j]!
    const hits: string[] = []
    for (const v of r.views) if (e.data.views >= v) hits.push(`views>=${v}`)
    for (const s of r.shares) if (e.data.shares >= s) hits.push(`shares>=${s}`)
    if (previous !== null && at > previous.at) {
      const hours = (at - previous.at) / 3_600_000
      if (r.viewsPerHour !== null && (e.data.views - previous.views) / hours >= r.viewsPerHour) {
        hits.push(`viewsPerHour>=${r.viewsPerHour}`)
      }
      if (r.sharesPerHour !== null && (e.data.shares - previous.shares) / hours >= r.sharesPerHour) {
        hits.push(`sharesPerHour>=${r.sharesPerHour}`)
      }
    }
    previous = { at, views: e.data.views, shares: e.data.shares }
    const fresh = hits.filter((h) => !crossed.has(h))
    for (const h of fresh) crossed.add(h)
    if (fresh.length === 0 || down) return
    // One escalation per observation, at the level of its highest crossing: thresholds crossed
    // together page once, not once per threshold.
    const level = ctx.config.levels.reach + crossed.size - 1
    resolved ??= firstAfterEach(ctx, resolvesExposure)
    out.push(fromEvent(e, at, 'reach', level, resolved[j] ?? null, { cause: `${e.id}#${fresh.join('+')}` }))
  })
  return out
}
