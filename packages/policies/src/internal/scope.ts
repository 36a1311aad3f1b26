/**
 * Applicability as data: which jurisdictions a rule covers and which
 * platforms it binds (provider type, size exemptions, VLOP designation,
 * establishment). `applies` turns the description into the predicate the
 * engine calls, so the listing and the behaviour cannot drift apart.
 * EU membership is read at the instant the clock would start (core's
 * `Jurisdiction`, date-aware: GB was a member until 2020-01-31).
 */
import { type ClockRule, Jurisdiction, type Profile } from '@docket/core'
import { DateTime } from 'luxon'

/**
 * A provider type of the platform profile (`search`: a regulated search service, UK OSA s. 27; `vlose`:
 * a designated very large online search engine, which is a search service bound as a VLOP is under the
 * DSA's Art. 92).
 */
export type ProviderKind = 'hosting' | 'online_platform' | 'vlop' | 'search' | 'vlose'

/**
 * Hosting services, online platforms and VLOPs among them: the provider types of a rule whose
 * reference row names a hosting provider, a platform or a user-to-user service. A search service
 * is none of them; a profile naming no provider type is taken to be one (see `providerTypes`).
 */
export const HOSTING: ReadonlyArray<ProviderKind> = ['hosting', 'online_platform', 'vlop']

/** The provider type of a designated VLOP or VLOSE. */
type Designated = Extract<NonNullable<Profile.Resolved['providerType']>, { readonly kind: 'vlop' | 'vlose' }>

/**
 * The profile's provider type when it is designated (a VLOP or a VLOSE), else `null`: the reference's
 * DSA section says, under Art. 92, that "designated VLOPs and VLOSEs were bound 'from four months
 * after the notification'".
 */
export const designation = (profile: Profile.Resolved): Designated | null => {
  const type = profile.providerType
  return type?.kind === 'vlop' || type?.kind === 'vlose' ? type : null
}

/**
 * The provider kinds a rule's `providerTypes` binds: a VLOSE is a search service, so a list naming
 * `search` binds it too, and no rule has to list it beside `search` (nor can forget to).
 */
export const boundKinds = (types: ReadonlyArray<ProviderKind>): ReadonlyArray<ProviderKind> =>
  types.includes('search') && !types.includes('vlose') ? [...types, 'vlose'] : types

/** Who and where a rule binds. */
export interface ScopeSpec {
  /** ISO 3166-1 codes, or `EU` for every Member State at the trigger date. */
  readonly jurisdictions: ReadonlyArray<string>
  /**
   * Provider types bound (absent: every provider); `search` includes `vlose` ({@link boundKinds}). A
   * profile without a provider type is taken to be in scope.
   */
  readonly providerTypes?: ReadonlyArray<ProviderKind>
  /**
   * Binds only a profile that declares one of `providerTypes`, not one without a provider type: for a
   * rule whose twin binds the other types, so that a profile saying nothing gets one clock, not two.
   */
  readonly declaredOnly?: boolean
  /**
   * Sizes exempt (DSA Art. 19: micro and small enterprises), never a VLOP. The reference gives the
   * exemption to "micro and small online platforms" and says nothing of a VLOSE, which no rule with
   * an exemption binds (they bind online platforms), so a `vlose` is left as the search service it is.
   */
  readonly exemptSizes?: ReadonlyArray<'micro' | 'small'>
  /**
   * Before this instant only designated VLOPs and VLOSEs are bound, from four months after their designation
   * (DSA Art. 92); the rule's first version starts at the first VLOP date, and `Policy.forProfile`
   * moves it to the instant the profile is bound ({@link firstBound}), so that an earlier trigger
   * gives a pre-effective obligation (the reference's note 7) instead of none.
   */
  readonly generalFrom?: string
  /**
   * A provider established in one of `jurisdictions` is bound whatever jurisdictions the case names;
   * any other provider only on a case naming one of them (UK OSA s. 66: "UK providers: all such
   * content; non-UK providers: "UK-linked" content only").
   */
  readonly establishedReach?: boolean
  /** Free-text note on who is bound, shown in listings. */
  readonly note?: string
}

/** Whether a country code falls within a rule's jurisdictions at `at`. */
export const within = (code: string, jurisdictions: ReadonlyArray<string>, at: number): boolean =>
  jurisdictions.includes(code) || (jurisdictions.includes('EU') && Jurisdiction.isEuMember(code, at))

const FOUR_MONTHS = { months: 4 }

/** The instant a VLOP or VLOSE is first bound: four months after its designation (DSA Art. 92). */
export const vlopBoundFrom = (designatedAt: string): number =>
  DateTime.fromISO(designatedAt, { setZone: true }).plus(FOUR_MONTHS).toMillis()

/**
 * The instant this profile is first bound by a rule whose scope has `generalFrom`, or `null` when
 * the scope has none. A designated VLOP or VLOSE is bound from four months after its designation
 * (DSA Art. 92), from the rule's first version when no designation date is given (`null` too: the
 * versions stand); one designated too late to be bound before `generalFrom`, and every other
 * profile, including one with no provider type (read as not designated, as {@link applies} reads
 * it), from `generalFrom`.
 */
export const firstBound = (spec: ScopeSpec, profile: Profile.Resolved): number | null => {
  if (spec.generalFrom === undefined) return null
  const general = Date.parse(spec.generalFrom)
  const type = designation(profile)
  if (type === null) return general
  return type.designatedAt === undefined ? null : Math.min(general, vlopBoundFrom(type.designatedAt))
}

/** The predicate the engine calls, from the description. */
export const applies =
  (spec: ScopeSpec) =>
  (scope: ClockRule.Scope): boolean => {
    const { profile, at } = scope
    const established =
      profile.establishment !== null && within(profile.establishment, spec.jurisdictions, at)
    const reached = spec.establishedReach === true && established
    if (!reached && !scope.jurisdictions.some((j) => within(j, spec.jurisdictions, at))) return false
    const market =
      profile.markets === null ||
      profile.markets.some((m) => within(m, spec.jurisdictions, at)) ||
      established
    if (!market) return false
    const kind = profile.providerType?.kind ?? null
    if (spec.providerTypes !== undefined && kind !== null && !boundKinds(spec.providerTypes).includes(kind))
      return false
    if (spec.declaredOnly === true && kind === null) return false
    if (kind !== 'vlop' && spec.exemptSizes?.includes(profile.size as 'micro' | 'small') === true)
      return false
    if (spec.generalFrom !== undefined && at < Date.parse(spec.generalFrom)) {
      const type = designation(profile)
      return type !== null && (type.designatedAt === undefined || at >= vlopBoundFrom(type.designatedAt))
    }
    return true
  }
