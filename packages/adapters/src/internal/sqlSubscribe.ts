/**
 * A subscription: the log from a position on, then each event as it is appended, until aborted or
 * the store closes. It catches up by the paged read (`sqlPages.ts`), then waits for a wake-up
 * (`sqlWakeups.ts`) with a poll as a safety net, and polls alone, with backoff, while the listening
 * connection is lost; when the server goes away it keeps following and reads again on a later poll.
 * It is not a durable subscriber: where a subscriber got to is its checkpoint (`sqlCheckpoints.ts`),
 * saved by whoever consumes it.
 */
import type { EventStore } from '@docket/core'
import { checkPosition, isTransient } from './sql.js'
import { type Context, toStored } from './sqlContext.js'
import type { Pages } from './sqlPages.js'
import type { Wakeups } from './sqlWakeups.js'

// constructors

/** The store's `subscribe`, reading with `pages` and waiting on `wakeups`. */
export const make = (ctx: Context, pages: Pages, wakeups: Wakeups): EventStore.EventStore['subscribe'] => {
  const { pollMs } = ctx
  const { ensureListening, wait } = wakeups
  const subscribe = async function* (
    options: EventStore.SubscribeOptions = {},
  ): AsyncGenerator<EventStore.StoredEvent> {
    let after = checkPosition(options.after)
    const signal = options.signal
    let backoff = 25
    while (!ctx.isClosed() && !signal?.aborted) {
      const listened = await ensureListening()
      const seen = wakeups.generation()
      let got = false
      try {
        for await (const rows of pages(after, undefined, options.types)) {
          for (const r of rows) {
            if (ctx.isClosed() || signal?.aborted) return
            yield toStored(r)
            after = r.position
            got = true
          }
        }
      } catch (e) {
        if (ctx.isClosed()) return
        // the server went away: keep following, the pool reconnects on a later poll
        if (!isTransient(e)) throw e
        got = false
      }
      if (ctx.isClosed() || signal?.aborted) return
      backoff = got ? 25 : Math.min(backoff * 2, pollMs)
      await wait(listened ? pollMs : backoff, seen, signal)
    }
  }
  return subscribe
}
