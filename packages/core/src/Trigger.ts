/**
 * A trigger: a small pure rule that starts an escalation, with a reason code
 * that reports can count. Each rule reads one case (its history up to `now`,
 * the refusals found by core's one `Refusal` predicate, its obligations) and
 * returns the escalations it starts: when, at which level, for what cause,
 * and when the cause was resolved (so paging stops).
 *
 * This module decides *whether and when* to escalate; `Escalation` turns
 * triggers into `EscalationRaised` events and climbs the ladder.
 */
import type { DocketEvent, EventOf } from './Envelope.js'
import type { Config, Input, Reason } from './Escalation.js'
import { CHILD_SAFETY_CATEGORIES, type Category } from './Event.js'
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

// helpers

const ms = (s: string): number => Timestamp.toMillis(s)
const offsetOf = (s: string): number => Timestamp.offsetOf(s)

const reportedCategories = (e: EventOf<'ContentReported'>): ReadonlyArray<Category> => [
  e.data.category,
  ...(e.data.categories ?? []),
]

/**
 * True when a report puts a case under the refusal guard: it alleges a minor
 * (`depictsMinor`, or an age at capture under 18), gives a police reference,
 * or is about `csam`, `ncii`, `sextortion` or `enticement`.
 */
export const isGuarded = (report: EventOf<'ContentReported'>): boolean => {
  const claims = report.data.claims
  if (claims?.depictsMinor === true) return true
  if (claims?.ageAtCapture !== undefined && claims.ageAtCapture < 18) return true
  if (claims?.policeReference !== undefined && claims.policeReference.trim() !== '') return true
  return reportedCategories(report).some((c) => CHILD_SAFETY_CATEGORIES.includes(c))
}

const isReport = (e: DocketEvent): e is EventOf<'ContentReported'> => e.type === 'ContentReported'
const isDecision = (e: DocketEvent): e is EventOf<'ReviewDecided'> => e.type === 'ReviewDecided'
const isSpecialistDecision = (e: DocketEvent): boolean =>
  isDecision(e) && (e.data.tier === 'specialist' || e.data.tier === 'legal')
const isTakedown = (e: DocketEvent): boolean =>
  e.type === 'ContentActioned' && (e.data.action === 'removed' || e.data.action === 'disabled')
/** Undoes a refusal: a violation found, or the content taken down. */
const reverses = (e: DocketEvent): boolean =>
  (isDecision(e) && e.data.outcome === 'violation') || isTakedown(e)
/** Resolves a refusal guard: a specialist (or legal) decision. */
const resolvesGuard = isSpecialistDecision
/** Resolves an authority request after a refusal, or a reach: a specialist (or legal) decision, or a takedown. */
const resolvesExposure = (e: DocketEvent): boolean => isSpecialistDecision(e) || isTakedown(e)
/** Resolves a repeat report: a specialist (or legal) decision, or a reversal. */
const resolvesRepeat = (e: DocketEvent): boolean => isSpecialistDecision(e) || reverses(e)

/** Index of the first guarded report of `history` ({@link isGuarded}), or its length when none is. */
const firstGuardedReport = (history: ReadonlyArray<DocketEvent>): number => {
  for (let i = 0; i < history.length; i++) {
    const e = history[i]!
    if (isReport(e) && isGuarded(e)) return i
  }
  return history.length
}

/**
 * For each index j of the history, the instant of the first event after j that satisfies `p`
 * (none: `null`), in one pass from the end: a rule that asks for every
 * event stays linear in the history (a viral case can hold thousands of reports).
 */
const firstAfterEach = (ctx: Context, p: (e: DocketEvent) => boolean): ReadonlyArray<number | null> => {
  const out = new Array<number | null>(ctx.history.length)
  let next: number | null = null
  for (let i = ctx.history.length - 1; i >= 0; i--) {
    out[i] = next
    if (p(ctx.history[i]!)) next = ctx.at[i]!
  }
  return out
}

/**
 * For each index j of the history, the index of the refusal that still stands just before j (no
 * event since reversed it), or -1: one pass, where a scan back from each event was quadratic.
 */
const standingRefusals = (ctx: Context): Int32Array => {
  const out = new Int32Array(ctx.history.length)
  let standing = -1
  for (let i = 0; i < ctx.history.length; i++) {
    out[i] = standing
    if (ctx.refusals.has(i)) standing = i
    else if (reverses(ctx.history[i]!)) standing = -1
  }
  return out
}

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

// rules

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

/** Every trigger rule, by reason family, in the order they run. */
export const RULES: ReadonlyArray<Rule> = [time, refusalGuard, authorityAfterRefusal, reach, repeatReport]

/** What an `EscalationRaised` names of its cause: all {@link resolution} reads of it. */
export type Recorded = Pick<Trigger, 'reason' | 'causationId' | 'obligationId'>

/** The event each rule raises from, with what resolves it (the rule's own `resolvedAt`). */
const EVENT_CAUSES: Partial<
  Record<Reason, { readonly type: DocketEvent['type']; readonly resolves: (e: DocketEvent) => boolean }>
> = {
  refusal_guard: { type: 'ReviewDecided', resolves: resolvesGuard },
  authority_after_refusal: { type: 'AuthorityRequestReceived', resolves: resolvesExposure },
  reach: { type: 'ExposureObserved', resolves: resolvesExposure },
  repeat_report: { type: 'ContentReported', resolves: resolvesRepeat },
}

/** The reasons {@link time} raises, resolved by their obligation's end. */
const TIME_REASONS: ReadonlySet<Reason> = new Set([
  'time_warning',
  'statutory_breach',
  'internal_target_missed',
])

/**
 * When the cause of a recorded escalation was resolved, as the rule that raises its reason resolves
 * it: the first resolving event after its `causationId` (for event-based reasons, when that names
 * an event of the type the rule raises from), or the end of its obligation (met, cancelled or
 * released) for time reasons; `null` while unresolved (and for a released hold's breach, as
 * {@link time} gives); `undefined` when the history does not hold such a cause. For the escalations a
 * history holds that the rules no longer derive (raised by people, an older release or another
 * configuration), which then stop where they stopped when raised. Each index is built once per
 * context, when first needed, then constant time per escalation.
 */
export const resolution = (ctx: Context): ((recorded: Recorded) => number | null | undefined) => {
  let events: Map<string, number> | undefined
  let obligations: Map<string, number> | undefined
  const resolvedAfter = new Map<(e: DocketEvent) => boolean, ReadonlyArray<number | null>>()
  return ({ reason, causationId, obligationId }) => {
    const cause = EVENT_CAUSES[reason]
    if (cause !== undefined) {
      if (causationId === null) return undefined
      events ??= new Map(ctx.history.map((e, i) => [e.id, i]))
      const j = events.get(causationId)
      if (j === undefined || ctx.history[j]!.type !== cause.type) return undefined
      let resolved = resolvedAfter.get(cause.resolves)
      if (resolved === undefined) {
        resolved = firstAfterEach(ctx, cause.resolves)
        resolvedAfter.set(cause.resolves, resolved)
      }
      return resolved[j] ?? null
    }
    if (obligationId === null || !TIME_REASONS.has(reason)) return undefined
    obligations ??= new Map(ctx.obligations.map((o, k) => [o.id, k]))
    const k = obligations.get(obligationId)
    if (k === undefined) return undefined
    return ctx.obligations[k]!.kind === 'hold' ? null : ctx.instants[k]!.end
  }
}

// operations

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
