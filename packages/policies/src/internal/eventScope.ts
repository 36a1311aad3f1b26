/**
 * What one event says of the content's scope: the categories and the jurisdictions it names. The
 * clock conditions (`match.ts`), custom policies and the DSA's reach (`euDsa/reach.ts`) read them
 * here, so that every rule and the `dsa-sor` report agree on where a case is. Tolerant of payloads
 * built by hand without the codec's guarantees (a missing list reads as none). Not a condition
 * itself: `match.ts` builds those.
 */
import type { DocketEvent } from '@docket/core'

/** Every category an event carries (main and others), for reports and detections. */
export const categoriesOf = (e: DocketEvent): ReadonlyArray<string> => {
  if (e.type === 'ContentReported' || e.type === 'ContentDetected') {
    return [e.data.category, ...(e.data.categories ?? [])]
  }
  return []
}

/** The jurisdictions an event names: a report's or detection's, or an authority's. */
export const jurisdictionsOf = (e: DocketEvent): ReadonlyArray<string> => {
  if (e.type === 'ContentReported' || e.type === 'ContentDetected') {
    return Array.isArray(e.data.jurisdictions) ? e.data.jurisdictions : []
  }
  if (e.type === 'AuthorityRequestReceived' && typeof e.data.jurisdiction === 'string') {
    return [e.data.jurisdiction]
  }
  return []
}
