/**
 * A policy is one legal instrument (or a platform's own rulebook) turned into
 * clock rules: an id from `docket policies`, a title, the jurisdictions it
 * covers, its rules (each a `ClockRule.Rule` the obligation engine runs, with
 * the metadata a listing needs: the legal-reference row, the trigger and
 * completion in words, who it binds) and its metadata-only entries (rows of
 * the legal reference with no clock: fines, contents, safe harbours).
 *
 * This module is the model and the registry; it is not the engine (which
 * lives in `@docket/core`) and it holds no statute itself (each module does).
 */
import { type ClockRule, DecodeError, type Profile } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import { DateTime } from 'luxon'
import * as AuOsa from './AuOsa.js'
import * as BrEcaDigital from './BrEcaDigital.js'
import * as CaMandatoryReporting from './CaMandatoryReporting.js'
import * as DeNetzdg from './DeNetzdg.js'
import * as EuDsa from './EuDsa.js'
import * as EuEEvidence from './EuEEvidence.js'
import * as EuTco from './EuTco.js'
import * as FrLcen from './FrLcen.js'
import * as InItRules from './InItRules.js'
import { applies, firstBound, type ScopeSpec } from './internal/scope.js'
import { establishment } from './internal/zones.js'
import * as UkOsa from './UkOsa.js'
import * as UsPreservation2703f from './UsPreservation2703f.js'
import * as UsReport2258a from './UsReport2258a.js'
import * as UsTakeItDown from './UsTakeItDown.js'

// model

export type { ScopeSpec } from './internal/scope.js'

/** One version of a rule, with what a listing needs beyond the engine's fields. */
export interface Version extends ClockRule.Version {
  /** The trigger in words, where this version's differs from the rule's. */
  readonly trigger?: string
  /**
   * Where the legal reference states `validFrom`'s date, when not in the rule's own row: another
   * row id, `cross-check` (the reference's cross-check section), or `section` (the paragraphs that
   * open the row's section, such as the DSA's Art. 92 dates for VLOPs).
   */
  readonly dateSource?: string
  /** `year`: the reference gives only the year of `validFrom`, read as its first instant. */
  readonly datePrecision?: 'year'
  /** Count in the zone and holiday calendar of the Member State of establishment (see `forProfile`). */
  readonly establishmentZone?: boolean
  /** Why this version exists or how its dates were read. */
  readonly note?: string
}

/** A clock rule with its listing metadata. */
export interface Rule extends ClockRule.Rule {
  /** The row id of `shared/reference/legal.md` the rule encodes. */
  readonly row: string
  /** The zone the law's dates are read in: each `validFrom`/`validTo` is a midnight there. */
  readonly dateZone: string
  /**
   * Where the reference's cross-check corrects the row's confidence label: its words, ending in the
   * label it gives (`… (S)`), quoted exactly so that a test finds them there.
   */
  readonly confidenceFrom?: string
  /**
   * `true` where the law makes acting a condition of an exemption (DSA Art. 6: the hosting
   * liability exemption) rather than a duty of its own.
   */
  readonly condition?: true
  readonly versions: ReadonlyArray<Version>
  /** Who and where it binds; `applies` is derived from it. */
  readonly scope: ScopeSpec
  /** What starts the clock, in words. */
  readonly trigger: string
  /** What completes (or, for a hold, ends) it, in words. */
  readonly completion: string
  readonly pauses: string | null
  readonly restarts: string | null
  readonly extensions: string | null
  readonly notes: ReadonlyArray<string>
}

/** A row of the legal reference encoded without a clock (listed, never an obligation). */
export interface Entry {
  readonly policy: string
  readonly rule: string
  readonly row: string
  readonly title: string
  readonly citation: string
  readonly quote: string
  readonly confidence: ClockRule.Confidence
  /** When it took effect, as the reference words it (`2026-05-19`, `2018-12-21 (discretionary wording)`). */
  readonly since: string
  /** Why it has no clock. */
  readonly reason: string
}

/** A policy module. */
export interface Policy {
  readonly id: string
  readonly title: string
  /** ISO codes, or `EU`; empty: every case (a custom policy that names none). */
  readonly jurisdictions: ReadonlyArray<string>
  readonly summary: string
  readonly rules: ReadonlyArray<Rule>
  readonly entries: ReadonlyArray<Entry>
}

// registry

/** Every statutory policy module, in the order of `docket policies`. */
export const all: ReadonlyArray<Policy> = [
  UsReport2258a.policy,
  UsPreservation2703f.policy,
  UsTakeItDown.policy,
  EuDsa.policy,
  EuTco.policy,
  EuEEvidence.policy,
  UkOsa.policy,
  AuOsa.policy,
  InItRules.policy,
  DeNetzdg.policy,
  FrLcen.policy,
  CaMandatoryReporting.policy,
  BrEcaDigital.policy,
]

/** The policy with this id. */
export const byId = (id: string, policies: ReadonlyArray<Policy> = all): O.Option<Policy> =>
  O.fromNullable(policies.find((p) => p.id === id))

/** Every rule of the policies, in listing order. */
export const rules = (policies: ReadonlyArray<Policy> = all): ReadonlyArray<Rule> =>
  policies.flatMap((p) => p.rules)

const fullId = (r: Rule): string => `${r.policy}/${r.rule}`

/** The statutes' rules by full id, made on the first lookup (the first of an id, as `find` gives). */
let allById: ReadonlyMap<string, Rule> | undefined
const indexOfAll = (): ReadonlyMap<string, Rule> => {
  if (allById === undefined) {
    const m = new Map<string, Rule>()
    for (const r of rules(all)) if (!m.has(fullId(r))) m.set(fullId(r), r)
    allById = m
  }
  return allById
}

/** The rule with this full id (`policy/rule`); a map lookup for the statutes, a scan for other lists. */
export const ruleById = (id: string, policies: ReadonlyArray<Policy> = all): O.Option<Rule> =>
  O.fromNullable(policies === all ? indexOfAll().get(id) : rules(policies).find((r) => fullId(r) === id))

/** Whether `id` names a policy of `policies` or one of their rules (`policy/rule`). */
const isKnownId = (id: string, policies: ReadonlyArray<Policy>): boolean =>
  policies.some((p) => p.id === id) || O.isSome(ruleById(id, policies))

/**
 * What a clock rests on, in the words reports and policy pages use: a number the law gives; a duty
 * the law imposes with no number, whose due time is the platform's internal target ("a deadline
 * with no number in the law is an internal target and is labelled so"); or the platform's own rule.
 */
export type Basis =
  | 'statutory deadline'
  | 'statutory duty; deadline an internal target'
  | 'condition of a statutory exemption; deadline an internal target'
  | 'internal rule'

/**
 * The {@link Basis} of a rule's clock: `numbered` is whether the law gives its due time a number
 * (an obligation's `statutory`). A rule marked `internal` is the platform's, numbered or not; one
 * marked `condition` keeps an exemption rather than meeting a duty.
 */
export const basis = (r: Pick<Rule, 'internal' | 'condition'>, numbered: boolean): Basis =>
  r.internal === true
    ? 'internal rule'
    : numbered
      ? 'statutory deadline'
      : r.condition === true
        ? 'condition of a statutory exemption; deadline an internal target'
        : 'statutory duty; deadline an internal target'

/** On by default: primary and secondary rules. Unconfirmed rules are encoded but off. */
export const onByDefault = (r: Pick<ClockRule.Rule, 'confidence'>): boolean => r.confidence !== 'unconfirmed'

/** Whether the profile runs this rule: on by default, or enabled by `enabledRules` (a `policy/rule` or a `policy`). */
export const isEnabled = (r: ClockRule.Rule, profile: Profile.Resolved): boolean =>
  onByDefault(r) ||
  profile.enabledRules.includes(`${r.policy}/${r.rule}`) ||
  profile.enabledRules.includes(r.policy)

/**
 * The rules a platform runs when it names no policies: every enabled rule of every module, as
 * this platform runs them ({@link forProfile}: versions counted where it is established).
 */
export const defaultRules = (
  profile: Profile.Resolved,
  policies: ReadonlyArray<Policy> = all,
): ReadonlyArray<Rule> => forProfile(profile, policies).filter((r) => isEnabled(r, profile))

/** An id given to `--policies` or `--what-if` that names no policy or rule. */
export interface UnknownId {
  readonly _tag: 'UnknownId'
  readonly id: string
  readonly known: ReadonlyArray<string>
}

/**
 * The enabled rules named by `ids` (policy ids or `policy/rule` ids), or the first unknown id.
 * A rule named by its full id runs even when off by default (naming it is opting in).
 */
export const select = (
  ids: ReadonlyArray<string>,
  profile: Profile.Resolved,
  policies: ReadonlyArray<Policy> = all,
): E.Either<UnknownId, ReadonlyArray<Rule>> => {
  const every = rules(policies)
  const out: Rule[] = []
  for (const id of ids) {
    const byRule = every.filter((r) => `${r.policy}/${r.rule}` === id)
    const byPolicy = every.filter((r) => r.policy === id && isEnabled(r, profile))
    if (!isKnownId(id, policies)) {
      return E.left({ _tag: 'UnknownId', id, known: policies.map((p) => p.id) })
    }
    for (const r of [...byRule, ...byPolicy]) if (!out.includes(r)) out.push(r)
  }
  return E.right(out)
}

/**
 * The profile, or a decode error naming each entry of `enabledRules` and each key of
 * `internalTargets` that is neither a policy id nor the `policy/rule` id of a rule of
 * `policies` (a typo there would silently leave a rule off or a target unset; a
 * metadata-only entry has no clock to enable or target). Pass the custom policies the
 * profile names too: `checkProfile(profile, [...Policy.all, acme])`.
 */
export const checkProfile = (
  profile: Profile.Resolved,
  policies: ReadonlyArray<Policy> = all,
): E.Either<DecodeError.DecodeError, Profile.Resolved> => {
  const entries = new Set(policies.flatMap((p) => p.entries.map((e) => `${e.policy}/${e.rule}`)))
  const expected = `a policy id or the policy/rule id of a rule, as docket policies lists them (policies: ${policies.map((p) => p.id).join(', ')})`
  const check = (id: string, path: string): ReadonlyArray<DecodeError.Issue> =>
    isKnownId(id, policies)
      ? []
      : [
          {
            path,
            value: id,
            expected: entries.has(id) ? `a rule with a clock (${id} is metadata only)` : expected,
          },
        ]
  const issues = [
    ...profile.enabledRules.flatMap((id, i) => check(id, `enabledRules.${i}`)),
    ...Object.keys(profile.internalTargets).flatMap((id) => check(id, `internalTargets.${id}`)),
  ]
  return issues.length === 0 ? E.right(profile) : E.left(DecodeError.make(issues))
}

/**
 * The rules as this platform runs them: versions counted where the provider is established
 * (`establishmentZone`) take the zone and holiday calendar of the profile's Member State of
 * establishment (Belgium when none); a rule binding designated VLOPs and VLOSEs first (scope `generalFrom`)
 * starts its first version when this profile is first bound (see {@link boundVersions}). Pass the
 * result to `Evaluation.evaluate`, after {@link checkProfile} has checked the rule ids the
 * profile names.
 */
export const forProfile = (
  profile: Profile.Resolved,
  policies: ReadonlyArray<Policy> = all,
): ReadonlyArray<Rule> => {
  const here = establishment(profile.establishment)
  return rules(policies).map((statute) => {
    const r = bound(statute, profile)
    const local = r.versions.some((v) => v.establishmentZone === true)
      ? r.versions.map((v) =>
          v.establishmentZone === true
            ? { ...v, zone: here.zone, period: { ...v.period, calendar: here.calendar } }
            : v,
        )
      : r.versions
    return local === r.versions ? r : { ...r, versions: local }
  })
}

/**
 * The rule as it binds this profile: its versions from {@link boundVersions} and, when they moved,
 * an `applies` that no longer refuses an instant before `generalFrom`, since the versions now say
 * when the profile is bound. `applies` is asked at the trigger for a `counterfactual` obligation
 * (`--what-if`): it refused one to every profile not bound then, which without `--what-if` got a
 * `preEffective` one.
 */
const bound = (r: Rule, profile: Profile.Resolved): Rule => {
  const versions = boundVersions(r, profile)
  if (versions === r.versions) return r
  const { generalFrom: _, ...untimed } = r.scope
  return { ...r, versions, applies: applies(untimed) }
}

/**
 * A rule's versions as they bind this profile: where the scope binds designated VLOPs and VLOSEs
 * before `generalFrom` (DSA Art. 92), none starts before the instant the profile is first bound
 * (`firstBound`: 2024-02-17 for a provider that is neither or names no provider type, four months
 * after designation for a VLOP or VLOSE), and a version ending by then is dropped. A trigger before
 * that instant then gives a `preEffective` obligation starting at it, never a statutory one, as
 * the reference's note 7 asks: "a trigger before that date creates no statutory clock. Flag it
 * `preEffective` and, conservatively, start the clock at the effective instant" (without this,
 * `applies` refused the rule before 2024-02-17 and a provider got no obligation at all).
 */
const boundVersions = (r: Rule, profile: Profile.Resolved): ReadonlyArray<Version> => {
  const from = firstBound(r.scope, profile)
  if (from === null || r.versions.every((v) => Date.parse(v.validFrom) >= from)) return r.versions
  const validFrom = DateTime.fromMillis(from, { zone: r.dateZone }).toISO() as string
  return r.versions
    .filter((v) => v.validTo === null || Date.parse(v.validTo) > from)
    .map((v) => (Date.parse(v.validFrom) < from ? { ...v, validFrom } : v))
}
