/**
 * What a sealing SQL store knows of its streams' last seals: the last seal of the streams it appended
 * to recently, as its own appends wrote them or its append function last reported them, which its
 * fast append seals after, in JavaScript, without reading them first (`append_group_presealed`,
 * migration 9); and the streams another process appends to as well, whose seals it leaves to the
 * server for a while. A remembered seal can be stale (another process appended, a group went the
 * checked way): the function then writes nothing and answers the stored ones, so a wrong seal costs a
 * round trip, never a wrong link.
 */

// model

/** Remembered last seals and contended streams by case id, the least recently set forgotten first beyond `max`. */
export interface LastSeals {
  /** The last seal remembered for `caseId`; `null` (a new stream) when none is. */
  readonly get: (caseId: string) => string | null
  /** Remembers `hash` (`null`: forgets) as the last seal of `caseId`. */
  readonly set: (caseId: string, hash: string | null) => void
  /** Whether the seals of `caseId` are left to the server: another process appended to it lately. */
  readonly contended: (caseId: string) => boolean
  /** Leaves the seals of `caseId` to the server for its next `groups` groups (its remembered seal was another's). */
  readonly contend: (caseId: string, groups: number) => void
  /** Counts one group of `caseId` sealed on the server, and forgets its last seal (the server chose it). */
  readonly served: (caseId: string) => void
}

// constructors

/** An empty memory holding at most `max` streams of each kind (a `Map` keeps insertion order). */
export const make = (max: number): LastSeals => {
  const known = new Map<string, string>()
  const contention = new Map<string, number>()
  const put = <A>(m: Map<string, A>, key: string, value: A | undefined): void => {
    m.delete(key)
    if (value === undefined) return
    m.set(key, value)
    if (m.size > max) m.delete(m.keys().next().value as string)
  }
  return {
    get: (caseId) => known.get(caseId) ?? null,
    set: (caseId, hash) => put(known, caseId, hash ?? undefined),
    contended: (caseId) => contention.has(caseId),
    contend: (caseId, groups) => put(contention, caseId, groups),
    served: (caseId) => {
      known.delete(caseId)
      const left = (contention.get(caseId) ?? 1) - 1
      if (left > 0) contention.set(caseId, left)
      else contention.delete(caseId)
    },
  }
}
