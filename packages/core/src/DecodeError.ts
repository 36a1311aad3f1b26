/**
 * Decoding failures as values: each issue names the field path, the value
 * found and what was expected, in words a person reading an import log can
 * act on. This replaces io-ts' raw error output at every boundary.
 */
import type * as t from 'io-ts'
import { MAX_AGE } from './Event.js'
import * as Jurisdiction from './Jurisdiction.js'
import * as Timestamp from './Timestamp.js'

// model

/** One thing wrong with a decoded value. */
export interface Issue {
  /** Dotted path from the root, such as `data.content.kind` or `data.jurisdictions.0`. */
  readonly path: string
  /** The value found; when {@link Issue.withheld}, a description of its shape instead (`an array of 2 items`). */
  readonly value: unknown
  readonly expected: string
  /** The value may hold personal data: `value` describes its shape, and messages never quote it. */
  readonly withheld?: true
}

/** A value that did not decode. `line` is set for JSON Lines input. */
export interface DecodeError {
  readonly _tag: 'DecodeError'
  readonly issues: ReadonlyArray<Issue>
  readonly line?: number
}

// constructors

/** A decode error with the given issues. */
export const make = (issues: ReadonlyArray<Issue>, line?: number): DecodeError =>
  line === undefined ? { _tag: 'DecodeError', issues } : { _tag: 'DecodeError', issues, line }

/** A decode error with one issue. */
export const single = (path: string, value: unknown, expected: string): DecodeError =>
  make([{ path, value, expected }])

/** The same error, tagged with the line of input it came from. */
export const atLine = (e: DecodeError, line: number): DecodeError => make(e.issues, line)

/** Orders errors by their line (an error without one first), as reports of a file list them. */
export const byLine = (a: DecodeError, b: DecodeError): number => (a.line ?? 0) - (b.line ?? 0)

/** The same error with every path prefixed (for nested decoding). */
export const prefixed = (e: DecodeError, prefix: string): DecodeError =>
  make(
    e.issues.map((i) => ({ ...i, path: i.path === '' ? prefix : `${prefix}.${i.path}` })),
    e.line,
  )

// operations

const FRIENDLY: Readonly<Record<string, string>> = {
  IsoTimestamp: 'an ISO-8601 timestamp with offset, such as 2020-01-28T09:14:00-08:00',
  IsoDuration: 'an ISO-8601 duration, such as PT48H or P90D',
  NonZeroDuration: 'an ISO-8601 duration of whole numbers, longer than zero, such as PT48H or P90D',
  Jurisdiction: 'an officially assigned ISO 3166-1 alpha-2 country code, such as US or GB',
  Jurisdictions:
    'at least one ISO 3166-1 alpha-2 country code, such as ["US"] (the reporter\'s country at least)',
  DeadlineExtended: 'exactly one of until (an instant) and by (an ISO-8601 duration)',
  Id: 'a non-empty string without NUL (U+0000) or unpaired surrogates',
  Level: 'an integer ≥ 1',
  SchemaVersion: 'an integer ≥ 1',
  TimeZone: 'an IANA time zone, such as Europe/Paris, or a fixed offset within ±18:00, such as UTC+02:00',
  UnknownRecord: 'an object',
  Int: 'an integer',
  Count: 'an integer ≥ 0, at most 2^53 − 1 (9007199254740991: a larger one is not read exactly)',
  Age: `an age in years, a number from 0 to ${MAX_AGE}`,
  Threshold: 'an integer ≥ 1',
  Rate: 'a number > 0',
  RepeatReportThresholds: 'integers ≥ 1, each greater than the one before, such as [10, 100, 1000]',
  WarningFraction: 'a fraction of the time allowed, more than 0 and less than 1 (0.9 is 90 %)',
}

// Likely mistakes, by codec name: a note on the value found (`UK`: the United Kingdom is `GB`).
const CORRECTIONS: Readonly<Record<string, (value: unknown) => string | undefined>> = {
  Jurisdiction: Jurisdiction.correction,
  IsoTimestamp: Timestamp.correction,
  DeadlineExtended: (value) => {
    if (typeof value !== 'object' || value === null) return undefined
    const d = value as { readonly until?: unknown; readonly by?: unknown }
    return d.until !== undefined && d.by !== undefined ? 'both were given: keep one' : undefined
  },
}

/** The parts of io-ts' codec classes {@link tagValues} reads. */
interface Node {
  readonly _tag?: string
  readonly props?: Readonly<Record<string, Node>>
  readonly types?: ReadonlyArray<Node>
  readonly type?: Node
  readonly value?: unknown
}

/** The literal values a codec's members give the field `tag` (the tags of a tagged union). */
const tagValues = (n: Node, tag: string): ReadonlyArray<string> => {
  switch (n._tag) {
    case 'InterfaceType':
    case 'StrictType': {
      const field = n.props?.[tag]
      return field?._tag === 'LiteralType' ? [String(field.value)] : []
    }
    case 'IntersectionType':
    case 'UnionType':
      return (n.types ?? []).flatMap((m) => tagValues(m, tag))
    case 'ExactType':
    case 'RefinementType':
    case 'ReadonlyType':
      return n.type === undefined ? [] : tagValues(n.type, tag)
    default:
      return []
  }
}

const describe = (type: t.Decoder<unknown, unknown>, value: unknown): string => {
  const tag = (type as { _tag?: string })._tag
  if (tag === 'KeyofType') {
    const keys = Object.keys((type as unknown as { keys: Record<string, unknown> }).keys)
    return `one of ${keys.join(', ')}`
  }
  // a tagged union (io-ts picks the member by a literal field) refuses a value whose tag no member has
  const by = (type as { tag?: unknown }).tag
  if (tag === 'UnionType' && typeof by === 'string') {
    return `an object whose ${by} is one of ${tagValues(type as unknown as Node, by).join(', ')}`
  }
  const expected = FRIENDLY[type.name] ?? type.name
  const correction = Object.hasOwn(CORRECTIONS, type.name) ? CORRECTIONS[type.name]!(value) : undefined
  return correction === undefined ? expected : `${expected} (${correction})`
}

/**
 * Whether the members of a codec's value are entered in the context under an index of the codec's
 * own (an intersection's or union's members, `0`, `1`…), which a path leaves out. A refinement, an
 * exact, readonly or recursive codec validates in its parent's context, so it is looked through.
 */
const addsIndex = (type: t.Decoder<unknown, unknown>): boolean => {
  let node = type as { readonly _tag?: string; readonly type?: t.Decoder<unknown, unknown> }
  for (let depth = 0; depth < 16; depth++) {
    const tag = node._tag
    if (tag === 'IntersectionType' || tag === 'UnionType') return true
    const wraps =
      tag === 'RefinementType' || tag === 'ExactType' || tag === 'ReadonlyType' || tag === 'RecursiveType'
    if (!wraps || node.type === undefined) return false
    node = node.type as typeof node
  }
  return false
}

const render = (value: unknown): string => {
  if (value === undefined) return 'nothing'
  // JSON would write these as null, which is not what was found
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  const json = JSON.stringify(value)
  return json.length > 80 ? `${json.slice(0, 77)}...` : json
}

/** What a value is, without what it says: `a string of 12 characters`, `an array of 1 item`, `an object`. */
const shapeOf = (value: unknown): string => {
  if (typeof value === 'string')
    return `a string of ${[...value].length} character${value.length === 1 ? '' : 's'}`
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`
  if (typeof value === 'object' && value !== null) return 'an object'
  return `a ${typeof value}`
}

/**
 * The same error with the value of every issue that `secret` names (by its path, or by the value
 * itself) replaced by its shape (a string's length, an array's size), so that no message quotes
 * it: for values that may hold personal data. `null`, booleans and missing values carry nothing
 * and stay.
 */
export const withholding = (
  e: DecodeError,
  secret: (path: string, value: unknown) => boolean,
): DecodeError =>
  e.issues.some((i) => i.withheld !== true && secret(i.path, i.value))
    ? make(
        e.issues.map((i) =>
          i.withheld === true ||
          !secret(i.path, i.value) ||
          i.value === undefined ||
          i.value === null ||
          typeof i.value === 'boolean'
            ? i
            : { ...i, value: shapeOf(i.value), withheld: true as const },
        ),
        e.line,
      )
    : e

/** Turns io-ts validation errors into issues with readable paths (first issue per path). */
export const fromValidation = (errors: t.Errors, basePath = ''): DecodeError => {
  const seen = new Set<string>()
  const issues: Issue[] = []
  for (const error of errors) {
    const keys: string[] = basePath === '' ? [] : [basePath]
    const ctx = error.context
    for (let i = 1; i < ctx.length; i++) {
      if (!addsIndex(ctx[i - 1]!.type)) keys.push(ctx[i]!.key)
    }
    const path = keys.join('.')
    if (seen.has(path)) continue
    seen.add(path)
    const last = ctx[ctx.length - 1]
    issues.push({ path, value: error.value, expected: last ? describe(last.type, error.value) : 'a value' })
  }
  return make(issues)
}

/** One line per issue: `line 3: data.content.kind: got "vid", expected one of video, image, …`. */
export const format = (e: DecodeError): string =>
  e.issues
    .map((i) => {
      const where = e.line === undefined ? '' : `line ${e.line}: `
      const got =
        i.withheld === true ? `${String(i.value)} (not shown: it may hold personal data)` : render(i.value)
      return `${where}${i.path === '' ? '(root)' : i.path}: got ${got}, expected ${i.expected}`
    })
    .join('\n')
