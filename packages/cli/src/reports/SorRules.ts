/**
 * The EU DSA Transparency Database's validation rules for a statement of
 * reasons, read at run time from `assets/dsa-sor-rules.json` (compiled from
 * the database's own source: `StatementStoreRequest.php`, `Statement.php`,
 * …), and a validator built from them: field types, enumerations, lengths,
 * patterns, date bounds, and the cross-field rules. A cross-field rule the
 * validator does not know makes `load` fail, so a newer rules file cannot be
 * half-applied silently.
 *
 * This mirrors the server's checks so that Docket never writes or submits a
 * statement the database would reject; it is not the server.
 */
import * as fs from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'

// model

/** One field's rules as the rules file states them. */
export interface FieldRule {
  readonly required: boolean | 'conditional'
  readonly type: string
  readonly nullable?: boolean
  readonly enum?: ReadonlyArray<string>
  readonly maxLength?: number
  readonly minItems?: number
  readonly pattern?: string
  readonly format?: string
  readonly minimum?: string
  readonly maximum?: string
}

/** The rules file. */
export interface Rules {
  readonly fields: Readonly<Record<string, FieldRule>>
  readonly cross_field_rules: ReadonlyArray<{ readonly id: string; readonly enforced?: boolean }>
  readonly enums: Readonly<Record<string, Readonly<Record<string, string>>>>
  readonly source: { readonly repository: string; readonly snapshot_commit: string }
}

/** A statement of reasons: field name to value. */
export type Statement = Readonly<Record<string, unknown>>

/** One rule a statement breaks. */
export interface Violation {
  readonly field: string
  readonly rule: string
  readonly message: string
}

/** The rules file cannot be used. */
export interface RulesError {
  readonly _tag: 'RulesError'
  readonly message: string
}

// internal

/** Cross-field rules this validator implements (by the rules file's ids). */
export const KNOWN_CROSS_FIELD_RULES = [
  'at_least_one_restriction',
  'visibility_other',
  'monetary_other',
  'content_type_other',
  'ground_illegal',
  'ground_incompatible',
  'source_voluntary',
  'keyword_other',
  'category_addition_dedupe',
  'date_bounds',
  'end_date_vs_application_date',
  'content_date_vs_application_date',
  'puid_unique_per_platform',
] as const

/** A text the database takes as missing: none, or only white space (its `required` trims strings). */
export const isBlank = (v: string | null | undefined): boolean =>
  v === undefined || v === null || v.trim() === ''

const absent = (v: unknown): boolean =>
  v === undefined ||
  v === null ||
  (typeof v === 'string' && isBlank(v)) ||
  (Array.isArray(v) && v.length === 0)

/** A text's length as the database counts it (`max:N` counts characters, not UTF-16 units). */
const characters = (v: string): number => {
  let n = 0
  for (const _ of v) n++
  return n
}

const isDate = (s: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

const isUrl = (s: string): boolean => {
  try {
    const u = new URL(s)
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.includes('.')
  } catch {
    return false
  }
}

// constructors

/** The path of the rules file shipped with the package. */
export const defaultPath = (): URL => new URL('../../assets/dsa-sor-rules.json', import.meta.url)

/** Reads and checks a rules file. */
export const load = (file: string | URL = defaultPath()): E.Either<RulesError, Rules> => {
  let rules: Rules
  try {
    rules = JSON.parse(fs.readFileSync(file, 'utf8')) as Rules
  } catch (e) {
    return E.left({
      _tag: 'RulesError',
      message: `cannot read ${String(file)}: ${e instanceof Error ? e.message : String(e)}`,
    })
  }
  if (typeof rules.fields !== 'object' || !Array.isArray(rules.cross_field_rules))
    return E.left({ _tag: 'RulesError', message: 'rules file lacks fields or cross_field_rules' })
  const unknown = rules.cross_field_rules
    .map((r) => r.id)
    .filter((id) => !(KNOWN_CROSS_FIELD_RULES as ReadonlyArray<string>).includes(id))
  if (unknown.length > 0)
    return E.left({ _tag: 'RulesError', message: `unsupported cross-field rules: ${unknown.join(', ')}` })
  return E.right(rules)
}

let cached: Rules | undefined

/** The shipped rules (read once); throws if the shipped file is broken, which is a bug. */
export const shipped = (): Rules => {
  if (cached === undefined) {
    const r = load()
    if (E.isLeft(r)) throw new Error(r.left.message)
    cached = r.right
  }
  return cached
}

// operations

const checkField = (name: string, rule: FieldRule, v: unknown, out: Violation[]): void => {
  const bad = (r: string, message: string): void => {
    out.push({ field: name, rule: r, message: `${name}: ${message}` })
  }
  if (v === undefined) return
  if (v === null) {
    if (rule.nullable !== true) bad('nullable', 'may not be null (omit it instead)')
    return
  }
  if (rule.type === 'string') {
    if (typeof v !== 'string') {
      bad('type', 'must be a string')
      return
    }
    if (rule.maxLength !== undefined && v.length > rule.maxLength && characters(v) > rule.maxLength)
      bad('maxLength', `longer than ${rule.maxLength}`)
    if (rule.enum && !rule.enum.includes(v))
      bad('enum', `${JSON.stringify(v)} is not one of the allowed values`)
    if (rule.pattern && !new RegExp(rule.pattern).test(v)) bad('pattern', `does not match ${rule.pattern}`)
    if (rule.format?.startsWith('date')) {
      if (!isDate(v)) bad('format', 'must be a date Y-m-d')
      else {
        if (rule.minimum && v < rule.minimum) bad('minimum', `before ${rule.minimum}`)
        if (rule.maximum && v > rule.maximum) bad('maximum', `after ${rule.maximum}`)
      }
    }
    if (rule.format === 'url' && !isUrl(v)) bad('format', 'must be a URL')
    return
  }
  if (rule.type === 'array<string>') {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      bad('type', 'must be an array of strings')
      return
    }
    if (rule.minItems !== undefined && v.length < rule.minItems)
      bad('minItems', `needs at least ${rule.minItems}`)
    if (rule.enum)
      for (const x of v as string[])
        if (!rule.enum.includes(x)) bad('enum', `${JSON.stringify(x)} is not allowed`)
    if (new Set(v).size !== v.length) bad('unique', 'has duplicates')
    return
  }
  if (rule.type === 'object') {
    if (typeof v !== 'object' || Array.isArray(v)) {
      bad('type', 'must be an object')
      return
    }
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k !== 'EAN-13') bad('content_id', `key ${k} is not accepted (only EAN-13)`)
      else if (typeof x !== 'string' || !/^[0-9]{13}$/.test(x)) bad('pattern', 'EAN-13 must be 13 digits')
    }
  }
}

/** Every rule a statement breaks (empty when the database would accept it). */
export const validate = (s: Statement, rules: Rules = shipped()): ReadonlyArray<Violation> => {
  const out: Violation[] = []
  const f = rules.fields
  for (const k of Object.keys(s))
    if (!(k in f)) out.push({ field: k, rule: 'unknown', message: `${k}: not a field of the API` })
  for (const [name, rule] of Object.entries(f)) {
    if (rule.required === true && absent(s[name]))
      out.push({ field: name, rule: 'required', message: `${name}: required` })
    checkField(name, rule, s[name], out)
  }
  const req = (field: string, rule: string, why: string): void => {
    if (absent(s[field])) out.push({ field, rule, message: `${field}: required when ${why}` })
  }
  const excl = (field: string, rule: string, why: string): void => {
    if (s[field] !== undefined) out.push({ field, rule, message: `${field}: must be omitted unless ${why}` })
  }
  const has = (field: string, value: string): boolean =>
    Array.isArray(s[field]) && (s[field] as unknown[]).includes(value)
  for (const { id, enforced } of rules.cross_field_rules) {
    switch (id) {
      case 'at_least_one_restriction':
        if (
          ['decision_visibility', 'decision_monetary', 'decision_provision', 'decision_account'].every((k) =>
            absent(s[k]),
          )
        )
          out.push({
            field: 'decision_visibility',
            rule: id,
            message:
              'at least one of decision_visibility, decision_monetary, decision_provision, decision_account is required',
          })
        break
      case 'visibility_other':
        if (has('decision_visibility', 'DECISION_VISIBILITY_OTHER'))
          req('decision_visibility_other', id, 'decision_visibility has DECISION_VISIBILITY_OTHER')
        else excl('decision_visibility_other', id, 'decision_visibility has DECISION_VISIBILITY_OTHER')
        break
      case 'monetary_other':
        if (s.decision_monetary === 'DECISION_MONETARY_OTHER')
          req('decision_monetary_other', id, 'decision_monetary is DECISION_MONETARY_OTHER')
        else excl('decision_monetary_other', id, 'decision_monetary is DECISION_MONETARY_OTHER')
        break
      case 'content_type_other':
        if (has('content_type', 'CONTENT_TYPE_OTHER'))
          req('content_type_other', id, 'content_type has CONTENT_TYPE_OTHER')
        else excl('content_type_other', id, 'content_type has CONTENT_TYPE_OTHER')
        break
      case 'ground_illegal':
        if (s.decision_ground === 'DECISION_GROUND_ILLEGAL_CONTENT') {
          req('illegal_content_legal_ground', id, 'the ground is illegal content')
          req('illegal_content_explanation', id, 'the ground is illegal content')
        } else {
          excl('illegal_content_legal_ground', id, 'the ground is illegal content')
          excl('illegal_content_explanation', id, 'the ground is illegal content')
        }
        break
      case 'ground_incompatible':
        if (s.decision_ground === 'DECISION_GROUND_INCOMPATIBLE_CONTENT') {
          req('incompatible_content_ground', id, 'the ground is incompatible content')
          req('incompatible_content_explanation', id, 'the ground is incompatible content')
        } else {
          excl('incompatible_content_ground', id, 'the ground is incompatible content')
          excl('incompatible_content_explanation', id, 'the ground is incompatible content')
          excl('incompatible_content_illegal', id, 'the ground is incompatible content')
        }
        break
      case 'source_voluntary':
        if (s.source_type === 'SOURCE_VOLUNTARY') excl('source_identity', id, 'the source is a notice')
        break
      case 'keyword_other':
        if (!has('category_specification', 'KEYWORD_OTHER'))
          excl('category_specification_other', id, 'category_specification has KEYWORD_OTHER')
        break
      case 'category_addition_dedupe':
        if (has('category_addition', String(s.category)))
          out.push({
            field: 'category_addition',
            rule: id,
            message: 'category_addition: must not repeat category',
          })
        break
      case 'end_date_vs_application_date':
        // documented but not enforced by the server: enforced here, as the rules file recommends
        for (const k of Object.keys(f).filter((k) => k.startsWith('end_date_')))
          if (
            typeof s[k] === 'string' &&
            typeof s.application_date === 'string' &&
            (s[k] as string) < s.application_date
          )
            out.push({
              field: k,
              rule: id,
              message: `${k}: before application_date${enforced === false ? ' (checked client-side)' : ''}`,
            })
        break
      case 'content_date_vs_application_date':
        if (
          typeof s.content_date === 'string' &&
          typeof s.application_date === 'string' &&
          s.content_date > s.application_date
        )
          out.push({
            field: 'content_date',
            rule: id,
            message: 'content_date: after application_date (checked client-side)',
          })
        break
      default:
        // date_bounds: per field above; puid_unique_per_platform: see validateAll
        break
    }
  }
  return out
}

/** Validates a batch, adding the per-platform uniqueness of `puid`. */
export const validateAll = (
  statements: ReadonlyArray<Statement>,
  rules: Rules = shipped(),
): ReadonlyArray<{ readonly index: number; readonly violations: ReadonlyArray<Violation> }> => {
  const seen = new Set<string>()
  const out: Array<{ index: number; violations: ReadonlyArray<Violation> }> = []
  statements.forEach((s, index) => {
    const v = [...validate(s, rules)]
    const puid = String(s.puid)
    if (seen.has(puid))
      v.push({ field: 'puid', rule: 'puid_unique_per_platform', message: `puid: ${puid} repeated` })
    seen.add(puid)
    if (v.length > 0) out.push({ index, violations: v })
  })
  return out
}
