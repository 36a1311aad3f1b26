import * as E from 'fp-ts/lib/Either.js'
import fc from 'fast-check'
import type * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import * as Envelope from './Envelope.js'
import { DATA_CODECS, EVENT_TYPES } from './Event.js'
import * as Guard from './internal/guard.js'
import * as Jsonl from './Jsonl.js'
import * as Jurisdiction from './Jurisdiction.js'
import * as History from './testing/History.js'
import * as Timestamp from './Timestamp.js'
import * as Upcaster from './Upcaster.js'

// Differential tests of the fast path: `Envelope.decode` (compiled guards, io-ts only on
// failure) against `Envelope.decodeWithCodecs` (io-ts alone, the decoding as it always was).
// Same Right (the very same object) or the same Left (issues, paths, values, messages).

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [k: string]: Json }
type Any = t.Decoder<unknown, unknown> & { readonly _tag?: string; readonly name: string }

// valid values of any codec of the event model, derived from the codec itself

const ts = fc
  .tuple(
    fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) }),
    fc.integer({ min: -48, max: 56 }).map((q) => q * 15),
    fc.boolean(),
  )
  .map(([ms, off, short]) => {
    const s = Timestamp.format(ms, off)
    return short ? s.replace(/\.\d{3}/, '') : s
  })

const REFINED: Readonly<Record<string, fc.Arbitrary<unknown>>> = {
  IsoTimestamp: ts,
  Id: fc.string({ minLength: 1, maxLength: 8 }),
  Jurisdiction: fc.constantFrom(...Jurisdiction.CODES),
  Jurisdictions: fc.array(fc.constantFrom(...Jurisdiction.CODES), { minLength: 1, maxLength: 3 }),
  IsoDuration: fc.constantFrom('PT48H', 'P90D', 'P1Y2M', 'PT1M30S', 'P2W'),
  Level: fc.integer({ min: 1, max: 9 }),
  Count: fc.nat(),
  Age: fc.double({ min: 0, max: 120, noNaN: true }),
  // a valid event is of a version this library reads (a newer one is refused: Upcaster.newer)
  SchemaVersion: fc.constant(1),
  Int: fc.integer(),
}

const extraKeys = fc.dictionary(
  fc.constantFrom('extra', 'vendorField', 'note'),
  fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>,
  { maxKeys: 2 },
)

const arbitraryOf = (codec: Any): fc.Arbitrary<unknown> => {
  switch (codec._tag) {
    case 'StringType':
      return fc.string({ maxLength: 6 })
    case 'NumberType':
      return fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }))
    case 'BooleanType':
      return fc.boolean()
    case 'KeyofType':
      return fc.constantFrom(...Object.keys((codec as unknown as t.KeyofType<Record<string, unknown>>).keys))
    case 'RefinementType': {
      const known = REFINED[codec.name]
      if (known !== undefined) return known
      // a refinement of an object (DeadlineExtended): the base's values that pass the predicate
      const r = codec as unknown as t.RefinementC<t.Any>
      const base = r.type as Any
      if (base._tag === 'IntersectionType' || base._tag === 'InterfaceType')
        return arbitraryOf(base).filter((u) => r.predicate(u))
      throw new Error(`no arbitrary for refinement ${codec.name}`)
    }
    case 'InterfaceType':
    case 'PartialType': {
      const props = (codec as unknown as t.InterfaceType<t.Props>).props
      const model = Object.fromEntries(Object.entries(props).map(([k, c]) => [k, arbitraryOf(c as Any)]))
      const requiredKeys = codec._tag === 'InterfaceType' ? Object.keys(props) : []
      return fc.tuple(fc.record(model, { requiredKeys }), extraKeys).map(([o, extra]) => ({ ...extra, ...o }))
    }
    case 'IntersectionType':
      return fc
        .tuple(...(codec as unknown as t.IntersectionType<t.Any[]>).types.map((c) => arbitraryOf(c as Any)))
        .map((parts) => Object.assign({}, ...(parts as object[])))
    case 'UnionType':
      return fc.oneof(...(codec as unknown as t.UnionType<t.Any[]>).types.map((c) => arbitraryOf(c as Any)))
    case 'ArrayType':
      return fc.array(arbitraryOf((codec as unknown as t.ArrayType<t.Any>).type as Any), { maxLength: 3 })
    case 'DictionaryType':
      return fc.dictionary(
        fc.string({ maxLength: 6 }),
        arbitraryOf((codec as unknown as t.DictionaryType<t.Any, t.Any>).codomain as Any),
        { maxKeys: 3 },
      )
    default:
      throw new Error(`no arbitrary for codec ${codec.name} (${codec._tag})`)
  }
}

const actor = fc.record(
  {
    kind: fc.constantFrom('reporter', 'moderator', 'system', 'law_enforcement'),
    id: fc.string({ maxLength: 4 }),
    name: fc.string({ maxLength: 4 }),
  },
  { requiredKeys: ['kind'] },
)
const meta = fc
  .tuple(
    fc.record(
      {
        correlationId: fc.string({ maxLength: 4 }),
        causationId: fc.string({ maxLength: 4 }),
        // a valid event is of a version this library reads; mutations try newer ones
        schemaVersion: fc.constant(1),
        recordedAtInferred: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    extraKeys,
  )
  .map(([m, extra]) => ({ ...extra, ...m }))

/** A valid event of any standard type (every payload derived from its codec) or a vendor type. */
const validEvent: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...EVENT_TYPES) },
      { weight: 1, arbitrary: fc.constantFrom('x-acme.Flagged', 'x-a1.B_2') },
    ),
    fc.string({ minLength: 1, maxLength: 8 }),
    fc.string({ minLength: 1, maxLength: 8 }),
    ts,
    fc.option(ts, { nil: undefined }),
    fc.option(actor, { nil: undefined }),
    fc.option(meta, { nil: undefined }),
    fc.nat(),
  )
  .chain(([type, id, caseId, occurredAt, recordedAt, a, m]) =>
    (type.startsWith('x-')
      ? (fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 })) as fc.Arbitrary<unknown>)
      : arbitraryOf(DATA_CODECS[type as keyof typeof DATA_CODECS] as unknown as Any)
    ).map((data) => {
      const e: Record<string, unknown> = { id, type, caseId, occurredAt, data }
      if (recordedAt !== undefined) e.recordedAt = recordedAt
      if (a !== undefined) e.actor = a
      if (m !== undefined) e.meta = m
      return e
    }),
  )

/** Events of the benchmark's generated history (the real proportions of types and fields). */
const HISTORY: ReadonlyArray<Record<string, unknown>> = [...History.generate({ events: 3000, seed: 7 })].map(
  (e) => JSON.parse(JSON.stringify(e)) as Record<string, unknown>,
)
const historyEvent = fc
  .nat(HISTORY.length - 1)
  .map((i) => JSON.parse(JSON.stringify(HISTORY[i])) as Record<string, unknown>)

// mutations: one change at a path of the event (which may or may not keep it valid)

const pathsOf = (v: unknown, prefix: ReadonlyArray<string> = []): ReadonlyArray<ReadonlyArray<string>> => {
  if (v === null || typeof v !== 'object') return [prefix]
  const keys = Object.keys(v)
  return [prefix, ...keys.flatMap((k) => pathsOf((v as Record<string, unknown>)[k], [...prefix, k]))]
}

const replacement: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    '',
    'x',
    0,
    -1,
    1.5,
    2,
    true,
    false,
    [],
    {},
    ['US'],
    'US',
    'us',
    'UK',
    'EU',
    'ZZ',
    'csam',
    'video',
    'removed',
    'PT48H',
    'P',
    '2020-01-28T09:14:00-08:00',
    '2020-01-28T09:14:00',
    '2020-02-30T09:14:00Z',
    '2020-01-28T09:14Z',
    'ContentReported',
    'ExposureObserved',
    'DeadlineExtended',
    'x-acme.Flagged',
    'x-Acme.flagged',
    'NoSuchType',
    { requestId: 'r' },
  ),
  fc.jsonValue({ maxDepth: 2 }),
)

type Mutation =
  | { readonly kind: 'delete'; readonly at: number }
  | { readonly kind: 'set'; readonly at: number; readonly value: unknown }
  | { readonly kind: 'add'; readonly at: number; readonly key: string; readonly value: unknown }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: replacement }),
  fc.record({
    kind: fc.constant('add' as const),
    at: fc.nat(),
    key: fc.constantFrom('extra', 'data', 'type', 'until', 'by', 'schemaVersion', '0'),
    value: replacement,
  }),
)

/** Applies a mutation to a copy of `event` (a root-level `set` may replace the whole event). */
const mutate = (event: Record<string, unknown>, m: Mutation): unknown => {
  const copy = structuredClone(event)
  const paths = pathsOf(copy)
  const path = paths[m.at % paths.length]!
  if (path.length === 0) {
    if (m.kind === 'set') return m.value
    if (m.kind === 'add') return { ...copy, [m.key]: m.value }
    return {}
  }
  const parent = path.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], copy)
  const key = path[path.length - 1]!
  const target = parent as Record<string, unknown>
  if (m.kind === 'delete') {
    if (Array.isArray(target)) target.splice(Number(key), 1)
    else delete target[key]
  } else if (m.kind === 'set') target[key] = m.value
  else {
    const at = target[key]
    if (at !== null && typeof at === 'object' && !Array.isArray(at))
      (at as Record<string, unknown>)[m.key] = m.value
    else target[key] = m.value
  }
  return copy
}

const anyEvent = fc.oneof(validEvent, historyEvent)
const mutated = fc
  .tuple(anyEvent, fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([e, ms]) =>
    ms.reduce<unknown>(
      (u, m) =>
        u !== null && typeof u === 'object' && !Array.isArray(u)
          ? mutate(u as Record<string, unknown>, m)
          : u,
      e,
    ),
  )

/** An upcaster chain: version 1 ExposureObserved had `count`, version 2 `views`; version 2 adds `shares`. */
const UPCASTERS = Upcaster.registry([
  {
    type: 'ExposureObserved',
    from: 1,
    up: (raw) => {
      const { count, ...data } = (raw.data ?? {}) as Record<string, unknown>
      return count === undefined ? raw : { ...raw, data: { ...data, views: count } }
    },
  },
  {
    type: 'ExposureObserved',
    from: 2,
    up: (raw) => ({ ...raw, data: { shares: 0, ...(raw.data as object) } }),
  },
])

const same = (u: unknown, options: Envelope.DecodeOptions = {}): void => {
  const fast = Envelope.decode(u, options)
  const reference = Envelope.decodeWithCodecs(u, options)
  expect(fast).toStrictEqual(reference)
  if (E.isRight(fast) && E.isRight(reference) && options.upcasters === undefined) {
    // the input itself, not a copy: nothing was stripped, defaulted or transformed
    expect(fast.right).toBe(u)
  }
}

describe('Envelope.decode: the fast path decodes exactly as the codecs do', () => {
  it('every valid event of every type (payloads derived from the codecs) decodes to itself on both paths', () => {
    fc.assert(
      fc.property(validEvent, (e) => {
        same(e)
        expect(E.isRight(Envelope.decode(e))).toBe(true)
      }),
      { numRuns: 2000 },
    )
  })

  it('every event of a generated history decodes to itself on both paths', () => {
    for (const e of HISTORY) {
      same(e)
      expect(E.isRight(Envelope.decode(e))).toBe(true)
    }
  })

  it('a mutated event gives the same Right or the same DecodeError (issues, paths, values, messages)', () => {
    let valid = 0
    let invalid = 0
    fc.assert(
      fc.property(mutated, (u) => {
        same(u)
        if (E.isRight(Envelope.decode(u))) valid++
        else invalid++
      }),
      { numRuns: 5000 },
    )
    // both sides of the fast path are exercised: mutations that keep an event valid, and ones that do not
    expect(valid).toBeGreaterThan(250)
    expect(invalid).toBeGreaterThan(2500)
  })

  it('the same holds after upcasting (old schema versions, mutated or not)', () => {
    const old = fc
      .tuple(anyEvent, fc.integer({ min: 1, max: 2 }), fc.boolean(), fc.array(mutation, { maxLength: 2 }))
      .map(([e, version, asCount, ms]) => {
        const data = asCount ? { count: 5 } : { views: 5 }
        const event = { ...e, type: 'ExposureObserved', data, meta: { schemaVersion: version } }
        return ms.reduce<unknown>(
          (u, m) =>
            u !== null && typeof u === 'object' && !Array.isArray(u)
              ? mutate(u as Record<string, unknown>, m)
              : u,
          event,
        )
      })
    fc.assert(
      fc.property(fc.oneof(old, mutated), (u) => same(u, { upcasters: UPCASTERS })),
      { numRuns: 2000 },
    )
  })

  it('a JSON Lines line decodes the same through the fast path (the input of a file replay)', () => {
    fc.assert(
      fc.property(mutated, fc.integer({ min: 1, max: 1000 }), (u, line) => {
        const text = JSON.stringify(u) ?? 'undefined'
        const fast = Jsonl.decodeLine(text, line)
        const parsed = (() => {
          try {
            return E.right(JSON.parse(text) as unknown)
          } catch {
            return E.left(undefined)
          }
        })()
        if (E.isLeft(parsed)) {
          expect(E.isLeft(fast)).toBe(true)
          return
        }
        const reference = Envelope.decodeWithCodecs(parsed.right)
        expect(fast).toStrictEqual(E.isLeft(reference) ? E.left({ ...reference.left, line }) : reference)
      }),
      { numRuns: 1000 },
    )
  })
})

describe('Guard.compile (generated code, and the closures used where that is forbidden): true exactly when the codec decodes', () => {
  it('for the payload codec of every type, on valid and mutated payloads', () => {
    const payload = fc.constantFrom(...EVENT_TYPES).chain((type) =>
      fc
        .tuple(
          arbitraryOf(DATA_CODECS[type] as unknown as Any),
          fc.array(mutation, { maxLength: 2 }),
          fc.constantFrom(...EVENT_TYPES),
        )
        .map(([data, ms, codecType]) => ({
          // a payload of one type checked against its own codec or another's
          codecType: ms.length === 0 ? type : codecType,
          data: ms.reduce<unknown>(
            (u, m) =>
              u !== null && typeof u === 'object' && !Array.isArray(u)
                ? mutate(u as Record<string, unknown>, m)
                : u,
            data,
          ),
        })),
    )
    const guards = new Map(EVENT_TYPES.map((type) => [type, Guard.compile(DATA_CODECS[type])]))
    const closures = new Map(EVENT_TYPES.map((type) => [type, Guard.compileClosures(DATA_CODECS[type])]))
    fc.assert(
      fc.property(payload, ({ codecType, data }) => {
        const expected = E.isRight((DATA_CODECS[codecType] as t.Decoder<unknown, unknown>).decode(data))
        expect(guards.get(codecType)!(data)).toBe(expected)
        expect(closures.get(codecType)!(data)).toBe(expected)
      }),
      { numRuns: 5000 },
    )
  })

  it('on values that are not JSON (inherited keys, odd prototypes), stays exact', () => {
    const codec = DATA_CODECS.ContentReported
    const valid = {
      reportId: 'r',
      channel: 'api',
      category: 'hate',
      content: { ref: 'p', kind: 'text' },
      jurisdictions: ['US'],
    }
    const odd: ReadonlyArray<unknown> = [
      Object.create(valid) as object,
      Object.assign(new Date(0), valid),
      Object.assign(Object.create(null) as object, valid),
      {
        ...valid,
        removalRequest: Object.assign(Object.create({ inherited: 'not a boolean' }) as object, { a: true }),
      },
      { ...valid, removalRequest: Object.assign(Object.create(null) as object, { a: 'x' }) },
      { ...valid, content: Object.create({ ref: 'p', kind: 'text' }) as object },
    ]
    for (const guard of [Guard.compile(codec), Guard.compileClosures(codec)]) {
      for (const u of odd) expect(guard(u)).toBe(E.isRight(codec.decode(u)))
    }
  })
})

// `canonical` against its first definition (fingerprints and seals of stored events depend on its bytes),
// but for an array's holes: that definition wrote them as nothing (`[1,,3]`, as `join` does), which no
// stored event can hold (its JSON has `null` there); they are now `null`, as `JSON.stringify` writes them
const canonicalReference = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${Array.from(value, canonicalReference).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalReference(v)}`).join(',')}}`
}

describe('Envelope.canonical', () => {
  it('writes the bytes of its first definition, for any value', () => {
    const sparse = fc.array(fc.anything()).map((xs) => {
      const out = [...xs]
      if (out.length > 1) delete out[1]
      return out
    })
    fc.assert(
      fc.property(
        fc.oneof(fc.anything({ withObjectString: true, withNullPrototype: true }), fc.jsonValue(), sparse),
        (v) => {
          expect(Envelope.canonical(v)).toBe(canonicalReference(v))
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('agrees with a JSON round trip, holes and undefined included', () => {
    const { json } = fc.letrec<{ json: unknown }>((tie) => ({
      json: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom(null, undefined, true, false),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.string(),
        fc.sparseArray(tie('json'), { maxLength: 6 }),
        fc.array(tie('json'), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 4 }), tie('json'), { maxKeys: 4 }),
      ),
    }))
    fc.assert(
      fc.property(json, (v) => {
        const roundTrip = JSON.stringify(v)
        if (roundTrip === undefined) return
        expect(Envelope.canonical(v)).toBe(Envelope.canonical(JSON.parse(roundTrip)))
      }),
      { numRuns: 2000 },
    )
  })

  it('agrees with a JSON round trip for values that are not JSON: dates, toJSON, boxed primitives, functions, symbols', () => {
    const { value } = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom(null, undefined, true, false, () => 1, Symbol('s')),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.string(),
        fc.date(),
        fc.oneof(fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean()).map(Object),
        // toJSON is given the key it was found under; what it returns is written without its own toJSON
        tie('value').map((v) => ({ toJSON: (key: string) => ({ key, v, toJSON: () => 'not called' }) })),
        fc.sparseArray(tie('value'), { maxLength: 5 }),
        fc.dictionary(fc.string({ maxLength: 4 }), tie('value'), { maxKeys: 4 }),
      ),
    }))
    fc.assert(
      fc.property(value, (v) => {
        const roundTrip = JSON.stringify(v)
        expect(Envelope.canonical(v)).toBe(
          roundTrip === undefined ? 'null' : Envelope.canonical(JSON.parse(roundTrip)),
        )
      }),
      { numRuns: 2000 },
    )
  })

  it('writes the bytes of its first definition for generated events', () => {
    for (const e of History.generate({ events: 2000, seed: 5 })) {
      expect(Envelope.canonical(e)).toBe(canonicalReference(e))
    }
  })
})
