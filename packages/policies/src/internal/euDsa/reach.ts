/**
 * Whether a restriction owes a statement of reasons under DSA Art. 17 (and so an Art. 24(5)
 * submission): the one predicate the `eu-dsa/17-sor` and `eu-dsa/24-5-sor-db` clocks start on and
 * the `dsa-sor` report writes statements by, so that what the report leaves out never leaves a clock
 * open that nothing can meet.
 *
 * Two things make a restriction owe none. It is of "deceptive high-volume commercial content", which
 * Art. 17 excludes. Or it restricts no recipient in the EEA: the reference's Art. 17 row
 * (`eu-dsa/17-sor`, jurisdiction EU) is a statement "to the affected recipient" of a restriction
 * "imposed" by the EU's rule, so a geo-block only outside the EEA (`territories: ['US']`) imposes
 * nothing the DSA governs, and the database would take its statement with no `territorial_scope`.
 * Where it restricts is its `territories` when it gives them, else the case's jurisdictions known at
 * the restriction's instant: every event at that instant counts, whatever its place in the engine's
 * order (same-instant events are ordered by id, so a removal can sort before its own detection). The
 * EEA is the EU member states at that instant plus Iceland, Liechtenstein and Norway, the codes the
 * Transparency Database takes (`dsa-sor-rules.json`, `EEA_COUNTRY_CODES`).
 */
import { type DocketEvent, Jurisdiction, Timestamp } from '@docket/core'
import { jurisdictionsOf } from '../eventScope.js'

/** What the predicate reads of a restriction: plain data, so the report can ask it too. */
export interface Restriction {
  /** The restriction's instant (ISO 8601 with an offset). */
  readonly occurredAt: string
  /** Where a geo-block applies, when the event says; `null` or absent: wherever the case is. */
  readonly territories?: ReadonlyArray<string> | null
  /** The case's jurisdictions known at the restriction's instant ({@link knownAt}). */
  readonly jurisdictions: ReadonlyArray<string>
  readonly deceptiveHighVolumeCommercial?: boolean
}

/** Whether a statement is owed, or why not. */
export type Owed = 'owed' | 'outsideEea' | 'deceptiveHighVolumeCommercial'

const EEA_NOT_EU: ReadonlySet<string> = new Set(['IS', 'LI', 'NO'])

/** Whether `code` is in the EEA at instant `at` (epoch ms). */
export const inEea = (code: string, at: number): boolean =>
  EEA_NOT_EU.has(code) || Jurisdiction.isEuMember(code, at)

/** Whether a statement of reasons is owed for the restriction (see the module header). */
export const statementOwed = (r: Restriction): Owed => {
  const at = Timestamp.toMillis(r.occurredAt)
  const where = r.territories ?? r.jurisdictions
  if (!where.some((j) => inEea(j, at))) return 'outsideEea'
  return r.deceptiveHighVolumeCommercial === true ? 'deceptiveHighVolumeCommercial' : 'owed'
}

/**
 * The jurisdictions of a case's events (reports, detections, authority requests) up to instant `at`
 * (epoch ms) inclusive, sorted; `events` in the engine's order, so those are a prefix of it.
 */
export const knownAt = (events: ReadonlyArray<DocketEvent>, at: number): ReadonlyArray<string> => {
  const out: string[] = []
  for (const e of events) {
    if (Timestamp.toMillis(e.occurredAt) > at) break
    for (const j of jurisdictionsOf(e)) if (!out.includes(j)) out.push(j)
  }
  return out.sort()
}
