/**
 * Wake-ups: how a waiting subscription learns that events were appended. Each append's commit sends
 * a NOTIFY on the store's channel; the store listens to it (once, for all its subscriptions, started
 * by the first one) and bumps a generation counter on each, waking every waiter. When the listening
 * connection is lost, waiters are woken so that they poll, and listening is tried again at most once
 * per poll interval. It is not a delivery of events (a NOTIFY only says "look again", the events are
 * read by the subscription) nor a guarantee: a subscription also polls, as a safety net.
 */
import type { Context } from './sqlContext.js'

// model

/** The wake-ups of one store. */
export interface Wakeups {
  /** Listens to the channel unless already listening (or tried less than a poll interval ago); whether listening. */
  readonly ensureListening: () => Promise<boolean>
  /** The number of wake-ups so far, to pass to `wait`. */
  readonly generation: () => number
  /** Resolves after `ms`, or at the first wake-up after generation `seen`, on abort, or on close. */
  readonly wait: (ms: number, seen: number, signal: AbortSignal | undefined) => Promise<void>
  /** Wakes every waiter and stops listening (the store is closed first). */
  readonly close: () => Promise<void>
}

// constructors

/** The wake-ups of the store of `ctx`. */
export const make = (ctx: Context): Wakeups => {
  const { sql, pollMs, channel } = ctx
  // wake-ups: a generation counter bumped on every NOTIFY, plus waiters
  let generation = 0
  let waiters: Array<() => void> = []
  const wakeAll = (): void => {
    generation++
    const ws = waiters
    waiters = []
    for (const w of ws) w()
  }
  let unlisten: (() => Promise<void>) | undefined
  let listening: Promise<boolean> | undefined
  let lastListenAttempt = Number.NEGATIVE_INFINITY
  const ensureListening = (): Promise<boolean> => {
    if (listening !== undefined) return listening
    const now = performance.now()
    if (now - lastListenAttempt < pollMs) return Promise.resolve(false)
    lastListenAttempt = now
    const attempt = sql
      .listen(channel, wakeAll, () => {
        listening = undefined
        unlisten = undefined
        wakeAll()
      })
      .then(
        (stop) => {
          if (ctx.isClosed()) {
            void stop().catch(() => undefined)
            return false
          }
          unlisten = stop
          return true
        },
        () => {
          listening = undefined
          return false
        },
      )
    listening = attempt
    return attempt
  }

  const wait = (ms: number, seen: number, signal: AbortSignal | undefined): Promise<void> =>
    new Promise((resolve) => {
      if (ctx.isClosed() || signal?.aborted || generation !== seen) return resolve()
      const done = (): void => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      waiters.push(done)
      signal?.addEventListener('abort', done, { once: true })
    })

  return {
    ensureListening,
    generation: () => generation,
    wait,
    close: async () => {
      wakeAll()
      await listening?.catch(() => false)
      await unlisten?.().catch(() => undefined)
    },
  }
}
