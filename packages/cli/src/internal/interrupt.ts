/**
 * How a command holding a store stops on SIGINT or SIGTERM: the first signal aborts
 * {@link Interrupt.signal}, which the command checks at its safe points (after the store's open,
 * between appends or batches read), so that it closes its store (a PGlite directory left
 * unlocked and whole) and says on standard error what was and was not done; a second signal ends
 * the process at once (`main.ts` then removes the temporary files and re-raises it), as the first
 * message says. Installed before the store opens, which takes seconds (PGlite loading, more
 * initialising a new directory): a signal meanwhile lets the open finish.
 *
 * Not a policy on exit codes: `watch` exits 0 when stopped, the other commands by the signal's
 * conventional code ({@link exitCode}: 130 for SIGINT, 143 for SIGTERM).
 */
import { setImmediate as turn } from 'node:timers/promises'
import type { Invocation } from '../Command.js'
import * as Output from '../Output.js'

// model

/** The signals a command stops on. */
export type Signal = 'SIGINT' | 'SIGTERM'

/** A command's watch on the signals, from {@link install} until `release`. */
export interface Interrupt {
  /** Aborted at the first SIGINT or SIGTERM (or when the signal given to {@link install} aborts). */
  readonly signal: AbortSignal
  /** The signal received, or `undefined` (none, or stopped by the given signal). */
  readonly received: () => Signal | undefined
  /** Removes the handlers; a later command in the same process must not be stopped by them. */
  readonly release: () => void
}

const SIGNALS: ReadonlyArray<Signal> = ['SIGINT', 'SIGTERM']

// constructors

/**
 * Watches for SIGINT and SIGTERM for `command` (`given` instead, when a test passes its own
 * signal): the first aborts the returned signal and says on standard error that the command is
 * stopping and that a second signal ends it at once; `main` then leaves the process to end by
 * itself. Each handler fires once, so the second signal reaches `main`'s, which ends the process.
 */
export const install = (inv: Pick<Invocation, 'stderr'>, command: string, given?: AbortSignal): Interrupt => {
  const ac = new AbortController()
  let received: Signal | undefined
  const abort = (): void => ac.abort()
  const handlers = SIGNALS.map((s) => {
    const handler = (): void => {
      received ??= s
      for (const [other, h] of handlers) if (other !== s) process.removeListener(other, h)
      Output.log(
        inv,
        `${command}: ${s} received: stopping at the next safe point, then closing the store; ${s === 'SIGINT' ? 'press Ctrl-C again' : 'a second signal'} to end at once`,
      )
      abort()
    }
    return [s, handler] as const
  })
  if (given?.aborted === true) abort()
  given?.addEventListener('abort', abort, { once: true })
  if (given === undefined) for (const [s, h] of handlers) process.once(s, h)
  return {
    signal: ac.signal,
    received: () => received,
    release: () => {
      given?.removeEventListener('abort', abort)
      for (const [s, h] of handlers) process.removeListener(s, h)
    },
  }
}

// operations

/** The conventional exit code of a process ended by `signal`: 128 + its number (130, 143). */
export const exitCode = (signal: Signal): number => (signal === 'SIGINT' ? 130 : 143)

/**
 * Whether `signal` (a command's {@link Interrupt.signal}, if any) has aborted, asked once a store
 * has opened: PGlite opens in long synchronous steps, during which a signal waits for the event
 * loop to turn, so it turns first.
 */
export const afterOpen = async (signal: AbortSignal | undefined): Promise<boolean> => {
  if (signal === undefined) return false
  await turn()
  return signal.aborted
}

/**
 * Ends an interrupted command: says on standard error how far it got (`what`, after
 * `<command>: stopped (SIGINT): `) and gives the exit code of the signal received (130 when
 * stopped by a given signal, as after Ctrl-C).
 */
export const stopped = (
  inv: Pick<Invocation, 'stderr'>,
  command: string,
  i: Interrupt,
  what: string,
): number => {
  const s = i.received() ?? 'SIGINT'
  Output.log(inv, `${command}: stopped (${s}): ${what}`)
  return exitCode(s)
}

/**
 * Asked once a command's store has opened: when the signal came meanwhile, says so (`where` opened
 * and is closed again, nothing was `done`) and gives the exit code; `undefined` when it did not.
 */
export const stoppedOpening = async (
  inv: Pick<Invocation, 'stderr'>,
  command: string,
  i: Interrupt,
  where: string,
  done: string,
): Promise<number | undefined> =>
  (await afterOpen(i.signal))
    ? stopped(
        inv,
        command,
        i,
        `while ${where} was opening: it opened and is closed again; nothing was ${done}`,
      )
    : undefined

/**
 * The items of `items` until `signal` aborts: at the next item after it, the iteration ends early
 * (the source's `return` closes it). The caller asks `signal.aborted` to tell a cut from an end,
 * or {@link reading}'s `cut` when the signal may come once the last item was read.
 */
export const until = <A>(signal: AbortSignal, items: AsyncIterable<A>): AsyncIterable<A> =>
  reading(signal, items).items

/**
 * A read through {@link until} that tells a read the signal cut short from one that ended by itself:
 * `cut` is true once the signal ended it with an item left unread. A signal that comes after the
 * last item, while the source finds it has no more, cuts nothing: the read is whole.
 */
export const reading = <A>(
  signal: AbortSignal,
  items: AsyncIterable<A>,
): { readonly items: AsyncIterable<A>; readonly cut: () => boolean } => {
  let cut = false
  async function* read(): AsyncGenerator<A> {
    for await (const item of items) {
      if (signal.aborted) {
        cut = true
        return
      }
      yield item
    }
  }
  return { items: { [Symbol.asyncIterator]: () => read() }, cut: () => cut }
}
