/**
 * The case as the conditions of a clock rule see it at one event (`ClockRule.CaseView`): the
 * events up to that one, and the whole case without a copy. It is not the engine's entry of an
 * event (`order.ts`).
 */
import type * as ClockRule from '../ClockRule.js'
import type { DocketEvent } from '../Envelope.js'

/** The case view at one event, its history copied only when a condition reads it. */
export class View implements ClockRule.CaseView {
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
