import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import * as DecodeError from './DecodeError.js'

const paths = <A>(codec: t.Type<A, unknown, unknown>, u: unknown): ReadonlyArray<string> => {
  const r = codec.decode(u)
  return E.isLeft(r) ? DecodeError.fromValidation(r.left).issues.map((i) => i.path) : []
}

describe('DecodeError.fromValidation', () => {
  it('names every field on its path through refinements, exact, strict and readonly codecs', () => {
    const inner = t.type({ a: t.string, b: t.type({ c: t.number }) })
    const codec = t.type({
      refined: t.refinement(inner, () => true, 'Refined'),
      strict: t.strict({ d: t.string }),
      exact: t.exact(t.type({ e: t.string })),
      readonly: t.readonly(t.type({ f: t.string })),
    })
    const bad = { a: 1, b: { c: 'x' } }
    expect(paths(codec, { refined: bad, strict: { d: 1 }, exact: { e: 1 }, readonly: { f: 1 } })).toEqual([
      'refined.a',
      'refined.b.c',
      'strict.d',
      'exact.e',
      'readonly.f',
    ])
  })

  it('leaves out the index an intersection or a union gives its members, refined or not', () => {
    const both = t.intersection([t.type({ x: t.string }), t.partial({ y: t.number })])
    const codec = t.type({
      both,
      refined: t.refinement(both, () => true, 'Refined'),
      either: t.union([t.type({ k: t.string }), t.number]),
      list: t.array(both),
    })
    expect(
      paths(codec, { both: { x: 1 }, refined: { x: 1 }, either: { k: 1 }, list: [{ x: 'ok' }, { x: 2 }] }),
    ).toEqual(['both.x', 'refined.x', 'either.k', 'either', 'list.1.x'])
  })
})
