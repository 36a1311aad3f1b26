/**
 * Tells a store's failure apart from a bug when it surfaces as a thrown error: a read of the log
 * (`readAll`) or of a checkpoint that fails because the server went away throws the driver's
 * error (`write ECONNRESET`), which a command would otherwise report as an internal error (exit
 * 70, a stack trace). {@link marked} wraps a store so that what its reads throw is a
 * {@link StoreFailure}; the command reports it as the store's, naming it. Not a retry.
 */
import type { EventStore } from '@docket/core'

// model

/** An error a store's read threw; `cause` is the driver's error. */
export class StoreFailure extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause))
    this.name = 'StoreFailure'
  }
}

// operations

const mark = (e: unknown): never => {
  throw e instanceof StoreFailure ? e : new StoreFailure(e)
}

/** `events`, with what it throws marked as the store's. */
async function* rethrowing<A>(events: AsyncIterable<A>): AsyncGenerator<A> {
  try {
    yield* events
  } catch (e) {
    mark(e)
  }
}

/**
 * `store`, whose `readAll` and `checkpoints.load` throw a {@link StoreFailure} where they threw the
 * driver's error. A position of another store, which `readAll` refuses before reading (a bug or a
 * bad checkpoint), is marked too: it is the store's refusal, and its message says which.
 */
export const marked = (store: EventStore.EventStore): EventStore.EventStore => ({
  ...store,
  readAll: (options) => rethrowing(store.readAll(options)),
  checkpoints: { ...store.checkpoints, load: (name) => store.checkpoints.load(name).catch(mark) },
})
