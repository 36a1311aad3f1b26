/**
 * The io-ts codec of a custom condition document: one event's type and
 * fields, or `all`, `any` and `not` of conditions. An event condition's
 * fields are checked against what events of its types carry
 * (`conditionFields`), so a condition that could never match is an error
 * naming its path. Decoding only: `Custom.condition` compiles a document.
 */
import { Event } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import * as ConditionFields from './conditionFields.js'
import { exact } from './exact.js'
import { nonEmpty } from './nonEmpty.js'

const strings = nonEmpty(t.string)

/** A condition names jurisdictions that events carry: ISO 3166-1 alpha-2 codes (never `UK` or `EU`). */
const jurisdictions = nonEmpty(Event.Jurisdiction)

/** A condition document: one event's type and fields, or `all` / `any` / `not` of conditions. */
export type ConditionDoc =
  | {
      readonly event: string | ReadonlyArray<string>
      readonly categories?: ReadonlyArray<string>
      readonly jurisdictions?: ReadonlyArray<string>
      readonly channel?: ReadonlyArray<string>
      readonly outcome?: ReadonlyArray<string>
      readonly action?: ReadonlyArray<string>
      readonly recipient?: ReadonlyArray<string>
      readonly kind?: ReadonlyArray<string>
      readonly legalBasis?: ReadonlyArray<string>
      readonly to?: ReadonlyArray<string>
      readonly allegesMinor?: boolean
      readonly sameReport?: boolean
      readonly sameRequest?: boolean
    }
  | { readonly all: ReadonlyArray<ConditionDoc> }
  | { readonly any: ReadonlyArray<ConditionDoc> }
  | { readonly not: ConditionDoc }

const EventName = t.refinement(
  t.string,
  (s) => Event.isEventType(s) || Event.isVendorType(s),
  'EventType (a standard type or x-<vendor>.<Name>)',
)

const EventList = nonEmpty(EventName)

/** The context `c` with its last entry's codec `type`, so that an error under it names `type`'s expectation. */
const as = (c: t.Context, type: t.Decoder<unknown, unknown>): t.Context => [
  ...c.slice(0, -1),
  { ...c[c.length - 1]!, type },
]

/**
 * One event type or a non-empty list of them. The value's form picks the codec, as in
 * {@link ConditionCodec}: a union reported an empty list as "expected EventType", as if a list
 * were not allowed.
 */
const EventTypes = new t.Type<string | Array<string>, unknown, unknown>(
  'EventTypes',
  (u): u is string | Array<string> => EventName.is(u) || EventList.is(u),
  (u, c) =>
    Array.isArray(u) ? EventList.validate(u, as(c, EventList)) : EventName.validate(u, as(c, EventName)),
  t.identity,
)

/** The condition fields that read an event's data, with the codecs of their kind of value. */
const dataFields: Readonly<Record<ConditionFields.Field, t.Mixed>> = {
  categories: strings,
  jurisdictions,
  channel: strings,
  outcome: strings,
  action: strings,
  recipient: strings,
  kind: strings,
  legalBasis: strings,
  to: strings,
  allegesMinor: t.boolean,
  sameReport: t.boolean,
  sameRequest: t.boolean,
}

/** An event condition of any event types (its `event` is not known yet, or not valid). */
const AnyEventCondition = exact('EventCondition', { event: EventTypes }, dataFields)

/**
 * The checked event-condition codecs built so far, by their event types. Documents name few sets of
 * types, but a long-lived process parsing documents it is sent could name many: past
 * {@link CACHED_TYPE_SETS} sets the oldest is dropped (building one again is cheap).
 */
const forTypes = new Map<string, t.Decoder<unknown, unknown>>()

/** How many sets of event types keep their built codec. */
export const CACHED_TYPE_SETS = 256

/** How many sets of event types have a built codec now (for tests). */
export const cachedTypeSets = (): number => forTypes.size

/** The checked codec of a condition on events of `types`, built once while it stays cached. */
const codecFor = (types: ReadonlyArray<string>): t.Decoder<unknown, unknown> => {
  const key = types.join('\n')
  const cached = forTypes.get(key)
  if (cached !== undefined) return cached
  const codec = exact('EventCondition', { event: EventTypes }, ConditionFields.codecs(types, dataFields))
  if (forTypes.size >= CACHED_TYPE_SETS) forTypes.delete(forTypes.keys().next().value!)
  forTypes.set(key, codec)
  return codec
}

/**
 * An event condition whose fields are checked against what events of its types carry
 * (`ConditionFields.codecs`): a value they cannot carry (a typo: `csma`, `violaton`) or a field they
 * do not have (`outcome` on `ContentReported`) would never match, so it is refused, with the values.
 */
const EventCondition = new t.Type<t.TypeOf<typeof AnyEventCondition>, unknown, unknown>(
  'EventCondition',
  AnyEventCondition.is,
  (u, c) => {
    if (typeof u !== 'object' || u === null) return AnyEventCondition.validate(u, c)
    const event = EventTypes.decode((u as { readonly event?: unknown }).event)
    if (E.isLeft(event)) return AnyEventCondition.validate(u, c)
    const types = typeof event.right === 'string' ? [event.right] : event.right
    return codecFor(types).validate(u, c) as t.Validation<t.TypeOf<typeof AnyEventCondition>>
  },
  t.identity,
)

/**
 * io-ts codec of a condition document. The document's key picks its form (`all`, `any`, `not`, or
 * else an event condition), so an error names the field of that form only, at its own path.
 */
export const ConditionCodec: t.Type<ConditionDoc, unknown, unknown> = t.recursion('Condition', () => {
  const combinators = {
    all: exact('All', { all: nonEmpty(ConditionCodec) }, {}),
    any: exact('Any', { any: nonEmpty(ConditionCodec) }, {}),
    not: exact('Not', { not: ConditionCodec }, {}),
  }
  const union = t.union([EventCondition, combinators.all, combinators.any, combinators.not])
  const formOf = (u: unknown): t.Decoder<unknown, unknown> => {
    if (typeof u !== 'object' || u === null || Array.isArray(u)) return EventCondition
    const key = (['all', 'any', 'not'] as const).find((k) => Object.hasOwn(u, k))
    return key === undefined ? EventCondition : combinators[key]
  }
  return new t.Type<ConditionDoc, unknown, unknown>(
    'Condition',
    (u): u is ConditionDoc => union.is(u),
    (u, c) => formOf(u).validate(u, c) as t.Validation<ConditionDoc>,
    t.identity,
  )
})
