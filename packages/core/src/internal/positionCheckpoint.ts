/**
 * A checkpoint that holds a position of the log (the outbox's, the process manager's own): checked
 * with the store's `comparePositions` when it is saved and when it is loaded, so a value that is no
 * position of this store (written by hand, by an older version, or copied from another kind of
 * store) fails there, naming the checkpoint and the value, not at the next read with `after`. The
 * `CheckpointStore` itself keeps any text (`docket watch`'s state is JSON), so the check is here.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as EventStore from '../EventStore.js'

// operations

/** Why `value` is no position of `store` (what its `comparePositions` throws), `undefined` when it is one. */
export const notPosition = (store: EventStore.EventStore, value: string): string | undefined => {
  try {
    store.comparePositions(value, value)
    return undefined
  } catch (e) {
    return e instanceof Error ? e.message : String(e)
  }
}

const check = (store: EventStore.EventStore, name: string, value: string): EventStore.Position => {
  const why = notPosition(store, value)
  if (why !== undefined)
    throw new Error(
      `checkpoint ${JSON.stringify(name)} holds ${JSON.stringify(value)}, which is not a position of this store (${why})`,
    )
  return value
}

/** The position saved under `name`, `undefined` when none was; throws, naming both, when it is no position of `store`. */
export const load = async (
  store: EventStore.EventStore,
  name: string,
): Promise<EventStore.Position | undefined> => {
  const value = await store.checkpoints.load(name)
  return value === undefined ? undefined : check(store, name, value)
}

/**
 * Saves `position` under `name`; throws, saving nothing, when it is no position of `store` (a bug).
 * Left: the store failed to save it (unavailable), a `StoreUnavailable` with the store's words.
 */
export const save = async (
  store: EventStore.EventStore,
  name: string,
  position: EventStore.Position,
): Promise<E.Either<EventStore.StoreError, void>> => {
  const value = check(store, name, position)
  try {
    return E.right(await store.checkpoints.save(name, value))
  } catch (e) {
    return E.left(EventStore.unavailable(e instanceof Error ? e.message : String(e)))
  }
}
