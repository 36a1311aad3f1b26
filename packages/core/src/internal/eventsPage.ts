/**
 * The reference page of the interchange format, docs/events.md, written from
 * the io-ts codecs themselves (`Envelope.EnvelopeCodec`, `Event.DATA_CODECS`)
 * and the personal-data table (`PersonalData.FIELDS`), so that the page says
 * what `Envelope.decode` accepts. The only hand-written words are the short
 * descriptions below, keyed by event type, field path and refinement name;
 * `markdown` throws when a codec has no words for something it needs to say
 * (a new event type, refinement or codec kind) or when words describe a field
 * that no longer exists. `eventsPage.test.ts` fails when the committed page is
 * stale. Documentation support: not part of the public API.
 */
import type * as t from 'io-ts'
import { EnvelopeCodec } from '../Envelope.js'
import { DATA_CODECS, type EventType, VENDOR_TYPE } from '../Event.js'
import * as PersonalData from '../PersonalData.js'

// model

type Any = t.Any & { readonly _tag?: string }

/** One row of a field table: a dotted path under `data` (or the envelope). */
interface Row {
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

// the words

/** What an event type records: one sentence for the index, and optionally more for its section. */
type Words = readonly [summary: string, more?: string]

/** The event types, grouped as the interchange contract groups them, with words adapted from it. */
const SECTIONS: ReadonlyArray<{
  readonly title: string
  readonly types: { readonly [T in EventType]?: Words }
}> = [
  {
    title: 'Reports and the content they are about',
    types: {
      ContentReported: ['A notice about content reached the platform.'],
      ReportCompleted: [
        'Missing request elements were supplied later.',
        'Obligations keep the identity they got from the first receipt.',
      ],
      ContentDetected: ['The platform found the content itself.'],
      ExposureObserved: ['Reach at a moment.'],
    },
  },
  {
    title: 'Decisions',
    types: {
      ReviewDecided: [
        'A decision on the case.',
        '**A refusal is `outcome: no_violation` (or `insufficient_information` with no later decision) on a case that has a report.**',
      ],
      InformationRequested: ['The platform asks the reporter for more.'],
      InformationProvided: ['The reporter gives what was asked for.'],
      ContentActioned: ['The platform acted on the content.'],
      ContentRestored: ['The content is back.'],
      AccountActioned: ["The platform acted on the uploader's account."],
      AccountRestored: ['The account is restored.'],
      AppealLodged: ['The reporter or the uploader appealed a decision.'],
      AppealDecided: ['An appeal was decided.'],
    },
  },
  {
    title: 'Authorities',
    types: {
      AuthorityRequestReceived: [
        'Law enforcement, a regulator or a court acts on the case.',
        'An `intervention` (an informal contact by an agent) starts no statutory clock by itself but is evidence of knowledge.',
      ],
      AuthorityRequestWithdrawn: [
        'The authority withdrew its request.',
        'A withdrawn order waives its clocks.',
      ],
      AuthorityRequestContested: [
        'The platform contests the request.',
        'It is recorded, and stops a clock only where the law says so.',
      ],
      AuthorityResponded: ['The platform answered the request.'],
      ClarificationRequested: [
        'The platform tells the authority that an order is manifestly wrong or incomplete.',
      ],
      ClarificationReceived: [
        'The authority answered a clarification request.',
        'Where the law says the deadline "starts to run" on the answer (Regulation 2021/784 Art. 3(8), LCEN art. 6-2 II) the clock **restarts** in full here.',
      ],
      ForceMajeureDeclared: [
        'The platform cannot comply for reasons beyond its control.',
        'The clock restarts where the law says so (Regulation 2021/784 Art. 3(7)).',
      ],
      ForceMajeureEnded: ['The force majeure is over.'],
      DeadlineExtended: [
        'An authority allows a longer period, or renews a preservation request.',
        'Give `until` (an instant) or `by` (a duration).',
      ],
      MandatoryReportFiled: [
        'A report to a designated body.',
        '18 U.S.C. §2258A(h) preservation runs from the *completed* submission.',
      ],
      EvidencePreserved: ['Evidence is preserved for a legal basis.'],
      PreservationReleased: ['A preservation ends.'],
      LegalHoldPlaced: ['A legal hold is placed.', "It blocks erasure of the case's personal data."],
      LegalHoldLifted: ['The legal hold ends.'],
    },
  },
  {
    title: 'Communication',
    types: {
      NotificationSent: ['The platform told the reporter, the uploader or an authority.'],
      StatementOfReasonsPublished: ['Submitted to the EU DSA Transparency Database.'],
    },
  },
  {
    title: 'Escalation (written by the engine; may also come from people)',
    types: {
      EscalationRaised: ['Someone was paged about the case.'],
      EscalationAcknowledged: ['The page was acknowledged.'],
    },
  },
  {
    title: 'Life cycle',
    types: {
      CaseClosed: ['The case is closed.'],
      CaseReopened: ['The case is open again.'],
    },
  },
]

/** Refined object codecs whose rule is "exactly one of these fields" (a predicate the page cannot read). */
const ONE_OF: Readonly<Record<string, ReadonlyArray<string>>> = {
  DeadlineExtended: ['until', 'by'],
}

/** What a field means, where the codec cannot say it: `<Type>.<path>` (or `envelope.<path>`). */
const NOTES: Readonly<Record<string, string>> = {
  'envelope.id':
    'Unique event id. Idempotency is global: an event whose `id` is already stored with the same content is a no-op; the same `id` with different content is an `IdempotencyConflict` error.',
  'envelope.type': 'One of the event types below, or a [platform type](#platform-event-types).',
  'envelope.caseId':
    'The case: one piece of reported content and everything done about it. Its events form one stream.',
  'envelope.occurredAt':
    'Business time: when it happened in the world. Legal clocks run on this. A timestamp without offset is rejected.',
  'envelope.data': "The type's payload, below. Keys Docket does not know are kept verbatim, never dropped.",
  'envelope.recordedAt':
    'Transaction time: when the platform learned of it. Always present on stored events: a live append sets it from the clock; an import keeps the given value, or takes `occurredAt` and sets `meta.recordedAtInferred: true`.',
  'envelope.actor': 'Who did it.',
  'envelope.meta': 'Correlation and versioning. Other keys are kept.',
  'envelope.meta.schemaVersion': 'Absent means 1; older versions are upcast on decoding.',
  'envelope.meta.recordedAtInferred': 'Set by an import that took `recordedAt` from `occurredAt`.',
  'ContentActioned.territories': 'Where the action applies (a geo-block’s countries).',
  'ContentActioned.recipientContactKnown':
    '`false` when the uploader’s electronic contact details are not known: no DSA Art. 17 statement of reasons is then owed to them; the decision is still submitted to the Transparency Database (Art. 24(5)). Absent means known.',
  'AccountActioned.recipientContactKnown':
    '`false` when the account holder’s electronic contact details are not known: no DSA Art. 17 statement of reasons is then owed to them; the decision is still submitted to the Transparency Database (Art. 24(5)). Absent means known.',
  'ContentActioned.deceptiveHighVolumeCommercial':
    '`true` when the restricted information is deceptive high-volume commercial content: no DSA Art. 17 statement of reasons is then owed, nor its submission to the Transparency Database. Absent means not.',
  'AccountActioned.deceptiveHighVolumeCommercial':
    '`true` when the account is restricted for deceptive high-volume commercial content: no DSA Art. 17 statement of reasons is then owed, nor its submission to the Transparency Database. Absent means not.',
  'ContentReported.category': 'The main category.',
  'ContentReported.categories': 'Every other category that applies.',
  'ContentReported.content.postedAt': 'When the platform started hosting it.',
  'ContentReported.jurisdictions':
    "Where the content is accessible and the notice must be handled (the reporter's country at least).",
  'ContentReported.removalRequest':
    'The elements of a formal request or notice, as named booleans (`signature`, `goodFaithStatement`…). Each policy names the elements it requires; a clock that needs a valid request starts when they are all true.',
  'ContentReported.flagger': 'A trusted flagger (DSA Art. 22).',
  'ReportCompleted.removalRequest': 'The elements now present.',
  'ContentDetected.category': 'The main category.',
  'ContentDetected.categories': 'Every other category that applies.',
  'AuthorityRequestReceived.legalBasis':
    'The instrument: a policy id (`eu-tco`), or a policy/rule id (`au-osa/77-ncii-provider`) where a module has several kinds of notice.',
  'AuthorityRequestReceived.renewalOf': 'The `requestId` this request renews.',
  'DeadlineExtended.target': 'An obligation id, or a request (and optionally one of its rules).',
  'DeadlineExtended.by': "Applied in the obligation's own clock kind.",
  'EvidencePreserved.basis':
    'A policy/rule id (`us-2258a/preserve`, `eu-tco/6-preserve`, `us-2703f/preserve`) or `legal_hold`.',
  'EscalationRaised.repeat':
    'A repeated page at the same level (1, 2, …); absent on the first page of a level.',
  'EscalationRaised.missedObligation':
    'The escalation records a duty the platform already missed (an authority acted after a refusal).',
}

/** What each named refinement accepts, in words. */
const REFINEMENTS: Readonly<Record<string, string>> = {
  Id: 'string, not empty, without NUL (U+0000) or unpaired surrogates',
  IsoTimestamp: 'ISO-8601 timestamp with offset',
  IsoDuration: 'ISO-8601 duration',
  Jurisdiction: 'country code',
  Level: 'integer ≥ 1',
  Count: 'integer ≥ 0',
  Age: 'number ≥ 0 (years)',
  SchemaVersion: 'integer ≥ 1',
}

/** Whose a personal field is, in words. */
const OWNERS: { readonly [O in PersonalData.Owner]: string } = {
  reporter: "the reporter's `subjectId`",
  victim: "the victim's `subjectId`",
  reporterVictimOrCase: "the reporter's `subjectId`, else the victim's, else the case (`case:<caseId>`)",
  metaOrCase: '`meta.subjectId`, else the case (`case:<caseId>`)',
}

// operations

const REGENERATE =
  'DOCKET_WRITE_DOCS=1 ./node_modules/.bin/vitest run packages/core/src/internal/eventsPage.test.ts'

const code = (s: string): string => `\`${s}\``
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** GitHub's heading anchor. */
const anchor = (heading: string): string =>
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

/** How a page names types: enumerations that more than one field uses are named, and listed once at the end. */
interface Context {
  readonly shared: ReadonlySet<string>
}

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
  throw new Error(`no words for the codec ${c.name} (${c._tag}): teach eventsPage.describe`)
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

/** Where rows are written: the notes' scope (`envelope` or the event type) and its personal paths. */
interface Scope {
  readonly name: string
  readonly personal: ReadonlySet<string>
  /** The keys of `NOTES` read so far (a note no row reads describes a field that is gone). */
  readonly notesRead: Set<string>
}

/** Every row of an object codec, each nested field after its parent. */
const rows = (ctx: Context, scope: Scope, c: Any, prefix = ''): ReadonlyArray<Row> =>
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

const table = (rs: ReadonlyArray<Row>): ReadonlyArray<string> => [
  '| field | type | required | meaning |',
  '|---|---|---|---|',
  ...rs.map(
    (r) =>
      `| ${code(r.path)}${r.personal ? ' ‡' : ''} | ${cell(r.type)} | ${cell(r.required)} | ${cell(r.note)} |`,
  ),
]

/** Every enumeration the codecs use, by name: its values and how many fields use it. */
const enumerations = (
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
