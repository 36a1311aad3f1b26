/**
 * 18 U.S.C. § 2703(f): a governmental entity's preservation request. The
 * provider must "take all necessary steps to preserve records and other
 * evidence in its possession pending the issuance of a court order or other
 * process", for 90 days, extended by another 90 days "upon a renewed request".
 *
 * A hold, one per request; a renewal is a new request naming it in
 * `renewalOf` (same clock, 90 more days), or a `DeadlineExtended` (`by: P90D`)
 * on the request. This is
 * not the § 2258A(h) hold that a CyberTipline report triggers: both run, and
 * the later wins.
 */
import { authorityRequest, byRequest, released, renewedRequest, withdrawn } from './internal/match.js'
import { rule } from './internal/rule.js'
import type { Policy, Rule } from './Policy.js'

const ID = 'us-2703f'

/** § 2703(f): preserve records for 90 days on a government request, renewable. */
export const preserve: Rule = rule({
  policy: ID,
  rule: 'preserve',
  row: 'us-2703f/preserve',
  kind: 'hold',
  title: 'Preserve records on a governmental preservation request',
  confidence: 'secondary',
  dateZone: 'UTC',
  scope: { jurisdictions: ['US'] },
  trigger:
    'An `AuthorityRequestReceived` of kind `preservation_request` with legal basis `us-2703f` (or none, from a US authority). A request with `renewalOf` joins the clock it renews and extends it by 90 days.',
  completion:
    'A `PreservationReleased` for `us-2703f/preserve`, for the same request, or a general release; before `dueAt` it is a breach. A withdrawn request waives the hold.',
  extensions:
    '"shall be extended for an additional 90-day period upon a renewed request": each renewed request (an `AuthorityRequestReceived` whose `renewalOf` names the request) adds 90 days; a `DeadlineExtended` (`by: P90D`) on the request records a renewal too.',
  notes: [
    '"long-standing" in the reference: no commencement date is encoded, so no trigger is pre-effective.',
  ],
  versions: [
    {
      validFrom: '1970-01-01T00:00:00.000Z',
      validTo: null,
      zone: 'profile',
      note: 'The reference gives no date ("long-standing"); the rule is treated as always in force.',
      citation: '18 U.S.C. § 2703(f)',
      quote:
        '"take all necessary steps to preserve records and other evidence in its possession pending the issuance of a court order or other process" … "retained for a period of 90 days, which shall be extended for an additional 90-day period upon a renewed request"',
      start: authorityRequest(['preservation_request'], ['us-2703f', 'us-2703f/preserve'], ['US']),
      key: byRequest,
      complete: released('us-2703f/preserve'),
      cancel: withdrawn,
      renew: { on: renewedRequest, by: 'P90D' },
      extendable: true,
      period: { duration: 'P90D', clock: 'calendar-days', endOfDay: true },
    },
  ],
})

/** 18 U.S.C. § 2703(f). */
export const policy: Policy = {
  id: ID,
  title: '18 U.S.C. § 2703(f): law-enforcement preservation requests',
  jurisdictions: ['US'],
  summary: 'Preserve records for 90 days on a governmental request, plus 90 days per renewed request.',
  rules: [preserve],
  entries: [],
}
