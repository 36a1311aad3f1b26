/**
 * Who the Digital Services Act binds and from when, shared by its rules: the policy id, the zone its
 * dates are read in, the two dates in force (designated VLOPs and VLOSEs from 2023-08-25, everyone
 * from 2024-02-17), the citation prefix and the scopes the rules spread into theirs. Not the rules
 * themselves (`notices`, `statements`, `redress`), nor the policy that lists them (`EuDsa`).
 */
import { at } from '../rule.js'
import { HOSTING } from '../scope.js'

/** The policy id. */
export const ID = 'eu-dsa'
/** The zone the DSA's dates are read in. */
export const ZONE = 'Europe/Brussels'
/** When the first designated VLOPs and VLOSEs were bound (four months after designation). */
export const VLOPS = at('2023-08-25', ZONE)
/** When the DSA applies to every provider. */
export const GENERAL = at('2024-02-17', ZONE)
/** The citation prefix of every rule. */
export const DSA = 'Regulation (EU) 2022/2065 (DSA)'

/** Scope: the EU, for every provider type. */
export const EU = { jurisdictions: ['EU'] }
/**
 * Hosting duties (Arts. 6, 16, 17, 18): the reference's Art. 6 row is the "hosting liability exemption",
 * read "together with Art. 16(3)"; its Art. 18 row binds the "Hosting provider", "all hosting providers
 * 2024-02-17"; its DSA section, "Since 17/02/2024, all hosting service providers". Not a search service.
 */
export const HOSTING_DUTY = {
  providerTypes: HOSTING,
  note: 'Hosting service providers (online platforms among them), not search services.',
}
/** Scope: the EU, binding VLOPs and VLOSEs before everyone else. */
export const EU_EARLY = {
  jurisdictions: ['EU'],
  generalFrom: GENERAL,
  note: 'VLOPs and VLOSEs from four months after designation (2023-08-25 for the first); all providers from 2024-02-17. A trigger before the provider is bound gives a pre-effective obligation starting then (reference note 7).',
}
/** The provider types of online platforms. */
export const PLATFORMS = ['online_platform', 'vlop'] as const
/** A hosting duty that binds VLOPs first. */
export const EU_EARLY_HOSTING = {
  ...EU_EARLY,
  ...HOSTING_DUTY,
  note: `${HOSTING_DUTY.note} ${EU_EARLY.note}`,
}

/**
 * The VLOP date of a rule whose own row gives only 2024-02-17: the reference's DSA section says, under
 * Art. 92, that designated VLOPs "were bound 'from four months after the notification'" (2023-08-25 for
 * the first designations), for the whole Regulation, not row by row.
 */
export const VLOPS_BY_ART_92 = {
  validFrom: VLOPS,
  dateSource: 'section',
  note: 'VLOPs from 2023-08-25 (Art. 92, in the reference’s DSA section); the row gives the general date only.',
} as const
