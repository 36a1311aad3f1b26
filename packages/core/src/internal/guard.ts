/**
 * Fast guards compiled from io-ts codecs: `compile(codec)` walks the codec
 * once and returns a predicate that says, without allocating, whether
 * `codec.decode(u)` would succeed. It mirrors io-ts' `validate` (not `is`,
 * which differs on missing keys): a `t.type` reads every named key, inherited
 * ones included; a `t.partial` skips `undefined`; a refinement runs its own
 * predicate on a value its base accepts; a union tries its members; and so on.
 * The guard is generated code (every key a constant property load), or nested
 * closures where a content security policy forbids generating code.
 *
 * A guard is a fast path, not a second definition of validity: it is used
 * only to accept, and every value it rejects goes through `decode`, which
 * builds the error. Codecs it does not know (or whose decoded value could
 * differ from the input, such as records with a non-string domain) compile to
 * `decode` itself, so a guard is exact for every codec, only slower on those.
 * `Envelope.property.test.ts` checks guards, `decode` and the codecs agree on
 * generated and mutated events.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'

/** Whether a value would decode. */
export type Guard = (u: unknown) => boolean

type Any = t.Decoder<unknown, unknown> & { readonly _tag?: string }

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  u !== null && typeof u === 'object' && !Array.isArray(u)

/**
 * A primitive, a refinement of one, or an array of such: its decoded value is the input itself (io-ts'
 * `t.array` copies the array only when an item decodes to another value), so a refinement of it can
 * run its predicate on the input.
 */
const primitive = (c: Any): boolean =>
  c._tag === 'StringType' ||
  c._tag === 'NumberType' ||
  c._tag === 'BooleanType' ||
  (c._tag === 'RefinementType' && primitive((c as unknown as t.RefinementC<t.Any>).type as Any)) ||
  (c._tag === 'ArrayType' && primitive((c as unknown as t.ArrayType<t.Any>).type as Any))

const exact =
  (codec: Any): Guard =>
  (u) =>
    E.isRight(codec.decode(u))

/** The guard as nested closures (where generating code is not allowed). */
const closures = (codec: t.Decoder<unknown, unknown>): Guard => {
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
      const base = closures(r.type)
      const predicate = r.predicate as (u: unknown) => boolean
      return (u) => base(u) && predicate(u)
    }
    case 'InterfaceType': {
      const props = (c as unknown as t.InterfaceType<t.Props>).props
      const keys = Object.keys(props)
      const guards = keys.map((k) => closures(props[k]!))
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
      const guards = keys.map((k) => closures(props[k]!))
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
      const guards = (c as unknown as t.IntersectionType<t.Any[]>).types.map(closures)
      if (guards.length === 2) {
        const [a, b] = guards as [Guard, Guard]
        return (u) => a(u) && b(u)
      }
      return (u) => guards.every((g) => g(u))
    }
    case 'UnionType': {
      const guards = (c as unknown as t.UnionType<t.Any[]>).types.map(closures)
      return (u) => guards.some((g) => g(u))
    }
    case 'ArrayType': {
      const item = closures((c as unknown as t.ArrayType<t.Any>).type)
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
      const value = closures(d.codomain)
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

// Generated code: one function per codec, with every key read as a constant property (so V8
// caches each load by the object's shape) and the predicates, sets and nested unions called
// as constants. Only the codec's structure goes into the source, never a value being checked.

/** What generated code refers to: its constants (`c0`, `c1`…) and the next free variable (`v0`…). */
interface Emitter {
  readonly constants: unknown[]
  next: number
}

const TYPEOF: Readonly<Record<string, string>> = {
  StringType: 'string',
  NumberType: 'number',
  BooleanType: 'boolean',
}

const constant = (src: Emitter, value: unknown): string => {
  src.constants.push(value)
  return `c${src.constants.length - 1}`
}

const fresh = (src: Emitter): string => `v${src.next++}`

const isRecordSource = (v: string): string =>
  `(${v} === null || typeof ${v} !== 'object' || Array.isArray(${v}))`

/** Statements that `return false` when the value in variable `v` does not decode. */
const statements = (src: Emitter, codec: Any, v: string): string => {
  switch (codec._tag) {
    case 'StringType':
    case 'NumberType':
    case 'BooleanType':
      return `if (typeof ${v} !== '${TYPEOF[codec._tag]}') return false;\n`
    case 'UnknownType':
      return ''
    case 'AnyDictionaryType':
      return `if ${isRecordSource(v)} return false;\n`
    case 'AnyArrayType':
      return `if (!Array.isArray(${v})) return false;\n`
    case 'KeyofType': {
      const keys = constant(
        src,
        new Set(Object.keys((codec as unknown as t.KeyofType<Record<string, unknown>>).keys)),
      )
      return `if (typeof ${v} !== 'string' || !${keys}.has(${v})) return false;\n`
    }
    case 'RefinementType': {
      const r = codec as unknown as t.RefinementC<t.Any>
      if (!primitive(r.type as Any)) break
      return `${statements(src, r.type as Any, v)}if (!${constant(src, r.predicate)}(${v})) return false;\n`
    }
    case 'InterfaceType':
    case 'PartialType': {
      const props = (codec as unknown as t.InterfaceType<t.Props>).props
      let out = `if ${isRecordSource(v)} return false;\n`
      for (const k of Object.keys(props)) {
        const p = fresh(src)
        const check = statements(src, props[k] as Any, p)
        out += `const ${p} = ${v}[${JSON.stringify(k)}];\n`
        out += codec._tag === 'InterfaceType' ? check : `if (${p} !== undefined) {\n${check}}\n`
      }
      return out
    }
    case 'IntersectionType':
      return (codec as unknown as t.IntersectionType<t.Any[]>).types
        .map((c) => statements(src, c as Any, v))
        .join('')
    case 'UnionType': {
      const members = (codec as unknown as t.UnionType<t.Any[]>).types.map((c) => constant(src, compile(c)))
      return `if (!(${members.map((m) => `${m}(${v})`).join(' || ')})) return false;\n`
    }
    case 'ArrayType': {
      const i = fresh(src)
      const item = fresh(src)
      const check = statements(src, (codec as unknown as t.ArrayType<t.Any>).type as Any, item)
      return `if (!Array.isArray(${v})) return false;\nfor (let ${i} = 0; ${i} < ${v}.length; ${i}++) {\nconst ${item} = ${v}[${i}];\n${check}}\n`
    }
    case 'DictionaryType': {
      const d = codec as unknown as t.DictionaryType<t.Any, t.Any>
      if ((d.domain as Any)._tag !== 'StringType') break
      const k = fresh(src)
      const value = fresh(src)
      const check = statements(src, d.codomain as Any, value)
      return `if ${isRecordSource(v)} return false;\nfor (const ${k} in ${v}) {\nif (!Object.hasOwn(${v}, ${k})) continue;\nconst ${value} = ${v}[${k}];\n${check}}\n`
    }
  }
  return `if (!${constant(src, exact(codec))}(${v})) return false;\n`
}

const generated = (codec: Any): Guard => {
  const src: Emitter = { constants: [], next: 0 }
  const body = statements(src, codec, 'u')
  const names = src.constants.map((_, i) => `c${i}`)
  const factory = new Function(
    'constants',
    `'use strict';\nconst [${names.join(', ')}] = constants;\nreturn function guard(u) {\n${body}return true;\n};`,
  ) as (constants: ReadonlyArray<unknown>) => Guard
  return factory(src.constants)
}

let canGenerate: boolean | undefined

/** A guard that is true exactly when `codec.decode(u)` is a `Right`. */
export const compile = (codec: t.Decoder<unknown, unknown>): Guard => {
  if (canGenerate !== false) {
    try {
      const g = generated(codec as Any)
      canGenerate = true
      return g
    } catch (e) {
      // a content security policy forbids generating code: the closures check the same way
      if (canGenerate === true || !(e instanceof EvalError)) throw e
      canGenerate = false
    }
  }
  return closures(codec)
}

/** The closure form of {@link compile}, for tests (the form used where code generation is forbidden). */
export const compileClosures = closures
