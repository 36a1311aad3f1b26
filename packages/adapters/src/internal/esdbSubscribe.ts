/**
 * A subscription: the log from a position on, then each event as it is appended, until aborted or
 * the store closes. It uses the server-side stream-name prefix filter (the store's case streams)
 * and keeps the given types client-side. The subscriptions still live are kept so that the store's
 * close ends them. It is not a durable subscriber: where a subscriber got to is its checkpoint
 * (`esdbCheckpoints.ts`), saved by whoever consumes it.
 */
import type { EventStore } from '@docket/core'
import { START, streamNameFilter } from '@eventstore/db-client'
import { type Context, type EsdbEvent, toStored } from './esdbContext.js'
import { parsePosition } from './esdbMapping.js'

// model

/** The store's subscriptions, and how the store ends those still live. */
export interface Subscriptions {
  readonly subscribe: EventStore.EventStore['subscribe']
  /** Ends every live subscription (the store is closing). */
  readonly close: () => Promise<void>
}

// constructors

/** The subscriptions of the store of `ctx`. */
export const make = (ctx: Context): Subscriptions => {
  const { client, casePrefix } = ctx
  const live = new Set<{ unsubscribe: () => Promise<void> }>()

  const subscribe = async function* (
    options: EventStore.SubscribeOptions = {},
  ): AsyncGenerator<EventStore.StoredEvent> {
    const signal = options.signal
    if (ctx.isClosed() || signal?.aborted) return
    const types = options.types === undefined ? undefined : new Set(options.types)
    const sub = client.subscribeToAll({
      fromPosition: options.after === undefined ? START : parsePosition(options.after),
      filter: streamNameFilter({ prefixes: [casePrefix] }),
    })
    live.add(sub)
    const stop = (): void => {
      void sub.unsubscribe().catch(() => undefined)
    }
    signal?.addEventListener('abort', stop, { once: true })
    try {
      for await (const r of sub) {
        if (ctx.isClosed() || signal?.aborted) return
        const ev = r.event as unknown as EsdbEvent | undefined
        if (ev === undefined || !ev.streamId.startsWith(casePrefix)) continue
        if (types !== undefined && !types.has(ev.type)) continue
        yield toStored(ev)
        if (ctx.isClosed() || signal?.aborted) return
      }
    } catch (e) {
      if (!(ctx.isClosed() || signal?.aborted)) throw e
    } finally {
      signal?.removeEventListener('abort', stop)
      live.delete(sub)
      await sub.unsubscribe().catch(() => undefined)
    }
  }

  return {
    subscribe,
    close: async () => {
      for (const sub of live) await sub.unsubscribe().catch(() => undefined)
    },
  }
}
