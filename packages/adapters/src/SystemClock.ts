/**
 * The real clock: the one place in Docket that reads the current time. Core
 * takes a `Clock` as an argument; applications and `docket` pass this one,
 * tests pass `Clock.manual` or `Clock.fixed`.
 */
import type { Clock } from '@docket/core'

/** The system's clock (`Date.now()`). */
export const systemClock: Clock.Clock = { now: () => Date.now() }
