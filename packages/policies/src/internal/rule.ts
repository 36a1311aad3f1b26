/**
 * Constructors shared by the policy modules: legal dates read in a named
 * zone, and a rule builder that derives `applies` from the rule's scope
 * description and fills the listing defaults.
 */
import type { ClockRule } from '@docket/core'
import { DateTime } from 'luxon'
import type { Entry, Rule, Version } from '../Policy.js'
import { applies, type ScopeSpec } from './scope.js'

/** Local midnight of `date` (YYYY-MM-DD) in `zone`, as an ISO instant with that zone's offset. */
export const at = (date: string, zone: string): string => {
  const d = DateTime.fromISO(date, { zone })
  if (!d.isValid) throw new Error(`invalid legal date ${date} in ${zone}`)
  return d.toISO() as string
}

/** What a module writes for one rule; `applies` is derived from `scope`. */
export interface RuleInput {
  readonly policy: string
  readonly rule: string
  readonly row: string
  readonly kind: ClockRule.Kind
  readonly title: string
  readonly confidence: ClockRule.Confidence
  /** The cross-check's words that correct the row's confidence label (see `Policy.Rule`). */
  readonly confidenceFrom?: string
  /** The zone the law's dates are read in (each version's `validFrom`/`validTo` is midnight there). */
  readonly dateZone: string
  readonly scope: ScopeSpec
  readonly trigger: string
  readonly completion: string
  readonly pauses?: string
  readonly restarts?: string
  readonly extensions?: string
  readonly notes?: ReadonlyArray<string>
  readonly internal?: boolean
  /** Acting keeps an exemption rather than meeting a duty (see `Policy.Rule`). */
  readonly condition?: true
  readonly versions: ReadonlyArray<Version>
}

/** Builds a rule from its description. */
export const rule = (r: RuleInput): Rule => ({
  policy: r.policy,
  rule: r.rule,
  row: r.row,
  kind: r.kind,
  title: r.title,
  confidence: r.confidence,
  ...(r.confidenceFrom === undefined ? {} : { confidenceFrom: r.confidenceFrom }),
  dateZone: r.dateZone,
  ...(r.internal === true ? { internal: true } : {}),
  ...(r.condition === true ? { condition: true } : {}),
  scope: r.scope,
  applies: applies(r.scope),
  trigger: r.trigger,
  completion: r.completion,
  pauses: r.pauses ?? null,
  restarts: r.restarts ?? null,
  extensions: r.extensions ?? null,
  notes: r.notes ?? [],
  versions: r.versions,
})

/** Builds a metadata-only entry (a row with no clock). */
export const entry = (e: Entry): Entry => e

/** The note of a removal rule whose clock starts only on content still up (`stillUp`). */
export const STILL_UP =
  'A request, order or report about content already removed or disabled (and not restored since) starts no clock: nothing is left to take down, so there is no deadline to miss.'
