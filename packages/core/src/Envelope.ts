/**
 * The envelope every event travels in: identity (`id`), stream (`caseId`),
 * the two time axes (`occurredAt`, business time; `recordedAt`, when the
 * platform knew), who acted, the typed `data` and free `meta`.
 *
 * `decode` is the one way in from the outside: it runs upcasters, checks the
 * envelope, picks the data codec by `type`, and reports every problem as a
 * `DecodeError` naming field paths. Platform types `x-<vendor>.<Name>` pass
 * through with any object as data. The codecs are the one definition of a
 * valid event: `decode` accepts through guards compiled from them (no
 * allocation, the input returned as is) and runs the codecs themselves only
 * on what the guards reject, to explain it; `decodeWithCodecs` is the same
 * without the guards, and a property test holds the two equal.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import * as DecodeError from './DecodeError.js'
import * as Finite from './internal/finite.js'
import * as Guard from './internal/guard.js'
import * as PersonalData from './PersonalData.js'
import {
  ActorKind,
  Count,
  DATA_CODECS,
  type DataOf,
  type EventType,
  Id,
  isEventType,
  isVendorType,
} from './Event.js'
import { IsoTimestamp } from './Timestamp.js'
import * as Upcaster from './Upcaster.js'

// model

/** Who did it. */
export interface Actor {
  readonly kind: ActorKind
  readonly id?: string
  readonly name?: string
}

/** Correlation and versioning data; free keys are kept. */
export interface Meta {
  readonly correlationId?: string
  readonly causationId?: string
  readonly schemaVersion?: number
  readonly recordedAtInferred?: boolean
  readonly [key: string]: unknown
}

/** An event of type `T` with payload `D`. */
export interface Envelope<T extends string = string, D = unknown> {
  readonly id: string
  readonly type: T
  readonly caseId: string
  readonly occurredAt: string
  readonly recordedAt?: string
  readonly actor?: Actor
  readonly data: D
  readonly meta?: Meta
}

/** A standard event, discriminated on `type`. */
export type KnownEvent = { readonly [K in EventType]: Envelope<K, DataOf<K>> }[EventType]

/** A platform's own event type, namespaced `x-<vendor>.<Name>`. */
export type VendorEvent = Envelope<`x-${string}`, Readonly<Record<string, unknown>>>

/** Any event Docket stores. */
export type DocketEvent = KnownEvent | VendorEvent

/** An event as stored: `recordedAt` is always present. */
export type Recorded<Ev extends DocketEvent = DocketEvent> = Ev & { readonly recordedAt: string }

/** The standard event of type `T`. */
export type EventOf<T extends EventType> = Extract<KnownEvent, { readonly type: T }>

// codecs

/** io-ts codec of {@link Actor} (shared with the case commands). */
export const ActorCodec = t.intersection(
  [t.type({ kind: ActorKind }), t.partial({ id: t.string, name: t.string })],
  'Actor',
)
/** io-ts codec of {@link Meta}; unknown keys are kept (shared with the case commands). */
export const MetaCodec = t.partial(
  {
    correlationId: t.string,
    causationId: t.string,
    schemaVersion: t.refinement(Count, (n) => n >= 1, 'SchemaVersion'),
    recordedAtInferred: t.boolean,
  },
  'Meta',
)

/**
 * io-ts codec of the envelope alone: `data` is any object here and `type` any
 * string; {@link decode} then checks `type` and `data` against `Event`'s codecs.
 */
export const EnvelopeCodec = t.intersection([
  t.type({
    id: Id,
    type: t.string,
    caseId: Id,
    occurredAt: IsoTimestamp,
    data: t.UnknownRecord,
  }),
  t.partial({ recordedAt: IsoTimestamp, actor: ActorCodec, meta: MetaCodec }),
])

// operations

/** Options for {@link decode}. */
export interface DecodeOptions {
  readonly upcasters?: Upcaster.Registry
}

const NO_OPTIONS: DecodeOptions = {}

// Fast path: guards compiled from the same codecs (internal/guard.ts) accept a valid event
// without allocating; anything they reject goes through the codecs, which build the error.
const envelopeIsValid = Guard.compile(EnvelopeCodec)
const DATA_GUARDS: ReadonlyMap<string, Guard.Guard> = new Map(
  Object.entries(DATA_CODECS).map(([type, codec]) => [type, Guard.compile(codec)]),
)

/** True when `raw` (already upcast) decodes without an issue: what `validate` finds nothing wrong with. */
const isValid = (raw: Readonly<Record<string, unknown>>): boolean => {
  if (!envelopeIsValid(raw)) return false
  const type = raw.type as string
  const data = DATA_GUARDS.get(type)
  return (data === undefined ? isVendorType(type) : data(raw.data)) && !Finite.hasNonFinite(raw)
}

/** Every problem of an (upcast) event at once: the envelope's, and the payload's whenever the type is known. */
const validate = (raw: Readonly<Record<string, unknown>>): E.Either<DecodeError.DecodeError, DocketEvent> => {
  const issues: DecodeError.Issue[] = []
  const envelope = EnvelopeCodec.decode(raw)
  if (E.isLeft(envelope)) issues.push(...DecodeError.fromValidation(envelope.left).issues)
  const { type, data } = raw as { readonly type?: unknown; readonly data?: unknown }
  if (typeof type === 'string' && !isVendorType(type)) {
    if (!isEventType(type)) {
      issues.push({
        path: 'type',
        value: type,
        expected: 'a Docket event type (see docs/events.md) or a platform type x-<vendor>.<Name>',
      })
    } else if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
      const decoded = (DATA_CODECS[type] as t.Decoder<unknown, unknown>).decode(data)
      if (E.isLeft(decoded)) issues.push(...DecodeError.fromValidation(decoded.left, 'data').issues)
    }
  }
  // JSON holds no Infinity (a literal such as 1e400 overflows to it): stored, it would read back as null
  for (const { path, value } of Finite.nonFinitePaths(raw))
    if (!issues.some((i) => i.path === path)) issues.push({ path, value, expected: Finite.EXPECTED })
  if (issues.length > 0)
    return E.left(
      PersonalData.withheld(
        DecodeError.make(issues),
        typeof type === 'string' && isEventType(type) ? type : undefined,
      ),
    )
  return E.right(raw as unknown as DocketEvent)
}

/**
 * The refusal of an event written by a newer Docket (`meta.schemaVersion` past what this library
 * reads for its type): that one issue, and no other, since this library's codecs would misread it.
 */
const newerError = (
  raw: Upcaster.RawEvent,
  options: DecodeOptions,
): E.Either<DecodeError.DecodeError, never> | undefined => {
  const n = Upcaster.newer(options.upcasters ?? Upcaster.empty, raw)
  return n === undefined
    ? undefined
    : E.left(
        DecodeError.single(
          'meta.schemaVersion',
          n.version,
          `at most ${n.latest} (${Upcaster.describeNewer(n)})`,
        ),
      )
}

/**
 * Decodes one event from parsed JSON, upcasting older schema versions first and refusing newer
 * ones (`Upcaster.newer`).
 * The result is the (upcast) input itself: every key of `data` and `meta` as given.
 */
export const decode = (
  u: unknown,
  options: DecodeOptions = NO_OPTIONS,
): E.Either<DecodeError.DecodeError, DocketEvent> => {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) {
    return E.left(PersonalData.withheld(DecodeError.single('', u, 'a JSON object (one event)')))
  }
  const tooNew = newerError(u as Upcaster.RawEvent, options)
  if (tooNew !== undefined) return tooNew
  const raw = options.upcasters ? Upcaster.upcast(options.upcasters, u as Upcaster.RawEvent) : u
  return isValid(raw as Upcaster.RawEvent) ? E.right(raw as DocketEvent) : validate(raw as Upcaster.RawEvent)
}

/**
 * The reference decoding, through the io-ts codecs alone (no fast path): what
 * {@link decode} must equal for every input. For differential tests and benchmarks.
 */
export const decodeWithCodecs = (
  u: unknown,
  options: DecodeOptions = {},
): E.Either<DecodeError.DecodeError, DocketEvent> => {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) {
    return E.left(PersonalData.withheld(DecodeError.single('', u, 'a JSON object (one event)')))
  }
  const tooNew = newerError(u as Upcaster.RawEvent, options)
  if (tooNew !== undefined) return tooNew
  const raw = options.upcasters ? Upcaster.upcast(options.upcasters, u as Upcaster.RawEvent) : u
  return validate(raw as Upcaster.RawEvent)
}

/** Narrows an event to one standard type. */
export const is =
  <T extends EventType>(type: T) =>
  (e: DocketEvent): e is EventOf<T> =>
    e.type === type

/**
 * Sets `recordedAt` for an import: kept when given, otherwise inferred from
 * `occurredAt` and marked `meta.recordedAtInferred: true`.
 */
export const withImportedRecordedAt = (e: DocketEvent): Recorded => {
  if (e.recordedAt !== undefined) return e as Recorded
  return { ...e, recordedAt: e.occurredAt, meta: { ...e.meta, recordedAtInferred: true } } as Recorded
}

/** Sets `recordedAt` from the clock for a live append (a given one is kept). */
export const withRecordedAt = (e: DocketEvent, now: string): Recorded =>
  (e.recordedAt === undefined ? { ...e, recordedAt: now } : e) as Recorded

/** Keys of `meta` that a store or the library owns; they do not change an event's content. */
const STORE_META_KEYS = new Set(['recordedAtInferred', 'integrity', 'position', 'revision'])

/**
 * The content that idempotency compares: everything but `recordedAt` and the
 * store-owned `meta` keys, in canonical form. The same `id` with an equal
 * fingerprint is a retry; with a different one, a conflict.
 */
export const fingerprint = (e: DocketEvent): string => {
  const meta = Object.fromEntries(Object.entries(e.meta ?? {}).filter(([k]) => !STORE_META_KEYS.has(k)))
  return canonical({ ...e, recordedAt: undefined, meta: Object.keys(meta).length === 0 ? undefined : meta })
}

/**
 * Canonical JSON of an event: keys sorted at every depth. Two events are the
 * same content exactly when their canonical forms are equal (idempotency).
 * It agrees with a JSON round trip, `canonical(x) === canonical(JSON.parse(JSON.stringify(x)))`,
 * for values that are not JSON too (a `Date` or another value with `toJSON`, a boxed primitive, a
 * function): what is sealed is what the store writes. Throws where `JSON.stringify` does (a `bigint`).
 */
export const canonical = (value: unknown): string => written(resolved(value, '')) ?? 'null'

/** `value`, found under `key`, through its `toJSON` when it has one (a Date's ISO text), as `JSON.stringify` takes it. */
const resolved = (value: unknown, key: string): unknown =>
  value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function'
    ? (value as { toJSON: (k: string) => unknown }).toJSON(key)
    : value

/** The canonical text of a resolved value; `undefined` for what `JSON.stringify` leaves out (undefined, a function, a symbol). */
const written = (value: unknown): string | undefined => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (value instanceof String || value instanceof Number || value instanceof Boolean)
    return JSON.stringify(value)
  if (Array.isArray(value)) {
    let out = '['
    // a hole reads as `undefined`, written `null` as `JSON.stringify` writes it (the stored form)
    for (let i = 0; i < value.length; i++)
      out += `${i === 0 ? '' : ','}${written(resolved(value[i], String(i))) ?? 'null'}`
    return `${out}]`
  }
  const o = value as Record<string, unknown>
  // the default sort compares UTF-16 code units, as `<` does
  const keys = Object.keys(o).sort()
  let out = '{'
  for (const k of keys) {
    const v = written(resolved(o[k], k))
    if (v !== undefined) out += `${out.length === 1 ? '' : ','}${quotedKey(k)}:${v}`
  }
  return `${out}}`
}

// Keys come from a small vocabulary (event and payload fields): their JSON is kept, up to a bound.
const quotedKeys = new Map<string, string>()
const quotedKey = (k: string): string => {
  let q = quotedKeys.get(k)
  if (q === undefined) {
    q = JSON.stringify(k)
    if (quotedKeys.size < 10_000) quotedKeys.set(k, q)
  }
  return q
}
