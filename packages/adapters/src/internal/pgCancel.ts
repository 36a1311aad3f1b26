/**
 * Cancelling what a pool's connections are running when the caller gives up (a `docket` command
 * on SIGINT or SIGTERM): node-postgres has no `cancel`, and a query waiting for a lock another
 * session holds (`LOCK TABLE … IN ACCESS EXCLUSIVE MODE`) would otherwise wait as long as it is held.
 * A connection of its own asks the server to `pg_cancel_backend` the backends of the pool's
 * connections (a role may cancel its own sessions): the waiting statement fails with
 * `canceling statement due to user request`, and a transaction it was in rolls back, so that an
 * interrupted append stores nothing. Destroying the sockets instead would leave the backends
 * queued for the lock until it is released, each then running its statement for nobody.
 *
 * Not a timeout: it cancels only once the signal aborts, then again each second while a
 * connection is busy, until the store closes (a statement sent just after a cancel misses it).
 */
import type { Backends } from './pgBackends.js'
import { withClient } from './pgClient.js'

// operations

/**
 * Once `signal` aborts, cancels what `backends` run (connecting to `url` for it), then again every
 * `everyMs` while one is busy, until the returned function is called (the store's close).
 */
export const onAbort = (
  backends: Backends,
  url: string,
  signal: AbortSignal,
  everyMs = 1_000,
): (() => void) => {
  let timer: NodeJS.Timeout | undefined
  const cancel = async (): Promise<void> => {
    const pids = backends.pids()
    if (pids.length === 0 || !backends.busy()) return
    await withClient(
      url,
      (c) => c.query('SELECT pg_cancel_backend(pid) FROM unnest($1::int[]) AS pid', [pids]),
      'docket-cancel',
    ).catch(() => undefined)
  }
  const start = (): void => {
    void cancel()
    timer = setInterval(() => void cancel(), everyMs)
    timer.unref()
  }
  if (signal.aborted) start()
  else signal.addEventListener('abort', start, { once: true })
  return () => {
    signal.removeEventListener('abort', start)
    if (timer !== undefined) clearInterval(timer)
  }
}
