/**
 * Noticing that a store's statement waits for a lock another session holds (`LOCK TABLE …`, a long
 * `ALTER TABLE`): PostgreSQL waits in silence, as long as the lock is held, when no
 * `lock_timeout` is set. While a connection of the pool is busy, a connection of its own asks
 * `pg_stat_activity` every `everyMs` whether one of the pool's backends waits for a lock
 * (`wait_event_type = 'Lock'`) in a statement started at least `afterMs` ago; each such statement
 * is reported once, with the sessions blocking it (`pg_blocking_pids`). Asks nothing while the
 * pool is idle. Not a timeout: the statement goes on waiting.
 */
import type { Backends } from './pgBackends.js'
import { withClient } from './pgClient.js'

// model

/** A statement of the store waiting for a lock. */
export interface Wait {
  /** The backend (process id) of the store's connection that waits. */
  readonly pid: number
  /** The backends of the sessions holding or queued before it for the lock. */
  readonly blockers: ReadonlyArray<number>
  /** Whole seconds since its statement started. */
  readonly seconds: number
}

// operations

/**
 * Reports each statement of `backends` waiting for a lock past `afterMs` to `onWait` (asking the
 * server at `url`), until the returned function is called (the store's close).
 */
export const watch = (
  backends: Backends,
  url: string,
  onWait: (wait: Wait) => void,
  afterMs = 5_000,
  everyMs = 5_000,
): (() => void) => {
  const told = new Set<string>()
  let asking = false
  const ask = async (): Promise<void> => {
    const pids = backends.pids()
    if (asking || pids.length === 0 || !backends.busy()) return
    asking = true
    try {
      const rows = await withClient(
        url,
        async (c) =>
          (
            await c.query<{ pid: number; blockers: number[]; seconds: number; since: string }>(
              `SELECT pid, pg_blocking_pids(pid) AS blockers, query_start::text AS since,
                      floor(extract(epoch FROM now() - query_start))::int AS seconds
                 FROM pg_stat_activity
                WHERE pid = ANY($1::int[]) AND wait_event_type = 'Lock'
                  AND now() - query_start >= make_interval(secs => $2)`,
              [pids, afterMs / 1000],
            )
          ).rows,
        'docket-lock-wait',
      )
      for (const r of rows) {
        const key = `${r.pid} ${r.since}`
        if (told.has(key)) continue
        told.add(key)
        onWait({ pid: r.pid, blockers: r.blockers, seconds: r.seconds })
      }
    } catch {
      // a question that fails (the server going away) is the store's reads' to report
    } finally {
      asking = false
    }
  }
  const timer = setInterval(() => void ask(), everyMs)
  timer.unref()
  return () => clearInterval(timer)
}
