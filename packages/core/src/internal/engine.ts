/**
 * The clock machine: runs prepared clock rules over one case's ordered
 * events and builds its obligations. Private; the public entry points are
 * `Evaluation.evaluate`, `Evaluation.evaluateCase` and (for a replay) `Evaluation.judge`.
 *
 * Cost: one pass over the case's events per selected rule, O(1) work per
 * event and open clock; luxon only when a clock starts, pauses, restarts or
 * is extended, and when its timestamps are written.
 */
import type * as ClockRule from '../ClockRule.js'
import * as Duration from '../Duration.js'
import type { DocketEvent } from '../Envelope.js'
import * as Obligation from '../Obligation.js'
import type * as Profile from '../Profile.js'
import * as Timestamp from '../Timestamp.js'
import { type Entry, instant } from './order.js'
import * as Written from './written.js'

// preparation (once per evaluation)

interface PreparedVersion {
  readonly version: ClockRule.Version
  readonly from: number
  readonly to: number
  /** The internal target of this version under the profile (`targetOf`), read once. */
  readonly target: string | undefined
  /** Whether the law gives no number (the due time is the internal target). */
  readonly noNumber: boolean
  /** The period's counting context by zone name (`ctxOf`), built once per zone. */
  readonly contexts: Map<string, Duration.Context>
}

/** A rule selected for this evaluation, its versions' instants read once. */
export interface PreparedRule {
  readonly rule: ClockRule.Rule
  readonly id: string
  readonly versions: ReadonlyArray<PreparedVersion>
  readonly whatIf: boolean
  /**
   * By type id (`Prepared.typeIds`): 1 where an event of that type is offered to `start` (a
   * type some version's start can hold on, or `ReportCompleted` for a request waiting for its
   * elements); `null` offers every event (an untyped start condition).
   */
  readonly offered: Uint8Array | null
  /**
   * The event types an open clock of this rule can act on (its versions' `cancel`, `complete`,
   * `restart`, `pause`, `resume`, `renew`, and `DeadlineExtended` when extendable), or `null` for any
   * (an untyped condition): an event of another type is not offered to its clocks at all.
   */
  readonly reacts: ReadonlySet<string> | null
}

/** Everything a case run needs, computed once per evaluation. */
export interface Prepared {
  readonly rules: ReadonlyArray<PreparedRule>
  readonly profile: Profile.Resolved
  readonly warningFractions: ReadonlyArray<number>
  /** A small id for every event type some rule's start is offered (1…); 0 for every other type. */
  readonly typeIds: ReadonlyMap<string, number>
  /** By type id: indexes in `rules` of the rules an event of that type is offered to. */
  readonly rulesByType: ReadonlyArray<ReadonlyArray<number>>
  /** Indexes in `rules` of the rules whose `start` is untyped (offered every event). */
  readonly anyStart: ReadonlyArray<number>
}

/** The event types offered to a rule's start, or `null` for all (an untyped start condition). */
const offeredTypes = (versions: ReadonlyArray<PreparedVersion>): ReadonlySet<string> | null => {
  const types = new Set<string>()
  for (const { version } of versions) {
    if (version.start.types === undefined) return null
    for (const t of version.start.types) types.add(t)
    if (version.requiredElements !== undefined) types.add('ReportCompleted')
  }
  return types
}

/** The event types a clock of these versions can act on once open (see `PreparedRule.reacts`). */
const reactingTypes = (versions: ReadonlyArray<PreparedVersion>): ReadonlySet<string> | null => {
  const types = new Set<string>()
  for (const { version: v } of versions) {
    for (const c of [v.cancel, v.complete, v.restart, v.pause, v.resume, v.renew?.on]) {
      if (c === undefined) continue
      if (c.types === undefined) return null
      for (const t of c.types) types.add(t)
    }
    if (v.extendable === true) types.add('DeadlineExtended')
  }
  return types
}

/** Selects and prepares the rules: policy filter, what-if, and the opt-in of unconfirmed rules. */
export const prepare = (
  rules: ReadonlyArray<ClockRule.Rule>,
  profile: Profile.Resolved,
  policies: ReadonlyArray<string> | undefined,
  whatIf: ReadonlyArray<string> | undefined,
): Prepared => {
  const selected: Array<PreparedRule & { offered: Uint8Array | null }> = []
  const offered: Array<ReadonlySet<string> | null> = []
  for (const rule of rules) {
    const id = `${rule.policy}/${rule.rule}`
    const named = (list: ReadonlyArray<string> | undefined): boolean =>
      list !== undefined && (list.includes(rule.policy) || list.includes(id))
    const isWhatIf = named(whatIf)
    if (policies !== undefined && !named(policies) && !isWhatIf) continue
    if (rule.confidence === 'unconfirmed' && !named(profile.enabledRules)) continue
    if (rule.versions.length === 0) throw new Error(`rule ${id} has no versions`)
    const versions = rule.versions
      .map((version) => ({
        version,
        from: Timestamp.toMillis(version.validFrom),
        to: version.validTo === null ? Number.POSITIVE_INFINITY : Timestamp.toMillis(version.validTo),
        target: profile.internalTargets[id] ?? profile.internalTargets[rule.policy] ?? version.defaultTarget,
        noNumber: version.period.duration === null || version.period.clock === 'unspecified',
        contexts: new Map<string, Duration.Context>(),
      }))
      .sort((a, b) => a.from - b.from)
    selected.push({ rule, id, versions, whatIf: isWhatIf, offered: null, reacts: reactingTypes(versions) })
    offered.push(offeredTypes(versions))
  }
  const warningFractions = [...new Set(profile.warningFractions.filter((f) => f > 0 && f < 1))].sort(
    (a, b) => a - b,
  )
  const typeIds = new Map<string, number>()
  for (const types of offered)
    for (const t of types ?? []) if (!typeIds.has(t)) typeIds.set(t, typeIds.size + 1)
  const rulesByType: number[][] = Array.from({ length: typeIds.size + 1 }, () => [])
  const anyStart: number[] = []
  selected.forEach((pr, i) => {
    const types = offered[i]!
    if (types === null) {
      anyStart.push(i)
      return
    }
    pr.offered = new Uint8Array(typeIds.size + 1)
    for (const t of types) {
      const id = typeIds.get(t)!
      pr.offered[id] = 1
      rulesByType[id]!.push(i)
    }
  })
  return { rules: selected, profile, warningFractions, typeIds, rulesByType, anyStart }
}

/**
 * The rules that can start a clock on this case, in rule order: those whose start
 * types meet the case's event types, and the untyped ones. A rule none of whose
 * triggers occurs in the case cannot open a clock, so it is not run at all.
 */
const candidates = (prep: Prepared, typeIds: Uint8Array): ReadonlyArray<PreparedRule> => {
  const picked = new Uint8Array(prep.rules.length)
  for (const i of prep.anyStart) picked[i] = 1
  for (let k = 0; k < typeIds.length; k++) for (const i of prep.rulesByType[typeIds[k]!]!) picked[i] = 1
  const out: PreparedRule[] = []
  for (let i = 0; i < picked.length; i++) if (picked[i] === 1) out.push(prep.rules[i]!)
  return out
}

// the case view given to conditions

class View implements ClockRule.CaseView {
  private cached: ReadonlyArray<DocketEvent> | undefined
  constructor(
    readonly caseId: string,
    /** The case's events in the engine's order, shared by every view of the case. */
    private readonly events: () => ReadonlyArray<DocketEvent>,
    readonly upTo: number,
  ) {}
  get history(): ReadonlyArray<DocketEvent> {
    // a native copy of the prefix (a case whose every event is asked about copies n²/2 slots:
    // conditions that scan the history read `caseEvents` and `upTo` instead)
    if (this.cached === undefined) this.cached = this.events().slice(0, this.upTo + 1)
    return this.cached
  }
  get caseEvents(): ReadonlyArray<DocketEvent> {
    return this.events()
  }
}

// clocks

interface Pending {
  first: Entry
  identity: Entry
  elements: Record<string, boolean>
}

interface Clock {
  readonly pr: PreparedRule
  readonly version: ClockRule.Version
  readonly kind: Duration.Kind
  /** The context the due time was counted in: of `contexts`, the one whose reading protects. */
  ctx: Duration.Context
  /** The version's counting contexts: its zone first, then its `alsoZones`. */
  readonly contexts: ReadonlyArray<Duration.Context>
  readonly first: Entry
  identity: Entry
  readonly startEntry: Entry
  readonly startedAt: number
  readonly statutory: boolean
  readonly preEffective: boolean
  readonly counterfactual: boolean
  /** Whether `dueAt` is the internal target (no number in the law). */
  readonly targetOnly: string | undefined
  readonly target: string | undefined
  anchor: number
  due: number
  targetDue: number | null
  readonly shadowDue: number | null
  pausedAt: number | null
  completedAt: number | null
  completedBy: string | null
  cancelled: boolean
  readonly actions: Array<{
    readonly action: Obligation.Action['action']
    readonly at: number
    readonly eventId: string
  }>
}

/** `Duration.fixedZone` by offset in minutes: one string per offset, so zone lookups hash it once. */
const fixedZones = new Map<number, string>()

const fixedZone = (offsetMinutes: number): string => {
  let z = fixedZones.get(offsetMinutes)
  if (z === undefined) {
    z = Duration.fixedZone(offsetMinutes)
    fixedZones.set(offsetMinutes, z)
  }
  return z
}

const zoneOf = (v: ClockRule.Version, profile: Profile.Resolved, trigger: DocketEvent): string =>
  v.zone === 'profile'
    ? profile.timeZone
    : v.zone === 'event' || v.zone === ''
      ? fixedZone(Timestamp.offsetOf(trigger.occurredAt))
      : v.zone

const versionAt = (pr: PreparedRule, at: number): PreparedVersion | undefined => {
  const vs = pr.versions
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i]!
    if (at >= v.from && at < v.to) return v
  }
  return undefined
}

type Counted = Pick<Clock, 'version' | 'targetOnly' | 'contexts'>

/** The due time of a clock running from `from` counted in `ctx` (its internal target when the law gives no number). */
const dueIn = (c: Counted, ctx: Duration.Context, from: number): number =>
  c.targetOnly !== undefined
    ? Duration.add(from, c.targetOnly, 'mixed', ctx)
    : Duration.add(from, c.version.period.duration as string, c.version.period.clock, ctx)

/**
 * The due time of a clock running from `from`, and the context that gives it: counted in each of
 * the version's contexts, the reading that protects — the earliest for a deadline, the latest for
 * a hold or a window (`ClockRule.Version.alsoZones`). Ties keep the version's own zone.
 */
const dueFrom = (c: Counted, kind: ClockRule.Kind, from: number): readonly [number, Duration.Context] => {
  let ctx = c.contexts[0]!
  let due = dueIn(c, ctx, from)
  for (let i = 1; i < c.contexts.length; i++) {
    const alt = c.contexts[i]!
    const d = dueIn(c, alt, from)
    if (kind === 'deadline' ? d < due : d > due) {
      due = d
      ctx = alt
    }
  }
  return [due, ctx]
}

interface CaseContext {
  readonly caseId: string
  readonly prep: Prepared
  readonly jurisdictions: () => ReadonlyArray<string>
}

/** The counting context of a prepared version in a zone, built once per version and zone (read-only). */
const contextOf = (pv: PreparedVersion, zone: string): Duration.Context => {
  let ctx = pv.contexts.get(zone)
  if (ctx === undefined) {
    ctx = ctxOf(pv.version, zone)
    pv.contexts.set(zone, ctx)
  }
  return ctx
}

/** The counting contexts of a version for a trigger: its zone, then its `alsoZones`. */
const contextsOf = (
  pv: PreparedVersion,
  profile: Profile.Resolved,
  trigger: DocketEvent,
): ReadonlyArray<Duration.Context> => {
  const own = contextOf(pv, zoneOf(pv.version, profile, trigger))
  const also = pv.version.alsoZones
  return also === undefined || also.length === 0 ? [own] : [own, ...also.map((z) => contextOf(pv, z))]
}

const ctxOf = (v: ClockRule.Version, zone: string): Duration.Context => {
  const p = v.period
  return {
    zone,
    ...(p.endOfDay === undefined ? {} : { endOfDay: p.endOfDay }),
    ...(p.calendar === undefined ? {} : { calendar: p.calendar }),
    ...(p.euPeriodRule === undefined ? {} : { euPeriodRule: p.euPeriodRule }),
    ...(p.businessHours === undefined ? {} : { businessHours: p.businessHours }),
  }
}

/** Starts a clock, or returns undefined when no version is in force or the rule does not apply. */
const open = (
  cc: CaseContext,
  pr: PreparedRule,
  p: Pick<Pending, 'first' | 'identity'>,
  startEntry: Entry,
): Clock | undefined => {
  const { profile } = cc.prep
  const at = startEntry.at
  let pv = versionAt(pr, at)
  let preEffective = false
  let counterfactual = false
  let startedAt = at
  if (pv === undefined) {
    const firstV = pr.versions[0]!
    if (at >= firstV.from) return undefined // repealed, or between versions
    pv = firstV
    if (pr.whatIf) counterfactual = true
    else {
      preEffective = true
      startedAt = firstV.from
    }
  }
  const v = pv.version
  if (!pr.rule.applies({ jurisdictions: cc.jurisdictions(), profile, at: startedAt })) return undefined
  const contexts = contextsOf(pv, profile, startEntry.event)
  const target = pv.target
  const noNumber = pv.noNumber
  if (noNumber && target === undefined) {
    throw new Error(`rule ${pr.id} gives no number and has no defaultTarget nor profile internal target`)
  }
  const base = { version: v, contexts, targetOnly: noNumber ? target : undefined }
  const kind = pr.rule.kind
  let [due, ctx] = dueFrom(base, kind, startedAt)
  if (profile.conservative && !noNumber) {
    // Transitional mode: also count the period of every version entering into force before the due time, from
    // its entry into force, and keep the stricter (legal.md note 7: "deadline = min(oldDeadline,
    // newEffectiveStart + newDuration) for clocks, and max(...) for preservation and complaint windows").
    for (const other of pr.versions) {
      if (
        other === pv ||
        other.from <= startedAt ||
        other.from > due ||
        other.version.period.duration === null
      )
        continue
      const [alt] = dueFrom(
        {
          version: other.version,
          contexts: contextsOf(other, profile, startEntry.event),
          targetOnly: undefined,
        },
        kind,
        other.from,
      )
      due = kind === 'deadline' ? Math.min(due, alt) : Math.max(due, alt)
    }
  }
  const shadowDue = p.first.at < at ? dueFrom(base, kind, p.first.at)[0] : null
  return {
    pr,
    version: v,
    kind: noNumber ? 'mixed' : v.period.clock,
    ctx,
    contexts,
    first: p.first,
    identity: p.identity,
    startEntry,
    startedAt,
    statutory: !noNumber && pr.rule.internal !== true,
    preEffective,
    counterfactual,
    targetOnly: base.targetOnly,
    target,
    anchor: startedAt,
    due,
    targetDue: !noNumber && target !== undefined ? Duration.add(startedAt, target, 'mixed', ctx) : null,
    shadowDue,
    pausedAt: null,
    completedAt: null,
    completedBy: null,
    cancelled: false,
    actions: [{ action: 'start', at: startedAt, eventId: startEntry.event.id }],
  }
}

const idOf = (caseId: string, c: Clock): string =>
  Obligation.makeId(caseId, c.pr.rule.policy, c.pr.rule.rule, c.identity.event.id)

const resumeAt = (c: Clock, at: number): void => {
  if (c.pausedAt === null) return
  const from = c.pausedAt
  c.due = Duration.shift(c.due, from, at, c.kind, c.ctx)
  if (c.targetDue !== null) c.targetDue = c.targetDue + Math.max(0, at - from)
  c.pausedAt = null
}

const extensionTargets = (caseId: string, c: Clock, e: DocketEvent): boolean => {
  if (e.type !== 'DeadlineExtended') return false
  const t = e.data.target
  if (typeof t === 'string') return t === idOf(caseId, c)
  const data = c.first.event.data as { readonly requestId?: unknown }
  return (
    data.requestId === t.requestId &&
    (t.rule === undefined || t.rule === c.pr.rule.rule || t.rule === c.pr.id)
  )
}

const record = (c: Clock, action: Obligation.Action['action'], en: Entry): void => {
  c.actions.push({ action, at: en.at, eventId: en.event.id })
}

/** Offers one event to an open clock; at most one action results. */
const act = (cc: CaseContext, c: Clock, en: Entry, view: View): void => {
  const v = c.version
  const e = en.event
  const started = c.first.event
  if (v.cancel?.(e, view, started) === true) {
    resumeAt(c, en.at)
    c.cancelled = true
    record(c, 'cancel', en)
  } else if (v.complete(e, view, started)) {
    resumeAt(c, en.at)
    c.completedAt = en.at
    c.completedBy = e.id
    record(c, c.pr.rule.kind === 'hold' ? 'release' : 'complete', en)
  } else if (v.restart?.(e, view, started) === true) {
    c.pausedAt = null
    c.anchor = en.at
    const [due, ctx] = dueFrom(c, c.pr.rule.kind, en.at)
    c.due = due
    c.ctx = ctx
    if (c.targetDue !== null && c.target !== undefined)
      c.targetDue = Duration.add(en.at, c.target, 'mixed', c.ctx)
    record(c, 'restart', en)
  } else if (c.pausedAt === null && v.pause?.(e, view, started) === true) {
    // A deadline already past cannot be paused back into time.
    if (c.pr.rule.kind === 'deadline' && en.at > c.due) return
    c.pausedAt = en.at
    record(c, 'pause', en)
  } else if (c.pausedAt !== null && v.resume?.(e, view, started) === true) {
    resumeAt(c, en.at)
    record(c, 'resume', en)
  } else if (v.renew?.on(e, view, started) === true) {
    c.due = Duration.extend(c.due, v.renew.by, c.kind, c.ctx)
    record(c, 'extend', en)
  } else if (v.extendable === true && extensionTargets(cc.caseId, c, e) && e.type === 'DeadlineExtended') {
    const d = e.data
    const next =
      'until' in d ? Math.max(c.due, instant(d.until)) : Duration.extend(c.due, d.by, c.kind, c.ctx)
    if (next !== c.due) {
      c.due = next
      record(c, 'extend', en)
    }
  }
}

const requiredMet = (req: ReadonlyArray<string>, el: Record<string, boolean>): boolean =>
  req.every((k) => el[k] === true)

const mergeElements = (el: Record<string, boolean>, e: DocketEvent): void => {
  const rr = (e.data as { readonly removalRequest?: Readonly<Record<string, boolean>> }).removalRequest
  if (rr === undefined || rr === null || typeof rr !== 'object') return
  for (const k of Object.keys(rr)) if (rr[k] === true) el[k] = true
}

const earlierRecorded = (a: Entry, b: Entry): boolean =>
  a.recorded < b.recorded ||
  (a.recorded === b.recorded && (a.at < b.at || (a.at === b.at && a.event.id < b.event.id)))

/** A case's obligations, and their instants in epoch ms (same indexes). */
export interface CaseObligations {
  readonly obligations: ReadonlyArray<Obligation.Obligation>
  readonly instants: ReadonlyArray<Obligation.Instants>
}

/** Runs every prepared rule over one case's events (already filtered and ordered). */
export const runCase = (
  caseId: string,
  entries: ReadonlyArray<Entry>,
  prep: Prepared,
  asOf: number,
): CaseObligations => {
  let events: ReadonlyArray<DocketEvent> | undefined
  const eventsOf = (): ReadonlyArray<DocketEvent> => {
    events ??= entries.map((en) => en.event)
    return events
  }
  const views: Array<View | undefined> = new Array(entries.length)
  const viewAt = (i: number): View => {
    let v = views[i]
    if (v === undefined) {
      v = new View(caseId, eventsOf, i)
      views[i] = v
    }
    return v
  }
  let jurisdictions: ReadonlyArray<string> | undefined
  const cc: CaseContext = {
    caseId,
    prep,
    jurisdictions: () => {
      if (jurisdictions === undefined) jurisdictions = collectJurisdictions(entries)
      return jurisdictions
    },
  }
  const typeIds = new Uint8Array(entries.length)
  for (let i = 0; i < entries.length; i++) typeIds[i] = prep.typeIds.get(entries[i]!.event.type) ?? 0
  const out: Judged[] = []
  for (const pr of candidates(prep, typeIds)) {
    const offered = pr.offered
    // Allocated on the first start match: most rules never start on most cases.
    const clocks: Clock[] = []
    let byKey: Map<string, Clock> | undefined
    let pending: Map<string, Pending> | undefined
    const reacts = pr.reacts
    for (let i = 0; i < entries.length; i++) {
      const en = entries[i]!
      // an event no condition of the rule can hold on is not offered to its clocks: a case with
      // thousands of open clocks (a viral case's reports) stays linear in its events
      if (reacts === null || reacts.has(en.event.type))
        for (let k = 0; k < clocks.length; k++) {
          const c = clocks[k]!
          if (!c.cancelled && c.completedAt === null) act(cc, c, en, viewAt(i))
        }
      if (offered !== null && offered[typeIds[i]!] === 0) continue
      const pv = versionAt(pr, en.at) ?? (en.at < pr.versions[0]!.from ? pr.versions[0] : undefined)
      if (pv === undefined) continue
      const v = pv.version
      const isStart = v.start(en.event, viewAt(i))
      const isCompletion = !isStart && v.requiredElements !== undefined && en.event.type === 'ReportCompleted'
      if (!isStart && !isCompletion) continue
      const key = v.key === undefined ? caseId : v.key(en.event)
      const existing = byKey?.get(key)
      if (existing !== undefined) {
        if (isStart && earlierRecorded(en, existing.identity)) existing.identity = en
        continue
      }
      if (v.requiredElements === undefined && (pending === undefined || !pending.has(key))) {
        // The usual start (no elements to wait for, nothing pending under this key): the clock opens
        // now or the match is forgotten, so nothing is kept when it does not open (most rules do
        // not apply to most cases).
        const c = open(cc, pr, { first: en, identity: en }, en)
        if (c === undefined) continue
        if (byKey === undefined) byKey = new Map()
        byKey.set(key, c)
        clocks.push(c)
        continue
      }
      if (byKey === undefined) byKey = new Map()
      if (pending === undefined) pending = new Map()
      let p = pending.get(key)
      if (p === undefined) {
        if (!isStart) continue
        p = { first: en, identity: en, elements: {} }
        pending.set(key, p)
      } else if (isStart && earlierRecorded(en, p.identity)) p.identity = en
      if (v.requiredElements !== undefined) {
        mergeElements(p.elements, en.event)
        if (!requiredMet(v.requiredElements, p.elements)) continue
      }
      const c = open(cc, pr, p, en)
      if (c === undefined) {
        // Not in force or not applicable at this instant: a later match starts afresh (no shadow,
        // its own identity). A request waiting for its elements keeps its first receipt.
        if (v.requiredElements === undefined) pending.delete(key)
        continue
      }
      pending.delete(key)
      byKey.set(key, c)
      clocks.push(c)
    }
    for (const c of clocks) {
      // A pre-effective clock whose duty was done (or waived) before the law took effect never bound anyone.
      if (c.preEffective && c.completedAt !== null && c.completedAt <= c.startedAt) continue
      out.push(judge(caseId, c, prep, asOf))
    }
  }
  if (out.length > 1) out.sort((a, b) => a.at - b.at || (a.o.id < b.o.id ? -1 : a.o.id > b.o.id ? 1 : 0))
  return { obligations: out.map((x) => x.o), instants: out.map((x) => x.instants) }
}

const collectJurisdictions = (entries: ReadonlyArray<Entry>): ReadonlyArray<string> => {
  const s = new Set<string>()
  for (const { event: e } of entries) {
    // Decoded events always carry these fields; guard anyway so hand-built histories cannot crash a run.
    if (e.type === 'ContentReported' || e.type === 'ContentDetected') {
      if (Array.isArray(e.data.jurisdictions)) for (const j of e.data.jurisdictions) s.add(j)
    } else if (e.type === 'AuthorityRequestReceived' && typeof e.data.jurisdiction === 'string')
      s.add(e.data.jurisdiction)
  }
  return [...s].sort()
}

// judging

const judgeDeadline = (
  due: number,
  completedAt: number | null,
  paused: boolean,
  cancelled: boolean,
  asOf: number,
): Obligation.Status =>
  cancelled
    ? 'waived'
    : completedAt !== null
      ? completedAt <= due
        ? 'met'
        : 'met_late'
      : paused
        ? 'paused'
        : asOf > due
          ? 'breached'
          : 'pending'

const judgeHold = (
  due: number,
  completedAt: number | null,
  paused: boolean,
  cancelled: boolean,
  asOf: number,
): Obligation.Status =>
  cancelled
    ? 'waived'
    : completedAt !== null
      ? completedAt < due
        ? 'breached'
        : 'met'
      : paused
        ? 'paused'
        : asOf >= due
          ? 'met'
          : 'pending'

/** An obligation as judged at `asOf`, with its start (for ordering) and its instants. */
interface Judged {
  readonly at: number
  readonly o: Obligation.Obligation
  readonly instants: Obligation.Instants
}

const endOf = (c: Clock): number | null => {
  let end: number | null = null
  for (const a of c.actions) {
    if (!Obligation.endsDuty(a.action)) continue
    if (end === null || a.at < end) end = a.at
  }
  return end ?? c.completedAt
}

// A case's obligations write the same instants several times (a clock's start and its start
// action, a completion and its action, rules started by one event): formatted once per (zone, instant).
const formatted = Written.make<string>()

/** `Timestamp.format` of `ms` at the zone's offset at that instant. */
export const formatIn = (zone: string, ms: number): string => {
  const slot = formatted.slot(ms, 0)
  const hit = formatted.get(slot, ms, zone)
  if (hit !== undefined) return hit
  const text = Timestamp.format(ms, Duration.offsetAt(zone, ms))
  formatted.set(slot, ms, zone, text)
  return text
}

const judge = (caseId: string, c: Clock, prep: Prepared, asOf: number): Judged => {
  // A clock still paused at asOf: its due time has moved by the time paused so far.
  const paused = c.pausedAt !== null
  const due = paused ? Duration.shift(c.due, c.pausedAt as number, asOf, c.kind, c.ctx) : c.due
  const targetDue =
    c.targetDue === null
      ? null
      : paused
        ? c.targetDue + Math.max(0, asOf - (c.pausedAt as number))
        : c.targetDue
  const zone = c.ctx.zone
  const fmt = (ms: number): string => formatIn(zone, ms)
  const kind = c.pr.rule.kind
  const span = due - c.anchor
  const warningMs =
    kind === 'hold' || span <= 0 ? [] : prep.warningFractions.map((f) => c.anchor + Math.round(f * span))
  const status = (kind === 'deadline' ? judgeDeadline : judgeHold)(
    due,
    c.completedAt,
    paused,
    c.cancelled,
    asOf,
  )
  const targetStatus =
    targetDue === null || kind !== 'deadline'
      ? null
      : judgeDeadline(targetDue, c.completedAt, paused, c.cancelled, asOf)
  const o: Obligation.Obligation = {
    id: idOf(caseId, c),
    policy: c.pr.rule.policy,
    rule: c.pr.rule.rule,
    kind,
    citation: c.version.citation,
    confidence: c.pr.rule.confidence,
    statutory: c.statutory,
    counterfactual: c.counterfactual,
    preEffective: c.preEffective,
    triggeredBy: c.startEntry.event.id,
    startedAt: fmt(c.startedAt),
    dueAt: fmt(due),
    targetAt: targetDue === null || kind !== 'deadline' ? null : fmt(targetDue),
    shadowDueAt: c.shadowDue === null ? null : fmt(c.shadowDue),
    warnings: warningMs.map(fmt),
    completedAt: c.completedAt === null ? null : fmt(c.completedAt),
    completedBy: c.completedBy,
    status,
    targetStatus,
    actions: c.actions.map((a) => ({ action: a.action, at: fmt(a.at), eventId: a.eventId })),
  }
  const instants: Obligation.Instants = {
    due,
    target: targetDue === null || kind !== 'deadline' ? null : targetDue,
    warnings: warningMs,
    end: endOf(c),
    completed: c.completedAt,
  }
  return { at: c.startedAt, o, instants }
}
