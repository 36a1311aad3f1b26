/**
 * The rules of one evaluation, prepared: the rules selected (policy filter, what-if, opt-in of
 * unconfirmed rules), each version's instants and counting contexts read once, and an index of
 * the event types that can start each rule, so that a case runs only the rules its events can
 * start. It is not the run itself (`engine.ts`) nor a clock (`runningClock.ts`).
 */
import type * as ClockRule from '../ClockRule.js'
import type * as Duration from '../Duration.js'
import type * as Profile from '../Profile.js'
import * as Timestamp from '../Timestamp.js'

/** A version of a selected rule, its instants and counting contexts read once. */
export interface PreparedVersion {
  readonly version: ClockRule.Version
  readonly from: number
  readonly to: number
  /** The internal target of this version under the profile (`targetOf`), read once. */
  readonly target: string | undefined
  /** Whether the law gives no number (the due time is the internal target). */
  readonly noNumber: boolean
  /** The period's counting context by zone name (`ctxOf`), built once per zone. */
  readonly contexts: Map<string, Duration.Context>
}

/** A rule selected for this evaluation, its versions' instants read once. */
export interface PreparedRule {
  readonly rule: ClockRule.Rule
  readonly id: string
  readonly versions: ReadonlyArray<PreparedVersion>
  readonly whatIf: boolean
  /**
   * By type id (`Prepared.typeIds`): 1 where an event of that type is offered to `start` (a
   * type some version's start can hold on, or `ReportCompleted` for a request waiting for its
   * elements); `null` offers every event (an untyped start condition).
   */
  readonly offered: Uint8Array | null
  /**
   * The event types an open clock of this rule can act on (its versions' `cancel`, `complete`,
   * `restart`, `pause`, `resume`, `renew`, and `DeadlineExtended` when extendable), or `null` for any
   * (an untyped condition): an event of another type is not offered to its clocks at all.
   */
  readonly reacts: ReadonlySet<string> | null
}

/** Everything a case run needs, computed once per evaluation. */
export interface Prepared {
  readonly rules: ReadonlyArray<PreparedRule>
  readonly profile: Profile.Resolved
  readonly warningFractions: ReadonlyArray<number>
  /** A small id for every event type some rule's start is offered (1…); 0 for every other type. */
  readonly typeIds: ReadonlyMap<string, number>
  /** By type id: indexes in `rules` of the rules an event of that type is offered to. */
  readonly rulesByType: ReadonlyArray<ReadonlyArray<number>>
  /** Indexes in `rules` of the rules whose `start` is untyped (offered every event). */
  readonly anyStart: ReadonlyArray<number>
}

/** The event types offered to a rule's start, or `null` for all (an untyped start condition). */
const offeredTypes = (versions: ReadonlyArray<PreparedVersion>): ReadonlySet<string> | null => {
  const types = new Set<string>()
  for (const { version } of versions) {
    if (version.start.types === undefined) return null
    for (const t of version.start.types) types.add(t)
    if (version.requiredElements !== undefined) types.add('ReportCompleted')
  }
  return types
}

/** The event types a clock of these versions can act on once open (see `PreparedRule.reacts`). */
const reactingTypes = (versions: ReadonlyArray<PreparedVersion>): ReadonlySet<string> | null => {
  const types = new Set<string>()
  for (const { version: v } of versions) {
    for (const c of [v.cancel, v.complete, v.restart, v.pause, v.resume, v.renew?.on]) {
      if (c === undefined) continue
      if (c.types === undefined) return null
      for (const t of c.types) types.add(t)
    }
    if (v.extendable === true) types.add('DeadlineExtended')
  }
  return types
}

/** Selects and prepares the rules: policy filter, what-if, and the opt-in of unconfirmed rules. */
export const prepare = (
  rules: ReadonlyArray<ClockRule.Rule>,
  profile: Profile.Resolved,
  policies: ReadonlyArray<string> | undefined,
  whatIf: ReadonlyArray<string> | undefined,
): Prepared => {
  const selected: Array<PreparedRule & { offered: Uint8Array | null }> = []
  const offered: Array<ReadonlySet<string> | null> = []
  for (const rule of rules) {
    const id = `${rule.policy}/${rule.rule}`
    const named = (list: ReadonlyArray<string> | undefined): boolean =>
      list !== undefined && (list.includes(rule.policy) || list.includes(id))
    const isWhatIf = named(whatIf)
    if (policies !== undefined && !named(policies) && !isWhatIf) continue
    if (rule.confidence === 'unconfirmed' && !named(profile.enabledRules)) continue
    if (rule.versions.length === 0) throw new Error(`rule ${id} has no versions`)
    const versions = rule.versions
      .map((version) => ({
        version,
        from: Timestamp.toMillis(version.validFrom),
        to: version.validTo === null ? Number.POSITIVE_INFINITY : Timestamp.toMillis(version.validTo),
        target: profile.internalTargets[id] ?? profile.internalTargets[rule.policy] ?? version.defaultTarget,
        noNumber: version.period.duration === null || version.period.clock === 'unspecified',
        contexts: new Map<string, Duration.Context>(),
      }))
      .sort((a, b) => a.from - b.from)
    selected.push({ rule, id, versions, whatIf: isWhatIf, offered: null, reacts: reactingTypes(versions) })
    offered.push(offeredTypes(versions))
  }
  const warningFractions = [...new Set(profile.warningFractions.filter((f) => f > 0 && f < 1))].sort(
    (a, b) => a - b,
  )
  const typeIds = new Map<string, number>()
  for (const types of offered)
    for (const t of types ?? []) if (!typeIds.has(t)) typeIds.set(t, typeIds.size + 1)
  const rulesByType: number[][] = Array.from({ length: typeIds.size + 1 }, () => [])
  const anyStart: number[] = []
  selected.forEach((pr, i) => {
    const types = offered[i]!
    if (types === null) {
      anyStart.push(i)
      return
    }
    pr.offered = new Uint8Array(typeIds.size + 1)
    for (const t of types) {
      const id = typeIds.get(t)!
      pr.offered[id] = 1
      rulesByType[id]!.push(i)
    }
  })
  return { rules: selected, profile, warningFractions, typeIds, rulesByType, anyStart }
}

/**
 * The rules that can start a clock on this case, in rule order: those whose start
 * types meet the case's event types, and the untyped ones. A rule none of whose
 * triggers occurs in the case cannot open a clock, so it is not run at all.
 */
export const candidates = (prep: Prepared, typeIds: Uint8Array): ReadonlyArray<PreparedRule> => {
  const picked = new Uint8Array(prep.rules.length)
  for (const i of prep.anyStart) picked[i] = 1
  for (let k = 0; k < typeIds.length; k++) for (const i of prep.rulesByType[typeIds[k]!]!) picked[i] = 1
  const out: PreparedRule[] = []
  for (let i = 0; i < picked.length; i++) if (picked[i] === 1) out.push(prep.rules[i]!)
  return out
}

/** The version of a prepared rule in force at `at`, if any. */
export const versionAt = (pr: PreparedRule, at: number): PreparedVersion | undefined => {
  const vs = pr.versions
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i]!
    if (at >= v.from && at < v.to) return v
  }
  return undefined
}
