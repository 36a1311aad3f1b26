/**
 * A platform's own policies ("triage every CSAM report within 1 hour") in
 * the same form as the statutes: rules with a trigger, a completion, a period
 * and optional pause, resume, restart and cancel conditions. They are
 * written either in TypeScript (`policy`, with conditions as functions or as
 * condition documents) or as a JSON/YAML document decoded by io-ts
 * (`decode`, `parse`). Custom rules are `internal`: their obligations are
 * never statutory, and they are on by default.
 *
 * Not a general rule language: conditions match one event by type and a few
 * fields, combined with `all`, `any` and `not`, and relate it to the event
 * that started the clock (`sameReport`, `sameRequest`).
 */
import { Calendar, ClockRule, DecodeError, type DocketEvent, Event, Profile, Timestamp } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { IANAZone } from 'luxon'
import { parse as parseYaml, YAMLParseError } from 'yaml'
import { all, allegesMinor, any, not, reportIdOf, requestIdOf } from './internal/match.js'
import { ConditionCodec, type ConditionDoc } from './internal/conditionCodec.js'
import { categoriesOf, jurisdictionsOf } from './internal/eventScope.js'
import { exact } from './internal/exact.js'
import * as RuleChecks from './internal/ruleChecks.js'
import { applies } from './internal/scope.js'
import type * as Policy from './Policy.js'

// codecs

export { ConditionCodec, type ConditionDoc }

/** A policy's scope: ISO 3166-1 alpha-2 codes, or `EU` for every Member State at the trigger date. */
const scopeJurisdictions = t.array(t.union([Event.Jurisdiction, t.literal('EU')]))

const ClockName = t.keyof(
  {
    elapsed: null,
    'calendar-days': null,
    'calendar-months': null,
    'calendar-years': null,
    'business-days': null,
    'business-hours': null,
  },
  'ClockType',
)

/** A rule's zone: `profile`, `event`, or a zone luxon knows, checked as a profile's `timeZone` is. */
const RuleZone = t.refinement(
  t.string,
  (s) => s === 'profile' || s === 'event' || Profile.TimeZone.is(s),
  'an IANA time zone (such as Europe/Paris), a fixed offset (UTC+02:00), profile or event',
)

/** An IANA zone luxon knows (`America/Toronto`): a zone a rule's period is also counted in. */
const AlsoZone = t.refinement(
  t.string,
  (s) => IANAZone.isValidZone(s),
  'an IANA time zone luxon knows, such as America/Toronto',
)

/** A holiday calendar `date-holidays` has data for (`FR`, `DE-BY`): an unknown one would stop the engine. */
const RuleCalendar = t.refinement(
  t.string,
  (s) => Calendar.isKnown(s),
  'a holiday calendar: COUNTRY[-STATE[-REGION]] with public holidays in date-holidays (such as FR or DE-BY)',
)

/** A duration that is not zero: a period or target of `PT0S` is due the instant its clock starts. */
const Length = Event.NonZeroDuration

/** io-ts codec of one custom rule. */
export const RuleCodec = exact(
  'CustomRule',
  {
    rule: t.refinement(
      t.string,
      (s) => /^[a-z0-9][a-z0-9-]*$/.test(s),
      'RuleName (lowercase, digits, dashes)',
    ),
    title: t.string,
    start: ConditionCodec,
    complete: ConditionCodec,
    /** ISO-8601 duration, not zero. */
    period: Length,
  },
  {
    kind: t.keyof({ deadline: null, hold: null, window: null }, 'Kind'),
    clock: ClockName,
    /** IANA zone, `profile` or `event` (default `event`). */
    zone: RuleZone,
    /** Other IANA zones the period is also counted in; the reading that protects applies. */
    alsoZones: t.array(AlsoZone),
    endOfDay: t.boolean,
    /** Holiday calendar for business time, checked as `zone` is. */
    calendar: RuleCalendar,
    /** Internal target before the due time (`targetAt`). */
    target: Length,
    pause: ConditionCodec,
    resume: ConditionCodec,
    restart: ConditionCodec,
    cancel: ConditionCodec,
    extendable: t.boolean,
    /** One clock per `case` (default), `report`, `request` or `event`. */
    per: t.keyof({ case: null, report: null, request: null, event: null }, 'Per'),
    validFrom: Timestamp.IsoTimestamp,
    validTo: Timestamp.IsoTimestamp,
    description: t.string,
  },
)
/** One custom rule document. */
export type RuleDoc = t.TypeOf<typeof RuleCodec>

/** io-ts codec of a custom policy document. */
export const DocumentCodec = exact(
  'CustomPolicy',
  {
    id: t.refinement(t.string, (s) => /^[a-z0-9][a-z0-9-]*$/.test(s), 'PolicyId (lowercase, digits, dashes)'),
    title: t.string,
    rules: t.array(RuleCodec),
  },
  {
    /** ISO codes or `EU`; absent: every case. */
    jurisdictions: scopeJurisdictions,
    summary: t.string,
  },
)
/** A custom policy document. */
export type Document = t.TypeOf<typeof DocumentCodec>

// compiling

const field = (e: DocketEvent, name: string): unknown =>
  e.type.startsWith('x-') ? undefined : (e.data as Readonly<Record<string, unknown>>)[name]

const oneOf = (e: DocketEvent, name: string, values: ReadonlyArray<string> | undefined): boolean => {
  if (values === undefined) return true
  const v = field(e, name)
  return typeof v === 'string' && values.includes(v)
}

/**
 * Compiles a condition document to a `ClockRule.Condition`, which carries its `document` (so
 * that `ProcessManager.fingerprintOf` tells conditions of one shape apart).
 */
export const condition = (doc: ConditionDoc): ClockRule.Condition =>
  Object.assign(compileCondition(doc), { document: doc })

const compileCondition = (doc: ConditionDoc): ClockRule.Condition => {
  if ('all' in doc) return all(...doc.all.map(condition))
  if ('any' in doc) return any(...doc.any.map(condition))
  if ('not' in doc) return not(condition(doc.not))
  const types: ReadonlyArray<string> = typeof doc.event === 'string' ? [doc.event] : doc.event
  return ClockRule.typed(
    types,
    (e, v, s) =>
      types.includes(e.type) &&
      (doc.categories === undefined || categoriesOf(e).some((c) => doc.categories!.includes(c))) &&
      (doc.jurisdictions === undefined || jurisdictionsOf(e).some((j) => doc.jurisdictions!.includes(j))) &&
      oneOf(e, 'channel', doc.channel) &&
      oneOf(e, 'outcome', doc.outcome) &&
      oneOf(e, 'action', doc.action) &&
      oneOf(e, 'recipient', doc.recipient) &&
      oneOf(e, 'kind', doc.kind) &&
      oneOf(e, 'legalBasis', doc.legalBasis) &&
      oneOf(e, 'to', doc.to) &&
      (doc.allegesMinor === undefined || allegesMinor(e, v, s) === doc.allegesMinor) &&
      (doc.sameReport !== true || (reportIdOf(s) !== undefined && reportIdOf(e) === reportIdOf(s))) &&
      (doc.sameRequest !== true || (requestIdOf(s) !== undefined && requestIdOf(e) === requestIdOf(s))),
  )
}

const clockOf = (duration: string): ClockRule.ClockType =>
  duration.includes('T')
    ? 'elapsed'
    : /\dY$/.test(duration)
      ? 'calendar-years'
      : /\dM$/.test(duration)
        ? 'calendar-months'
        : 'calendar-days'

const KEYS: Readonly<Record<string, ((e: DocketEvent) => string) | undefined>> = {
  case: undefined,
  report: (e) => reportIdOf(e) ?? e.id,
  request: (e) => requestIdOf(e) ?? e.id,
  event: (e) => e.id,
}

const optional = <A, B>(a: A | undefined, f: (a: A) => B): B | undefined =>
  a === undefined ? undefined : f(a)

/** Compiles one rule document of a policy. */
export const compileRule = (
  policyId: string,
  jurisdictions: ReadonlyArray<string> | undefined,
  r: RuleDoc,
): Policy.Rule => {
  const scope = { jurisdictions: jurisdictions ?? [] }
  const pause = optional(r.pause, condition)
  const resume = optional(r.resume, condition)
  const restart = optional(r.restart, condition)
  const cancel = optional(r.cancel, condition)
  const key = KEYS[r.per ?? 'case']
  const version: Policy.Version = {
    validFrom: r.validFrom ?? RuleChecks.VALID_FROM,
    validTo: r.validTo ?? null,
    zone: r.zone ?? 'event',
    ...(r.alsoZones === undefined || r.alsoZones.length === 0 ? {} : { alsoZones: r.alsoZones }),
    citation: `${policyId} (platform policy)`,
    quote: r.description ?? r.title,
    start: condition(r.start),
    complete: condition(r.complete),
    period: {
      duration: r.period,
      clock: r.clock ?? clockOf(r.period),
      ...(r.endOfDay === undefined ? {} : { endOfDay: r.endOfDay }),
      ...(r.calendar === undefined ? {} : { calendar: r.calendar }),
    },
    ...(r.target === undefined ? {} : { defaultTarget: r.target }),
    ...(key === undefined ? {} : { key }),
    ...(pause === undefined ? {} : { pause }),
    ...(resume === undefined ? {} : { resume }),
    ...(restart === undefined ? {} : { restart }),
    ...(cancel === undefined ? {} : { cancel }),
    ...(r.extendable === undefined ? {} : { extendable: r.extendable }),
  }
  const everywhere = jurisdictions === undefined || jurisdictions.length === 0
  const inScope = applies(scope)
  return {
    policy: policyId,
    rule: r.rule,
    row: 'platform policy',
    kind: r.kind ?? 'deadline',
    title: r.title,
    confidence: 'primary',
    dateZone: 'UTC',
    internal: true,
    scope,
    applies: everywhere ? () => true : (s) => inScope({ ...s, profile: { ...s.profile, markets: null } }),
    trigger: JSON.stringify(r.start),
    completion: JSON.stringify(r.complete),
    pauses: r.pause === undefined ? null : JSON.stringify(r.pause),
    restarts: r.restart === undefined ? null : JSON.stringify(r.restart),
    extensions: r.extendable === true ? '`DeadlineExtended` on the obligation' : null,
    notes: ['Platform policy: never statutory.'],
    versions: [version],
  }
}

/** Compiles a decoded document to a policy. */
export const compile = (doc: Document): Policy.Policy => ({
  id: doc.id,
  title: doc.title,
  jurisdictions: doc.jurisdictions ?? [],
  summary: doc.summary ?? doc.title,
  rules: doc.rules.map((r) => compileRule(doc.id, doc.jurisdictions, r)),
  entries: [],
})

/**
 * The rules of a document that did not decode, each decoded on its own (`undefined`: it did not
 * decode either), so that the checks relating their fields run on those that did.
 */
const rulesOf = (u: unknown): ReadonlyArray<RuleDoc | undefined> => {
  const rules = typeof u === 'object' && u !== null ? (u as { readonly rules?: unknown }).rules : undefined
  return Array.isArray(rules)
    ? rules.map((r) => {
        const d = RuleCodec.decode(r)
        return E.isRight(d) ? d.right : undefined
      })
    : []
}

/** Decodes a parsed JSON or YAML value into a policy document; every problem names its field path. */
export const decodeDocument = (u: unknown): E.Either<DecodeError.DecodeError, Document> => {
  const d = DocumentCodec.decode(u)
  // a bad field does not hide the problems relating the fields of the rules that did decode
  const fields = E.isLeft(d) ? DecodeError.fromValidation(d.left).issues : []
  const issues = [...fields, ...RuleChecks.issues(E.isLeft(d) ? rulesOf(u) : d.right.rules)]
  return issues.length > 0 || E.isLeft(d) ? E.left(DecodeError.make(issues)) : d
}

/** Decodes a parsed JSON or YAML value into a policy; every problem names its field path. */
export const decode = (u: unknown): E.Either<DecodeError.DecodeError, Policy.Policy> =>
  E.map(compile)(decodeDocument(u))

/**
 * A text that is not JSON or YAML, as an error at the line the parser stopped at, whose value is
 * that line (the parser's message on one line, without its code frame: a file's errors are
 * prefixed with the file line by line).
 */
const syntaxError = (text: string, e: unknown): DecodeError.DecodeError => {
  const line = e instanceof YAMLParseError ? e.linePos?.[0].line : undefined
  const message = (e instanceof Error ? e.message : String(e))
    .split('\n')[0]!
    .replace(/ at line \d+, column \d+:$/, '')
  const column = e instanceof YAMLParseError ? e.linePos?.[0].col : undefined
  const error = DecodeError.single(
    '',
    line === undefined ? text.slice(0, 40) : (text.split(/\r?\n/)[line - 1] ?? ''),
    `JSON or YAML (${message}${column === undefined ? '' : `, at column ${column}`})`,
  )
  return line === undefined ? error : DecodeError.atLine(error, line)
}

/** Parses and decodes a JSON or YAML document (YAML is a superset of JSON) into a policy document. */
export const parseDocument = (text: string): E.Either<DecodeError.DecodeError, Document> => {
  let u: unknown
  try {
    u = parseYaml(text)
  } catch (e) {
    return E.left(syntaxError(text, e))
  }
  return decodeDocument(u)
}

/** Parses and decodes a JSON or YAML document into a policy ({@link parseDocument}, compiled). */
export const parse = (text: string): E.Either<DecodeError.DecodeError, Policy.Policy> =>
  E.map(compile)(parseDocument(text))

/** A rule written in TypeScript: conditions as functions or documents. */
export interface RuleInput
  extends Omit<RuleDoc, 'start' | 'complete' | 'pause' | 'resume' | 'restart' | 'cancel'> {
  readonly start: ClockRule.Condition | ConditionDoc
  readonly complete: ClockRule.Condition | ConditionDoc
  readonly pause?: ClockRule.Condition | ConditionDoc
  readonly resume?: ClockRule.Condition | ConditionDoc
  readonly restart?: ClockRule.Condition | ConditionDoc
  readonly cancel?: ClockRule.Condition | ConditionDoc
}

const asCondition = (c: ClockRule.Condition | ConditionDoc): ClockRule.Condition =>
  typeof c === 'function' ? c : condition(c)

/** A condition as a rule's listing shows it (`JSON.stringify` of a function is `undefined`). */
const described = (c: ClockRule.Condition | ConditionDoc): string =>
  typeof c === 'function' ? 'a TypeScript condition' : JSON.stringify(c)

const CONDITIONS = ['start', 'complete', 'pause', 'resume', 'restart', 'cancel'] as const

/** A valid condition document standing where a rule written in TypeScript has a function. */
const PLACEHOLDER: ConditionDoc = { event: 'CaseClosed' }

/** A policy written in TypeScript, as the fields {@link policy} takes. */
export interface PolicyInput {
  readonly id: string
  readonly title: string
  readonly jurisdictions?: ReadonlyArray<string>
  readonly summary?: string
  readonly rules: ReadonlyArray<RuleInput>
}

/**
 * The policy's fields checked as a document's are (a function condition stands as a condition that
 * is always valid: what it matches is its own business), so that a zone luxon does not know, a
 * target longer than the period or a condition document that could never match fails here, with
 * its path, not later in the engine or silently.
 */
const check = (doc: PolicyInput): void => {
  const asDoc = (c: ClockRule.Condition | ConditionDoc | undefined) =>
    typeof c === 'function' ? PLACEHOLDER : c
  const rules = doc.rules.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [
        k,
        (CONDITIONS as ReadonlyArray<string>).includes(k) ? asDoc(v) : v,
      ]),
    ),
  )
  const decoded = decodeDocument({ ...doc, rules })
  if (E.isLeft(decoded)) throw new TypeError(`Custom.policy ${doc.id}: ${DecodeError.format(decoded.left)}`)
}

/**
 * A policy written in TypeScript. Its fields are checked as a document's are; a bad one (a bug in
 * the caller's code, not input) throws a `TypeError` naming the policy and each path.
 */
export const policy = (doc: PolicyInput): Policy.Policy => {
  check(doc)
  const rules = doc.rules.map((r) => {
    const compiled = compileRule(doc.id, doc.jurisdictions, {
      ...r,
      start: PLACEHOLDER,
      complete: PLACEHOLDER,
    } as RuleDoc)
    const v = compiled.versions[0]!
    const extra = (name: 'pause' | 'resume' | 'restart' | 'cancel') =>
      r[name] === undefined ? {} : { [name]: asCondition(r[name]!) }
    return {
      ...compiled,
      trigger: described(r.start),
      completion: described(r.complete),
      pauses: r.pause === undefined ? null : described(r.pause),
      restarts: r.restart === undefined ? null : described(r.restart),
      versions: [
        {
          ...v,
          start: asCondition(r.start),
          complete: asCondition(r.complete),
          ...extra('pause'),
          ...extra('resume'),
          ...extra('restart'),
          ...extra('cancel'),
        },
      ],
    }
  })
  return {
    id: doc.id,
    title: doc.title,
    jurisdictions: doc.jurisdictions ?? [],
    summary: doc.summary ?? doc.title,
    rules,
    entries: [],
  }
}
