/**
 * Sleeping until an instant, injected like the `Clock` it reads. The process
 * manager sleeps until the next escalation can fall due, never on a fixed
 * polling interval; tests drive a `manual` timer and move time by hand, so a
 * week of paging runs in milliseconds and exactly.
 *
 * A timer is not a scheduler: it wakes one caller at one instant, and the
 * caller decides what is due (`Escalation.tick`).
 */
import type * as Clock from './Clock.js'

// model

/** Sleeps until an instant of its clock. */
export interface Timer {
  readonly clock: Clock.Clock
  /** Resolves once the clock reaches `epochMs`, or as soon as `signal` aborts. */
  readonly sleepUntil: (epochMs: number, signal?: AbortSignal) => Promise<void>
}

/** A timer whose clock moves only when a test says so. */
export interface ManualTimer extends Timer {
  readonly clock: Clock.ManualClock
  /** Moves the clock to `epochMs` and wakes every sleeper due by then. */
  readonly set: (epochMs: number) => void
  /** Moves the clock forward by `ms` and wakes every sleeper due by then. */
  readonly advance: (ms: number) => void
  /** Number of callers asleep. */
  readonly sleepers: () => number
}

// constructors

/**
 * Longest single `setTimeout` before the clock is read again. Node's timers count only time the
 * machine was awake while the wall clock also counts a suspension, so one long `setTimeout` woke
 * hours late after a laptop or VM resumed; a minute bounds that lateness at little cost.
 */
const MAX_STEP = 60_000

/**
 * A timer over real time: `setTimeout` towards an instant read from `clock` (the system clock in
 * production), reading the clock again at least once a minute so a jump forward is noticed.
 */
export const real = (clock: Clock.Clock): Timer => ({
  clock,
  sleepUntil: (epochMs, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) {
        resolve()
        return
      }
      let handle: ReturnType<typeof setTimeout> | undefined
      const done = (): void => {
        if (handle !== undefined) clearTimeout(handle)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      const arm = (): void => {
        const delay = epochMs - clock.now()
        if (delay <= 0) {
          done()
          return
        }
        handle = setTimeout(arm, Math.min(delay, MAX_STEP))
      }
      signal?.addEventListener('abort', done, { once: true })
      arm()
    }),
})

/** A timer over a manual clock starting at `epochMs`. */
export const manual = (clock: Clock.ManualClock): ManualTimer => {
  let sleeping: Array<{ readonly at: number; readonly wake: () => void }> = []
  const release = (): void => {
    const now = clock.now()
    const due = sleeping.filter((s) => s.at <= now)
    sleeping = sleeping.filter((s) => s.at > now)
    for (const s of due) s.wake()
  }
  return {
    clock,
    sleepUntil: (epochMs, signal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted || epochMs <= clock.now()) {
          resolve()
          return
        }
        const entry = {
          at: epochMs,
          wake: (): void => {
            signal?.removeEventListener('abort', abort)
            resolve()
          },
        }
        const abort = (): void => {
          sleeping = sleeping.filter((s) => s !== entry)
          resolve()
        }
        signal?.addEventListener('abort', abort, { once: true })
        sleeping.push(entry)
      }),
    set: (epochMs) => {
      clock.set(epochMs)
      release()
    },
    advance: (ms) => {
      clock.advance(ms)
      release()
    },
    sleepers: () => sleeping.length,
  }
}
