/**
 * What of a decision's explanation may be published. DSA Art. 24(5) wants the
 * statements of reasons submitted to the Transparency Database "with no
 * personal data" (docs/reports.md), and the database publishes them; an
 * explanation is free text a moderator wrote, and may quote the people of
 * the case. Docket cannot recognise every personal datum in free text, but
 * it knows the ones the case recorded: its reporters' and victims' names,
 * e-mail addresses, dates of birth and subject ids, and every event's
 * `meta.subjectId`. Those values, each word of a name of three letters or
 * more, and anything shaped like an e-mail address are withheld (replaced by
 * `[withheld]`), matched as whole words, ignoring case.
 *
 * This is a safety net for what the case itself says, not an anonymiser: a
 * name the case never recorded, a telephone number or an address passes.
 * It works on clear text: without the subjects' keys the recorded values and
 * the explanation are ciphertext, left as they are (and `--submit` is refused
 * anyway); erased values (`[erased]`) are not looked for.
 */
import { type DocketEvent, PersonalData } from '@docket/core'

// model

/** An explanation with what the case records of its people withheld. */
export interface Withheld {
  readonly text: string
  /** How many passages were withheld. */
  readonly count: number
}

// internal

/** What replaces each withheld passage. */
export const MARK = '[withheld]'

type Data = Readonly<Record<string, unknown>>

const EMAIL = PersonalData.EMAIL_PATTERN
/** Shorter values (initials, a two-letter name) would withhold ordinary words. */
const MIN_LENGTH = 3

/** Ciphertext (no keys given) and erased values are no clear text to look for, or to check. */
const clear = (v: string): boolean => v !== PersonalData.ERASED && !v.startsWith(PersonalData.PREFIX)

const literal = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

const objectOf = (u: unknown): Data | undefined =>
  typeof u === 'object' && u !== null ? (u as Data) : undefined

/**
 * The fields that identify a person (`PersonalData.FIELDS` owned by a reporter or victim: a name,
 * an e-mail address, a date of birth), by event type; free text (a report's, an explanation) is
 * what is checked, not what is looked for.
 */
const IDENTIFYING = new Map(
  Object.entries(PersonalData.FIELDS).map(([type, fields]) => [
    type,
    (fields ?? []).filter((f) => f.owner === 'reporter' || f.owner === 'victim'),
  ]),
)

/** The values the case records of its people: whole values, and each word of a name. */
const recordedValues = (history: ReadonlyArray<DocketEvent>): ReadonlyArray<string> => {
  const out = new Set<string>()
  const add = (v: unknown, words: boolean): void => {
    if (typeof v !== 'string' || !clear(v)) return
    const value = v.trim()
    if (value.length >= MIN_LENGTH) out.add(value)
    if (words) for (const w of value.split(/[^\p{L}\p{N}'-]+/u)) if (w.length >= MIN_LENGTH) out.add(w)
  }
  for (const e of history) {
    add(objectOf(e.meta)?.subjectId, false)
    const data = objectOf(e.data)
    for (const { path } of IDENTIFYING.get(e.type) ?? []) {
      // the person the field sits in (`reporter`, `victim`), with their subject id
      const person = objectOf(path.slice(0, -1).reduce<unknown>((o, k) => objectOf(o)?.[k], data))
      add(person?.subjectId, false)
      add(person?.[path[path.length - 1]!], path[path.length - 1] === 'name')
    }
  }
  // longest first, so that a whole name is withheld as one passage before its words
  return [...out].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0))
}

// operations

/**
 * `text` with the values `history` records of the case's people, and e-mail addresses,
 * withheld; `undefined` when nothing was.
 */
export const withhold = (text: string, history: ReadonlyArray<DocketEvent>): Withheld | undefined => {
  if (!clear(text)) return undefined
  const values = recordedValues(history).map(literal)
  const pattern = new RegExp(
    `(?<![\\p{L}\\p{N}])(?:${[EMAIL, ...values].join('|')})(?![\\p{L}\\p{N}])`,
    'giu',
  )
  let count = 0
  const out = text.replace(pattern, () => {
    count++
    return MARK
  })
  return count === 0 ? undefined : { text: out, count }
}
