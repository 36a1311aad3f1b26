/**
 * The plan of a case's escalations: every trigger the rules fire, and every escalation the
 * history records that they no longer derive, each climbing the ladder until acknowledged or
 * resolved; it hands each page up to `now` to its caller and returns the next instant a page is
 * due. It writes no event: `Escalation.tick` and `Escalation.outlook` turn pages into events and
 * lines.
 */
import type { Input, Raised, Reason } from '../Escalation.js'
import * as Timestamp from '../Timestamp.js'
import * as Trigger from '../Trigger.js'
import { idOf } from './escalationEvents.js'
import { clamp, climb, type OnPage, type Start, sooner } from './ladder.js'

const ms = (s: string): number => Timestamp.toMillis(s)
const offsetOf = (s: string): number => Timestamp.offsetOf(s)

/** Every rule's triggers, in rule order (a loop: `flatMap` goes through V8's generic flattening). */
export const fire = (ctx: Trigger.Context): Trigger.Trigger[] => {
  const out: Trigger.Trigger[] = []
  for (const rule of Trigger.RULES) for (const t of rule(ctx)) out.push(t)
  return out
}

/** What the history records of escalations: the first acknowledgement and the first raise of each. */
interface Recorded {
  readonly acks: ReadonlyMap<string, number>
  readonly raised: ReadonlyMap<string, Raised>
}

const NONE_RECORDED: Recorded = { acks: new Map(), raised: new Map() }

/** The escalations `ctx.history` acknowledges and raises (most histories hold neither). */
const recordedIn = (ctx: Trigger.Context): Recorded => {
  let found: { acks: Map<string, number>; raised: Map<string, Raised> } | undefined
  for (let i = 0; i < ctx.history.length; i++) {
    const e = ctx.history[i]!
    if (e.type !== 'EscalationAcknowledged' && e.type !== 'EscalationRaised') continue
    found ??= { acks: new Map(), raised: new Map() }
    if (e.type === 'EscalationAcknowledged') {
      const at = ctx.at[i]!
      const prev = found.acks.get(e.data.escalationId)
      if (prev === undefined || at < prev) found.acks.set(e.data.escalationId, at)
    } else if (!found.raised.has(e.data.escalationId)) found.raised.set(e.data.escalationId, e)
  }
  return found ?? NONE_RECORDED
}

/**
 * Every page of every escalation up to `now` (recorded or not; re-pages only if `repeats`), given to
 * `onPage` in trigger order, and the next page after `now`. An escalation's pages at repeat 0 have
 * distinct levels (each step goes up the ladder) and each escalation is planned once, so no
 * (id, level) pair is given twice at repeat 0.
 */
export const plan = (
  input: Input,
  now: number,
  repeats: boolean,
  onPage: OnPage,
): { readonly next: number | null; readonly ctx: Trigger.Context } => {
  const ctx = Trigger.context(input, now)
  const fired = fire(ctx)
  const { acks, raised } = recordedIn(ctx)
  let next: number | null = null
  // An event written ahead of `now` (clock skew, a scheduled import) wakes the engine when it occurs.
  if (input.occurredMs !== undefined) for (const at of input.occurredMs) next = sooner(next, at, now)
  else for (const e of input.history) next = sooner(next, ms(e.occurredAt), now)
  const derived = new Set<string>()
  for (const t of fired) {
    if (t.at > now) {
      next = sooner(next, t.at, now)
      continue
    }
    const level = clamp(input.config, t.level)
    const id = idOf(input.caseId, t.reason, t.obligationId, level, t.cause)
    if (derived.has(id)) continue
    derived.add(id)
    // The refusal guard is not silenced by an acknowledgement: only a specialist's decision ends it.
    const ack = t.reason === 'refusal_guard' ? null : (acks.get(id) ?? null)
    const stopAt = ack === null ? t.resolvedAt : t.resolvedAt === null ? ack : Math.min(ack, t.resolvedAt)
    next = sooner(next, climb(input.config, id, t, level, stopAt, now, repeats, onPage), now)
  }
  // Escalations the rules no longer derive (raised by people, an older release or another configuration)
  // climb the ladder until acknowledged, or until their cause is resolved as the rule of their reason
  // resolves it (Trigger.resolution): an old escalation does not page again, to the top, long after.
  let resolution: ((recorded: Trigger.Recorded) => number | null | undefined) | undefined
  for (const [id, e] of raised) {
    if (derived.has(id)) continue
    const t: Start = {
      reason: e.data.reason as Reason,
      level: e.data.level,
      at: ms(e.occurredAt),
      offset: offsetOf(e.occurredAt),
      obligationId: e.data.obligationId ?? null,
      causationId: e.meta?.causationId ?? null,
      missedObligation: e.data.missedObligation === true,
    }
    resolution ??= Trigger.resolution(ctx)
    const ack = acks.get(id) ?? null
    const resolvedAt = resolution(t) ?? null
    const stopAt = resolvedAt === null ? ack : ack === null ? resolvedAt : Math.min(ack, resolvedAt)
    next = sooner(next, climb(input.config, id, t, e.data.level, stopAt, now, repeats, onPage), now)
  }
  return { next, ctx }
}
