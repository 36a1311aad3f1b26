/**
 * The calendar of the DSA's outputs: the day a statement of reasons gives
 * (`application_date`, `content_date`, `end_date_*`, the dates of
 * `decision_facts`) and the reporting period a transparency count falls in
 * (calendar years, or the half-years 1 January–30 June and 1 July–31
 * December of Implementing Regulation (EU) 2024/2835 Art. 2), both read in
 * `EuDsa.ZONE` (Europe/Brussels), the zone the policy pack reads the DSA's
 * dates in. Not UTC: a decision at 2026-03-31T23:30:00Z is taken on 1 April
 * in Brussels, and its statement and counts belong to that day and period.
 * Not the clocks' arithmetic (that is the policies'); luxon does the zone
 * arithmetic, so summer time is followed.
 */
import { Timestamp } from '@docket/core'
import { EuDsa } from '@docket/policies'
import { DateTime } from 'luxon'

/** Reporting period length. */
export type Period = 'year' | 'half-year'

const local = (iso: string): DateTime => DateTime.fromMillis(Timestamp.toMillis(iso), { zone: EuDsa.ZONE })

/** The calendar day (`YYYY-MM-DD`) of an instant in Brussels. */
export const day = (iso: string): string => local(iso).toFormat('yyyy-MM-dd')

/** The reporting period of an instant in Brussels: `2026` for a year, `2026-H1`/`2026-H2` for a half-year. */
export const period = (iso: string, p: Period): string => {
  const d = local(iso)
  return p === 'year' ? String(d.year) : `${d.year}-H${d.month <= 6 ? 1 : 2}`
}

const midnight = (year: number, month: number): string => {
  const d = DateTime.fromObject({ year, month, day: 1 }, { zone: EuDsa.ZONE })
  return Timestamp.format(d.toMillis(), d.offset)
}

/** The instants a period starts at and ends before (midnight in Brussels, with its offset then). */
export const bounds = (key: string): { readonly from: string; readonly to: string } => {
  const y = Number(key.slice(0, 4))
  if (key.length === 4) return { from: midnight(y, 1), to: midnight(y + 1, 1) }
  return key.endsWith('H1')
    ? { from: midnight(y, 1), to: midnight(y, 7) }
    : { from: midnight(y, 7), to: midnight(y + 1, 1) }
}
