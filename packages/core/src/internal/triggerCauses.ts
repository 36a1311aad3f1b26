/**
 * What in a case's history causes and resolves an escalation: which reports are guarded, which
 * events are decisions, takedowns and reversals, and the scans that answer, for every event at
 * once, which refusal still stands and when a resolving event first follows. The trigger rules
 * (`eventTriggers.ts`) and the resolution of recorded escalations (`triggerResolution.ts`) read
 * them; this module starts no escalation itself.
 */
import type { DocketEvent, EventOf } from '../Envelope.js'
import { CHILD_SAFETY_CATEGORIES, type Category } from '../Event.js'
import type { Context } from '../Trigger.js'

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

export const isReport = (e: DocketEvent): e is EventOf<'ContentReported'> => e.type === 'ContentReported'
export const isDecision = (e: DocketEvent): e is EventOf<'ReviewDecided'> => e.type === 'ReviewDecided'
const isSpecialistDecision = (e: DocketEvent): boolean =>
  isDecision(e) && (e.data.tier === 'specialist' || e.data.tier === 'legal')
export const isTakedown = (e: DocketEvent): boolean =>
  e.type === 'ContentActioned' && (e.data.action === 'removed' || e.data.action === 'disabled')
/** Undoes a refusal: a violation found, or the content taken down. */
const reverses = (e: DocketEvent): boolean =>
  (isDecision(e) && e.data.outcome === 'violation') || isTakedown(e)
/** Resolves a refusal guard: a specialist (or legal) decision. */
export const resolvesGuard = isSpecialistDecision
/** Resolves an authority request after a refusal, or a reach: a specialist (or legal) decision, or a takedown. */
export const resolvesExposure = (e: DocketEvent): boolean => isSpecialistDecision(e) || isTakedown(e)
/** Resolves a repeat report: a specialist (or legal) decision, or a reversal. */
export const resolvesRepeat = (e: DocketEvent): boolean => isSpecialistDecision(e) || reverses(e)

/** Index of the first guarded report of `history` ({@link isGuarded}), or its length when none is. */
export const firstGuardedReport = (history: ReadonlyArray<DocketEvent>): number => {
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
export const firstAfterEach = (
  ctx: Context,
  p: (e: DocketEvent) => boolean,
): ReadonlyArray<number | null> => {
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
export const standingRefusals = (ctx: Context): Int32Array => {
  const out = new Int32Array(ctx.history.length)
  let standing = -1
  for (let i = 0; i < ctx.history.length; i++) {
    out[i] = standing
    if (ctx.refusals.has(i)) standing = i
    else if (reverses(ctx.history[i]!)) standing = -1
  }
  return out
}
