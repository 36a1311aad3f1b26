import * as E from 'fp-ts/lib/Either.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as DecodeError from './DecodeError.js'
import * as Envelope from './Envelope.js'
import * as Jsonl from './Jsonl.js'
import * as Timestamp from './Timestamp.js'

// arbitraries: valid events of the standard types with the richest payloads

const id = fc.string({ minLength: 1, maxLength: 10 })
const ts = fc
  .tuple(
    fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) }),
    fc.integer({ min: -48, max: 56 }).map((q) => q * 15),
  )
  .map(([ms, off]) => Timestamp.format(ms, off))
const jurisdiction = fc.constantFrom('US', 'FR', 'DE', 'GB', 'AU', 'IN', 'CA', 'BR')
const category = fc.constantFrom('csam', 'ncii', 'sextortion', 'hate', 'fraud', 'policy_other')

const content = fc.record(
  {
    ref: id,
    kind: fc.constantFrom('video', 'image', 'text', 'live', 'account', 'other'),
    hash: fc.string(),
    postedAt: ts,
    synthetic: fc.boolean(),
  },
  { requiredKeys: ['ref', 'kind'] },
)

/** Per type: a payload arbitrary, its required data keys, enumerated paths, and timestamp paths. */
interface Shape {
  readonly data: fc.Arbitrary<Record<string, unknown>>
  readonly required: ReadonlyArray<string>
  readonly enums: ReadonlyArray<string>
  readonly wrongTypes: ReadonlyArray<readonly [string, unknown]>
}

const SHAPES: Readonly<Record<string, Shape>> = {
  ContentReported: {
    data: fc.record(
      {
        reportId: id,
        channel: fc.constantFrom('in_app', 'web_form', 'email', 'api', 'trusted_flagger', 'authority'),
        category,
        categories: fc.array(category, { maxLength: 3 }),
        content,
        jurisdictions: fc.array(jurisdiction, { minLength: 1, maxLength: 3 }),
        claims: fc.record(
          { depictsMinor: fc.boolean(), ageAtCapture: fc.integer({ min: 0, max: 17 }) },
          { requiredKeys: [] },
        ),
        removalRequest: fc.dictionary(
          fc.constantFrom('signature', 'identification', 'contact'),
          fc.boolean(),
        ),
        text: fc.string(),
      },
      { requiredKeys: ['reportId', 'channel', 'category', 'content', 'jurisdictions'] },
    ),
    required: ['reportId', 'channel', 'category', 'content', 'jurisdictions', 'content.ref', 'content.kind'],
    enums: ['channel', 'category', 'content.kind', 'jurisdictions.0'],
    wrongTypes: [
      ['reportId', 42],
      ['jurisdictions', 'US'],
      ['content', 'post-1'],
      ['content.ref', null],
    ],
  },
  ReviewDecided: {
    data: fc.record(
      {
        reviewId: id,
        outcome: fc.constantFrom('violation', 'no_violation', 'insufficient_information'),
        tier: fc.constantFrom('frontline', 'specialist', 'legal'),
        automation: fc.constantFrom('fully', 'partially', 'not'),
        reportId: id,
        ground: fc.constantFrom('illegal', 'incompatible'),
      },
      { requiredKeys: ['reviewId', 'outcome', 'tier', 'automation'] },
    ),
    required: ['reviewId', 'outcome', 'tier', 'automation'],
    enums: ['outcome', 'tier', 'automation'],
    wrongTypes: [
      ['reviewId', true],
      ['reportId', 7],
    ],
  },
  ContentActioned: {
    data: fc.record(
      {
        action: fc.constantFrom('removed', 'disabled', 'geo_blocked', 'age_restricted', 'demoted'),
        territories: fc.array(jurisdiction),
        copiesActioned: fc.nat(),
        until: ts,
      },
      { requiredKeys: ['action'] },
    ),
    required: ['action'],
    enums: ['action'],
    wrongTypes: [
      ['copiesActioned', '3'],
      ['territories', 'FR'],
    ],
  },
  AuthorityRequestReceived: {
    data: fc.record(
      {
        requestId: id,
        authority: fc.string(),
        kind: fc.constantFrom('removal_order', 'preservation_request', 'intervention', 'court_order'),
        jurisdiction,
        legalBasis: fc.constantFrom('eu-tco', 'us-2703f/preserve'),
        emergency: fc.boolean(),
      },
      { requiredKeys: ['requestId', 'authority', 'kind', 'jurisdiction'] },
    ),
    required: ['requestId', 'authority', 'kind', 'jurisdiction'],
    enums: ['kind', 'jurisdiction'],
    wrongTypes: [
      ['emergency', 'yes'],
      ['authority', {}],
    ],
  },
  AppealLodged: {
    data: fc.record({
      appealId: id,
      by: fc.constantFrom('reporter', 'uploader'),
      venue: fc.constantFrom('internal', 'out_of_court', 'court', 'grievance_appellate'),
    }),
    required: ['appealId', 'by', 'venue'],
    enums: ['by', 'venue'],
    wrongTypes: [['appealId', []]],
  },
  EscalationRaised: {
    data: fc.record(
      { escalationId: id, level: fc.integer({ min: 1, max: 9 }), reason: fc.string(), obligationId: id },
      { requiredKeys: ['escalationId', 'level', 'reason'] },
    ),
    required: ['escalationId', 'level', 'reason'],
    enums: [],
    wrongTypes: [
      ['level', 0],
      ['level', 1.5],
      ['level', '2'],
    ],
  },
}

const actor = fc.record(
  {
    kind: fc.constantFrom('reporter', 'moderator', 'law_enforcement', 'system'),
    id: fc.string(),
    name: fc.string(),
  },
  { requiredKeys: ['kind'] },
)

type Raw = Record<string, unknown>

const event: fc.Arbitrary<Raw> = fc.constantFrom(...Object.keys(SHAPES)).chain((type) =>
  fc.record(
    {
      id,
      type: fc.constant(type),
      caseId: id,
      occurredAt: ts,
      recordedAt: ts,
      actor,
      data: SHAPES[type]!.data,
      meta: fc.record({ correlationId: fc.string(), schemaVersion: fc.constant(1) }, { requiredKeys: [] }),
    },
    { requiredKeys: ['id', 'type', 'caseId', 'occurredAt', 'data'] },
  ),
)

// mutations: each names the path it breaks

interface Mutation {
  readonly kind: string
  readonly path: string
  readonly value?: unknown
  readonly drop?: boolean
}

const get = (o: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o)

const apply = (e: Raw, m: Mutation): Raw => {
  const copy = structuredClone(e)
  const keys = m.path.split('.')
  const last = keys.pop()!
  const parent = keys.reduce<Record<string, unknown>>((v, k) => v[k] as Record<string, unknown>, copy)
  if (m.drop === true) delete parent[last]
  else parent[last] = m.value
  return copy
}

const stripOffset = (s: string): string => s.replace(/(Z|[+-]\d{2}:\d{2})$/, '')

const mutations = (e: Raw): ReadonlyArray<Mutation> => {
  const shape = SHAPES[e.type as string]!
  const out: Mutation[] = []
  for (const k of ['id', 'type', 'caseId', 'occurredAt', 'data'])
    out.push({ kind: 'drop', path: k, drop: true })
  for (const k of shape.required) {
    if (get(e, `data.${k}`) !== undefined) out.push({ kind: 'drop', path: `data.${k}`, drop: true })
  }
  for (const p of ['occurredAt', 'recordedAt', 'data.content.postedAt', 'data.until']) {
    const v = get(e, p)
    if (typeof v === 'string') out.push({ kind: 'no-offset', path: p, value: stripOffset(v) })
  }
  for (const k of shape.enums) {
    if (get(e, `data.${k}`) !== undefined) out.push({ kind: 'enum', path: `data.${k}`, value: 'not_a_value' })
  }
  if (e.actor !== undefined) out.push({ kind: 'enum', path: 'actor.kind', value: 'wizard' })
  for (const [k, v] of shape.wrongTypes) {
    if (get(e, `data.${k.split('.')[0]}`) !== undefined)
      out.push({ kind: 'wrong-type', path: `data.${k}`, value: v })
  }
  out.push({ kind: 'wrong-type', path: 'id', value: 7 })
  out.push({ kind: 'wrong-type', path: 'id', value: '' })
  out.push({ kind: 'wrong-type', path: 'data', value: [] })
  out.push({ kind: 'wrong-type', path: 'occurredAt', value: 1_580_000_000_000 })
  out.push({ kind: 'unknown-type', path: 'type', value: 'ContentFlagged' })
  out.push({ kind: 'unknown-type', path: 'type', value: 'x-Acme.Thing' })
  return out
}

describe('Envelope.decode: valid events', () => {
  it('decodes every generated valid event to itself', () => {
    fc.assert(
      fc.property(event, (e) => {
        expect(Envelope.decode(e)).toEqual(E.right(e))
      }),
    )
  })

  it('keeps unknown keys of data, nested payload parts and meta verbatim', () => {
    const extra = fc.dictionary(
      fc.string({ minLength: 1, maxLength: 6 }).map((k) => `zz_${k}`),
      fc.jsonValue(),
      { minKeys: 1, maxKeys: 4 },
    )
    fc.assert(
      fc.property(event, extra, extra, (e, more, metaMore) => {
        const data = { ...(e.data as Raw), ...more }
        if (typeof data.content === 'object') data.content = { ...(data.content as Raw), ...more }
        const input = JSON.parse(JSON.stringify({ ...e, data, meta: { ...(e.meta as Raw), ...metaMore } }))
        const decoded = Envelope.decode(input)
        expect(decoded).toEqual(E.right(input))
        // and through a JSON line, byte for byte
        const line = JSON.stringify(input)
        const viaLine = Jsonl.decodeLine(line, 1)
        expect(E.isRight(viaLine) && Jsonl.encode(viaLine.right)).toBe(line)
      }),
    )
  })

  it('passes vendor types x-<vendor>.<Name> through with any object as data', () => {
    const vendor = {
      id: 'v1',
      type: 'x-acme.Thing',
      caseId: 'c1',
      occurredAt: '2026-01-01T00:00:00+01:00',
      data: { anything: [1, { deep: true }], reportId: 42 },
      meta: { vendorKey: 'kept' },
    }
    expect(Envelope.decode(vendor)).toEqual(E.right(vendor))
    expect(E.isRight(Envelope.decode({ ...vendor, type: 'x-acme-2.Risk_Score' }))).toBe(true)
    // the envelope rules still apply to vendor events
    const noOffset = Envelope.decode({ ...vendor, occurredAt: '2026-01-01T00:00:00' })
    expect(E.isLeft(noOffset) && noOffset.left.issues.map((i) => i.path)).toEqual(['occurredAt'])
    const notObject = Envelope.decode({ ...vendor, data: 'x' })
    expect(E.isLeft(notObject) && notObject.left.issues.map((i) => i.path)).toEqual(['data'])
  })
})

describe('Envelope.decode: bad input (fuzzed)', () => {
  it('every mutation of a valid event is a DecodeError whose issue path names the mutated field, never a throw', () => {
    const mutated = event.chain((e) => fc.constantFrom(...mutations(e)).map((m) => [e, m] as const))
    fc.assert(
      fc.property(mutated, ([e, m]) => {
        const bad = apply(e, m)
        const r = Envelope.decode(bad)
        expect(E.isLeft(r), `${m.kind} ${m.path}`).toBe(true)
        if (E.isRight(r)) return
        expect(r.left._tag).toBe('DecodeError')
        const paths = r.left.issues.map((i) => i.path)
        // A wrong value inside an array or object may be reported at the element (`data.jurisdictions.0`).
        expect(
          paths.some((p) => p === m.path || p.startsWith(`${m.path}.`)),
          `${m.kind} ${m.path}: ${paths.join(', ')}`,
        ).toBe(true)
        expect(DecodeError.format(r.left)).toContain(m.path)
      }),
      { numRuns: 500 },
    )
  })

  it('names what was expected for an enumeration, a timestamp and an unknown type', () => {
    const base = {
      id: 'e1',
      type: 'AppealLodged',
      caseId: 'c1',
      occurredAt: '2026-01-01T00:00:00Z',
      data: { appealId: 'a1', by: 'judge', venue: 'internal' },
    }
    const r1 = Envelope.decode(base)
    expect(E.isLeft(r1) && DecodeError.format(r1.left)).toBe(
      'data.by: got "judge", expected one of reporter, uploader',
    )
    const r2 = Envelope.decode({
      ...base,
      occurredAt: '2026-01-01T00:00:00',
      data: { ...base.data, by: 'reporter' },
    })
    expect(E.isLeft(r2) && DecodeError.format(r2.left)).toMatch(
      /^occurredAt: got "2026-01-01T00:00:00", expected an ISO-8601 timestamp with offset/,
    )
    // with its offset, a date that does not exist is said to be what is wrong
    const leap = Envelope.decode({
      ...base,
      occurredAt: '2021-02-29T08:00:00Z',
      data: { ...base.data, by: 'reporter' },
    })
    expect(E.isLeft(leap) && DecodeError.format(leap.left)).toBe(
      'occurredAt: got "2021-02-29T08:00:00Z", expected an ISO-8601 timestamp with offset, such as 2020-01-28T09:14:00-08:00 (it has an offset, but its date or time does not exist)',
    )
    const r3 = Envelope.decode({ ...base, type: 'Appealed' })
    expect(E.isLeft(r3) && r3.left.issues[0]!.expected).toMatch(/x-<vendor>\.<Name>/)
  })

  const appeal = {
    id: 'e1',
    type: 'AppealLodged',
    caseId: 'c1',
    occurredAt: '2026-01-01T00:00:00Z',
    data: { appealId: 'a1', by: 'reporter', venue: 'internal' },
  }

  it('refuses an id or case id holding NUL, which no SQL store can hold, naming the field', () => {
    const r = Envelope.decode({ ...appeal, id: 'e\u00001', caseId: 'c\u0000' })
    expect(E.isLeft(r) && DecodeError.format(r.left)).toBe(
      [
        'id: got "e\\u00001", expected a non-empty string without NUL (U+0000) or unpaired surrogates',
        'caseId: got "c\\u0000", expected a non-empty string without NUL (U+0000) or unpaired surrogates',
      ].join('\n'),
    )
    expect(E.isLeft(Envelope.decodeWithCodecs({ ...appeal, caseId: 'c\u0000' }))).toBe(true)
  })

  it('refuses an id or case id holding an unpaired surrogate, which a SQL store keeps as U+FFFD, naming the field', () => {
    // what JSON.parse gives for a line holding "e\ud800" (an escape no UTF-8 byte sequence yields)
    const r = Envelope.decode({ ...appeal, id: JSON.parse('"e\\ud800"'), caseId: '\udc00c' })
    expect(E.isLeft(r) && DecodeError.format(r.left)).toBe(
      [
        'id: got "e\\ud800", expected a non-empty string without NUL (U+0000) or unpaired surrogates',
        'caseId: got "\\udc00c", expected a non-empty string without NUL (U+0000) or unpaired surrogates',
      ].join('\n'),
    )
    expect(E.isLeft(Envelope.decodeWithCodecs({ ...appeal, caseId: 'c\ud800' }))).toBe(true)
    // a pair is one astral character, and U+FFFD is text
    expect(E.isRight(Envelope.decode({ ...appeal, id: 'e😀', caseId: 'c\ufffd' }))).toBe(true)
  })

  it('refuses a negative age and negative or fractional exposure counts, naming the field', () => {
    const at = { id: 'e1', caseId: 'c1', occurredAt: '2026-01-01T00:00:00Z' }
    const report = (claims: unknown) => ({
      ...at,
      type: 'ContentReported',
      data: {
        reportId: 'r1',
        channel: 'in_app',
        category: 'csam',
        content: { ref: 'v1', kind: 'video' },
        jurisdictions: ['US'],
        claims,
      },
    })
    const bad = Envelope.decode(report({ ageAtCapture: -1 }))
    expect(E.isLeft(bad) && DecodeError.format(bad.left)).toBe(
      'data.claims.ageAtCapture: got -1, expected an age in years, a number from 0 to 150',
    )
    expect(E.isRight(Envelope.decode(report({ ageAtCapture: 13.5 })))).toBe(true)
    const count = 'an integer ≥ 0, at most 2^53 − 1 (9007199254740991: a larger one is not read exactly)'
    const exposure = Envelope.decode({ ...at, type: 'ExposureObserved', data: { views: -5, shares: 2.5 } })
    expect(E.isLeft(exposure) && DecodeError.format(exposure.left)).toBe(
      [`data.views: got -5, expected ${count}`, `data.shares: got 2.5, expected ${count}`].join('\n'),
    )
  })

  it('refuses a number JSON cannot hold (1e400 overflows to Infinity, written back as null), at any path, naming it', () => {
    // JSON.parse reads these literals as ±Infinity: stored, they would export as null, and
    // `copiesActioned: null` would not import again
    const line =
      '{"id":"e1","type":"ContentActioned","caseId":"c1","occurredAt":"2026-01-01T00:00:00Z",' +
      '"data":{"action":"removed","copiesActioned":1e400,"x-acme":{"score":[1,-1e999]}},"meta":{"weight":1e309}}'
    const r = Jsonl.decodeLine(line, 3)
    const why =
      'expected a finite number (JSON holds no Infinity or NaN: a literal such as 1e400 is too large for a double and would be stored as null)'
    expect(E.isLeft(r) && DecodeError.format(r.left)).toBe(
      [
        // a count's own codec names it first: no Infinity is a count
        `line 3: data.copiesActioned: got Infinity, expected an integer ≥ 0, at most 2^53 − 1 (9007199254740991: a larger one is not read exactly)`,
        `line 3: data.x-acme.score.1: got -Infinity, ${why}`,
        `line 3: meta.weight: got Infinity, ${why}`,
      ].join('\n'),
    )
    const vendor = { ...appeal, type: 'x-acme.Scored', data: { score: Number.NaN } }
    expect(E.isLeft(Envelope.decode(vendor))).toBe(true)
    expect(E.isLeft(Envelope.decodeWithCodecs(vendor))).toBe(true)
    // a codec's own refusal is the one issue of its path, with the value as found (not null)
    const level = Envelope.decode({
      ...appeal,
      type: 'EscalationRaised',
      data: { escalationId: 'x', level: Number.POSITIVE_INFINITY, reason: 'r' },
    })
    expect(E.isLeft(level) && DecodeError.format(level.left)).toBe(
      'data.level: got Infinity, expected an integer ≥ 1',
    )
    expect(
      E.isRight(Envelope.decode({ ...appeal, data: { ...appeal.data, big: 1.7976931348623157e308 } })),
    ).toBe(true)
  })

  it("refuses a report with no jurisdictions (events.md: the reporter's country at least), which would start no clock", () => {
    const report = (jurisdictions: unknown) => ({
      id: 'e1',
      type: 'ContentReported',
      caseId: 'c1',
      occurredAt: '2026-01-01T00:00:00Z',
      data: {
        reportId: 'r1',
        channel: 'in_app',
        category: 'ncii',
        content: { ref: 'v', kind: 'image' },
        jurisdictions,
      },
    })
    for (const decode of [Envelope.decode, Envelope.decodeWithCodecs]) {
      const none = decode(report([]))
      expect(E.isLeft(none) && DecodeError.format(none.left)).toBe(
        `data.jurisdictions: got [], expected at least one ISO 3166-1 alpha-2 country code, such as ["US"] (the reporter's country at least)`,
      )
      const uk = decode(report(['GB', 'UK']))
      expect(E.isLeft(uk) && DecodeError.format(uk.left)).toMatch(
        /^data\.jurisdictions\.1: got "UK", expected an officially/,
      )
      expect(E.isRight(decode(report(['US'])))).toBe(true)
    }
  })

  it('never throws on arbitrary JSON, and always explains a failure', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (u) => {
        const r = Envelope.decode(u)
        if (E.isLeft(r)) expect(r.left.issues.length).toBeGreaterThan(0)
      }),
    )
  })

  it('never throws on an arbitrary line of text', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 1000 }), (s, n) => {
        const r = Jsonl.decodeLine(s, n)
        if (E.isLeft(r)) expect(r.left.line).toBe(n)
      }),
    )
  })
})

describe('Envelope: recordedAt and idempotency content', () => {
  const e = {
    id: 'e1',
    type: 'CaseClosed',
    caseId: 'c1',
    occurredAt: '2026-01-01T00:00:00-05:00',
    data: {},
  } as Envelope.DocketEvent

  it('an import keeps a given recordedAt and otherwise infers it from occurredAt, saying so', () => {
    expect(Envelope.withImportedRecordedAt({ ...e, recordedAt: '2026-01-02T00:00:00Z' }).recordedAt).toBe(
      '2026-01-02T00:00:00Z',
    )
    const inferred = Envelope.withImportedRecordedAt(e)
    expect(inferred.recordedAt).toBe(e.occurredAt)
    expect(inferred.meta).toEqual({ recordedAtInferred: true })
  })

  it('a live append stamps recordedAt from the clock', () => {
    expect(Envelope.withRecordedAt(e, '2026-01-01T06:00:00.000Z').recordedAt).toBe('2026-01-01T06:00:00.000Z')
  })

  it('canonical writes an array hole or undefined element as null, as JSON.stringify does', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the case under test
    const sparse = [1, , 3]
    expect(Envelope.canonical(sparse)).toBe('[1,null,3]')
    expect(Envelope.canonical([1, undefined, 3])).toBe('[1,null,3]')
    expect(Envelope.canonical({ b: sparse.slice(1), a: new Array(2) })).toBe('{"a":[null,null],"b":[null,3]}')
    const held = { ...e, data: { list: sparse } } as Envelope.DocketEvent
    expect(Envelope.fingerprint(held)).toBe(Envelope.fingerprint(JSON.parse(JSON.stringify(held))))
  })

  it('the fingerprint ignores recordedAt, store meta and key order, and sees everything else', () => {
    fc.assert(
      fc.property(event, ts, (ev, when) => {
        const a = ev as unknown as Envelope.DocketEvent
        const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(ev).reverse())))
        expect(Envelope.fingerprint(reordered)).toBe(Envelope.fingerprint(a))
        expect(Envelope.fingerprint({ ...a, recordedAt: when })).toBe(Envelope.fingerprint(a))
        expect(Envelope.fingerprint(Envelope.withImportedRecordedAt({ ...a, recordedAt: undefined }))).toBe(
          Envelope.fingerprint({ ...a, recordedAt: undefined }),
        )
        expect(Envelope.fingerprint({ ...a, caseId: `${a.caseId}!` })).not.toBe(Envelope.fingerprint(a))
        expect(
          Envelope.fingerprint({ ...a, data: { ...(a.data as Raw), zz: 1 } } as Envelope.DocketEvent),
        ).not.toBe(Envelope.fingerprint(a))
      }),
    )
  })
})
