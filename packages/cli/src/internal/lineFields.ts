/**
 * Line fields: what the reading thread of a replay on worker threads needs of
 * a JSON Lines event (`Partition.Fields`: its case id to route it, its seal and
 * instants for `Partition.lead`, its id for the check of ids across cases),
 * read from the line's text without building
 * its object when the line is written as Docket writes events: with no
 * backslash, its first members plain strings holding the fields, and none of
 * the fields' names later in the line (an `"id"` only in a nested object, as
 * an actor's, is allowed); a seal's `meta`, last in the line, is
 * parsed alone (a fifth of the line). Any other line is parsed
 * (`JSON.parse`), as every line was before: that parse was about a third of
 * the reading thread's CPU, for fields the workers decode again anyway.
 *
 * The scan does not check that the line is JSON: it is exact for every line
 * that is (see {@link scan}), and a line that is not is still decoded by the
 * worker it goes to, whose error (its line number and message) is the same
 * whichever worker reports it. A line that would go to no worker (another
 * machine's partition) must therefore be parsed instead (`Workers.replay`
 * scans only when it routes every line).
 */
import type * as Partition from '../replay/Partition.js'

/** A line's fields read by {@link scan}, or by `JSON.parse` of the line when the scan is unsure. */
export const of = (text: string): Partition.Fields => scan(text) ?? parsed(text)

/** A line's JSON object, or `{}` when it is not one (its worker's decoder says why). */
export const parsed = (text: string): Partition.Fields => {
  try {
    const v: unknown = JSON.parse(text)
    return typeof v === 'object' && v !== null ? (v as Partition.Fields) : {}
  } catch {
    return {}
  }
}

/**
 * The top-level `id`, `caseId`, `occurredAt` and `recordedAt` of a line (absent ones left out), or
 * `undefined` when unsure. For a line that is valid JSON they are those of `JSON.parse(text)`: a
 * line without backslashes has strings that end at their next quote, the members read are the
 * object's first ones (from `{` at the line's start, each `"key":"value"` without whitespace), and
 * no later member can have one of the fields' names when no quoted name of theirs occurs after
 * them, at any depth; for `id`, which nested objects often have (an actor's), at the top level
 * (`{`, `[`, `]` and `}` counted outside strings). When the first `"meta"` after them is `"meta":` followed by a value that
 * alone parses up to the line's last `}`, that value is its top-level `meta` (a nested key's value
 * would be followed by its object's `}` before the line's, and a later top-level `meta` by the
 * members before it): parsed alone, it is returned for its seal (Docket writes `meta` last).
 */
export const scan = (text: string): Partition.Fields | undefined => {
  if (text.charCodeAt(0) !== OPEN_BRACE || text.indexOf('\\') !== -1) return undefined
  let id: string | undefined
  let caseId: string | undefined
  let occurredAt: string | undefined
  let recordedAt: string | undefined
  let i = 1
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return undefined
    const keyEnd = text.indexOf('"', i + 1)
    if (keyEnd < 0 || text.charCodeAt(keyEnd + 1) !== COLON) return undefined
    const name = field(text, i + 1, keyEnd)
    if (text.charCodeAt(keyEnd + 2) !== QUOTE) {
      // a value that is not a string: the plain members end here (a seal's `meta` is read below)
      if (name === 'meta') break
      if (name !== undefined) return undefined
      i = keyEnd + 2
      break
    }
    const valueEnd = text.indexOf('"', keyEnd + 3)
    if (valueEnd < 0) return undefined
    if (name === 'id') id = text.slice(keyEnd + 3, valueEnd)
    else if (name === 'caseId') caseId = text.slice(keyEnd + 3, valueEnd)
    else if (name === 'occurredAt') occurredAt = text.slice(keyEnd + 3, valueEnd)
    else if (name === 'recordedAt') recordedAt = text.slice(keyEnd + 3, valueEnd)
    else if (name === 'meta') return undefined
    const next = text.charCodeAt(valueEnd + 1)
    if (next === CLOSE_BRACE) {
      if (valueEnd + 2 !== text.length) return undefined
      i = text.length
      break
    }
    if (next !== COMMA) return undefined
    i = valueEnd + 2
  }
  FIELD_NAMES.lastIndex = i
  if (FIELD_NAMES.test(text)) return undefined
  if (text.indexOf(ID, i) !== -1 && idAtTop(text, i)) return undefined
  const out: { id?: string; caseId?: string; occurredAt?: string; recordedAt?: string; meta?: unknown } = {}
  if (id !== undefined) out.id = id
  if (caseId !== undefined) out.caseId = caseId
  if (occurredAt !== undefined) out.occurredAt = occurredAt
  if (recordedAt !== undefined) out.recordedAt = recordedAt
  const m = text.indexOf(META, i)
  if (m === -1) return out
  // any `"meta"` (a key written `"meta" :` too) is the seal's only as Docket writes it, last
  const meta = text.startsWith(META_MEMBER, m) ? lastValue(text, m + META_MEMBER.length) : undefined
  if (meta === undefined) return undefined
  out.meta = meta.value
  return out
}

// internal

type Name = 'id' | 'caseId' | 'occurredAt' | 'recordedAt' | 'meta'

/** A quoted name of a field, searched from `lastIndex` (one pass; several `indexOf` took 14 times as long). */
const FIELD_NAMES = /"(?:caseId|occurredAt|recordedAt)"/g

const ID = '"id"'
const META = '"meta"'
const META_MEMBER = '"meta":'

/** The value from `from` to the line's last `}` (which must end it), parsed; `undefined` when that is not one value. */
const lastValue = (text: string, from: number): { readonly value: unknown } | undefined => {
  if (text.charCodeAt(text.length - 1) !== CLOSE_BRACE) return undefined
  try {
    return { value: JSON.parse(text.slice(from, -1)) }
  } catch {
    return undefined
  }
}

/**
 * Whether the string `"id"` (a key, or a value: either way the scan is unsure) occurs at the top
 * level of the object from `from` (inside it, after its first members) to the line's end. The
 * line has no backslash: each string ends at its next quote.
 */
const idAtTop = (text: string, from: number): boolean => {
  let depth = 0
  for (let k = from; k < text.length; k++) {
    const c = text.charCodeAt(k)
    if (c === QUOTE) {
      const end = text.indexOf('"', k + 1)
      if (end < 0 || (depth === 0 && end === k + 3 && text.startsWith('id', k + 1))) return true
      k = end
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--
  }
  return false
}

const QUOTE = 0x22
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d

/** Which of the fields the key `text[from, to)` (no escapes) names, if any. */
const field = (text: string, from: number, to: number): Name | undefined => {
  switch (to - from) {
    case 2:
      return text.startsWith('id', from) ? 'id' : undefined
    case 4:
      return text.startsWith('meta', from) ? 'meta' : undefined
    case 6:
      return text.startsWith('caseId', from) ? 'caseId' : undefined
    case 10:
      return text.startsWith('occurredAt', from)
        ? 'occurredAt'
        : text.startsWith('recordedAt', from)
          ? 'recordedAt'
          : undefined
    default:
      return undefined
  }
}
