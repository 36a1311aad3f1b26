/**
 * Reading an io-ts codec as the field tables of docs/events.md: the type of a value in words, the
 * fields of an object codec (merging the members of a union of objects, and saying a refined object's
 * rule from `ONE_OF`), and every row of a codec with each nested field after its parent; and the
 * enumerations the codecs use. Not the page around the tables (`eventsPage`), nor the words it reads
 * (`eventsPageWords`). Documentation support: not part of the public API.
 */
import type * as t from 'io-ts'
import { NOTES, ONE_OF, REFINEMENTS } from './eventsPageWords.js'

// model

/** An io-ts codec, with the `_tag` its kind is read from. */
export type Any = t.Any & { readonly _tag?: string }

/** One row of a field table: a dotted path under `data` (or the envelope). */
export interface Row {
  readonly path: string
  readonly type: string
  readonly required: string
  readonly personal: boolean
  readonly note: string
}

/** A field of an object codec, before it is turned into rows. */
interface Field {
  readonly name: string
  readonly codec: Any
  readonly required: string
}

/** How a page names types: enumerations that more than one field uses are named, and listed once at the end. */
export interface Context {
  readonly shared: ReadonlySet<string>
}

/** Where rows are written: the notes' scope (`envelope` or the event type) and its personal paths. */
export interface Scope {
  readonly name: string
  readonly personal: ReadonlySet<string>
  /** The keys of `NOTES` read so far (a note no row reads describes a field that is gone). */
  readonly notesRead: Set<string>
}

// operations

/** A value in Markdown code. */
export const code = (s: string): string => `\`${s}\``

/** GitHub's heading anchor. */
export const anchor = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-')

const isObject = (c: Any): boolean =>
  c._tag === 'InterfaceType' ||
  c._tag === 'PartialType' ||
  (c._tag === 'IntersectionType' && (c as unknown as t.IntersectionType<Any[]>).types.every(isObject)) ||
  (c._tag === 'UnionType' && (c as unknown as t.UnionType<Any[]>).types.every(isObject))

const membersOf = (c: Any): ReadonlyArray<Any> => (c as unknown as t.UnionType<Any[]>).types
const itemOf = (c: Any): Any => (c as unknown as t.ArrayType<Any>).type
const valuesOf = (c: Any): ReadonlyArray<string> =>
  Object.keys((c as unknown as t.KeyofType<Record<string, unknown>>).keys)

/** The type of a value, in words; objects say "object" and their fields get rows of their own. */
const describe = (ctx: Context, c: Any): string => {
  switch (c._tag) {
    case 'StringType':
      return 'string'
    case 'NumberType':
      return 'number'
    case 'BooleanType':
      return 'boolean'
    case 'AnyDictionaryType':
      return 'object'
    case 'LiteralType':
      return code(JSON.stringify((c as unknown as t.LiteralType<string>).value))
    case 'KeyofType':
      return ctx.shared.has(c.name)
        ? `[${c.name}](#${anchor(c.name)})`
        : `one of ${valuesOf(c).map(code).join(', ')}`
    case 'RefinementType': {
      const words = REFINEMENTS[c.name]
      if (words === undefined) throw new Error(`no words for the refinement ${c.name}: add it to REFINEMENTS`)
      return words
    }
    case 'ArrayType':
      return `array of ${describe(ctx, itemOf(c))}`
    case 'DictionaryType': {
      const d = c as unknown as t.DictionaryType<Any, Any>
      return `object: any ${describe(ctx, d.domain)} keys, ${describe(ctx, d.codomain)} values`
    }
  }
  if (isObject(c)) return 'object'
  if (c._tag === 'UnionType')
    return membersOf(c)
      .map((m) => describe(ctx, m))
      .join(', or ')
  throw new Error(`no words for the codec ${c.name} (${c._tag}): teach describe in codecRows.ts`)
}

/** The fields of an object codec, in declaration order; the members of a union of objects are merged. */
const fields = (ctx: Context, c: Any): ReadonlyArray<Field> => {
  switch (c._tag) {
    case 'InterfaceType':
    case 'PartialType': {
      const props = (c as unknown as t.InterfaceType<Record<string, Any>>).props
      const required = c._tag === 'InterfaceType' ? 'yes' : 'no'
      return Object.entries(props).map(([name, codec]) => ({ name, codec, required }))
    }
    case 'IntersectionType':
      return (c as unknown as t.IntersectionType<Any[]>).types.flatMap((m) => fields(ctx, m))
    case 'RefinementType': {
      // an object with a rule across its fields, which the codec cannot show: say it from ONE_OF
      const alternatives = ONE_OF[c.name]
      if (alternatives === undefined) throw new Error(`${c.name}: a refined object; say its rule in ONE_OF`)
      const inner = fields(ctx, (c as unknown as t.RefinementType<Any>).type)
      return inner.map((f) =>
        alternatives.includes(f.name) ? { ...f, required: `one of ${alternatives.map(code).join(', ')}` } : f,
      )
    }
    case 'UnionType': {
      // `{ a, b } | { a, c }`: `a` as the members say, and "one of `b`, `c`" for the others
      const members = membersOf(c).map((m) => fields(ctx, m))
      const names = [...new Set(members.flatMap((m) => m.map((f) => f.name)))]
      const inAll = (n: string): boolean => members.every((m) => m.some((f) => f.name === n))
      const alternatives = names.filter((n) => !inAll(n))
      return names.map((name) => {
        const each = members.flatMap((m) => m.filter((f) => f.name === name))
        if (new Set(each.map((f) => describe(ctx, f.codec))).size > 1)
          throw new Error(`${c.name}: its members disagree on the type of ${name}`)
        const required = !inAll(name)
          ? `one of ${alternatives.map(code).join(', ')}`
          : each.every((f) => f.required === 'yes')
            ? 'yes'
            : 'no'
        return { name, codec: each[0]!.codec, required }
      })
    }
  }
  throw new Error(`not an object codec: ${c.name}`)
}

/** The object inside a field (an object, an array of objects, a union with one object member), if any. */
const inner = (c: Any): { readonly codec: Any; readonly suffix: string } | undefined => {
  if (isObject(c)) return { codec: c, suffix: '' }
  if (c._tag === 'ArrayType') {
    const item = inner(itemOf(c))
    return item && { codec: item.codec, suffix: `[]${item.suffix}` }
  }
  if (c._tag === 'UnionType') {
    const objects = membersOf(c).filter(isObject)
    if (objects.length > 1) throw new Error(`${c.name}: a union of values and several objects`)
    return objects[0] && { codec: objects[0], suffix: '' }
  }
  return undefined
}

/** Every row of an object codec, each nested field after its parent. */
export const rows = (ctx: Context, scope: Scope, c: Any, prefix = ''): ReadonlyArray<Row> =>
  fields(ctx, c).flatMap((f) => {
    const path = `${prefix}${f.name}`
    const key = `${scope.name}.${path}`
    if (Object.hasOwn(NOTES, key)) scope.notesRead.add(key)
    const row: Row = {
      path,
      type: describe(ctx, f.codec),
      required: f.required,
      personal: scope.personal.has(path),
      note: NOTES[key] ?? '',
    }
    const nested = inner(f.codec)
    return nested ? [row, ...rows(ctx, scope, nested.codec, `${path}${nested.suffix}.`)] : [row]
  })

/** Every enumeration the codecs use, by name: its values and how many fields use it. */
export const enumerations = (
  codecs: ReadonlyArray<Any>,
): ReadonlyMap<string, { readonly uses: number; readonly values: ReadonlyArray<string> }> => {
  const found = new Map<string, { uses: number; values: ReadonlyArray<string> }>()
  const none: Context = { shared: new Set() }
  const visit = (c: Any): void => {
    if (c._tag === 'KeyofType') {
      const e = found.get(c.name)
      found.set(c.name, { uses: (e?.uses ?? 0) + 1, values: valuesOf(c) })
    } else if (c._tag === 'ArrayType') visit(itemOf(c))
    else if (c._tag === 'DictionaryType') visit((c as unknown as t.DictionaryType<Any, Any>).codomain)
    else if (isObject(c)) for (const f of fields(none, c)) visit(f.codec)
    else if (c._tag === 'UnionType') membersOf(c).forEach(visit)
  }
  codecs.forEach(visit)
  return found
}
