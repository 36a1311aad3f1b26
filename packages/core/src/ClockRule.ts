/**
 * Clock rules as data: what starts a legal clock, what completes it, what
 * pauses, restarts, extends or cancels it, how long it runs and in which kind
 * of time. Policies (`@docket/policies`) are lists of these; the obligation
 * engine (`Obligations.evaluate`) runs them over a case's history.
 *
 * Conditions are small predicates over an event and the case so far, built
 * with the combinators of `Match`; a rule stays a plain object that can be
 * listed, documented and compared with the legal reference.
 */
import type { DocketEvent } from './Envelope.js'
import type * as Profile from './Profile.js'

// model

/** `deadline`: do X by `dueAt`; `hold`: keep X until `dueAt`; `window`: keep a right open until `dueAt`. */
export type Kind = 'deadline' | 'hold' | 'window'

/** How reliable the legal reference row behind a rule is. */
export type Confidence = 'primary' | 'secondary' | 'unconfirmed'

/**
 * The kind of time a period is counted in.
 * - `elapsed`: hours added to the instant (UTC), never wall-clock time.
 * - `calendar-days` / `calendar-months` / `calendar-years`: date arithmetic in the rule's legal zone.
 * - `business-days` / `business-hours`: working time in the zone, skipping weekends and the calendar's holidays.
 * - `event`: due at the triggering instant itself ("at the latest from the date…").
 * - `unspecified`: the law gives no number; the platform's internal target applies.
 */
export type ClockType =
  | 'elapsed'
  | 'calendar-days'
  | 'calendar-months'
  | 'calendar-years'
  | 'business-days'
  | 'business-hours'
  | 'event'
  | 'unspecified'

/** A period of time in a clock type. */
export interface Period {
  /** ISO-8601 duration (`PT48H`, `P90D`, `P6M`); `null` when the law gives no number. */
  readonly duration: string | null
  readonly clock: ClockType
  /** Calendar periods: end at the end of the last day (24:00 in the zone) instead of the same wall time. */
  readonly endOfDay?: boolean
  /** Holiday calendar (`FR`, `DE-BY`, `US`) for business time and the EU period rule. */
  readonly calendar?: string
  /** Regulation 1182/71 Art. 3(4): a period ending on a Saturday, Sunday or holiday runs to the end of the next working day. */
  readonly euPeriodRule?: boolean
}

/** What a case looks like to a condition: its events so far, in stream order. */
export interface CaseView {
  readonly caseId: string
  readonly history: ReadonlyArray<DocketEvent>
}

/** A condition on one event, given the case so far and (for completion, pause…) the event that started the clock. */
export type Condition = (event: DocketEvent, view: CaseView, started?: DocketEvent) => boolean

/** Who the platform is, and when: what applicability needs. */
export interface Scope {
  /** Jurisdictions of the case's reports and detections, and of its authority requests. */
  readonly jurisdictions: ReadonlyArray<string>
  readonly profile: Profile.Resolved
  /** The instant the clock would start, in epoch ms (EU membership and designation dates are read at it). */
  readonly at: number
}

/** One version of a rule, in force from `validFrom` until `validTo`. */
export interface Version {
  /** Instant the version enters into force (ISO-8601 with offset: the law's date read in `zone`). */
  readonly validFrom: string
  /** Instant it stops applying, or `null`. */
  readonly validTo: string | null
  /** Legal time zone: calendar arithmetic happens here and output timestamps carry its offset. `'profile'` uses the profile's `timeZone`. */
  readonly zone: string
  readonly citation: string
  /** The statute's own words for the duty and its deadline. */
  readonly quote: string
  /** Starts the clock. The first matching event is the trigger; see `key`. */
  readonly start: Condition
  /**
   * Groups triggers into clocks: events with the same key feed one clock (the first
   * receipt gives its identity). Default: one clock per case.
   */
  readonly key?: (event: DocketEvent) => string
  /**
   * A request that must be complete before the clock starts: the `removalRequest`
   * elements required. The clock then starts when they are all true (on the report
   * or a later `ReportCompleted`) and keeps a shadow due time from first receipt.
   */
  readonly requiredElements?: ReadonlyArray<string>
  /** Completes the duty (for a hold: ends it, early release is a breach). */
  readonly complete: Condition
  /** The legal period; `duration: null` means the internal target is the due time. */
  readonly period: Period
  /** Default internal target where the law says "as soon as possible" (product default, not law). */
  readonly defaultTarget?: string
  readonly pause?: Condition
  readonly resume?: Condition
  /** The full period runs again from this event (TCO Art. 3(7)–(8), LCEN art. 6-2 II). */
  readonly restart?: Condition
  /** `DeadlineExtended` events may extend this clock (renewals, "such longer period as the Commissioner allows"). */
  readonly extendable?: boolean
  /** Cancels or waives the clock (a withdrawn order). */
  readonly cancel?: Condition
}

/** A legal (or platform) rule: a stable id, its metadata, and its versions over time. */
export interface Rule {
  readonly policy: string
  readonly rule: string
  readonly kind: Kind
  readonly title: string
  readonly confidence: Confidence
  /** `true` for the platform's own rules (never statutory). */
  readonly internal?: boolean
  /** Whether the rule binds this platform for this case at this instant. */
  readonly applies: (scope: Scope) => boolean
  readonly versions: ReadonlyArray<Version>
}

// operations

/** The full id of a rule, `policy/rule`. */
export const id = (r: Pick<Rule, 'policy' | 'rule'>): string => `${r.policy}/${r.rule}`
