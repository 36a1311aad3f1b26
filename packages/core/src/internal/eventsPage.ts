/**
 * The reference page of the interchange format, docs/events.md, written from
 * the io-ts codecs themselves (`Envelope.EnvelopeCodec`, `Event.DATA_CODECS`)
 * and the personal-data table (`PersonalData.FIELDS`), so that the page says
 * what `Envelope.decode` accepts. The only hand-written words are the short
 * descriptions in `eventsPageWords`, keyed by event type, field path and
 * refinement name; the codecs are read into tables by `codecRows`;
 * `markdown` throws when a codec has no words for something it needs to say
 * (a new event type, refinement or codec kind) or when words describe a field
 * that no longer exists. `eventsPage.test.ts` fails when the committed page is
 * stale. Documentation support: not part of the public API.
 */
import { EnvelopeCodec } from '../Envelope.js'
import { DATA_CODECS, type EventType, VENDOR_TYPE } from '../Event.js'
import * as PersonalData from '../PersonalData.js'
import { type Any, anchor, type Context, code, enumerations, type Row, rows } from './codecRows.js'
import { NOTES, OWNERS, READING, SECTIONS, type Words } from './eventsPageWords.js'

// operations

const REGENERATE =
  'DOCKET_WRITE_DOCS=1 ./node_modules/.bin/vitest run packages/core/src/internal/eventsPage.test.ts'

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

const table = (rs: ReadonlyArray<Row>): ReadonlyArray<string> => [
  '| field | type | required | meaning |',
  '|---|---|---|---|',
  ...rs.map(
    (r) =>
      `| ${code(r.path)}${r.personal ? ' ‡' : ''} | ${cell(r.type)} | ${cell(r.required)} | ${cell(r.note)} |`,
  ),
]

/** The whole of docs/events.md. */
export const markdown = (): string => {
  const codecs = DATA_CODECS as unknown as Readonly<Record<EventType, Any>>
  const envelope = EnvelopeCodec as unknown as Any
  const types = Object.keys(codecs) as EventType[]
  const listed = SECTIONS.flatMap((s) => Object.keys(s.types))
  const missing = types.filter((ty) => !listed.includes(ty))
  if (missing.length > 0 || listed.length !== types.length)
    throw new Error(`SECTIONS must list every event type once (missing: ${missing.join(', ') || 'none'})`)

  const found = enumerations([envelope, ...types.map((ty) => codecs[ty])])
  const ctx: Context = { shared: new Set([...found].filter(([, e]) => e.uses > 1).map(([name]) => name)) }
  const notesRead = new Set<string>()

  const out: string[] = [
    '# Event types and their fields',
    '',
    '<!-- Generated from the io-ts codecs in packages/core/src (Envelope.ts, Event.ts) and PersonalData.FIELDS',
    '     by packages/core/src/internal/eventsPage.ts; do not edit. Regenerate with',
    `     ${REGENERATE} -->`,
    '',
    "Every event is one JSON object: the envelope below, with a `data` payload whose fields depend on its `type`. This page is generated from the codecs that decode events (`Envelope.decode`, `docket import`, the HTTP intake example's `400` answers), so it lists exactly what they accept. Docket may add event types and optional fields; it never renames or removes one without an upcaster (events carry `meta.schemaVersion`).",
    '',
    '- **required**: `yes`, it must be present; `no`, it may be left out. A nested field (`content.kind`) is required when its parent is present.',
    '- **‡**: personal data. With a key store it is encrypted at rest with the key of its data subject, and reads as `[erased]` once that subject is erased; every other field stays readable forever (see [Security](security.md#personal-data)).',
    '- **Types**: a timestamp is ISO-8601 with an offset (`2026-06-01T22:30:00-04:00`, or `Z` for UTC); a duration is ISO-8601 (`PT48H`, `P90D`); a country code is ISO 3166-1 alpha-2 (`US`, `FR`, `GB` for the United Kingdom).',
    '- Keys a codec does not name are kept verbatim, never dropped.',
    '- A bad event (a required field missing, a timestamp without an offset, a value outside an enumeration, an unknown `type` that is not namespaced) is rejected with the path of every bad field and what was expected.',
    ...READING.map((r) => `- ${r}`),
    '',
    '| type | what it records |',
    '|---|---|',
    ...SECTIONS.flatMap((s) =>
      (Object.entries(s.types) as Array<[EventType, Words]>).map(
        ([ty, [summary]]) => `| [${code(ty)}](#${anchor(ty)}) | ${cell(summary)} |`,
      ),
    ),
    '',
    '## The envelope',
    '',
    ...table(rows(ctx, { name: 'envelope', personal: new Set(), notesRead }, envelope)),
    '',
    '## Platform event types',
    '',
    `A platform's own event has a \`type\` namespaced \`x-<vendor>.<Name>\` (it matches ${code(VENDOR_TYPE.source)}), for example \`x-acme.AgeVerified\`. It is stored and exported verbatim, with any object as \`data\` (Docket checks the envelope, not its fields); policies and custom rules may read it. A \`type\` that is neither listed below nor namespaced is rejected. See [Modelling events](modelling-events.md#your-own-event-types) for writing one.`,
    '',
  ]
  for (const s of SECTIONS) {
    out.push(`## ${s.title}`, '')
    for (const [ty, [summary, more]] of Object.entries(s.types) as Array<[EventType, Words]>) {
      const personal = new Map((PersonalData.FIELDS[ty] ?? []).map((p) => [p.path.join('.'), p.owner]))
      const rs = rows(ctx, { name: ty, personal: new Set(personal.keys()), notesRead }, codecs[ty])
      for (const p of personal.keys())
        if (!rs.some((r) => r.path === p))
          throw new Error(`PersonalData.FIELDS names ${ty}.${p}, which its codec has not`)
      out.push(`### ${code(ty)}`, '', more === undefined ? summary : `${summary} ${more}`, '')
      out.push(...(rs.length === 0 ? ['`data` is an object with no fields of its own.'] : table(rs)))
      if (personal.size > 0)
        out.push(
          '',
          `Whose the personal fields are: ${[...personal].map(([p, o]) => `${code(p)}, ${OWNERS[o]}`).join('; ')}.`,
        )
      out.push('')
    }
  }
  const unread = Object.keys(NOTES).filter((k) => !notesRead.has(k))
  if (unread.length > 0) throw new Error(`NOTES describe fields no codec has: ${unread.join(', ')}`)

  out.push('## Enumerations', '', 'The enumerations that more than one field uses.', '')
  for (const name of [...ctx.shared].sort())
    out.push(`### ${name}`, '', found.get(name)!.values.map(code).join(', '), '')
  return `${out.join('\n').trimEnd()}\n`
}
