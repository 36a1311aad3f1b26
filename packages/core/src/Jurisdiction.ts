/**
 * Jurisdictions and the European Union's membership over time. Policies use
 * it in their `applies`: an EU rule binds a case whose jurisdictions include
 * a member state at the instant the clock would start. Membership is
 * date-aware: the United Kingdom (`GB`) was a member until
 * 2020-01-31T23:00:00Z (midnight Brussels time). Codes are ISO 3166-1
 * alpha-2 (`GR` for Greece, never the EU's `EL`).
 *
 * This is not a general geography module: only what the policies need.
 */

// model

/** A member state and the instants (epoch ms) between which it is a member. */
export interface Membership {
  readonly code: string
  readonly from: number
  readonly to: number | null
}

// constructors

/** Midnight Brussels time (CET, UTC+1) on a date, as epoch ms: accession and withdrawal take effect then. */
const cet = (date: string): number => Date.parse(`${date}T00:00:00+01:00`)

const SINCE: ReadonlyArray<readonly [string, string]> = [
  ['BE', '1958-01-01'],
  ['DE', '1958-01-01'],
  ['FR', '1958-01-01'],
  ['IT', '1958-01-01'],
  ['LU', '1958-01-01'],
  ['NL', '1958-01-01'],
  ['DK', '1973-01-01'],
  ['IE', '1973-01-01'],
  ['GR', '1981-01-01'],
  ['ES', '1986-01-01'],
  ['PT', '1986-01-01'],
  ['AT', '1995-01-01'],
  ['FI', '1995-01-01'],
  ['SE', '1995-01-01'],
  ['CY', '2004-05-01'],
  ['CZ', '2004-05-01'],
  ['EE', '2004-05-01'],
  ['HU', '2004-05-01'],
  ['LV', '2004-05-01'],
  ['LT', '2004-05-01'],
  ['MT', '2004-05-01'],
  ['PL', '2004-05-01'],
  ['SK', '2004-05-01'],
  ['SI', '2004-05-01'],
  ['BG', '2007-01-01'],
  ['RO', '2007-01-01'],
  ['HR', '2013-07-01'],
]

/** Every EU membership, past and present (the 27 current members and the United Kingdom until 2020-02-01 CET). */
export const EU_MEMBERSHIPS: ReadonlyArray<Membership> = [
  ...SINCE.map(([code, date]) => ({ code, from: cet(date), to: null })),
  { code: 'GB', from: cet('1973-01-01'), to: Date.parse('2020-01-31T23:00:00Z') },
]

/** The 27 current member states, sorted. */
export const EU_MEMBERS: ReadonlyArray<string> = SINCE.map(([c]) => c).sort()

const byCode = new Map(EU_MEMBERSHIPS.map((m) => [m.code, m]))

// operations

/** Whether `code` was an EU member state at instant `at` (epoch ms). */
export const isEuMember = (code: string, at: number): boolean => {
  const m = byCode.get(code)
  return m !== undefined && at >= m.from && (m.to === null || at < m.to)
}

/** The member states at instant `at` (epoch ms), sorted. */
export const euMembersAt = (at: number): ReadonlyArray<string> =>
  EU_MEMBERSHIPS.filter((m) => isEuMember(m.code, at))
    .map((m) => m.code)
    .sort()

/** Whether any of the jurisdictions was an EU member state at instant `at` (epoch ms). */
export const anyInEu = (jurisdictions: ReadonlyArray<string>, at: number): boolean =>
  jurisdictions.some((j) => isEuMember(j, at))
