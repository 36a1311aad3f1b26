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
  let reported = false
  const found: Decision[] = []
  let last: Decision | undefined
  for (let i = 0; i < history.length; i++) {
    const e = history[i]!
    if (e.type === 'ContentReported') reported = true
    else if (e.type === 'ReviewDecided') {
      last = e
      if (e.data.outcome === 'no_violation') found.push(e)
    }
  }
  if (!reported) return []
  // `insufficient_information` is a refusal only when no decision follows it: only the last can be.
  if (last?.data.outcome === 'insufficient_information') found.push(last)
  return found
}
