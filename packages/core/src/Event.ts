/**
 * The event types of Docket's interchange format, one io-ts codec per `data`
 * payload (docs/events.md, the reference page, is generated from them).
 * Codecs keep keys they do not know: io-ts' `t.type` validates the keys it
 * names and returns the object as it came, so a platform's extra fields
 * survive a round trip verbatim.
 *
 * This module is the vocabulary; `Envelope` wraps it with identity and time.
 */
import * as t from 'io-ts'
import * as Iso3166 from './internal/iso3166.js'
import { isWellFormed } from './internal/text.js'
import { IsoTimestamp } from './Timestamp.js'

// enumerations

const literals = <const A extends readonly [string, ...string[]]>(name: string, values: A) =>
  t.keyof(Object.fromEntries(values.map((v) => [v, null])) as { [K in A[number]]: null }, name)

/** Content categories a report or detection can carry. */
export const CATEGORIES = [
  'csam',
  'ncii',
  'sextortion',
  'enticement',
  'trafficking',
  'terrorism',
  'threat_to_life',
  'child_cyberbullying',
  'adult_cyber_abuse',
  'impersonation',
  'synthetic_sexual',
  'torture_barbarity',
  'hate',
  'violence',
  'fraud',
  'privacy',
  'ip',
  'illegal_other',
  'policy_other',
] as const
/** A content category. */
export const Category = literals('Category', CATEGORIES)
export type Category = t.TypeOf<typeof Category>

/** Categories whose refusal the escalation engine's refusal guard watches. */
export const CHILD_SAFETY_CATEGORIES: ReadonlyArray<Category> = ['csam', 'ncii', 'sextortion', 'enticement']

/** Who acted. */
export const ActorKind = literals('ActorKind', [
  'reporter',
  'victim',
  'guardian',
  'trusted_flagger',
  'ngo',
  'moderator',
  'specialist',
  'legal',
  'system',
  'law_enforcement',
  'regulator',
  'court',
])
export type ActorKind = t.TypeOf<typeof ActorKind>

/**
 * An officially assigned ISO 3166-1 alpha-2 country code (`GB` for the United Kingdom; never `UK`
 * or `EU`, see `Jurisdiction.CODES`).
 */
export const Jurisdiction = t.refinement(t.string, Iso3166.isAlpha2, 'Jurisdiction')
export type Jurisdiction = t.TypeOf<typeof Jurisdiction>

/**
 * A non-empty string identifier without NUL (U+0000), which no PostgreSQL text column holds, nor an
 * unpaired UTF-16 surrogate, which it stores as U+FFFD (two such ids would be one).
 */
export const Id = t.refinement(
  t.string,
  (s) => s.length > 0 && !s.includes('\u0000') && isWellFormed(s),
  'Id',
)

/**
 * Where a report must be handled: at least one country code (events.md: "the reporter's country at
 * least"). A report with none would match no policy, and so start no clock, without a word.
 */
export const Jurisdictions = t.refinement(t.array(Jurisdiction), (a) => a.length > 0, 'Jurisdictions')

/** An ISO-8601 duration such as `PT48H` or `P90D`. */
export const IsoDuration = t.refinement(
  t.string,
  (s) => /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/.test(s),
  'IsoDuration',
)

/** An ISO-8601 duration longer than zero (some part not 0): a period or target of `PT0S` is due at once. */
export const NonZeroDuration = t.refinement(IsoDuration, (s) => /[1-9]/.test(s), 'NonZeroDuration')

const obj = <P extends t.Props, O extends t.Props>(name: string, required: P, optional: O) =>
  t.intersection([t.type(required), t.partial(optional)], name)

/**
 * A whole number ≥ 0 (views, shares, copies, users) that a double holds exactly: at most
 * `Number.MAX_SAFE_INTEGER` (2^53 − 1). Negative, fractional and infinite counts are refused, and
 * so is a larger integer, which `JSON.parse` has already rounded (9007199254740993 reads as
 * …992): stored, it would silently say another number. Every integer field of the format refines
 * this one codec.
 */
export const Count = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'Count')

/** An escalation level, a {@link Count} ≥ 1 (plain number, no brand, so configuration literals type-check). */
export const Level = t.refinement(Count, (n) => n >= 1, 'Level')

/** The oldest age in years an event may state: older than anyone has lived, so a larger one is a typo. */
export const MAX_AGE = 150

/** An age in years: a finite number from 0 to {@link MAX_AGE} (a negative one read as a minor's). */
export const Age = t.refinement(t.number, (n) => Number.isFinite(n) && n >= 0 && n <= MAX_AGE, 'Age')

// shared payload parts

export const Content = obj(
  'Content',
  { ref: t.string, kind: literals('ContentKind', ['video', 'image', 'text', 'live', 'account', 'other']) },
  { hash: t.string, postedAt: IsoTimestamp, synthetic: t.boolean },
)
export type Content = t.TypeOf<typeof Content>

export const Claims = t.partial(
  {
    depictsMinor: t.boolean,
    reporterIsDepicted: t.boolean,
    ageAtCapture: Age,
    consentGiven: t.boolean,
    policeReference: t.string,
  },
  'Claims',
)
export type Claims = t.TypeOf<typeof Claims>

/** The elements of a formal removal request or notice, as named booleans. */
export const RemovalRequest = t.record(t.string, t.boolean, 'RemovalRequest')
export type RemovalRequest = t.TypeOf<typeof RemovalRequest>

/** Personal data (‡): the reporter. */
export const Reporter = obj('Reporter', { subjectId: t.string }, { name: t.string, email: t.string })
/** Personal data (‡): the victim. */
export const Victim = obj('Victim', { subjectId: t.string }, { name: t.string, dateOfBirth: t.string })

export const Channel = literals('Channel', [
  'in_app',
  'web_form',
  'email',
  'api',
  'trusted_flagger',
  'authority',
])

// payloads, one per event type

export const ContentReported = obj(
  'ContentReported',
  {
    reportId: t.string,
    channel: Channel,
    category: Category,
    content: Content,
    jurisdictions: Jurisdictions,
  },
  {
    categories: t.array(Category),
    claims: Claims,
    removalRequest: RemovalRequest,
    reporter: Reporter,
    victim: Victim,
    flagger: obj('Flagger', { id: t.string }, { designatedArea: t.string }),
    text: t.string,
  },
)
export const ReportCompleted = t.type(
  { reportId: t.string, removalRequest: RemovalRequest },
  'ReportCompleted',
)
export const ContentDetected = obj(
  'ContentDetected',
  {
    method: literals('DetectionMethod', ['hash_match', 'classifier', 'manual']),
    category: Category,
    content: Content,
    jurisdictions: t.array(Jurisdiction),
  },
  { categories: t.array(Category) },
)
export const ExposureObserved = t.type({ views: Count, shares: Count }, 'ExposureObserved')

export const ReviewOutcome = literals('ReviewOutcome', [
  'violation',
  'no_violation',
  'insufficient_information',
])
export const Tier = literals('Tier', ['frontline', 'specialist', 'legal'])
export const ReviewDecided = obj(
  'ReviewDecided',
  {
    reviewId: t.string,
    outcome: ReviewOutcome,
    tier: Tier,
    automation: literals('Automation', ['fully', 'partially', 'not']),
  },
  {
    detection: literals('Detection', ['automated', 'manual']),
    reportId: t.string,
    ground: literals('Ground', ['illegal', 'incompatible']),
    legalGround: t.string,
    explanation: t.string,
    policyRef: t.string,
  },
)
export const InformationRequested = obj('InformationRequested', { reportId: t.string }, { what: t.string })
export const InformationProvided = obj('InformationProvided', { reportId: t.string }, { what: t.string })
export const ContentActioned = obj(
  'ContentActioned',
  {
    action: literals('ContentAction', [
      'removed',
      'disabled',
      'geo_blocked',
      'age_restricted',
      'demoted',
      'labelled',
      'demonetized',
    ]),
  },
  {
    /** Where a geo-block applies: country codes, as jurisdictions are. */
    territories: t.array(Jurisdiction),
    copiesActioned: Count,
    until: IsoTimestamp,
    /** `false` when the uploader's electronic contact details are unknown (DSA Art. 17(1)); absent means known. */
    recipientContactKnown: t.boolean,
    /** `true` when the restricted information is deceptive high-volume commercial content (DSA Art. 17); absent means not. */
    deceptiveHighVolumeCommercial: t.boolean,
  },
)
export const ContentRestored = t.partial({ reason: t.string }, 'ContentRestored')
export const AccountActioned = obj(
  'AccountActioned',
  { accountRef: t.string, action: literals('AccountAction', ['suspended', 'terminated', 'restricted']) },
  {
    scope: literals('Scope', ['partial', 'total']),
    until: IsoTimestamp,
    ground: t.string,
    /** When the account was registered: the `content_date` of its DSA statement of reasons. */
    accountCreatedAt: IsoTimestamp,
    /** `false` when the account holder's electronic contact details are unknown (DSA Art. 17(1)); absent means known. */
    recipientContactKnown: t.boolean,
    /** `true` when the account is restricted for deceptive high-volume commercial content (DSA Art. 17); absent means not. */
    deceptiveHighVolumeCommercial: t.boolean,
  },
)
export const AccountRestored = t.type({ accountRef: t.string }, 'AccountRestored')
export const AppealLodged = t.type(
  {
    appealId: t.string,
    by: literals('AppealBy', ['reporter', 'uploader']),
    venue: literals('Venue', ['internal', 'out_of_court', 'court', 'grievance_appellate']),
  },
  'AppealLodged',
)
export const AppealDecided = t.type(
  {
    appealId: t.string,
    outcome: literals('AppealOutcome', ['decision_upheld', 'decision_reversed', 'inadmissible_late']),
  },
  'AppealDecided',
)

export const AuthorityRequestKind = literals('AuthorityRequestKind', [
  'removal_order',
  'preservation_request',
  'information_request',
  'destruction_request',
  'intervention',
  'court_order',
])
export const AuthorityRequestReceived = obj(
  'AuthorityRequestReceived',
  { requestId: t.string, authority: t.string, kind: AuthorityRequestKind, jurisdiction: Jurisdiction },
  { legalBasis: t.string, emergency: t.boolean, renewalOf: t.string },
)
const RequestRef = (name: string) => obj(name, { requestId: t.string }, { reason: t.string })
export const AuthorityRequestWithdrawn = RequestRef('AuthorityRequestWithdrawn')
export const AuthorityRequestContested = RequestRef('AuthorityRequestContested')
export const AuthorityResponded = t.type(
  {
    requestId: t.string,
    response: literals('AuthorityResponse', ['complied', 'disclosed', 'declined', 'partially_complied']),
  },
  'AuthorityResponded',
)
export const ClarificationRequested = RequestRef('ClarificationRequested')
export const ClarificationReceived = RequestRef('ClarificationReceived')
export const ForceMajeureDeclared = t.type({ requestId: t.string, reason: t.string }, 'ForceMajeureDeclared')
export const ForceMajeureEnded = t.type({ requestId: t.string, reason: t.string }, 'ForceMajeureEnded')

/** What a `DeadlineExtended` applies to: an obligation id, or a request (and optionally one rule). */
export const ExtensionTarget = t.union(
  [t.string, obj('RequestTarget', { requestId: t.string }, { rule: t.string })],
  'ExtensionTarget',
)
/** The payload of a `DeadlineExtended`: a new due instant (`until`) or a longer period (`by`). */
export type Extension =
  | { readonly target: t.TypeOf<typeof ExtensionTarget>; readonly until: string }
  | { readonly target: t.TypeOf<typeof ExtensionTarget>; readonly by: string }
/**
 * Exactly one of `until` and `by` (events.md): both is an error, not a silent choice of one. Only
 * that pair is exclusive: other keys of `data` are kept verbatim, as for every type.
 */
export const DeadlineExtended = t.refinement(
  obj('Extension', { target: ExtensionTarget }, { until: IsoTimestamp, by: IsoDuration }),
  (d): d is Extension => (d.until === undefined) !== (d.by === undefined),
  'DeadlineExtended',
)

export const MandatoryReportFiled = obj(
  'MandatoryReportFiled',
  {
    recipient: literals('Recipient', [
      'NCMEC',
      'NCA',
      'C3P',
      'eSafety',
      'police',
      'europol',
      'le_authority',
      'other',
    ]),
    status: literals('FilingStatus', ['submitted', 'completed']),
  },
  { reference: t.string },
)
export const EvidencePreserved = obj(
  'EvidencePreserved',
  { basis: t.string },
  { until: IsoTimestamp, requestId: t.string },
)
export const PreservationReleased = obj('PreservationReleased', { basis: t.string }, { requestId: t.string })
export const LegalHoldPlaced = obj('LegalHoldPlaced', { holdId: t.string }, { reason: t.string })
export const LegalHoldLifted = obj('LegalHoldLifted', { holdId: t.string }, { reason: t.string })

export const NotificationSent = obj(
  'NotificationSent',
  {
    to: literals('NotificationTo', ['reporter', 'uploader', 'authority']),
    kind: literals('NotificationKind', [
      'acknowledgement',
      'decision',
      'statement_of_reasons',
      'appeal_outcome',
    ]),
  },
  { reportId: t.string },
)
export const StatementOfReasonsPublished = obj(
  'StatementOfReasonsPublished',
  { puid: t.string },
  { dbId: t.string },
)

export const EscalationRaised = obj(
  'EscalationRaised',
  { escalationId: t.string, level: Level, reason: t.string },
  {
    obligationId: t.string,
    /** A repeated page at the same level (1, 2, …); absent on the first page of a level. */
    repeat: Count,
    /** The escalation records a duty the platform already missed (an authority acted after a refusal). */
    missedObligation: t.boolean,
  },
)
export const EscalationAcknowledged = obj(
  'EscalationAcknowledged',
  { escalationId: t.string },
  { by: t.string },
)

export const CaseClosed = t.partial({ reason: t.string }, 'CaseClosed')
export const CaseReopened = t.partial({ reason: t.string }, 'CaseReopened')

// the registry

/** Every event type of the interchange format, with the codec of its `data`. */
export const DATA_CODECS = {
  ContentReported,
  ReportCompleted,
  ContentDetected,
  ExposureObserved,
  ReviewDecided,
  InformationRequested,
  InformationProvided,
  ContentActioned,
  ContentRestored,
  AccountActioned,
  AccountRestored,
  AppealLodged,
  AppealDecided,
  AuthorityRequestReceived,
  AuthorityRequestWithdrawn,
  AuthorityRequestContested,
  AuthorityResponded,
  ClarificationRequested,
  ClarificationReceived,
  ForceMajeureDeclared,
  ForceMajeureEnded,
  DeadlineExtended,
  MandatoryReportFiled,
  EvidencePreserved,
  PreservationReleased,
  LegalHoldPlaced,
  LegalHoldLifted,
  NotificationSent,
  StatementOfReasonsPublished,
  EscalationRaised,
  EscalationAcknowledged,
  CaseClosed,
  CaseReopened,
} as const

/** The name of a standard event type. */
export type EventType = keyof typeof DATA_CODECS
/** The `data` payload of a standard event type. */
export type DataOf<T extends EventType> = t.TypeOf<(typeof DATA_CODECS)[T]>

/** Every standard event type name, sorted. */
export const EVENT_TYPES: ReadonlyArray<EventType> = (Object.keys(DATA_CODECS) as EventType[]).sort()

/** True for a standard event type name. */
export const isEventType = (s: string): s is EventType => Object.hasOwn(DATA_CODECS, s)

/**
 * True for a report given by a trusted flagger (EU DSA Art. 22): through the `trusted_flagger`
 * channel or naming its `flagger`. The rule of Art. 22 and the reports that count such notices
 * all ask this one question.
 */
export const byTrustedFlagger = (report: Pick<DataOf<'ContentReported'>, 'channel' | 'flagger'>): boolean =>
  report.channel === 'trusted_flagger' || report.flagger !== undefined

/** The pattern of a platform's own event type, `x-<vendor>.<Name>` (no `g` flag: `test` keeps no state). */
export const VENDOR_TYPE: RegExp = /^x-[a-z0-9][a-z0-9-]*\.[A-Za-z][A-Za-z0-9_]*$/

/** True for a platform's own event type, namespaced `x-<vendor>.<Name>`. */
export const isVendorType = (s: string): boolean => VENDOR_TYPE.test(s)
