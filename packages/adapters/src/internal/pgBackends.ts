/**
 * The server backends of a pool's connections, known by their process ids (from each connection's
 * BackendKeyData), for what asks the server about them or acts on them from a connection of its own:
 * the cancel of a store's statements on an abort (`pgCancel.ts`) and the notice of a wait for a
 * lock (`pgLockWait.ts`). Not the pool's LISTEN connection, which is none of its clients.
 */
import type pg from 'pg'

// model

/** The backends of a pool's connections while watched. */
export interface Backends {
  /** The process ids of the pool's connections now. */
  readonly pids: () => ReadonlyArray<number>
  /** Whether a connection is checked out (a statement may be running). */
  readonly busy: () => boolean
  /** Stops watching the pool. */
  readonly stop: () => void
}

// constructors

const backendPid = (client: pg.PoolClient): number | undefined => {
  const pid = (client as unknown as { readonly processID?: unknown }).processID
  return typeof pid === 'number' ? pid : undefined
}

/** Watches the connections `pool` opens from now on. */
export const track = (pool: pg.Pool): Backends => {
  const clients = new Set<pg.PoolClient>()
  const add = (c: pg.PoolClient): void => {
    clients.add(c)
  }
  const remove = (c: pg.PoolClient): void => {
    clients.delete(c)
  }
  pool.on('connect', add)
  pool.on('remove', remove)
  return {
    pids: () => [...clients].map(backendPid).filter((p): p is number => p !== undefined),
    busy: () => pool.totalCount > pool.idleCount,
    stop: () => {
      pool.removeListener('connect', add)
      pool.removeListener('remove', remove)
    },
  }
}
