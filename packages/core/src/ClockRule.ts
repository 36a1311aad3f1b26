/**
 * Clock rules as data: what starts a legal clock, what completes it, what
 * pauses, restarts, extends or cancels it, how long it runs and in which kind
 * of time. Policies (`@docket/policies`) are lists of these; the obligation
 * engine (`Evaluation.evaluate`, `Evaluation.evaluateCase`) runs them over a
 * case's history. A rule stays a plain object that can be listed, documented
 * and compared with the legal reference; it is not the engine.
 *
 * How the engine applies a rule (documented 2026-11-25; see docs/obligations.md):
 * - A case's events are ordered by `occurredAt`, then `recordedAt`, then `id`, after
 *   dropping events that occurred after `asOf` or were recorded after `knownAt`.
 * - Each event is offered to `start` (of the version in force at the event) — only events of
 *   its declared `types` when it declares them (see {@link Condition}); a match is
 *   grouped by `key` (default: one clock per case) and the first match of a key starts
 *   that key's clock. Later matches of the same key are ignored ("the earliest of several
 *   triggers"): one clock per key and rule.
 * - The version in force at the instant the clock starts applies.
 * - Once started, each later event is offered, in this order, to `cancel`, `complete`,
 *   `restart`, `pause`/`resume`, and (when `extendable`) matched against `DeadlineExtended`
 *   targets; the first that matches acts. `started` is the key's first `start` match.
 *   A deadline already past due (and not paused) ignores `cancel` and `restart`: a missed
 *   deadline stays missed.
 *   An event of a type none of these conditions declares (when all declare `types`) is not
 *   offered to the rule's open clocks at all.
 * - The obligation id carries the first receipt: among the key's `start` matches, the one
 *   recorded first, so late information never renames an obligation.
 * - Conditions see `view.history` = the case's events up to and including the event,
 *   computed lazily: a condition that never reads it costs nothing. `view.caseEvents` and
 *   `view.upTo` give the same prefix without a copy (see {@link CaseView}).
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
  /** Holiday calendar (`FR`, `DE-BY`, `US`) for business time and the EU period rule (date-holidays codes, `COUNTRY[-STATE]`). */
  readonly calendar?: string
  /** `business-hours` only: the working hours of a working day, local `HH:mm` (default `09:00`–`17:00`). */
  readonly businessHours?: { readonly start: string; readonly end: string }
  /** Regulation 1182/71 Art. 3(4): a period ending on a Saturday, Sunday or holiday runs to the end of the next working day. */
  readonly euPeriodRule?: boolean
}

/** What a case looks like to a condition: its events so far, in stream order. */
export interface CaseView {
  readonly caseId: string
  readonly history: ReadonlyArray<DocketEvent>
  /**
   * Optional (the engine sets it, with `upTo`): the case's events as a whole, of which `history` is
   * the first `upTo + 1`. The same array for every view of a case in one run, never changed: a
   * condition that scans the history can read it without the copy `history` makes, and remember
   * per array how far it has looked (a viral case asks about thousands of events).
   */
  readonly caseEvents?: ReadonlyArray<DocketEvent>
  /** With `caseEvents`: the index in it of the last event of `history`. */
  readonly upTo?: number
}

/**
 * A condition on one event, given the case so far and (for completion, pause…) the
 * event that first matched `start` for the clock's key, in the engine's order (for a
 * clock that waits for a complete request: the first report, not the completion).
 *
 * `types`, when present, lists every event type the condition can hold on: a promise
 * the engine relies on to skip the others (and whole cases without them) instead of
 * asking. Absent means "any type". Build typed conditions with {@link typed}.
 */
export interface Condition {
  (event: DocketEvent, view: CaseView, started?: DocketEvent): boolean
  readonly types?: ReadonlyArray<string>
}

/** Marks `holds` (a fresh function) as holding only on events of `types` (see {@link Condition}). */
export const typed = (
  types: ReadonlyArray<string>,
  holds: (event: DocketEvent, view: CaseView, started?: DocketEvent) => boolean,
): Condition => Object.assign(holds, { types })

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
  /**
   * Legal time zone (IANA): calendar arithmetic happens here and output timestamps carry its offset.
   * `'profile'` uses the profile's `timeZone`; `'event'` (or `''`) uses the fixed offset the triggering
   * event was written with ("the rule names none").
   */
  readonly zone: string
  /**
   * Other legal zones (IANA) the period is also counted in, where the law names no single zone:
   * the due time is the reading that protects — the earliest for a deadline, the latest for a hold
   * or a window — and the obligation's timestamps carry the offset of the zone that gave it (`zone`
   * on a tie). A pause moves the due time in that zone.
   */
  readonly alsoZones?: ReadonlyArray<string>
  readonly citation: string
  /** The statute's own words for the duty and its deadline. */
  readonly quote: string
  /** Starts the clock. The first matching event is the trigger; see `key`. */
  readonly start: Condition
  /**
   * Groups triggers into clocks: events with the same key feed one clock (the first
   * receipt gives its identity). Default: one clock per case. For rules with
   * `requiredElements` it is also applied to `ReportCompleted` events.
   */
  readonly key?: (event: DocketEvent) => string
  /**
   * A request that must be complete before the clock starts: the `removalRequest`
   * elements required. The clock then starts when they are all true (on the report
   * or a later `ReportCompleted`) and keeps a shadow due time from first receipt.
   * Elements accumulate over the start-matching events and `ReportCompleted` events of
   * the same key; until they are all true there is no obligation.
   */
  readonly requiredElements?: ReadonlyArray<string>
  /** Completes the duty (for a hold or window: ends it, and ending it before `dueAt` is a breach). */
  readonly complete: Condition
  /** The legal period; `duration: null` means the internal target is the due time. */
  readonly period: Period
  /** Default internal target where the law says "as soon as possible" (product default, not law). */
  readonly defaultTarget?: string
  /** Pauses the clock; while paused the due time moves by the paused time, measured in the period's clock kind. */
  readonly pause?: Condition
  /** Resumes a paused clock. */
  readonly resume?: Condition
  /** The full period runs again from this event (TCO Art. 3(7)–(8), LCEN art. 6-2 II). */
  readonly restart?: Condition
  /**
   * `DeadlineExtended` events may extend this clock (renewals, "such longer period as the Commissioner allows").
   * Target: the obligation id, or `{ requestId, rule? }` matching `data.requestId` of the first-receipt
   * event (and `rule`, as `rule` or `policy/rule`). `until` sets the due time; `by` adds in the clock kind.
   */
  readonly extendable?: boolean
  /**
   * An event that extends the open clock by `by`, counted in its clock kind as a `DeadlineExtended`'s
   * `by` is: a renewed request where the law extends the period on it (18 U.S.C. § 2703(f): "extended
   * for an additional 90-day period upon a renewed request").
   */
  readonly renew?: { readonly on: Condition; readonly by: string }
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
  /**
   * Versions in chronological order. The version in force at the instant the clock starts
   * applies; a trigger before the first `validFrom` gives a `preEffective` obligation
   * starting at the effective instant, unless the duty was done before then (or a
   * `counterfactual` one under `whatIf`, with the first version).
   */
  readonly versions: ReadonlyArray<Version>
}

// operations

/** The full id of a rule, `policy/rule`. */
export const id = (r: Pick<Rule, 'policy' | 'rule'>): string => `${r.policy}/${r.rule}`
