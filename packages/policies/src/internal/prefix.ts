/**
 * Reading a case view's history without copying it, and remembering what was
 * found. The engine gives every view of a case the same array of the case's
 * events (`view.caseEvents`) and the view's end in it (`view.upTo`); the
 * helpers here answer "where is this event in the history" and "has the
 * history an event like this" from that array, with what they learn kept per
 * array, so asking about each of a case's n events costs O(n) in all instead
 * of O(n²). A view without `caseEvents` (a hand-built one) is read plainly.
 * Not a condition: the building block of `caseHas` and `completeNotice`.
 */
import type { ClockRule, DocketEvent } from '@docket/core'

type View = ClockRule.CaseView

/** The first index of every event of one array, filled as far as it has been asked. */
interface Firsts {
  readonly events: ReadonlyArray<DocketEvent>
  readonly first: Map<DocketEvent, number>
  built: number
}

/** Up to this many events, a history is searched directly (cheaper than a map, and most cases are this short). */
const SHORT = 16

// One case is judged at a time: the last array asked about is the one asked about next.
let firsts: Firsts | undefined

/**
 * `v.history.indexOf(e)`: the index of the first occurrence of `e` in the history, or -1. From the
 * case's events when the view gives them: searched directly in a short history, else from one map
 * per case, filled once.
 */
export const indexIn = (v: View, e: DocketEvent): number => {
  const events = v.caseEvents
  const upTo = v.upTo
  if (events === undefined || upTo === undefined) return v.history.indexOf(e)
  if (upTo < SHORT) {
    for (let i = 0; i <= upTo; i++) if (events[i] === e) return i
    return -1
  }
  let f = firsts
  if (f === undefined || f.events !== events) {
    f = { events, first: new Map(), built: 0 }
    firsts = f
  }
  for (; f.built <= upTo; f.built++) {
    const x = events[f.built]!
    if (!f.first.has(x)) f.first.set(x, f.built)
  }
  const at = f.first.get(e)
  return at === undefined || at > upTo ? -1 : at
}

/** Whether the view gives its case's events (the incremental paths apply). */
export const indexed = (
  v: View,
): v is View & { readonly caseEvents: ReadonlyArray<DocketEvent>; readonly upTo: number } =>
  v.caseEvents !== undefined && v.upTo !== undefined

/**
 * A memo of the first event of a case satisfying `c`, a condition of the event alone:
 * `within(events, last, v, s)` tells whether one of `events[0..last]` does (`c` asked with `v` and
 * `s`), asking about each event of an array at most once.
 */
export const firstMatch = (
  c: ClockRule.Condition,
): ((events: ReadonlyArray<DocketEvent>, last: number, v: View, s?: DocketEvent) => boolean) => {
  let memo: ReadonlyArray<DocketEvent> | undefined
  let asked = 0
  let hit = -1
  return (events, last, v, s) => {
    if (memo !== events) {
      memo = events
      asked = 0
      hit = -1
    }
    // every event before `asked` was asked about; `hit` is the first that holds (-1: none so far)
    while (hit < 0 && asked <= last) {
      if (c(events[asked]!, v, s)) hit = asked
      asked++
    }
    return hit >= 0 && hit <= last
  }
}

/**
 * A memo of a state folded over a case's events: `before(events, at)` is the state after
 * `events[0..at-1]` (`initial` when `at` is 0), where `step` gives an event's new state or `undefined`
 * to keep the current one. Each event of an array is stepped over at most once.
 */
export const stateBefore = <S>(
  initial: S,
  step: (e: DocketEvent) => S | undefined,
): ((events: ReadonlyArray<DocketEvent>, at: number) => S) => {
  let memo: ReadonlyArray<DocketEvent> | undefined
  let after: S[] = []
  return (events, at) => {
    if (memo !== events) {
      memo = events
      after = []
    }
    for (let i = after.length; i < at; i++) after.push(step(events[i]!) ?? (i > 0 ? after[i - 1]! : initial))
    return at > 0 ? after[at - 1]! : initial
  }
}
