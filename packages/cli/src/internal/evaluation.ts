/**
 * The options `evaluate`, `demo` (and `replay`) share, read from a command
 * line and checked (`--as-of`, `--known-at`, `--from`, `--to`, `--policies`,
 * `--what-if`), and the one call into the engine: core's
 * `Evaluation.evaluate` with the rules of `@docket/policies` for the
 * profile and core's escalation hook. The CLI computes nothing itself.
 */
import { type DocketEvent, Escalation, Evaluation, type Profile, Timestamp } from '@docket/core'
import { type Custom, Policy } from '@docket/policies'
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import type { Invocation, OptionSpec } from '../Command.js'
import * as Config from '../Config.js'
import * as Settings from '../replay/Settings.js'
import * as Args from './args.js'

/** `--custom-policy FILE`, repeatable: of `evaluate` and `replay`, and of `watch` and `policies`. */
export const CUSTOM_POLICY: OptionSpec = {
  name: 'custom-policy',
  value: 'FILE',
  kind: 'string',
  multiple: true,
  description:
    'Also run the platform policy of this JSON or YAML document beside the statutes (see docs/policies/custom.md). Its rules are internal, never statutory.',
}

/** The declared options of an evaluation, for a command's `options`. */
export const OPTIONS: ReadonlyArray<OptionSpec> = [
  {
    name: 'as-of',
    value: 'T',
    kind: 'string',
    description:
      'Judge every clock at this instant (ISO-8601 with offset, or now). Default: the latest occurredAt in the input.',
  },
  {
    name: 'known-at',
    value: 'T',
    kind: 'string',
    description: 'Use only events recorded (recordedAt) by this instant; alone, it is also the as-of.',
  },
  {
    name: 'from',
    value: 'T',
    kind: 'string',
    description: 'Only cases whose first event occurred at or after this instant.',
  },
  {
    name: 'to',
    value: 'T',
    kind: 'string',
    description: 'Only cases whose first event occurred before this instant.',
  },
  {
    name: 'policies',
    value: 'ID,…',
    kind: 'string',
    multiple: true,
    description:
      'Run only these policies or policy/rule ids (comma-separated). Default: every rule on by default.',
  },
  {
    name: 'what-if',
    value: 'ID,…',
    kind: 'string',
    multiple: true,
    description: 'Apply these policies even before their entry into force (counterfactual; comma-separated).',
  },
  CUSTOM_POLICY,
]

/** Checked evaluation options. */
export interface Checked {
  readonly asOf?: number
  readonly knownAt?: number
  readonly from?: number
  readonly to?: number
  readonly policies?: ReadonlyArray<string>
  readonly whatIf?: ReadonlyArray<string>
}

const instant = (
  name: string,
  value: string | undefined,
  now: () => number,
): E.Either<string, number | undefined> => {
  if (value === undefined) return E.right(undefined)
  if (value === 'now') return E.right(now())
  const p = Timestamp.parse(value)
  return p === undefined
    ? E.left(
        `--${name} ${JSON.stringify(value)}: expected an ISO-8601 timestamp with offset (2020-01-28T09:14:00-08:00) or now`,
      )
    : E.right(p.epochMs)
}

const ids = (
  inv: Pick<Invocation, 'options'>,
  name: string,
  pack: ReadonlyArray<Policy.Policy>,
): E.Either<string, ReadonlyArray<string> | undefined> => {
  const list = Args.list(inv, name)
  if (list === undefined) return E.right(undefined)
  const known = (id: string): boolean =>
    O.isSome(Policy.byId(id, pack)) || O.isSome(Policy.ruleById(id, pack))
  const unknown = list.filter((id) => !known(id))
  return unknown.length === 0
    ? E.right(list)
    : E.left(
        `--${name}: unknown policy ${unknown.map((u) => JSON.stringify(u)).join(', ')}; known policies: ${pack.map((p) => p.id).join(', ')} (or a policy/rule id from docket policies)`,
      )
}

/**
 * Reads and checks the evaluation options of a command line. `now` is read only for `now`;
 * `--policies` and `--what-if` may name the policies of `pack` (default: the statutes).
 */
export const check = (
  inv: Pick<Invocation, 'options'>,
  now: () => number = Date.now,
  pack: ReadonlyArray<Policy.Policy> = Policy.all,
): E.Either<string, Checked> => {
  const asOf = instant('as-of', Args.str(inv, 'as-of'), now)
  const knownAt = instant('known-at', Args.str(inv, 'known-at'), now)
  const from = instant('from', Args.str(inv, 'from'), now)
  const to = instant('to', Args.str(inv, 'to'), now)
  const policies = ids(inv, 'policies', pack)
  const whatIf = ids(inv, 'what-if', pack)
  const errors = [asOf, knownAt, from, to, policies, whatIf].flatMap((x) => (E.isLeft(x) ? [x.left] : []))
  if (errors.length > 0) return E.left(errors.join('\n'))
  const get = <A>(x: E.Either<string, A>): A => (x as E.Right<A>).right
  const [start, end] = [get(from), get(to)]
  if (start !== undefined && end !== undefined && start >= end)
    return E.left(
      `--from ${Args.str(inv, 'from')} is not before --to ${Args.str(inv, 'to')}: the window [from, to) would hold no case`,
    )
  const out: {
    -readonly [K in keyof Checked]: Checked[K]
  } = {}
  if (get(asOf) !== undefined) out.asOf = get(asOf)
  if (get(knownAt) !== undefined) out.knownAt = get(knownAt)
  if (get(from) !== undefined) out.from = get(from)
  if (get(to) !== undefined) out.to = get(to)
  if (get(policies) !== undefined) out.policies = get(policies)
  if (get(whatIf) !== undefined) out.whatIf = get(whatIf)
  return E.right(out)
}

/** What a command evaluates with, read from its command line. */
export interface Setup {
  /** The documents of `--custom-policy` (plain data, for worker threads). */
  readonly custom: ReadonlyArray<Custom.Document>
  /** The statutes and the custom policies. */
  readonly pack: ReadonlyArray<Policy.Policy>
  readonly options: Checked
  /** The profile of `--config`, its rule ids checked against `pack`. */
  readonly profile: Profile.Resolved
}

/**
 * Reads a command's custom policies, evaluation options and profile, in that order (the options
 * and the profile may name the custom policies' ids); Left: the first problem, for standard error.
 */
export const setup = (
  inv: Pick<Invocation, 'options' | 'cwd'>,
  now: () => number = Date.now,
): E.Either<string, Setup> => {
  const policies = customPolicies(inv)
  if (E.isLeft(policies)) return policies
  const { custom, pack } = policies.right
  const options = check(inv, now, pack)
  if (E.isLeft(options)) return options
  const profile = Config.load(inv.cwd, Args.str(inv, 'config'), pack)
  if (E.isLeft(profile)) return E.left(profile.left.message)
  return E.right({ custom, pack, options: options.right, profile: profile.right })
}

/**
 * The documents of {@link CUSTOM_POLICY} and the policies a command runs with them (the statutes,
 * then the documents); Left: the first problem of a file, for standard error.
 */
export const customPolicies = (
  inv: Pick<Invocation, 'options' | 'cwd'>,
): E.Either<string, Pick<Setup, 'custom' | 'pack'>> => {
  const custom = Config.loadCustom(inv.cwd, Args.all(inv, CUSTOM_POLICY.name))
  return E.isLeft(custom)
    ? E.left(custom.left.message)
    : E.right({ custom: custom.right, pack: Settings.policies(custom.right) })
}

/**
 * Runs the engine: every case's obligations and escalations, in the shape of `evaluate --format json`,
 * with the rules of `pack` (default: the statutes) for the profile.
 */
export const evaluate = (
  events: Iterable<DocketEvent>,
  profile: Profile.Resolved,
  options: Checked,
  pack: ReadonlyArray<Policy.Policy> = Policy.all,
): Evaluation.Report =>
  Evaluation.evaluate(events, {
    rules: Policy.forProfile(profile, pack),
    profile,
    escalate: Escalation.escalate,
    ...options,
  })

/** The instant a report of no events is dated at when nothing fixes it: there is no latest `occurredAt`. */
const EPOCH = '1970-01-01T00:00:00.000Z'

/**
 * The warning for a report dated at the epoch because its input held no events and neither
 * `--as-of` nor `--known-at` dated it (`label` names the input), or `undefined`.
 */
export const undated = (
  label: string,
  asOf: string,
  options: Pick<Checked, 'asOf' | 'knownAt'>,
): string | undefined =>
  asOf === EPOCH && options.asOf === undefined && options.knownAt === undefined
    ? `${label}: no events, so no latest occurredAt to judge at; the report is as of ${asOf} (give --as-of to date it)`
    : undefined
