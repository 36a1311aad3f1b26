/**
 * Closed io-ts object codecs for custom policy documents: a key the codec
 * does not name is an error with its path, not a silent no-op. Private to the
 * package (the document codecs of `Custom` are built with it).
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'

/**
 * An io-ts object type that rejects keys it does not name (a typo is an error, not a silent no-op).
 * Its two halves validate in its own context, so an error's path is `rules.0.period`, not
 * `rules.0.0.period` (this type is opaque to `DecodeError`'s paths, an intersection is not).
 */
export const exact = <R extends t.Props, O extends t.Props>(name: string, required: R, optional: O) => {
  const halves: [t.TypeC<R>, t.PartialC<O>] = [t.type(required), t.partial(optional)]
  const base = t.intersection(halves)
  const known = new Set([...Object.keys(required), ...Object.keys(optional)])
  // the codec of an unknown field: `DecodeError` says what was expected by the codec's name (as a
  // profile's unknown field reads), where `t.never` read "expected never"
  const noSuchField = new t.Type<never, unknown, unknown>(
    `no such field (known: ${[...known].join(', ')})`,
    (_u): _u is never => false,
    t.failure,
    t.identity as (a: never) => unknown,
  )
  return new t.Type<t.TypeOf<typeof base>, t.OutputOf<typeof base>, unknown>(
    name,
    base.is,
    (u, c) => {
      // an unknown field is reported with the known fields' own problems (a typo beside a wrong
      // value, or in a nested condition), not instead of them: each round of fixes is then the last
      const errors: t.ValidationError[] = []
      if (typeof u === 'object' && u !== null && !Array.isArray(u)) {
        const extra = Object.keys(u).filter((k) => !known.has(k))
        errors.push(
          ...extra.map((k) => ({
            value: (u as Record<string, unknown>)[k],
            context: [...c, { key: k, type: noSuchField, actual: (u as Record<string, unknown>)[k] }],
            message: `unknown field ${k} (known: ${[...known].join(', ')})`,
          })),
        )
      }
      for (const half of halves) {
        const r = half.validate(u, c)
        if (E.isLeft(r)) errors.push(...r.left)
      }
      return errors.length > 0 ? t.failures(errors) : base.validate(u, c)
    },
    base.encode,
  )
}
