/**
 * The injected source of "now". Core logic never reads the current time:
 * a live append takes `recordedAt` from a `Clock`, the escalation engine is
 * ticked with an instant, and tests drive time by hand. The system clock is
 * an edge concern and lives in `@docket/adapters` (`systemClock`).
 */
import * as Timestamp from './Timestamp.js'

// model

/** A source of the current instant, in epoch milliseconds. */
export interface Clock {
  readonly now: () => number
}

/** A clock a test moves by hand. */
export interface ManualClock extends Clock {
  readonly set: (epochMs: number) => void
  readonly advance: (ms: number) => void
}

// constructors

/** A clock stopped at one instant. */
export const fixed = (epochMs: number): Clock => ({ now: () => epochMs })

/** A clock that starts at `epochMs` and moves only when told. */
export const manual = (epochMs: number): ManualClock => {
  let current = epochMs
  return {
    now: () => current,
    set: (ms) => {
      current = ms
    },
    advance: (ms) => {
      current += ms
    },
  }
}

// operations

/** The clock's instant as an ISO-8601 UTC timestamp (`…Z`). */
export const nowIso = (clock: Clock): string => Timestamp.format(clock.now(), 0)
