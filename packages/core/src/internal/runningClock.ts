/**
 * A running clock: one obligation of one rule on one case while the engine runs over the case's
 * events, from its start (`open`) through the actions events take on it (`act`: cancel, complete,
 * restart, pause, resume, extend). It is not the judgment of the clock at an instant
 * (`judgment.ts`), nor the loop that offers it events (`engine.ts`).
 */
import type * as ClockRule from '../ClockRule.js'
import * as Duration from '../Duration.js'
import type { DocketEvent } from '../Envelope.js'
import * as Obligation from '../Obligation.js'
import type { View } from './caseView.js'
import { contextsOf, dueFrom } from './dueTime.js'
import { type Entry, instant } from './order.js'
import { type Prepared, type PreparedRule, versionAt } from './preparedRules.js'

/** A start that waits (for its elements, or under a key already matched): its first and identifying events. */
export interface Pending {
  first: Entry
  identity: Entry
  elements: Record<string, boolean>
}

/** The state of a running clock, changed in place by the events offered to it. */
export interface Clock {
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

/** What every clock of a case run reads of the case. */
export interface CaseContext {
  readonly caseId: string
  readonly prep: Prepared
  readonly jurisdictions: () => ReadonlyArray<string>
}

/** Starts a clock, or returns undefined when no version is in force or the rule does not apply. */
export const open = (
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

/** The obligation id of a clock. */
export const idOf = (caseId: string, c: Clock): string =>
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
export const act = (cc: CaseContext, c: Clock, en: Entry, view: View): void => {
  const v = c.version
  const e = en.event
  const started = c.first.event
  // A deadline already missed (and not paused) stays missed: a withdrawal, a waiver or a restart that
  // comes after it cannot undo the breach, as a pause cannot move it back into time.
  const missed = c.pr.rule.kind === 'deadline' && c.pausedAt === null && en.at > c.due
  if (!missed && v.cancel?.(e, view, started) === true) {
    resumeAt(c, en.at)
    c.cancelled = true
    record(c, 'cancel', en)
  } else if (v.complete(e, view, started)) {
    resumeAt(c, en.at)
    c.completedAt = en.at
    c.completedBy = e.id
    record(c, c.pr.rule.kind === 'hold' ? 'release' : 'complete', en)
  } else if (!missed && v.restart?.(e, view, started) === true) {
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
