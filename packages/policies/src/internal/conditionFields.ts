/**
 * The fields of a custom condition document that read an event's `data`
 * (`outcome`, `action`, `sameReport`…), and what each may hold for the
 * condition's event types, derived from the payload codecs of `@docket/core`
 * (`Event.DATA_CODECS`): a field applies to the types whose payload names the
 * field it reads, and takes the values that payload's codec lists (the keys
 * of a `t.keyof`, the members of a union of literals; an open string takes
 * any). A value no event of those types can carry, or a field on a type that
 * has none, made a condition that never matched: the codecs built here refuse
 * both, so `DecodeError` names the path, the value and what is allowed.
 *
 * Not the matching itself (that is `Custom.condition`): only what can match.
 */
import { Event } from '@docket/core'
import * as t from 'io-ts'
import { nonEmpty } from './nonEmpty.js'

// model

/**
 * The payload fields each condition field reads when it is matched: the event's own field, or for
 * `categories` and `jurisdictions` those `categoriesOf` and `jurisdictionsOf` (`eventScope.ts`) read, for
 * `allegesMinor` a report's claims, for `sameReport` and `sameRequest` the ids they compare.
 */
export const READS = {
  categories: ['category', 'categories'],
  jurisdictions: ['jurisdictions', 'jurisdiction'],
  channel: ['channel'],
  outcome: ['outcome'],
  action: ['action'],
  recipient: ['recipient'],
  kind: ['kind'],
  legalBasis: ['legalBasis'],
  to: ['to'],
  allegesMinor: ['claims'],
  sameReport: ['reportId'],
  sameRequest: ['requestId'],
} as const satisfies Readonly<Record<string, ReadonlyArray<string>>>

/** A condition field that reads an event's `data`. */
export type Field = keyof typeof READS

// codec walking

/** The parts of io-ts' codec classes read here (each class sets `_tag`). */
interface Node {
  readonly _tag?: string
  readonly props?: t.Props
  readonly types?: ReadonlyArray<t.Mixed>
  readonly type?: t.Mixed
  readonly keys?: Readonly<Record<string, unknown>>
  readonly value?: unknown
}

const node = (c: t.Mixed): Node => c as unknown as Node

/** The fields an object codec names (through intersections and refinements), with their codecs. */
const fieldsOf = (c: t.Mixed): t.Props => {
  const n = node(c)
  switch (n._tag) {
    case 'InterfaceType':
    case 'PartialType':
      return n.props ?? {}
    case 'IntersectionType':
      return Object.assign({}, ...(n.types ?? []).map(fieldsOf))
    case 'RefinementType':
    case 'ExactType':
    case 'ReadonlyType':
      return n.type === undefined ? {} : fieldsOf(n.type)
    default:
      return {}
  }
}

/** The values a field codec lists (of an array, its items'), or `undefined` when it takes any. */
const valuesOf = (c: t.Mixed): ReadonlyArray<string> | undefined => {
  const n = node(c)
  switch (n._tag) {
    case 'KeyofType':
      return Object.keys(n.keys ?? {})
    case 'LiteralType':
      return typeof n.value === 'string' ? [n.value] : undefined
    case 'ArrayType':
    case 'ReadonlyArrayType':
      return n.type === undefined ? undefined : valuesOf(n.type)
    case 'UnionType': {
      const members = (n.types ?? []).map(valuesOf)
      return members.every((m) => m !== undefined) ? members.flat() : undefined
    }
    default:
      return undefined
  }
}

/** Of one event type, the codecs of the payload fields `field` reads (empty: it does not apply). */
const readBy = (type: string, field: Field): ReadonlyArray<t.Mixed> => {
  if (!Event.isEventType(type)) return []
  const fields = fieldsOf(Event.DATA_CODECS[type])
  return READS[field].flatMap((name) => (Object.hasOwn(fields, name) ? [fields[name]!] : []))
}

/** The values `field` may hold on events of `type`, or `undefined` when any value of its kind. */
const valuesFor = (type: string, field: Field): ReadonlyArray<string> | undefined => {
  const lists = readBy(type, field).map(valuesOf)
  return lists.every((l) => l !== undefined) ? [...new Set(lists.flat())] : undefined
}

// codecs

/** Event types that carry a field, with the values it takes there (`undefined`: any of its kind). */
export interface Applicability {
  readonly types: ReadonlyArray<string>
  readonly values: ReadonlyArray<string> | undefined
}

/** Where `field` applies: the event types that have it, grouped by the values it takes. */
export const appliesTo = (field: Field): ReadonlyArray<Applicability> => {
  const groups = new Map<string, { types: string[]; values: ReadonlyArray<string> | undefined }>()
  for (const type of Event.EVENT_TYPES) {
    if (readBy(type, field).length === 0) continue
    const values = valuesFor(type, field)
    const key = values === undefined ? '' : values.join(', ')
    const group = groups.get(key) ?? { types: [], values }
    group.types.push(type)
    groups.set(key, group)
  }
  return [...groups.values()]
}

/** Where `field` applies, in words: each type that has it, grouped by the values it takes. */
const whereItApplies = (field: Field): string =>
  appliesTo(field)
    .map((g) => `${g.types.join(', ')}${g.values === undefined ? '' : `: ${g.values.join(', ')}`}`)
    .join('; ')

/**
 * The Markdown table of which condition field applies to which event types, with the values each
 * takes there, as `docs/policies/custom.md` shows it (a test keeps the page equal to it).
 */
export const markdownTable = (): string =>
  [
    '| field | event types | values |',
    '|---|---|---|',
    ...(Object.keys(READS) as Field[]).flatMap((field) =>
      appliesTo(field).map(
        (g) =>
          `| \`${field}\` | ${g.types.join(', ')} | ${g.values === undefined ? '—' : g.values.map((v) => `\`${v}\``).join(', ')} |`,
      ),
    ),
  ].join('\n')

/**
 * A codec that refuses any value: `field` is on none of `missing` (of the condition's `types`), so
 * the condition could never match them.
 */
const refused = (field: Field, types: ReadonlyArray<string>, missing: ReadonlyArray<string>): t.Mixed => {
  const own = missing.some((m) => !Event.isEventType(m))
    ? ' (conditions read no field of a platform’s own event type)'
    : ''
  const split =
    missing.length < types.length ? `; give ${missing.join(', ')} a condition of its own under any` : ''
  const name =
    `no ${field} (it does not apply to ${missing.join(', ')}${own}); ` +
    `${field} applies to ${whereItApplies(field)}${split}`
  return new t.Type<unknown, unknown, unknown>(name, (_u): _u is unknown => false, t.failure, t.identity)
}

/**
 * The codecs of the condition fields of {@link READS} for a condition on events of `types`: a
 * field that some of the types do not have is refused; one whose payload codecs list values is an
 * array of those values (any of the types' values); any other keeps its codec from `open`.
 */
export const codecs = (
  types: ReadonlyArray<string>,
  open: Readonly<Record<Field, t.Mixed>>,
): Readonly<Record<Field, t.Mixed>> => {
  const out: Partial<Record<Field, t.Mixed>> = {}
  for (const field of Object.keys(READS) as Field[]) {
    const missing = types.filter((type) => readBy(type, field).length === 0)
    if (missing.length > 0) {
      out[field] = refused(field, types, missing)
      continue
    }
    const lists = types.map((type) => valuesFor(type, field))
    out[field] = lists.every((l) => l !== undefined)
      ? nonEmpty(t.keyof(Object.fromEntries(lists.flat().map((v) => [v, null])), field))
      : open[field]
  }
  return out as Record<Field, t.Mixed>
}
