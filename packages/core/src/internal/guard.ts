/**
 * Fast guards compiled from io-ts codecs: `compile(codec)` walks the codec
 * once and returns a predicate that says, without allocating, whether
 * `codec.decode(u)` would succeed. It mirrors io-ts' `validate` (not `is`,
 * which differs on missing keys): a `t.type` reads every named key, inherited
 * ones included; a `t.partial` skips `undefined`; a refinement runs its
 * predicate on a value its base accepts; and so on.
 *
 * A guard is a fast path, not a second definition of validity: it is used
 * only to accept, and every value it rejects goes through `decode`, which
 * builds the error. Codecs it does not know (or whose decoded value could
 * differ from the input, such as records with a non-string domain) compile to
 * `decode` itself, so a guard is exact for every codec, only slower on those.
 * `Envelope.test.ts` checks guard and `decode` agree on generated and mutated
 * events.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'

/** Whether a value would decode. */
export type Guard = (u: unknown) => boolean

type Any = t.Decoder<unknown, unknown> & { readonly _tag?: string }

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  u !== null && typeof u === 'object' && !Array.isArray(u)

/** A primitive, or a refinement of one: its decoded value is the input itself. */
const primitive = (c: Any): boolean =>
  c._tag === 'StringType' ||
  c._tag === 'NumberType' ||
  c._tag === 'BooleanType' ||
  (c._tag === 'RefinementType' && primitive((c as unknown as t.RefinementC<t.Any>).type as Any))

const exact =
  (codec: Any): Guard =>
  (u) =>
    E.isRight(codec.decode(u))

/** A guard that is true exactly when `codec.decode(u)` is a `Right`. */
export const compile = (codec: t.Decoder<unknown, unknown>): Guard => {
  const c = codec as Any
  switch (c._tag) {
    case 'StringType':
      return (u) => typeof u === 'string'
    case 'NumberType':
      return (u) => typeof u === 'number'
    case 'BooleanType':
      return (u) => typeof u === 'boolean'
    case 'UnknownType':
      return () => true
    case 'AnyDictionaryType':
      return isRecord
    case 'AnyArrayType':
      return Array.isArray
    case 'KeyofType': {
      const keys = new Set(Object.keys((c as unknown as t.KeyofType<Record<string, unknown>>).keys))
      return (u) => typeof u === 'string' && keys.has(u)
    }
    case 'RefinementType': {
      // the predicate sees what the base decoded to: the input itself when the base is a primitive
      const r = c as unknown as t.RefinementC<t.Any>
      if (!primitive(r.type as Any)) return exact(c)
      const base = compile(r.type)
      const predicate = r.predicate as (u: unknown) => boolean
      return (u) => base(u) && predicate(u)
    }
    case 'InterfaceType': {
      const props = (c as unknown as t.InterfaceType<t.Props>).props
      const keys = Object.keys(props)
      const guards = keys.map((k) => compile(props[k]!))
      const n = keys.length
      return (u) => {
        if (!isRecord(u)) return false
        for (let i = 0; i < n; i++) if (!guards[i]!(u[keys[i]!])) return false
        return true
      }
    }
    case 'PartialType': {
      const props = (c as unknown as t.PartialType<t.Props>).props
      const keys = Object.keys(props)
      const guards = keys.map((k) => compile(props[k]!))
      const n = keys.length
      return (u) => {
        if (!isRecord(u)) return false
        for (let i = 0; i < n; i++) {
          const v = u[keys[i]!]
          if (v !== undefined && !guards[i]!(v)) return false
        }
        return true
      }
    }
    case 'IntersectionType': {
      const guards = (c as unknown as t.IntersectionType<t.Any[]>).types.map(compile)
      if (guards.length === 2) {
        const [a, b] = guards as [Guard, Guard]
        return (u) => a(u) && b(u)
      }
      return (u) => guards.every((g) => g(u))
    }
    case 'UnionType': {
      const guards = (c as unknown as t.UnionType<t.Any[]>).types.map(compile)
      return (u) => guards.some((g) => g(u))
    }
    case 'ArrayType': {
      const item = compile((c as unknown as t.ArrayType<t.Any>).type)
      return (u) => {
        if (!Array.isArray(u)) return false
        for (let i = 0; i < u.length; i++) if (!item(u[i])) return false
        return true
      }
    }
    case 'DictionaryType': {
      const d = c as unknown as t.DictionaryType<t.Any, t.Any>
      // any other domain may strip keys (a changed value): leave it to decode
      if ((d.domain as Any)._tag !== 'StringType') return exact(c)
      const value = compile(d.codomain)
      return (u) => {
        if (!isRecord(u)) return false
        for (const k in u) if (Object.hasOwn(u, k) && !value(u[k])) return false
        return true
      }
    }
    default:
      return exact(c)
  }
}
