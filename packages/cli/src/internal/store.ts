/**
 * Opening an event store from a `--store URL` (`memory:`, `pglite:<dir>`,
 * `pglite:memory`, `postgres://…`, `esdb://…`, `kurrentdb://…`). The
 * adapters own the stores; this only maps a URL to one and turns failures
 * into a message for standard error.
 */
import { EventStore, MemoryEventStore } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'

/** The URL with any password hidden, for logs and errors. */
export const redact = (url: string): string => url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@')

/** True when this build can open stores of the URL's scheme (such as `pglite:`). */
export const supports = (scheme: string): boolean => scheme === 'memory:'

/** Opens the store a URL names. Left: a message saying why not. */
export const open = async (url: string, _cwd: string): Promise<E.Either<string, EventStore.EventStore>> => {
  if (url === 'memory:') return E.right(MemoryEventStore.make())
  return E.left(
    `unsupported store URL ${redact(url)}: expected memory:, pglite:<dir>, pglite:memory, postgres://…, esdb://… or kurrentdb://…`,
  )
}

/** A one-line description of a store error. */
export const describeError = (e: EventStore.StoreError): string => EventStore.describe(e)
