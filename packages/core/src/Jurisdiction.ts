/**
 * Jurisdictions and the European Union's membership over time. A
 * jurisdiction is an officially assigned ISO 3166-1 alpha-2 code (`GB` for
 * the United Kingdom, `GR` for Greece, never the EU's `EL`); the event and
 * profile codecs accept exactly those ({@link CODES}). `EU` is not one: the
 * library derives EU membership from the member states. Policies use it in
 * their `applies`: an EU rule binds a case whose jurisdictions include a
 * member state at the instant the clock would start. Membership is
 * date-aware: the United Kingdom (`GB`) was a member until
 * 2020-01-31T23:00:00Z (midnight Brussels time).
 *
 * This is not a general geography module: only what the policies need.
 */
import * as Iso3166 from './internal/iso3166.js'

// model

/** A member state and the instants (epoch ms) between which it is a member. */
export interface Membership {
  readonly code: string
  readonly from: number
  readonly to: number | null
}

/** Every officially assigned ISO 3166-1 alpha-2 code, sorted (249; ISO 3166-1:2020, unchanged since 2011). */
export const CODES: ReadonlyArray<string> = Iso3166.ALPHA2

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

/** Whether `s` is a jurisdiction: an officially assigned ISO 3166-1 alpha-2 code, upper case. */
export const isCode = (s: string): boolean => Iso3166.isAlpha2(s)

const MISTAKES: Readonly<Record<string, string>> = {
  UK: 'UK is not an ISO 3166-1 code: the United Kingdom is GB',
  EU: 'EU is not a country: name the member states (FR, DE, …); the library derives EU membership from them, by date',
  EL: 'EL is the EU’s code for Greece: ISO 3166-1 has GR',
}

/**
 * What to write instead of a likely wrong jurisdiction (`UK`, `EU`, `EL`, a code
 * in lower case), for error messages; `undefined` when there is nothing to say.
 */
export const correction = (value: unknown): string | undefined => {
  if (typeof value !== 'string') return undefined
  const upper = value.toUpperCase()
  if (upper !== value && isCode(upper)) return `codes are upper case: ${upper}`
  return Object.hasOwn(MISTAKES, upper) ? MISTAKES[upper] : undefined
}

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
