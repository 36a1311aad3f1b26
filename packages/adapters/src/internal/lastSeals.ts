/**
 * The last seal of the streams a sealing SQL store appended to recently, as its own appends wrote them
 * or its append function last reported them: the heads its fast append seals after, in JavaScript,
 * without reading them first (`append_group_presealed`, migration 9). A head can be stale (another
 * process appended, a group went the checked way): the function then writes nothing and answers the
 * stored ones, so a wrong head costs a round trip, never a wrong seal.
 */

// model

/** Remembered last seals by case id, the least recently appended forgotten first beyond `max`. */
export interface LastSeals {
  /** The last seal remembered for `caseId`; `null` (a new stream) when none is. */
  readonly get: (caseId: string) => string | null
  /** Remembers `hash` (`null`: forgets) as the last seal of `caseId`. */
  readonly set: (caseId: string, hash: string | null) => void
}

// constructors

/** An empty memory of last seals holding at most `max` streams (a `Map` keeps insertion order). */
export const make = (max: number): LastSeals => {
  const known = new Map<string, string>()
  return {
    get: (caseId) => known.get(caseId) ?? null,
    set: (caseId, hash) => {
      known.delete(caseId)
      if (hash === null) return
      known.set(caseId, hash)
      if (known.size > max) known.delete(known.keys().next().value as string)
    },
  }
}
