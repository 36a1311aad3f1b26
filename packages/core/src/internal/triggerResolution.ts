/**
 * The resolution of a recorded escalation: when its cause was resolved, as the rule that raises
 * its reason resolves it, for the escalations a history holds that the rules no longer derive.
 * It derives no escalation; the rules do (`eventTriggers.ts`, `timeTrigger.ts`).
 */
import type { DocketEvent } from '../Envelope.js'
import type { Reason } from '../Escalation.js'
import type { Context, Trigger } from '../Trigger.js'
import type { time } from './timeTrigger.js'
import { firstAfterEach, resolvesExposure, resolvesGuard, resolvesRepeat } from './triggerCauses.js'

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
