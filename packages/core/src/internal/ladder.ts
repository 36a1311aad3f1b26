/**
 * The ladder: how one escalation pages, like a paging policy. It starts at its level (clamped to
 * the platform's ladder), re-pages every `repeatEvery` (at most `repeatTimes`), and steps up a
 * level after `acknowledgeWithin`, until it is acknowledged or its cause resolved. It does not
 * know which escalations a case has (`escalationPlan.ts`).
 */
import type { Config } from '../Escalation.js'
import type * as Trigger from '../Trigger.js'
import type { plan } from './escalationPlan.js'

/** `level` rounded and held within the ladder (at least 1 without one). */
export const clamp = (config: Config, level: number): number => {
  if (config.ladder.length === 0) return Math.max(1, Math.round(level))
  const lo = config.ladder[0]!.level
  const hi = config.ladder[config.ladder.length - 1]!.level
  return Math.min(hi, Math.max(lo, Math.round(level)))
}

/** What a planned page's escalation started from: its trigger without cause and resolution. */
export type Start = Omit<Trigger.Trigger, 'cause' | 'resolvedAt'>

/**
 * Receives one page of one escalation, as {@link plan} finds it: the escalation, its start, and
 * the page's instant, level and repeat (0 for the first page at a level).
 */
export type OnPage = (id: string, start: Start, at: number, level: number, repeat: number) => void

/** The earlier of `next` and `t`, counting only instants after `now`. */
export const sooner = (next: number | null, t: number | null, now: number): number | null =>
  t !== null && t > now && (next === null || t < next) ? t : next

/**
 * The pages of one escalation: its first level at `start.at`, then repeats and steps up the
 * ladder while unacknowledged and unresolved (`stopAt`). Gives `onPage` the pages at or before
 * `now` (re-pages only if `repeats`) and returns the first page after it.
 */
export const climb = (
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
