/**
 * The core engine as a replay's `EvaluateCase`: one `Evaluation.judge` per case and
 * instant, with the escalations and the next wake-up computed only when first read (most cases
 * are judged once and never asked). Not the rules: those are bound into the options.
 */
import type { Obligation } from '@docket/core'
import { Escalation as CoreEscalation, Evaluation, ObligationQuery } from '@docket/core'
import type { CaseEvaluation, Escalation, EvaluateCase } from './Replay.js'

// constructors

/**
 * The core engine as an {@link EvaluateCase}: `Evaluation.evaluateCase` with the
 * given options at each `asOf`, and `from`/`to` applied to the first event
 * visible at `asOf` (as `Evaluation.evaluate` does). One `Evaluation.judge`
 * reads each event's instants once per judgment.
 */
export const fromCore = (options: Evaluation.Options): EvaluateCase => {
  const hook = options.escalate
  // The escalations are computed when first read: a drop reads only the obligations of a
  // case whose clocks still run. The hook's input is the engine's own snapshot (a fresh array
  // of the visible events and the obligations), so reading later gives the same answer; it is
  // taken, and cleared, after each judgment, which sets it (the engine calls its hook once per case). The
  // options are bound once: `{ ...options, asOf }` per case cost 1–3 µs on Node 20 (a new key after a spread).
  let input: Evaluation.EscalationInput | undefined
  const judge = Evaluation.judge(
    hook === undefined
      ? options
      : {
          ...options,
          escalate: (i) => {
            input = i
            return []
          },
        },
  )
  return (caseId, history, asOf) => {
    const j = judge(caseId, history, asOf)
    if (j === null) return null
    const r = j.report
    // the next instant the evaluation could change: an event becomes visible, a clock or a
    // warning falls due, or (`escalates`) an escalation climbs
    const wakeOf = (
      obligations: ReadonlyArray<Obligation.Obligation>,
      escalates: () => number | null = () => null,
    ): (() => number | null) =>
      once(() =>
        orNull(
          Math.min(
            j.nextVisibleMs() ?? Infinity,
            ObligationQuery.nextWakeAt(obligations, j.asOfMs) ?? Infinity,
            escalates() ?? Infinity,
          ),
        ),
      )
    if (hook === undefined)
      return { obligations: r.obligations, escalations: r.escalations, wakeAt: wakeOf(r.obligations) }
    const seen = input
    input = undefined
    if (hook !== CoreEscalation.escalate || seen === undefined)
      return new Lazy(
        r.obligations,
        once(() => (seen === undefined ? [] : hook(seen))),
      )
    // core's own hook: its summary and its next wake-up from one plan (`Escalation.outlook`),
    // as `Escalation.escalate` would build its input
    const look = once(() => CoreEscalation.outlook(CoreEscalation.inputOf(seen), seen.asOfMs))
    return new Lazy(
      r.obligations,
      () => look().summary,
      wakeOf(r.obligations, () => look().nextWakeAt),
    )
  }
}

/**
 * An evaluation whose escalations are computed when first read. A class, not an object literal
 * with a getter: such a literal gets a hidden class of its own, allocated in the old generation,
 * whose accessor keeps the case's closures (and its whole evaluation) alive through every young
 * collection, so each case's garbage was promoted and the replay spent a third of its time in
 * the scavenger.
 */
class Lazy implements CaseEvaluation {
  readonly #escalations: () => ReadonlyArray<Escalation>
  readonly wakeAt: (() => number | null) | undefined
  constructor(
    readonly obligations: ReadonlyArray<Obligation.Obligation>,
    escalations: () => ReadonlyArray<Escalation>,
    wakeAt?: () => number | null,
  ) {
    this.#escalations = escalations
    this.wakeAt = wakeAt
  }
  get escalations(): ReadonlyArray<Escalation> {
    return this.#escalations()
  }
}

const once = <A>(f: () => A): (() => A) => {
  let done = false
  let value: A
  return () => {
    if (!done) {
      value = f()
      done = true
    }
    return value
  }
}

const orNull = (ms: number): number | null => (ms === Number.POSITIVE_INFINITY ? null : ms)
