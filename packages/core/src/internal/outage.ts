/**
 * How the escalation process manager tells its log that the store is unavailable: once when an
 * outage begins and once when the store answers again, with how many cases were put off
 * meanwhile, instead of one line per case and retry. A server down for fifteen seconds under
 * `docket watch` catching up on 40,000 cases wrote 6,400 lines before; the cases themselves are
 * retried as before (`retryMs`). Not a retry policy, nor other failures (a conflict, a bad
 * event), which stay logged per case.
 */
import type * as EventStore from '../EventStore.js'

// model

/** The outage state of one process manager. */
export interface Outage {
  /**
   * A store operation (on `caseId`, when it was a case's) failed with `error`, which `line` says:
   * logged, but for a `StoreUnavailable` while an outage is already told.
   */
  readonly failed: (caseId: string | undefined, error: EventStore.StoreError, line: string) => void
  /** A store operation succeeded: ends the outage, if one was told, saying so. */
  readonly answered: () => void
}

// constructors

/** An outage tracker writing to `log`; `retryMs` is said in the first line, as what happens next. */
export const make = (log: (line: string) => void, retryMs: number): Outage => {
  let told = false
  let putOff = new Set<string>()
  return {
    failed: (caseId, error, line) => {
      if (error._tag !== 'StoreUnavailable') return log(line)
      if (caseId !== undefined) putOff.add(caseId)
      if (told) return
      told = true
      log(
        `${line}; until the store answers again, every case it holds up is retried every ${retryMs} ms ` +
          'without a line of its own',
      )
    },
    answered: () => {
      if (!told) return
      log(`escalation: the store answers again; the ${putOff.size} case(s) put off meanwhile are retried`)
      told = false
      putOff = new Set()
    },
  }
}
