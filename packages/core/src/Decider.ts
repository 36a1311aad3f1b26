/**
 * A decider is the business logic of one stream as three pure functions
 * (Jérémie Chassaing's pattern, as in Emmett): the state before anything
 * happened, how an event changes the state, and what a command decides given
 * the state. It reads no clock and no store; `CommandHandler` runs it against
 * a store. It is not a process manager: it never reacts to events by itself.
 */
import type * as E from 'fp-ts/lib/Either.js'

// model

/** The three functions of a decider over commands `C`, events `Ev`, state `S` and domain errors `Er`. */
export interface Decider<C, Ev, S, Er> {
  /** The state of a stream with no events. */
  readonly initialState: () => S
  /** The state after one more event. Total: it accepts any event the stream may hold. */
  readonly evolve: (state: S, event: Ev) => S
  /** The events a command records, or the domain error that refuses it. */
  readonly decide: (command: C, state: S) => E.Either<Er, ReadonlyArray<Ev>>
}

// operations

/** The state after every event of `events`, in order, starting from the initial state. */
export const fold = <C, Ev, S, Er>(decider: Decider<C, Ev, S, Er>, events: Iterable<Ev>): S => {
  let state = decider.initialState()
  for (const e of events) state = decider.evolve(state, e)
  return state
}
