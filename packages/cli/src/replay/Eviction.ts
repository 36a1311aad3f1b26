/**
 * Making room: when a replay holds more open cases than its budget, the least recently active
 * leave memory until half the budget is held. A closed case leaving is judged at the current
 * instant: when its result is final (judged at a fixed instant, or with no clock running and no
 * escalation still climbing its ladder) it is recorded and the case dropped; otherwise the case
 * is parked, with the result it was judged to have when it gives a `wakeAt`. Any other case is
 * parked unjudged. Not where they go, nor how they come back: that is `Parking`'s.
 */
import { type DocketEvent, Timestamp } from '@docket/core'
import type { OpenCase } from './Intake.js'
import type { Parking } from './Parking.js'
import type { CaseEvaluation, Options } from './Replay.js'
import type { Results } from './Results.js'

// model

/** The memory budget of one replay (see {@link make}). */
export interface Eviction {
  /**
   * Makes room when more than half the budget is held; `latestText` is the latest `occurredAt`
   * read, the instant closed cases are judged at when the options fix none.
   */
  readonly evict: (latestText: string | undefined) => void
  /** Cases dropped (closed with a final result). */
  readonly dropped: () => number
}

// internal

const isOpen = (e: CaseEvaluation | null): boolean =>
  e?.obligations.some((o) => o.status === 'pending' || o.status === 'paused') === true

/** How far ahead `settled` looks: past any escalation ladder or legal period. */
const LATER_MS = 10 * 366 * 24 * 3_600_000

// constructors

/** Making room among the `open` cases for a budget of `budget` of them. */
export const make = (
  open: Map<string, OpenCase>,
  budget: number,
  options: Pick<Options, 'evaluate' | 'asOf' | 'knownAt'>,
  parking: Pick<Parking, 'park' | 'drop'>,
  results: Pick<Results, 'finish'>,
): Eviction => {
  let dropped = 0
  // A closed case leaving memory is judged at `now`. Its result is final: it is recorded and the
  // case dropped, its history archived in case it reopens. Or it may still change: the result is
  // recorded all the same and the case parked; the end keeps that result if it comes before the
  // result's `wakeAt`, and a later event or a later judgment replaces it.
  const leaveClosed = (caseId: string, state: OpenCase, now: string): void => {
    const history = state.history
    const ev = options.evaluate(caseId, history, now)
    // judged at a fixed instant, a result changes only with a new event (a reopening)
    const fixed = options.asOf !== undefined || options.knownAt !== undefined
    const final = fixed || (!isOpen(ev) && settled(caseId, history, now, ev))
    if (final) {
      parking.drop(caseId, state, results.finish(caseId, history, ev))
      dropped++
    } else if (ev?.wakeAt === undefined) parking.park(caseId, state)
    else
      parking.park(
        caseId,
        state,
        { own: results.finish(caseId, history, ev) },
        ev.wakeAt() ?? Number.POSITIVE_INFINITY,
      )
  }
  // Makes room (see the module header): the least recently active cases leave memory until half
  // the budget is held; a closed case whose result is final is dropped, any other is parked.
  const evict = (latestText: string | undefined): void => {
    const keep = Math.floor(budget / 2)
    if (open.size <= keep) return
    const now = options.asOf ?? options.knownAt ?? latestText
    const idle = [...open.entries()].sort((a, b) => a[1].seen - b[1].seen)
    for (const [caseId, state] of idle.slice(0, open.size - keep)) {
      open.delete(caseId)
      if (state.closed && now !== undefined) leaveClosed(caseId, state, now)
      else parking.park(caseId, state)
    }
  }
  // A result is settled when judging it much later changes nothing: no clock runs and no
  // escalation is still climbing its ladder.
  const settled = (
    caseId: string,
    history: ReadonlyArray<DocketEvent>,
    asOf: string,
    now: CaseEvaluation | null,
  ): boolean => {
    // With no clock running and no escalation raised, time alone raises none: escalations start
    // from events or from running clocks (core's Escalation rules); the tests compare with the
    // batch engine to keep this true.
    if (now === null || now.escalations.length === 0) return true
    // nothing left to wake for: only an event can change the result
    if (now.wakeAt?.() === null) return true
    const later = options.evaluate(caseId, history, Timestamp.format(Timestamp.toMillis(asOf) + LATER_MS))
    return (
      JSON.stringify(later?.obligations ?? null) === JSON.stringify(now.obligations) &&
      JSON.stringify(later?.escalations ?? null) === JSON.stringify(now.escalations)
    )
  }
  return { evict, dropped: () => dropped }
}
