/**
 * The order of pages and lines: by time, then level (lower first), then event id, the order
 * `Escalation.tick` returns events and `Escalation.summarize` lists escalations in. It only
 * orders; it does not plan pages (`escalationPlan.ts`).
 */
import { eventId } from './escalationEvents.js'

/** A raised page with its sort key: time, then level (lower first), then event id. */
export interface Keyed<A> {
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

/** The event id of a keyed page, written on first need. */
export const eventIdOf = <A>(k: Keyed<A>): string => {
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
export const sorted = <A>(keyed: Keyed<A>[]): A[] => {
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
