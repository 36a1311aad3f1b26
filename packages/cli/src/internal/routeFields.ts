/**
 * The few top-level fields of an event line that the reading thread of a
 * replay on workers needs (`replay/Workers.ts`: the case id to route it, the
 * instants for the latest `occurredAt`), read without building the object:
 * `JSON.parse` of a whole line cost the reading thread ten times as much.
 *
 * Only plain lines are read this way: a line holding a backslash (an escape,
 * which could spell a key or a value differently) or the key `"integrity"`
 * (a seal, which the reading thread folds) gives `undefined`, and the caller
 * parses it. Nor is this a validator: a line that is not valid JSON may still
 * give fields, and the worker that decodes it reports it.
 */

/** The top-level string fields read (`undefined` when absent or not a string). */
export interface RouteFields {
  readonly caseId: string | undefined
  readonly occurredAt: string | undefined
  readonly recordedAt: string | undefined
}

const QUOTE = 34
const OPEN_BRACE = 123
const CLOSE_BRACE = 125
const OPEN_BRACKET = 91
const CLOSE_BRACKET = 93
const COMMA = 44
const COLON = 58

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13

const skipSpace = (t: string, i: number): number => {
  while (i < t.length && isSpace(t.charCodeAt(i))) i++
  return i
}

/** The index just past the object or array opening at `i` (strings hold no escapes here), or -1. */
const skipNested = (t: string, i: number): number => {
  let depth = 0
  for (let j = i; j < t.length; j++) {
    const c = t.charCodeAt(j)
    if (c === QUOTE) {
      j = t.indexOf('"', j + 1)
      if (j < 0) return -1
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--
      if (depth === 0) return j + 1
    }
  }
  return -1
}

/** The index just past a number or literal starting at `i`. */
const skipScalar = (t: string, i: number): number => {
  let j = i
  while (j < t.length) {
    const c = t.charCodeAt(j)
    if (c === COMMA || c === CLOSE_BRACE || isSpace(c)) break
    j++
  }
  return j
}

/** Reads the fields of a plain line (see the module header), or `undefined`: parse it instead. */
export const read = (t: string): RouteFields | undefined => {
  if (t.includes('\\') || t.includes('"integrity"')) return undefined
  let caseId: string | undefined
  let occurredAt: string | undefined
  let recordedAt: string | undefined
  let i = skipSpace(t, 0)
  if (t.charCodeAt(i) !== OPEN_BRACE) return undefined
  i = skipSpace(t, i + 1)
  if (t.charCodeAt(i) === CLOSE_BRACE) return { caseId, occurredAt, recordedAt }
  for (;;) {
    if (t.charCodeAt(i) !== QUOTE) return undefined
    const keyEnd = t.indexOf('"', i + 1)
    if (keyEnd < 0) return undefined
    const key = t.slice(i + 1, keyEnd)
    i = skipSpace(t, keyEnd + 1)
    if (t.charCodeAt(i) !== COLON) return undefined
    i = skipSpace(t, i + 1)
    const c = t.charCodeAt(i)
    let value: string | undefined
    if (c === QUOTE) {
      const end = t.indexOf('"', i + 1)
      if (end < 0) return undefined
      value = t.slice(i + 1, end)
      i = end + 1
    } else {
      i = c === OPEN_BRACE || c === OPEN_BRACKET ? skipNested(t, i) : skipScalar(t, i)
      if (i < 0) return undefined
    }
    // a key given twice counts as JSON.parse counts it: the last one
    if (key === 'caseId') caseId = value
    else if (key === 'occurredAt') occurredAt = value
    else if (key === 'recordedAt') recordedAt = value
    i = skipSpace(t, i)
    const next = t.charCodeAt(i)
    if (next === CLOSE_BRACE) return { caseId, occurredAt, recordedAt }
    if (next !== COMMA) return undefined
    i = skipSpace(t, i + 1)
  }
}
