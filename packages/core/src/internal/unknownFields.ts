/**
 * Unknown fields, found by walking an io-ts codec beside the value it
 * decodes. io-ts' `t.type` and `t.partial` accept and ignore keys they do not
 * name, so a typo in configuration (`ackWithin` for `acknowledgeWithin`) would
 * be a silent no-op; this walk reports every such key, at any depth, with its
 * full path. Records (`t.record`) are open maps by design: any key is allowed
 * there, and their values are walked. Of a union, the first member that
 * decodes the value is walked (the member io-ts itself picks).
 *
 * This is a check beside the decoder, not a decoder: it reports nothing for a
 * value the codec rejects on its own (the decode error says why).
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import type * as DecodeError from '../DecodeError.js'

/** The parts of io-ts' codec classes this walk reads (each class sets `_tag`). */
interface Node {
  readonly _tag?: string
  readonly props?: t.Props
  readonly types?: ReadonlyArray<t.Mixed>
  readonly type?: t.Mixed
  readonly codomain?: t.Mixed
}

const node = (type: t.Mixed): Node => type as unknown as Node

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u)

/** The fields an object codec names, or `undefined` when the codec is not a closed object. */
const fieldsOf = (type: t.Mixed): t.Props | undefined => {
  const n = node(type)
  switch (n._tag) {
    case 'InterfaceType':
    case 'PartialType':
    case 'StrictType':
      return n.props
    case 'ExactType':
    case 'RefinementType':
    case 'ReadonlyType':
      return n.type === undefined ? undefined : fieldsOf(n.type)
    case 'IntersectionType': {
      const parts = (n.types ?? []).map(fieldsOf)
      return parts.every((p) => p !== undefined) ? Object.assign({}, ...parts) : undefined
    }
    default:
      return undefined
  }
}

const walk = (type: t.Mixed, u: unknown, path: ReadonlyArray<string>, out: DecodeError.Issue[]): void => {
  const fields = fieldsOf(type)
  if (fields !== undefined) {
    if (!isRecord(u)) return
    for (const [key, value] of Object.entries(u)) {
      const field = Object.hasOwn(fields, key) ? fields[key] : undefined
      if (field === undefined) {
        out.push({
          path: [...path, key].join('.'),
          value,
          expected: `no such field (known: ${Object.keys(fields).join(', ')})`,
        })
      } else walk(field, value, [...path, key], out)
    }
    return
  }
  const n = node(type)
  switch (n._tag) {
    case 'UnionType': {
      const member = (n.types ?? []).find((m) => E.isRight(m.decode(u)))
      if (member !== undefined) walk(member, u, path, out)
      return
    }
    case 'ArrayType':
    case 'ReadonlyArrayType':
      if (Array.isArray(u) && n.type !== undefined) {
        for (let i = 0; i < u.length; i++) walk(n.type, u[i], [...path, String(i)], out)
      }
      return
    case 'DictionaryType':
      if (isRecord(u) && n.codomain !== undefined) {
        for (const [key, value] of Object.entries(u)) walk(n.codomain, value, [...path, key], out)
      }
      return
    case 'RefinementType':
    case 'ReadonlyType':
    case 'RecursiveType':
      if (n.type !== undefined) walk(n.type, u, path, out)
      return
    default:
      return
  }
}

/**
 * Every key of `u`, at any depth, that `codec` does not name, as decode issues with dotted
 * paths (`escalation.ladder.0.ackWithin`); empty when there is none.
 */
export const unknownFields = (codec: t.Mixed, u: unknown): ReadonlyArray<DecodeError.Issue> => {
  const out: DecodeError.Issue[] = []
  walk(codec, u, [], out)
  return out
}
