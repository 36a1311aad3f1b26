/**
 * A given/when/then helper for testing a decider, so that decider tests read
 * like the domain:
 *
 * ```ts
 * DeciderSpec.for(Case).given([reported, decided]).when(lodgeAppeal).then([appealLodged])
 * DeciderSpec.for(Case).given([reported]).when(decideAppeal).thenError('AppealNotLodged')
 * ```
 *
 * It folds the given events with `evolve`, runs `decide` and asserts with
 * `node:assert` (so it works under any test runner and needs none). It is not
 * a store test: nothing is appended anywhere.
 */
import { AssertionError, deepStrictEqual } from 'node:assert/strict'
import * as E from 'fp-ts/lib/Either.js'
import type { Decider } from '../Decider.js'

// model

/** The `then` step of a specification. */
export interface Then<Ev, Er> {
  /** Asserts that the command is accepted and records exactly these events. */
  readonly then: (expected: ReadonlyArray<Ev>) => void
  /** Asserts that the command is refused: with an error of this tag, or deep-equal to this error. */
  readonly thenError: (expected: (Er extends { readonly _tag: infer T } ? T : never) | Er) => void
  /** Asserts that deciding throws (a broken invariant), optionally with a message matching `pattern`. */
  readonly thenThrows: (pattern?: RegExp) => void
  /** The raw result, for assertions the steps above do not cover. */
  readonly result: () => E.Either<Er, ReadonlyArray<Ev>>
}

/** The `when` step of a specification. */
export interface When<C, Ev, Er> {
  readonly when: (command: C) => Then<Ev, Er>
}

/** The `given` step of a specification. */
export interface Given<C, Ev, Er> {
  readonly given: (events: ReadonlyArray<Ev>) => When<C, Ev, Er>
}

// constructors

const show = (u: unknown): string => JSON.stringify(u, null, 2)

/** Starts a specification of `decider` (pass a decider value, or a module exporting the three functions). */
const forDecider = <C, Ev, S, Er>(decider: Decider<C, Ev, S, Er>): Given<C, Ev, Er> => ({
  given: (events) => ({
    when: (command) => {
      const run = (): E.Either<Er, ReadonlyArray<Ev>> => {
        let state = decider.initialState()
        for (const e of events) state = decider.evolve(state, e)
        return decider.decide(command, state)
      }
      return {
        result: run,
        // biome-ignore lint/suspicious/noThenProperty: given/when/then is the point; a spec is never awaited.
        then: (expected) => {
          const result = run()
          if (E.isLeft(result)) {
            throw new AssertionError({
              message: `expected events, but the command was refused: ${show(result.left)}`,
              actual: result.left,
              expected,
            })
          }
          deepStrictEqual(result.right, expected)
        },
        thenError: (expected) => {
          const result = run()
          if (E.isRight(result)) {
            throw new AssertionError({
              message: `expected a refusal, but the command recorded: ${show(result.right)}`,
              actual: result.right,
              expected,
            })
          }
          if (typeof expected === 'string') {
            deepStrictEqual((result.left as { readonly _tag?: unknown })._tag, expected)
          } else {
            deepStrictEqual(result.left, expected)
          }
        },
        thenThrows: (pattern) => {
          let thrown: unknown
          let threw = false
          try {
            run()
          } catch (e) {
            threw = true
            thrown = e
          }
          if (!threw) throw new AssertionError({ message: 'expected decide to throw, but it returned' })
          if (
            pattern !== undefined &&
            !pattern.test(String(thrown instanceof Error ? thrown.message : thrown))
          ) {
            throw new AssertionError({
              message: `thrown ${String(thrown)} does not match ${String(pattern)}`,
            })
          }
        },
      }
    },
  }),
})

export { forDecider as for }
