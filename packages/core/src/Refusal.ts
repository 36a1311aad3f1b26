/**
 * What a refusal is, in one place, so that every module (policies, the
 * escalation guard, reports) agrees. From the interchange spec: "A refusal is
 * `outcome: no_violation` (or `insufficient_information` with no later
 * decision) on a case that has a report."
 */
import type { DocketEvent, EventOf } from './Envelope.js'

/** A review decision. */
export type Decision = EventOf<'ReviewDecided'>

/**
 * True when `decision` is a refusal within `history` (the case's events in
 * stream order, `decision` among them).
 */
export const isRefusal = (decision: Decision, history: ReadonlyArray<DocketEvent>): boolean => {
  if (!history.some((e) => e.type === 'ContentReported')) return false
  if (decision.data.outcome === 'no_violation') return true
  if (decision.data.outcome !== 'insufficient_information') return false
  const at = history.indexOf(decision)
  return !history.some((e, i) => i > at && e.type === 'ReviewDecided')
}

/** Every decision of the history that is a refusal, in order (one pass, same answer as {@link isRefusal}). */
export const refusals = (history: ReadonlyArray<DocketEvent>): ReadonlyArray<Decision> => {
  if (!history.some((e) => e.type === 'ContentReported')) return []
  const decisions = history.filter((e): e is Decision => e.type === 'ReviewDecided')
  // `insufficient_information` is a refusal only when no decision follows it: only the last can be.
  return decisions.filter(
    (d, i) =>
      d.data.outcome === 'no_violation' ||
      (d.data.outcome === 'insufficient_information' && i === decisions.length - 1),
  )
}
