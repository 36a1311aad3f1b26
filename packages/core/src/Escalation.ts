/**
 * The escalation engine: which people must be woken about a case, and when.
 * It is a pure function of a case's history (and, for time triggers, of its
 * obligations) and of an instant: `tick(input, now)` returns the
 * `EscalationRaised` events due at `now` that the history does not hold yet,
 * and the next instant at which anything can change (`nextWakeAt`). A host
 * (the `ProcessManager`, a cron job, a queue worker) appends those events and
 * sleeps until then; because every event id is derived from what caused it,
 * running the engine twice, or after a crash, never raises anything twice.
 *
 * Triggers are small rules with a reason code (`REASONS`). An escalation is
 * raised at the trigger's level, then climbs the platform's ladder like a
 * paging policy: each level has `acknowledgeWithin` before the next level is
 * paged, and `repeatEvery` (at most `repeatTimes`) re-pages, until an
 * `EscalationAcknowledged` arrives or the cause is resolved (the duty met, a
 * specialist's decision, the content taken down). The refusal guard alone
 * ignores acknowledgements: it pages until a specialist (or legal) decides.
 *
 * This module is not the obligation engine (it reads obligations, it does not
 * compute them) and not a notifier (sinks live in `Outbox`). Its parts live
 * in `internal/`: the configuration (`escalationConfig`), the ladder one
 * escalation climbs (`ladder`), the plan of a case's pages (`escalationPlan`),
 * the ids and events pages are written as (`escalationEvents`) and their order
 * (`pageOrder`); this module holds the model and the operations hosts call.
 */
import type { DocketEvent, EventOf } from './Envelope.js'
import { configOf } from './internal/escalationConfig.js'
import { fire, plan } from './internal/escalationPlan.js'
import { raisedEvent } from './internal/escalationEvents.js'
import { eventIdOf, type Keyed, sorted } from './internal/pageOrder.js'
import type * as Obligation from './Obligation.js'
import * as Observability from './Observability.js'
import type * as Profile from './Profile.js'
import * as Timestamp from './Timestamp.js'
import * as Trigger from './Trigger.js'

// model

/** Every reason code an escalation can carry. */
export const REASONS = [
  'time_warning',
  'statutory_breach',
  'internal_target_missed',
  'refusal_guard',
  'authority_after_refusal',
  'reach',
  'repeat_report',
] as const
/** Why an escalation was raised; reports count escalations by it. */
export type Reason = (typeof REASONS)[number]

/** An `EscalationRaised` event. */
export type Raised = EventOf<'EscalationRaised'>

/** The escalation part of a resolved profile, ready for the engine. */
export interface Config {
  /** The ladder, sorted by level. */
  readonly ladder: ReadonlyArray<Profile.LadderLevel>
  readonly specialistLevel: number
  readonly reach: {
    readonly views: ReadonlyArray<number>
    readonly shares: ReadonlyArray<number>
    readonly viewsPerHour: number | null
    readonly sharesPerHour: number | null
  }
  /**
   * Counts of repeat reports under one standing refusal that raise `repeat_report` a level, ascending
   * (`configOf` gives the profile's; absent from a Config built by hand: none, only the first raises).
   */
  readonly repeatReports?: ReadonlyArray<number>
  /**
   * How the time triggers of one rule's obligations on one case page (`Profile`'s
   * `escalation.timePages`; absent: `perObligation`, each obligation its own).
   */
  readonly timePages?: 'perObligation' | 'perRule'
  /** The level each reason raises at (before clamping to the ladder). */
  readonly levels: Readonly<Record<Reason, number>>
  /** Each ladder level's timing in ms, precomputed (`acknowledgeWithin`, the next level, repeats). */
  readonly rungs: ReadonlyMap<number, Rung>
}

/** One ladder level's timing, in elapsed ms. */
export interface Rung {
  /** When the next level is paged if unacknowledged, or `null` at the top or without `acknowledgeWithin`. */
  readonly stepMs: number | null
  /** The next level up (always higher: an escalation never pages a level twice), or `null` at the top. */
  readonly next: number | null
  readonly repeatMs: number | null
  readonly repeatTimes: number
}

/** What the engine looks at for one case. */
export interface Input {
  readonly caseId: string
  /**
   * The case's events in order: "after" in the trigger rules means later in this array. Hosts use
   * the engine's order (`occurredAt`, `recordedAt`, `id`), as `Evaluation` does. Events that occur
   * after `now` are ignored until then.
   */
  readonly history: ReadonlyArray<DocketEvent>
  /** Epoch ms of each history event's `occurredAt`, when the host has read them already (saves parsing). */
  readonly occurredMs?: ReadonlyArray<number>
  /** The case's obligations, evaluated at `now` (time triggers only; absent means none). */
  readonly obligations?: ReadonlyArray<Obligation.Obligation>
  /** The obligations' instants, when the host has them (`Evaluation` does); read from the obligations otherwise. */
  readonly instants?: ReadonlyArray<Obligation.Instants>
  readonly config: Config
}

/** What a tick returns. */
export interface Tick {
  /** `EscalationRaised` events due at `now` and not yet in the history, in time, level, then id order. */
  readonly due: ReadonlyArray<Raised>
  /** The next instant (epoch ms) at which the engine could raise something without a new event, or `null`. */
  readonly nextWakeAt: number | null
}

/** One escalation as `docket evaluate` lists it (one line per level reached; repeats omitted). */
export interface Summary {
  readonly escalationId: string
  readonly level: number
  readonly reason: string
  readonly at: string
  readonly obligationId: string | null
}

// constructors

export { configOf, durationMs } from './internal/escalationConfig.js'
export { escalationId, eventId } from './internal/escalationEvents.js'

// operations

/** Every trigger that has fired for the case by `now`, from every rule. */
export const triggers = (input: Input, now: number): ReadonlyArray<Trigger.Trigger> => {
  const ctx = Trigger.context(input, now)
  return fire(ctx).filter((t) => t.at <= now)
}

/**
 * The escalations due at `now` that the history does not hold yet, and the
 * next instant at which the engine could raise one without a new event.
 */
const tickUntraced = (input: Input, now: number): Tick => {
  const known = new Set<string>()
  for (const e of input.history) if (e.type === 'EscalationRaised') known.add(e.id)
  const due: Keyed<Raised>[] = []
  const { next } = plan(input, now, true, (id, t, at, level, repeat) => {
    const event = raisedEvent(input.caseId, id, t, at, level, repeat)
    if (!known.has(event.id)) due.push({ at, level, eventId: event.id, escalationId: id, value: event })
  })
  return { due: sorted(due), nextWakeAt: next }
}

/** The escalations due at `now` and the next wake instant (see above), inside a `docket.escalation.tick` span. */
export const tick = (input: Input, now: number): Tick =>
  Observability.withSpan(Observability.SPANS.escalationTick, { 'docket.case_id': input.caseId }, () =>
    tickUntraced(input, now),
  )

/** The next instant after `now` at which `tick` could return something new without a new event, or `null`. */
export const nextWakeAt = (input: Input, now: number): number | null => plan(input, now, true, () => {}).next

/**
 * Every escalation raised by `asOf` (those already recorded and those due),
 * one line per escalation and level, sorted by time, level, then id: the
 * `escalations` of `docket evaluate`.
 */
export const summarize = (input: Input, asOf: number): ReadonlyArray<Summary> => outlook(input, asOf).summary

/** What {@link outlook} returns: the summary at `asOf` and the next instant a tick could raise something. */
export interface Outlook {
  readonly summary: ReadonlyArray<Summary>
  readonly nextWakeAt: number | null
}

/** {@link summarize} and {@link nextWakeAt} at `asOf` from one plan of the case (each alone plans it once). */
export const outlook = (input: Input, asOf: number): Outlook => {
  const lines: Keyed<Summary>[] = []
  // No (id, level) is planned twice at repeat 0 (see `plan`), so planned lines need no dedup.
  const { ctx, next } = plan(input, asOf, false, (id, t, at, level) => {
    lines.push({
      at,
      level,
      eventId: null,
      escalationId: id,
      value: {
        escalationId: id,
        level,
        reason: t.reason,
        at: Timestamp.format(at, t.offset),
        obligationId: t.obligationId,
      },
    })
  })
  let seen: Set<string> | undefined
  for (let i = 0; i < ctx.history.length; i++) {
    const e = ctx.history[i]!
    if (e.type !== 'EscalationRaised' || e.data.repeat !== undefined) continue
    // the first recorded escalation: the event ids of the planned lines, written once
    seen ??= new Set(lines.map(eventIdOf))
    if (seen.has(e.id)) continue
    seen.add(e.id)
    lines.push({
      at: ctx.at[i]!,
      level: e.data.level,
      eventId: e.id,
      escalationId: e.data.escalationId,
      value: {
        escalationId: e.data.escalationId,
        level: e.data.level,
        reason: e.data.reason,
        at: e.occurredAt,
        obligationId: e.data.obligationId ?? null,
      },
    })
  }
  return { summary: sorted(lines), nextWakeAt: next }
}

/** What `Evaluation`'s `escalate` hook passes for one case (structurally `Evaluation.EscalationInput`). */
export interface HookInput {
  readonly caseId: string
  readonly history: ReadonlyArray<DocketEvent>
  readonly occurredMs?: ReadonlyArray<number>
  readonly obligations: ReadonlyArray<Obligation.Obligation>
  readonly instants?: ReadonlyArray<Obligation.Instants>
  readonly asOfMs: number
  readonly profile: Pick<Profile.Resolved, 'escalation'>
}

const configs = new WeakMap<object, Config>()

/**
 * The engine's input for what `Evaluation`'s hook passes (the profile's {@link Config} computed
 * once per profile object).
 */
export const inputOf = (hook: HookInput): Input => {
  let config = configs.get(hook.profile)
  if (config === undefined) {
    config = configOf(hook.profile)
    configs.set(hook.profile, config)
  }
  // one shape for every case (absent host arrays stay `undefined`)
  return {
    caseId: hook.caseId,
    history: hook.history,
    occurredMs: hook.occurredMs,
    obligations: hook.obligations,
    instants: hook.instants,
    config,
  }
}

/**
 * The `escalate` hook of `Evaluation.evaluate`: every escalation of the case
 * by `asOf`, so that `docket evaluate` lists `cases[].escalations`.
 */
export const escalate = (input: HookInput): ReadonlyArray<Summary> => summarize(inputOf(input), input.asOfMs)

/**
 * True while the refusal guard holds the case open: a guarded frontline
 * refusal that no specialist (or legal) decision has followed yet. The case
 * decider should refuse `CaseClosed` while this holds.
 */
export const blocksClose = (history: ReadonlyArray<DocketEvent>): boolean => {
  const config = configOf({ escalation: {} })
  const ctx = Trigger.context({ caseId: history[0]?.caseId ?? '', history, config }, Number.POSITIVE_INFINITY)
  return Trigger.refusalGuard(ctx).some((t) => t.resolvedAt === null)
}
