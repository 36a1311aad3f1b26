/**
 * Checks of a custom policy document that relate one field to another, run
 * once its fields have decoded: two rules of one name, a rule whose `validTo`
 * is not after its `validFrom` (it would never apply), and an internal
 * `target` longer than the rule's `period` (a target after the due time is
 * never the earlier one), and a period its business clock does not count. Each
 * problem is a `DecodeError` issue at the path of the field to change.
 *
 * Single fields (a zero duration, an unknown zone) are the codecs' business.
 */
import { type DecodeError, Duration, Timestamp } from '@docket/core'

// model

/** The fields of a rule document these checks read. */
export interface Rule {
  readonly rule: string
  readonly period: string
  readonly clock?: string
  readonly endOfDay?: boolean
  readonly calendar?: string
  readonly target?: string
  readonly validFrom?: string
  readonly validTo?: string
}

/** The instant a rule applies from when its document gives no `validFrom`. */
export const VALID_FROM = '1970-01-01T00:00:00.000Z'

// lengths

const HOUR = Duration.HOUR_MS
const DAY = Duration.DAY_MS

/** The extreme lengths of a duration's date parts read in a zone: months of 28 to 31 days, a DST hour either way. */
const bounds = (iso: string): { readonly shortest: number; readonly longest: number } => {
  const p = Duration.parse(iso)
  const time = ((p.hours * 60 + p.minutes) * 60 + p.seconds) * 1000
  const days = p.weeks * 7 + p.days
  // transitions alternate, so a span of days moves by one hour at most
  const dst = p.years + p.months + days > 0 ? HOUR : 0
  return {
    shortest: (p.years * 365 + p.months * 28 + days) * DAY - dst + time,
    longest: (p.years * 366 + p.months * 31 + days) * DAY + dst + time,
  }
}

/**
 * The longest a period can last, or `undefined` when it has no bound that holds everywhere (business
 * time stretches over weekends and holidays). An elapsed period of days and hours is exact.
 */
const longestPeriod = (r: Rule): number | undefined => {
  if (r.clock === 'business-days' || r.clock === 'business-hours') return undefined
  const exact = r.clock === 'elapsed' || (r.clock === undefined && r.period.includes('T'))
  const ms = exact ? Duration.toMillis(r.period) : undefined
  return (ms ?? bounds(r.period).longest) + (r.endOfDay === true && !exact ? DAY : 0)
}

// checks

const duplicate = (rules: ReadonlyArray<Rule | undefined>): ReadonlyArray<DecodeError.Issue> => {
  // Two rules of one name would be one rule id (`policy/rule`) running two clocks: their
  // obligations, and the escalations raised on them, would share ids.
  const seen = new Set<string>()
  return rules.flatMap((r, i) => {
    if (r === undefined) return []
    if (!seen.has(r.rule)) {
      seen.add(r.rule)
      return []
    }
    return [
      { path: `rules.${i}.rule`, value: r.rule, expected: 'a rule name not already used in this policy' },
    ]
  })
}

const window = (r: Rule, i: number): ReadonlyArray<DecodeError.Issue> => {
  if (r.validTo === undefined) return []
  const from = r.validFrom ?? VALID_FROM
  return Timestamp.toMillis(r.validTo) > Timestamp.toMillis(from)
    ? []
    : [
        {
          path: `rules.${i}.validTo`,
          value: r.validTo,
          expected: `an instant after validFrom (${from}): the rule would never apply`,
        },
      ]
}

const target = (r: Rule, i: number): ReadonlyArray<DecodeError.Issue> => {
  if (r.target === undefined) return []
  const longest = longestPeriod(r)
  // counted as targets are (date parts in the zone, time parts elapsed): longer than the period
  // however the calendar falls
  return longest === undefined || bounds(r.target).shortest <= longest
    ? []
    : [
        {
          path: `rules.${i}.target`,
          value: r.target,
          expected: `an internal target no longer than the period (${r.period}): a target after the due time is never the earlier one`,
        },
      ]
}

/**
 * What a business clock cannot count in a period (`Duration.add`): `business-days` counts its days
 * and weeks only, `business-hours` no month or year (a month has no fixed number of working hours).
 * Such a part was ignored, or read as nothing: `PT4H` of business days was due the instant the
 * clock started.
 */
const uncounted = (r: Rule): string | undefined => {
  const p = Duration.parse(r.period)
  if (
    r.clock === 'business-days' &&
    (p.years + p.months + p.hours + p.minutes + p.seconds > 0 || p.days + p.weeks === 0)
  )
    return 'a period of days or weeks only (P5D, P1W): a business-days clock counts working days, and ignores any other part'
  if (r.clock === 'business-hours' && p.years + p.months > 0)
    return 'a period of weeks, days, hours or minutes (PT16H, P2D): a business-hours clock counts working hours, and a month or a year has no fixed number of them'
  return undefined
}

/** The clock a rule counts its period in: its `clock`, or else elapsed time for a period with hours. */
const clockOf = (r: Rule): string => r.clock ?? (r.period.includes('T') ? 'elapsed' : 'calendar')

/**
 * A field the rule's clock would ignore: `endOfDay` on elapsed time or business hours (`PT1H` with
 * `endOfDay` was due an hour after the start, not at midnight), a holiday `calendar` on a clock that
 * counts no working time (a `calendar-days` period with `calendar: IE` still ended on a holiday).
 */
const ignored = (r: Rule, i: number): ReadonlyArray<DecodeError.Issue> => {
  const clock = clockOf(r)
  const business = clock === 'business-days' || clock === 'business-hours'
  return [
    ...(r.endOfDay === true && (clock === 'elapsed' || clock === 'business-hours')
      ? [
          {
            path: `rules.${i}.endOfDay`,
            value: r.endOfDay,
            expected: `no endOfDay on a ${clock === 'elapsed' ? 'period of elapsed time' : 'business-hours clock'} (it would be ignored): endOfDay ends a period of days (calendar-days, calendar-months, calendar-years, business-days) at 24:00`,
          },
        ]
      : []),
    ...(r.calendar !== undefined && !business
      ? [
          {
            path: `rules.${i}.calendar`,
            value: r.calendar,
            expected:
              'no calendar on a clock that counts no working time (it would be ignored): a holiday calendar applies to a business-days or business-hours clock',
          },
        ]
      : []),
  ]
}

const counted = (r: Rule, i: number): ReadonlyArray<DecodeError.Issue> => {
  const expected = uncounted(r)
  return expected === undefined ? [] : [{ path: `rules.${i}.period`, value: r.period, expected }]
}

/**
 * Every problem of the rules that relates one field to another, with its path (`rules.1.target`).
 * A rule that did not decode is `undefined`, skipped but counted (the paths of the others stay
 * theirs), so that a bad field of one rule does not hide these problems of the others.
 */
export const issues = (rules: ReadonlyArray<Rule | undefined>): ReadonlyArray<DecodeError.Issue> => [
  ...duplicate(rules),
  ...rules.flatMap((r, i) =>
    r === undefined ? [] : [...counted(r, i), ...ignored(r, i), ...window(r, i), ...target(r, i)],
  ),
]
