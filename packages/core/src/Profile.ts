/**
 * The platform profile: who the platform is decides which rules bind it
 * (markets, provider type and size, establishment), what its internal
 * targets are for duties with no number in the law, and whom to wake when a
 * clock runs out (the escalation ladder). Decoded with io-ts; an unknown field
 * is an error at any depth; every field is optional and has a documented default.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { IANAZone, Info } from 'luxon'
import * as DecodeError from './DecodeError.js'
import { Count, IsoDuration, Jurisdiction, Level, NonZeroDuration } from './Event.js'
import { unknownFields } from './internal/unknownFields.js'
import { IsoTimestamp } from './Timestamp.js'

// codecs

/** The largest fixed offset a profile's zone may have, in minutes (±18:00, as ISO 8601 offsets go). */
const MAX_FIXED_OFFSET_MINUTES = 18 * 60

/**
 * A time zone the engine can count in: an IANA name (`Europe/Paris`, as luxon and the
 * runtime's time zone data know it) or a fixed offset (`UTC`, `UTC+02:00`). The machine's
 * own zone (`local`, `system`) is refused: the same input must give the same output anywhere,
 * and so is a fixed offset beyond ±18:00 (`UTC+25:00`), which no place keeps.
 */
export const TimeZone = t.refinement(
  t.string,
  (s) => {
    if (IANAZone.isValidZone(s)) return true
    const zone = Info.normalizeZone(s)
    return zone?.type === 'fixed' && Math.abs(zone.offset(0)) <= MAX_FIXED_OFFSET_MINUTES
  },
  'TimeZone',
)

/** A fraction of a clock's time, more than 0 and less than 1 (the engine counts no other). */
const WarningFraction = t.refinement(t.number, (f) => f > 0 && f < 1, 'WarningFraction')

/** One level of an escalation ladder (like a paging escalation policy). */
export const LadderLevel = t.intersection(
  [
    t.type({ level: Level, name: t.string, notify: t.array(t.string) }),
    t.partial({
      /** How long this level has to acknowledge before the next level is paged. */
      acknowledgeWithin: IsoDuration,
      /** How often to repeat the notification while unacknowledged. */
      repeatEvery: IsoDuration,
      /** How many repeats at most at this level (default 3), so a forgotten page cannot flood the log. */
      repeatTimes: Count,
    }),
  ],
  'LadderLevel',
)
export type LadderLevel = t.TypeOf<typeof LadderLevel>

/** A count of views or shares that raises a level: a whole number ≥ 1 (0 would escalate every exposure). */
const Threshold = t.refinement(Count, (n) => n >= 1, 'Threshold')

/** Views or shares per hour that raise a level: a finite number > 0. */
const Rate = t.refinement(t.number, (n) => Number.isFinite(n) && n > 0, 'Rate')

/** Reach thresholds that raise an escalation's level. */
export const ReachThresholds = t.partial(
  {
    views: t.array(Threshold),
    shares: t.array(Threshold),
    viewsPerHour: Rate,
    sharesPerHour: Rate,
  },
  'ReachThresholds',
)

/**
 * Counts of repeat reports under one standing refusal that raise a level: whole numbers ≥ 1, each
 * greater than the one before (a count given twice, or out of order, would page one level too few).
 */
export const RepeatReportThresholds = t.refinement(
  t.array(Threshold),
  (ns) => ns.every((n, i) => i === 0 || n > ns[i - 1]!),
  'RepeatReportThresholds',
)

/** Escalation reason codes (see `Escalation.REASONS`), for per-reason level overrides. */
export const ReasonLevels = t.partial(
  {
    time_warning: Level,
    statutory_breach: Level,
    internal_target_missed: Level,
    refusal_guard: Level,
    authority_after_refusal: Level,
    reach: Level,
    repeat_report: Level,
  },
  'ReasonLevels',
)

/** The escalation configuration of a platform. */
export const Escalation = t.partial(
  {
    ladder: t.array(LadderLevel),
    /** The level the refusal guard pages (a child-safety specialist tier). */
    specialistLevel: Level,
    reach: ReachThresholds,
    /**
     * Counts of repeat reports under one standing refusal at which `repeat_report` raises again, one
     * level higher each (the first repeat report always raises).
     */
    repeatReports: RepeatReportThresholds,
    /**
     * How the time triggers of obligations of one rule on one case page: `perObligation` (each
     * obligation its own warnings, targets and breaches) or `perRule` (only the open one due first;
     * the next pages when it ends). See docs/escalation.md.
     */
    timePages: t.keyof({ perObligation: null, perRule: null }, 'TimePages'),
    /** The level each trigger raises at (defaults in docs/escalation.md). */
    levels: ReasonLevels,
  },
  'Escalation',
)
export type Escalation = t.TypeOf<typeof Escalation>

/** A designated provider's type: `designatedAt` is when it was designated (DSA Art. 92). */
const designated = <K extends string>(kind: K) =>
  t.intersection([t.type({ kind: t.literal(kind) }), t.partial({ designatedAt: IsoTimestamp })])

// One member per kind, tagged by a literal `kind`: io-ts then checks only the member a kind names (a
// bad `designatedAt` is reported alone) and refuses an unknown kind by listing every kind.
const ProviderType = t.union(
  [
    t.type({ kind: t.literal('hosting') }),
    t.type({ kind: t.literal('online_platform') }),
    // `search`: a regulated search service (UK OSA s. 27), bound by the rules that name it and by those
    // naming no provider type; not by hosting, platform or user-to-user duties (see docs/cli.md).
    t.type({ kind: t.literal('search') }),
    // `vlop`, `vlose`: a designated very large online platform or search engine, bound from four months
    // after its designation (DSA Art. 92: "VLOPs and VLOSEs"); a `vlose` is a search service otherwise.
    designated('vlop'),
    designated('vlose'),
  ],
  'ProviderType',
)

const fields = {
  name: t.string,
  establishment: Jurisdiction,
  markets: t.array(Jurisdiction),
  providerType: ProviderType,
  size: t.keyof({ micro: null, small: null, other: null }, 'Size'),
  monthlyActiveUsers: Count,
  /** The zone of rules counted in the profile's zone (`zone: 'profile'`). */
  timeZone: TimeZone,
  /**
   * Internal targets per `policy/rule` (or per `policy`), as ISO-8601 durations. The ids are
   * the policies' (checked by `Policy.checkProfile` in `@docket/policies`, not here).
   */
  internalTargets: t.record(t.string, NonZeroDuration),
  /** Rules off by default (unconfirmed confidence) that this platform turns on, as `policy/rule` or `policy`. */
  enabledRules: t.array(t.string),
  /** Warning fractions of the time allowed (default 0.5, 0.75, 0.9). */
  warningFractions: t.array(WarningFraction),
  /** Conservative transitional mode: the stricter of old and new rule versions. */
  conservative: t.boolean,
  escalation: Escalation,
}

/** io-ts codec of the platform profile (every field optional). */
export const ProfileCodec = t.partial(fields, 'Profile')

// model

/** The platform profile as configured (every field optional). */
export type Profile = t.TypeOf<typeof ProfileCodec>

/** The profile with defaults applied. */
export interface Resolved {
  readonly name: string
  readonly establishment: string | null
  readonly markets: ReadonlyArray<string> | null
  readonly providerType: Profile['providerType'] | null
  readonly size: 'micro' | 'small' | 'other'
  readonly monthlyActiveUsers: number | null
  readonly timeZone: string
  readonly internalTargets: Readonly<Record<string, string>>
  readonly enabledRules: ReadonlyArray<string>
  readonly warningFractions: ReadonlyArray<number>
  readonly conservative: boolean
  readonly escalation: Escalation
}

/** Default escalation ladder: frontline → child-safety specialist → legal → executive. */
export const DEFAULT_LADDER: ReadonlyArray<LadderLevel> = [
  { level: 1, name: 'frontline', notify: ['trust-and-safety-oncall'], acknowledgeWithin: 'PT1H' },
  { level: 2, name: 'child-safety specialist', notify: ['child-safety'], acknowledgeWithin: 'PT30M' },
  { level: 3, name: 'legal', notify: ['legal'], acknowledgeWithin: 'PT1H' },
  { level: 4, name: 'executive', notify: ['executive'] },
]

/** The defaults every missing field takes (documented in docs/cli.md, "The platform profile"). */
export const DEFAULTS: Resolved = {
  name: 'default',
  establishment: null,
  markets: null,
  providerType: null,
  size: 'other',
  monthlyActiveUsers: null,
  timeZone: 'America/Los_Angeles',
  internalTargets: {},
  enabledRules: [],
  warningFractions: [0.5, 0.75, 0.9],
  conservative: false,
  escalation: {
    ladder: [...DEFAULT_LADDER],
    specialistLevel: 2,
    reach: { views: [10_000, 100_000, 1_000_000], shares: [1_000, 10_000] },
    repeatReports: [10, 100, 1_000],
  },
}

// operations

/** Applies the defaults to a configured profile. */
export const resolve = (p: Profile = {}): Resolved => ({
  name: p.name ?? DEFAULTS.name,
  establishment: p.establishment ?? DEFAULTS.establishment,
  markets: p.markets ?? DEFAULTS.markets,
  providerType: p.providerType ?? DEFAULTS.providerType,
  size: p.size ?? DEFAULTS.size,
  monthlyActiveUsers: p.monthlyActiveUsers ?? DEFAULTS.monthlyActiveUsers,
  timeZone: p.timeZone ?? DEFAULTS.timeZone,
  internalTargets: p.internalTargets ?? DEFAULTS.internalTargets,
  enabledRules: p.enabledRules ?? DEFAULTS.enabledRules,
  warningFractions: p.warningFractions ?? DEFAULTS.warningFractions,
  conservative: p.conservative ?? DEFAULTS.conservative,
  escalation: { ...DEFAULTS.escalation, ...p.escalation },
})

/**
 * The rungs of a ladder that repeat an earlier rung's level: the engine would page one rung's
 * `notify` on the other's timing, so the second is an error.
 */
const repeatedLevels = (p: Profile): ReadonlyArray<DecodeError.Issue> => {
  const first = new Map<number, number>()
  const issues: DecodeError.Issue[] = []
  for (const [i, rung] of (p.escalation?.ladder ?? []).entries()) {
    const at = first.get(rung.level)
    if (at === undefined) first.set(rung.level, i)
    else
      issues.push({
        path: `escalation.ladder.${i}.level`,
        value: rung.level,
        expected: `a level no other rung has (escalation.ladder.${at} is level ${rung.level})`,
      })
  }
  return issues
}

/**
 * Decodes a profile from parsed JSON or YAML. A field the profile does not define is an
 * error at any depth (`escalation.ladder.0.ackWithin`), except under `internalTargets`,
 * whose keys are rule ids; so is a value the engine would ignore or misread (a warning
 * fraction of 90, a ladder naming a level twice); every problem is reported, each with its
 * path. `name` names a profile that gives none (the CLI passes the file's name, so that
 * the output says which profile it used).
 */
export const decode = (
  u: unknown,
  name: string = DEFAULTS.name,
): E.Either<DecodeError.DecodeError, Resolved> => {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) {
    return E.left(DecodeError.single('', u, 'a platform profile object'))
  }
  const decoded = ProfileCodec.decode(u)
  const issues = [
    ...unknownFields(ProfileCodec, u),
    ...(E.isLeft(decoded) ? DecodeError.fromValidation(decoded.left).issues : repeatedLevels(decoded.right)),
  ]
  if (issues.length > 0 || E.isLeft(decoded)) return E.left(DecodeError.make(issues))
  return E.right(resolve({ name, ...decoded.right }))
}
