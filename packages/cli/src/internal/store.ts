/**
 * Opening an event store from a `--store URL` (`memory:`, `pglite:<dir>`,
 * `pglite:memory`, `postgres://…`, `esdb://…`, `kurrentdb://…`). The
 * adapters own the stores; this only maps a URL to one (loading an adapter
 * only when its scheme is used, so `pg` is never loaded for the embedded
 * store) and turns failures into a message for standard error.
 */
import { resolve } from 'node:path'
import { EventStore, MemoryEventStore } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'

/** The URL with any password hidden, for logs and errors. */
export const redact = (url: string): string => url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@')

const SCHEMES = 'memory:, pglite:<dir>, pglite:memory, postgres://…, esdb://… or kurrentdb://…'

/** True when this build can open stores of the URL's scheme (such as `pglite:`). */
export const supports = (scheme: string): boolean =>
  ['memory:', 'pglite:', 'postgres:', 'postgresql:'].includes(scheme)

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/** Opens the store a URL names (a relative `pglite:` directory is resolved against `cwd`). Left: why not. */
export const open = async (url: string, cwd: string): Promise<E.Either<string, EventStore.EventStore>> => {
  try {
    if (url === 'memory:') return E.right(MemoryEventStore.make())
    if (url.startsWith('pglite:')) {
      const target = url.slice('pglite:'.length)
      if (target === '')
        return E.left(`pglite: needs a data directory or memory (pglite:.docket, pglite:memory)`)
      const { PgliteEventStore } = await import('@docket/adapters/pglite')
      return E.right(await PgliteEventStore.make(target === 'memory' ? 'memory' : resolve(cwd, target)))
    }
    if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
      const { PostgresEventStore } = await import('@docket/adapters/postgres')
      return E.right(await PostgresEventStore.make(url))
    }
    if (url.startsWith('esdb://') || url.startsWith('esdb+discover://') || url.startsWith('kurrentdb://')) {
      return E.left(`${redact(url)}: the EventStoreDB/KurrentDB adapter is not in this build yet`)
    }
  } catch (e) {
    return E.left(`cannot open store ${redact(url)}: ${message(e)}`)
  }
  return E.left(`unsupported store URL ${redact(url)}: expected ${SCHEMES}`)
}

/** A one-line description of a store error. */
export const describeError = (e: EventStore.StoreError): string => EventStore.describe(e)
