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
 * compute them) and not a notifier (sinks live in `Outbox`).
 */
import type { DocketEvent, EventOf } from './Envelope.js'
import * as Hash from './internal/hash.js'
import type * as Obligation from './Obligation.js'
import * as Observability from './Observability.js'
import type * as Profile from './Profile.js'
import * as Timestamp from './Timestamp.js'
import * as Trigger from './Trigger.js'

const ms = (s: string): number => Timestamp.toMillis(s)
const offsetOf = (s: string): number => Timestamp.offsetOf(s)

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

const DEFAULT_SPECIALIST = 2

/** The engine configuration of a resolved profile (defaults applied, ladder sorted). */
export const configOf = (profile: Pick<Profile.Resolved, 'escalation'>): Config => {
  const e = profile.escalation
  const ladder = [...(e.ladder ?? [])].sort((a, b) => a.level - b.level)
  const top = ladder.length === 0 ? 1 : ladder[ladder.length - 1]!.level
  const specialistLevel = e.specialistLevel ?? DEFAULT_SPECIALIST
  return {
    ladder,
    specialistLevel,
    reach: {
      views: [...(e.reach?.views ?? [])].sort((a, b) => a - b),
      shares: [...(e.reach?.shares ?? [])].sort((a, b) => a - b),
      viewsPerHour: e.reach?.viewsPerHour ?? null,
      sharesPerHour: e.reach?.sharesPerHour ?? null,
    },
    repeatReports: [...new Set(e.repeatReports ?? [])].sort((a, b) => a - b),
    rungs: new Map(
      ladder.map((l, i) => {
        const next = ladder[i + 1]?.level ?? null
        const rung: Rung = {
          stepMs: l.acknowledgeWithin === undefined || next === null ? null : durationMs(l.acknowledgeWithin),
          next,
          repeatMs: l.repeatEvery === undefined ? null : durationMs(l.repeatEvery),
          repeatTimes: l.repeatTimes ?? 3,
        }
        return [l.level, rung] as const
      }),
    ),
    levels: {
      time_warning: 1,
      internal_target_missed: specialistLevel,
      statutory_breach: top,
      refusal_guard: specialistLevel,
      authority_after_refusal: top,
      reach: 1,
      repeat_report: 1,
      ...e.levels,
    },
  }
}

/** The deterministic id of an escalation: a hash of case, reason, obligation, level and cause. */
export const escalationId = (
  caseId: string,
  t: Pick<Trigger.Trigger, 'reason' | 'obligationId' | 'level' | 'cause'>,
): string => idOf(caseId, t.reason, t.obligationId, t.level, t.cause)

/**
 * {@link escalationId} from its parts: the hash of the JSON array `[caseId, reason, obligationId,
 * level, cause]`, streamed into the hash without building the text when no part needs escaping.
 */
const idOf = (
  caseId: string,
  reason: string,
  obligationId: string | null,
  level: number,
  cause: string,
): string => {
  const o = obligationId ?? ''
  const lv = LEVEL_JSON[level] ?? JSON.stringify(level)
  // brackets, four quoted strings and four commas
  const length = caseId.length + reason.length + o.length + lv.length + cause.length + 14
  const streamed = Hash.streamable(length) ? streamedHash(caseId, reason, o, lv, cause) : undefined
  return `esc-${streamed ?? Hash.hash128(`[${jsonString(caseId)},${jsonString(reason)},${jsonString(o)},${lv},${jsonString(cause)}]`)}`
}

/** `JSON.stringify` of the levels ladders use (0 to 15), written once: it costs more than a table lookup. */
const LEVEL_JSON: ReadonlyArray<string> = Array.from({ length: 16 }, (_, i) => JSON.stringify(i))

/** The hash of `[caseId,reason,obligation,level,cause]` as JSON, streamed; `undefined` when a part needs escaping. */
const streamedHash = (
  caseId: string,
  reason: string,
  o: string,
  lv: string,
  cause: string,
): string | undefined => {
  Hash.begin()
  Hash.feedCode(91) // [
  if (!Hash.feedJson(caseId)) return undefined
  Hash.feedCode(44) // ,
  if (!Hash.feedJson(reason)) return undefined
  Hash.feedCode(44)
  if (!Hash.feedJson(o)) return undefined
  Hash.feedCode(44)
  Hash.feed(lv)
  Hash.feedCode(44)
  if (!Hash.feedJson(cause)) return undefined
  Hash.feedCode(93) // ]
  return Hash.end()
}

/** Characters `JSON.stringify` escapes in a string (quote, backslash, controls, lone surrogates). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what JSON escapes
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/

/** `JSON.stringify(s)`, without its cost when nothing needs escaping. */
const jsonString = (s: string): string => (ESCAPED.test(s) ? JSON.stringify(s) : `"${s}"`)

/** The id of the event that raises escalation `id` at `level` (and its `repeat`-th re-page). */
export const eventId = (id: string, level: number, repeat = 0): string =>
  repeat === 0 ? `${id}/L${level}` : `${id}/L${level}/r${repeat}`

// helpers

const UNIT_MS: Readonly<Record<string, number>> = {
  Y: 365 * 86_400_000,
  Mo: 30 * 86_400_000,
  W: 7 * 86_400_000,
  D: 86_400_000,
  H: 3_600_000,
  Mi: 60_000,
  S: 1000,
}

/** Elapsed milliseconds of an ISO-8601 duration (years as 365 days and months as 30: ladders page in elapsed time). */
export const durationMs = (iso: string): number => {
  const m =
    /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
      iso,
    )
  if (m === null) throw new Error(`not an ISO-8601 duration: ${JSON.stringify(iso)}`)
  const parts = [m[1], m[2], m[3], m[4], m[5], m[6], m[7]]
  const units = ['Y', 'Mo', 'W', 'D', 'H', 'Mi', 'S'] as const
  return parts.reduce((acc, p, i) => acc + (p === undefined ? 0 : Number(p) * UNIT_MS[units[i]!]!), 0)
}

const clamp = (config: Config, level: number): number => {
  if (config.ladder.length === 0) return Math.max(1, Math.round(level))
  const lo = config.ladder[0]!.level
  const hi = config.ladder[config.ladder.length - 1]!.level
  return Math.min(hi, Math.max(lo, Math.round(level)))
}

// operations

/** What a planned page's escalation started from: its trigger without cause and resolution. */
type Start = Omit<Trigger.Trigger, 'cause' | 'resolvedAt'>

/**
 * Receives one page of one escalation, as {@link plan} finds it: the escalation, its start, and
 * the page's instant, level and repeat (0 for the first page at a level).
 */
type OnPage = (id: string, start: Start, at: number, level: number, repeat: number) => void

/** The earlier of `next` and `t`, counting only instants after `now`. */
const sooner = (next: number | null, t: number | null, now: number): number | null =>
  t !== null && t > now && (next === null || t < next) ? t : next

/**
 * The pages of one escalation: its first level at `start.at`, then repeats and steps up the
 * ladder while unacknowledged and unresolved (`stopAt`). Gives `onPage` the pages at or before
 * `now` (re-pages only if `repeats`) and returns the first page after it.
 */
const climb = (
  config: Config,
  id: string,
  start: Start,
  startLevel: number,
  stopAt: number | null,
  now: number,
  repeats: boolean,
  onPage: OnPage,
): number | null => {
  let level = startLevel
  let at = start.at
  for (;;) {
    if (stopAt !== null && at >= stopAt) return null
    if (at > now) return at
    onPage(id, start, at, level, 0)
    const rung = config.rungs.get(level)
    const stepAt = rung?.stepMs == null ? null : at + rung.stepMs
    if (rung?.repeatMs != null && rung.repeatMs > 0) {
      for (let k = 1; k <= rung.repeatTimes; k++) {
        const r = at + k * rung.repeatMs
        if (stepAt !== null && r >= stepAt) break
        if (stopAt !== null && r >= stopAt) return null
        if (r > now) return r
        if (repeats) onPage(id, start, r, level, k)
      }
    }
    if (stepAt === null || rung?.next == null) return null
    level = rung.next
    at = stepAt
  }
}

/** Every trigger that has fired for the case by `now`, from every rule. */
export const triggers = (input: Input, now: number): ReadonlyArray<Trigger.Trigger> => {
  const ctx = Trigger.context(input, now)
  return fire(ctx).filter((t) => t.at <= now)
}

/** Every rule's triggers, in rule order (a loop: `flatMap` goes through V8's generic flattening). */
const fire = (ctx: Trigger.Context): Trigger.Trigger[] => {
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
const plan = (
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

/** The `EscalationRaised` event of a planned page. */
const raisedEvent = (
  caseId: string,
  id: string,
  t: Start,
  at: number,
  level: number,
  repeat: number,
): Raised => ({
  id: eventId(id, level, repeat),
  type: 'EscalationRaised',
  caseId,
  occurredAt: Timestamp.format(at, t.offset),
  actor: { kind: 'system', id: 'docket-escalation' },
  data: {
    escalationId: id,
    level,
    reason: t.reason,
    ...(t.obligationId === null ? {} : { obligationId: t.obligationId }),
    ...(repeat === 0 ? {} : { repeat }),
    ...(t.missedObligation ? { missedObligation: true } : {}),
  },
  ...(t.causationId === null ? {} : { meta: { causationId: t.causationId } }),
})

/** A raised page with its sort key: time, then level (lower first), then event id. */
interface Keyed<A> {
  readonly at: number
  readonly level: number
  /**
   * The page's event id; `null` for a first page planned at `level`, whose id is written only to break
   * a tie (and then kept here: a long case's sort breaks many ties on the same line).
   */
  eventId: string | null
  readonly escalationId: string
  readonly value: A
}

const eventIdOf = <A>(k: Keyed<A>): string => {
  k.eventId ??= eventId(k.escalationId, k.level)
  return k.eventId
}

/** Time, then level (lower first), then id: deterministic, and readable where several fire at once. */
const byTimeThenId = <A>(a: Keyed<A>, b: Keyed<A>): number => {
  const d = a.at - b.at || a.level - b.level
  if (d !== 0) return d
  const x = eventIdOf(a)
  const y = eventIdOf(b)
  return x < y ? -1 : x > y ? 1 : 0
}

/** Up to this many lines are sorted by insertion: `Array.prototype.sort` costs about five times more on a case's few. */
const INSERTION_MAX = 16

/** The values of `keyed` in {@link byTimeThenId} order (a total order: no two pages share an event id). */
const sorted = <A>(keyed: Keyed<A>[]): A[] => {
  if (keyed.length > INSERTION_MAX) keyed.sort(byTimeThenId)
  else
    for (let i = 1; i < keyed.length; i++) {
      const k = keyed[i]!
      let j = i - 1
      for (; j >= 0 && byTimeThenId(keyed[j]!, k) > 0; j--) keyed[j + 1] = keyed[j]!
      keyed[j + 1] = k
    }
  return keyed.map((k) => k.value)
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
