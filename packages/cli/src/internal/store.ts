/**
 * Opening an event store from a `--store URL` (`memory:`, `pglite:<dir>`,
 * `pglite:memory`, `postgres://…`, `esdb://…`, `kurrentdb://…`) through
 * `openStore` of `@docket/adapters`, which loads an engine's driver only when
 * its URL is used. This adds what a command line needs: a relative PGlite
 * directory is resolved against the invocation's working directory, and
 * failures become one message for standard error.
 */
import { isAbsolute, resolve } from 'node:path'
import { openStore, Store, StoreUrl } from '@docket/adapters'
import { EventStore } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'

/** The URL with any password hidden, for logs and errors. */
export const redact = (url: string): string => StoreUrl.redact(url)

/** The URL with a relative `pglite:` directory made absolute against `cwd`. */
export const absolute = (url: string, cwd: string): string => {
  if (!url.startsWith('pglite:')) return url
  const dir = url.slice('pglite:'.length)
  if (dir === '' || dir === 'memory' || dir === ':memory:' || dir.startsWith('//') || isAbsolute(dir))
    return url
  return `pglite:${resolve(cwd, dir)}`
}

/** Opens the store a URL names. Left: a message saying why not. */
export const open = async (url: string, cwd: string): Promise<E.Either<string, EventStore.EventStore>> => {
  const opened = await openStore(absolute(url, cwd))()
  return E.isLeft(opened) ? E.left(Store.describeError(opened.left)) : opened
}

/** A one-line description of a store error. */
export const describeError = (e: EventStore.StoreError): string => EventStore.describe(e)
