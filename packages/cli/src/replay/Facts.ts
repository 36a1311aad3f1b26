/**
 * The facts of one case that reports need beyond its obligations: a compact
 * timeline, the restrictive decisions a statement of reasons is owed for, the
 * refusals later followed by an authority, and the timings that the DSA
 * transparency templates count. Facts are extracted once, while the replay
 * still holds the case's history, so that the history itself can be dropped.
 *
 * Facts carry no reporter or victim (fields marked ‡ in the interchange
 * format): identifiers, enumerations and timestamps, and the free text of
 * notes and explanations, which reports that show it treat as personal. They
 * are not a second obligation engine: clocks come from `@docket/core`.
 */
import type { DocketEvent } from '@docket/core'
import { Evaluation, Event, Refusal, Timestamp } from '@docket/core'
import { EuDsa } from '@docket/policies'
import * as Publishable from './Publishable.js'

// model

/** One event on a case's timeline, without personal data. */
export interface TimelineEntry {
  readonly id: string
  readonly type: string
  readonly occurredAt: string
  readonly recordedAt: string | null
  /** Short label from enumerations (an outcome, an action, an authority's kind). */
  readonly label: string
  /**
   * Free text recorded on the event, cut at 500 characters: a report's `text`, a decision's
   * `explanation`, a `reason`, an authority's name. It may hold personal data (the report's
   * text is marked ‡ in the interchange format) and is user-supplied: formats must escape it.
   */
  readonly note: string | null
}

/** A restrictive decision (content or account action): what a statement of reasons is owed for. */
export interface RestrictiveDecision {
  readonly eventId: string
  readonly type: 'ContentActioned' | 'AccountActioned'
  readonly occurredAt: string
  /** `removed`, `disabled`, … for content; `suspended`, `terminated`, `restricted` for accounts. */
  readonly action: string
  readonly scope: string | null
  readonly territories: ReadonlyArray<string> | null
  /**
   * The case's jurisdictions known when the decision was taken (its reports, detections and
   * authority requests up to its instant, those at the same instant included whatever their order:
   * `EuDsa.knownAt`, sorted): what a statement of reasons of this decision is scoped by, which
   * later events must not change.
   */
  readonly jurisdictions: ReadonlyArray<string>
  readonly until: string | null
  /**
   * When the account was registered (`AccountActioned.accountCreatedAt`): the `content_date` of an
   * account decision's statement of reasons. Present only when the event gives it.
   */
  readonly accountCreatedAt?: string
  /**
   * What the decision was taken on (DSA Art. 17(3)(b); the database's `source_type`): of the
   * notices and orders received at or before its instant, the one that carries most weight: an
   * authority's order to act or intervention (or a report through the `authority` channel), else a
   * trusted flagger's notice (Art. 22: given priority and decided first), else an Art. 16 notice,
   * else the platform's own detection; the latest of that kind. `null` when none came before it.
   * Not the case's first notice: a case reported by a user, then by a trusted flagger, is decided
   * on the flagger's notice.
   */
  readonly source: DecisionSource | null
  /**
   * Present (`true`) only when the event says the restricted information is deceptive high-volume
   * commercial content, which DSA Art. 17 does not cover: no statement of reasons is owed.
   */
  readonly deceptiveHighVolumeCommercial?: true
  /**
   * The latest `violation` decision at or before the action's instant, if any (one at the same
   * instant counts even when it sorts after the action: same-instant events are ordered by id).
   */
  readonly review: {
    readonly eventId: string
    readonly ground: string | null
    readonly legalGround: string | null
    readonly policyRef: string | null
    readonly automation: string | null
    readonly detection: string | null
    readonly tier: string | null
    readonly explanation: string | null
    /**
     * The explanation as it may be published (DSA Art. 24(5)): with the values the case records
     * of its people, and e-mail addresses, withheld (see `Publishable`). Present only when
     * something was withheld.
     */
    readonly publishable?: Publishable.Withheld
  } | null
}

/** What a restrictive decision was taken on (see {@link RestrictiveDecision.source}). */
export interface DecisionSource {
  readonly kind: 'authority' | 'trusted_flagger' | 'notice' | 'own_initiative'
  /** The event of the notice, order or detection. */
  readonly eventId: string
  /** The trusted flagger's id (`flagger.id`) of a trusted flagger's notice. */
  readonly flagger: string | null
}

/** A refusal that an authority's request or intervention later followed. */
export interface RefusalThenAuthority {
  readonly refusalId: string
  readonly refusedAt: string
  readonly authorityEventId: string
  readonly authorityAt: string
  readonly kind: string
  readonly jurisdiction: string | null
}

/** An authority's order on the case (DSA Art. 9 and 10 counts). */
export interface Order {
  readonly eventId: string
  readonly requestId: string
  readonly kind: string
  readonly jurisdiction: string | null
  readonly receivedAt: string
  /** First `NotificationSent` to the authority after receipt (Art. 9(1), 10(1): inform of the receipt). */
  readonly acknowledgedAt: string | null
  /** `AuthorityResponded` with `complied`, `disclosed` or `partially_complied`. */
  readonly effectedAt: string | null
}

/** An appeal (internal complaint, Art. 20; out-of-court, Art. 21). */
export interface Appeal {
  readonly appealId: string
  readonly venue: string
  readonly by: string
  readonly lodgedAt: string
  readonly decidedAt: string | null
  readonly outcome: string | null
}

/** One notice of a case (see {@link Facts.art16Notices}). */
export interface Notice {
  readonly at: string
  readonly category: string | null
  readonly trustedFlagger: boolean
}

/** Everything reports need about one case. */
export interface Facts {
  readonly caseId: string
  readonly firstOccurredAt: string | null
  /** `notice` (a report), `detection` (own initiative) or `authority`. */
  readonly origin: 'notice' | 'detection' | 'authority' | 'other'
  readonly category: string | null
  readonly categories: ReadonlyArray<string>
  readonly channel: string | null
  readonly trustedFlagger: string | null
  readonly jurisdictions: ReadonlyArray<string>
  readonly contentKind: string | null
  readonly synthetic: boolean
  /** A claim on any report that the content depicts a minor. */
  readonly depictsMinor: boolean
  readonly postedAt: string | null
  /** Detection method of a `ContentDetected` origin. */
  readonly detectionMethod: string | null
  readonly noticeAt: string | null
  readonly notices: number
  /**
   * Every notice in the sense of DSA Art. 16 (a `ContentReported` not made through the `authority`
   * channel), in order: when, its own category, and whether a trusted flagger gave it.
   */
  readonly art16Notices: ReadonlyArray<Notice>
  readonly firstDecisionAt: string | null
  readonly firstActionAt: string | null
  readonly refusals: ReadonlyArray<string>
  readonly refusalsThenAuthority: ReadonlyArray<RefusalThenAuthority>
  readonly decisions: ReadonlyArray<RestrictiveDecision>
  readonly orders: ReadonlyArray<Order>
  readonly appeals: ReadonlyArray<Appeal>
  readonly closed: boolean
  readonly reopened: number
  readonly timeline: ReadonlyArray<TimelineEntry>
}

// internal

type Data = Readonly<Record<string, unknown>>
const NO_DATA: Data = Object.freeze({})
const data = (e: DocketEvent): Data => (e.data ?? NO_DATA) as Data
const str = (u: unknown): string | null => (typeof u === 'string' ? u : null)
const strs = (u: unknown): ReadonlyArray<string> =>
  Array.isArray(u) ? u.filter((x): x is string => typeof x === 'string') : []

const label = (e: DocketEvent, d: Data): string => {
  switch (e.type) {
    case 'ContentReported':
      return `${str(d.channel) ?? ''} ${str(d.category) ?? ''}`.trim()
    case 'ContentDetected':
      return `${str(d.method) ?? ''} ${str(d.category) ?? ''}`.trim()
    case 'ReviewDecided':
      return `${str(d.outcome) ?? ''} (${str(d.tier) ?? ''})`
    case 'ContentActioned':
      return str(d.action) ?? ''
    case 'AccountActioned':
      return `account ${str(d.action) ?? ''}`
    case 'AuthorityRequestReceived':
      return `${str(d.kind) ?? ''} ${str(d.jurisdiction) ?? ''}`.trim()
    case 'AuthorityResponded':
      return str(d.response) ?? ''
    case 'NotificationSent':
      return `${str(d.kind) ?? ''} to ${str(d.to) ?? ''}`
    case 'MandatoryReportFiled':
      return `${str(d.recipient) ?? ''} ${str(d.status) ?? ''}`.trim()
    case 'AppealLodged':
      return `${str(d.venue) ?? ''} by ${str(d.by) ?? ''}`
    case 'AppealDecided':
      return str(d.outcome) ?? ''
    case 'EscalationRaised':
      return `level ${String(d.level ?? '')} ${str(d.reason) ?? ''}`.trim()
    default:
      return ''
  }
}

/** The note so far with one more part (non-empty strings only), parts separated by ` — `. */
const withPart = (note: string | null, part: unknown): string | null =>
  typeof part !== 'string' || part === '' ? note : note === null ? part : `${note} — ${part}`

const note = (d: Data): string | null => {
  let n = withPart(null, d.text)
  n = withPart(n, d.explanation)
  n = withPart(n, d.reason)
  n = withPart(n, d.what)
  n = withPart(n, d.authority)
  n = withPart(n, d.legalGround)
  n = withPart(n, d.policyRef)
  return n === null ? null : n.slice(0, 500)
}

const entry = (e: DocketEvent): TimelineEntry => {
  const d = data(e)
  return {
    id: e.id,
    type: e.type,
    occurredAt: e.occurredAt,
    recordedAt: e.recordedAt ?? null,
    label: label(e, d),
    note: note(d),
  }
}

const EFFECTED = ['complied', 'disclosed', 'partially_complied']

/** `occurredAt` in epoch ms of each event of the ordered history (scratch, reused from case to case). */
let at = new Float64Array(64)

/**
 * The history in the engine's order, `at` filled with its instants. Input whose instants
 * strictly increase is already in that order and is kept as it is (no copy, no sort).
 */
const ordered = (input: ReadonlyArray<DocketEvent>): ReadonlyArray<DocketEvent> => {
  if (at.length < input.length) at = new Float64Array(Math.max(input.length, 2 * at.length))
  let inOrder = true
  for (let i = 0; i < input.length; i++) {
    at[i] = Timestamp.toMillis(input[i]!.occurredAt)
    if (i > 0 && at[i]! <= at[i - 1]!) inOrder = false
  }
  if (inOrder) return input
  const sorted = Evaluation.inEngineOrder(input)
  for (let i = 0; i < sorted.length; i++) at[i] = Timestamp.toMillis(sorted[i]!.occurredAt)
  return sorted
}

/** The first event from `from` on that is a receipt's notice to the authority. */
const acknowledgement = (history: ReadonlyArray<DocketEvent>, from: number): DocketEvent | undefined => {
  for (let i = from; i < history.length; i++) {
    const x = history[i]!
    if (x.type === 'NotificationSent' && data(x).to === 'authority') return x
  }
  return undefined
}

/** The first event from `from` on that effects request `requestId`. */
const effect = (
  history: ReadonlyArray<DocketEvent>,
  from: number,
  requestId: string,
): DocketEvent | undefined => {
  for (let i = from; i < history.length; i++) {
    const x = history[i]!
    if (x.type !== 'AuthorityResponded') continue
    const d = data(x)
    if (d.requestId === requestId && EFFECTED.includes(String(d.response))) return x
  }
  return undefined
}

/** The order an authority's request (at `i` of `history`) makes, with its receipt noticed and its effect. */
const order = (history: ReadonlyArray<DocketEvent>, i: number): Order => {
  const e = history[i]!
  const d = data(e)
  const requestId = str(d.requestId) ?? e.id
  // what happened at or after the receipt: the events from the first at its instant on
  let from = i
  while (from > 0 && at[from - 1]! >= at[i]!) from--
  return {
    eventId: e.id,
    requestId,
    kind: str(d.kind) ?? 'unknown',
    jurisdiction: str(d.jurisdiction),
    receivedAt: e.occurredAt,
    acknowledgedAt: acknowledgement(history, from)?.occurredAt ?? null,
    effectedAt: effect(history, from, requestId)?.occurredAt ?? null,
  }
}

const review = (e: DocketEvent, v: Data): NonNullable<RestrictiveDecision['review']> => ({
  eventId: e.id,
  ground: str(v.ground),
  legalGround: str(v.legalGround),
  policyRef: str(v.policyRef),
  automation: str(v.automation),
  detection: str(v.detection),
  tier: str(v.tier),
  explanation: str(v.explanation),
})

/** Authority requests that ask the platform to act on the content (not to inform or preserve). */
const TO_ACT = new Set(['removal_order', 'court_order', 'destruction_request', 'intervention'])
const WEIGHT: Readonly<Record<DecisionSource['kind'], number>> = {
  own_initiative: 1,
  notice: 2,
  trusted_flagger: 3,
  authority: 4,
}

/** What `e` offers a later decision to be taken on, if anything. */
const sourceOf = (e: DocketEvent, d: Data): DecisionSource | undefined => {
  switch (e.type) {
    case 'ContentReported': {
      const flagger = (d.flagger ?? null) as Data | null
      return str(d.channel) === 'authority'
        ? { kind: 'authority', eventId: e.id, flagger: null }
        : Event.byTrustedFlagger(e.data)
          ? { kind: 'trusted_flagger', eventId: e.id, flagger: str(flagger?.id) }
          : { kind: 'notice', eventId: e.id, flagger: null }
    }
    case 'ContentDetected':
      return { kind: 'own_initiative', eventId: e.id, flagger: null }
    case 'AuthorityRequestReceived':
      return TO_ACT.has(String(d.kind)) ? { kind: 'authority', eventId: e.id, flagger: null } : undefined
    default:
      return undefined
  }
}

/** The weightier of two sources, the later (`b`) on a tie. */
const weightier = (a: DecisionSource | null, b: DecisionSource | undefined): DecisionSource | null =>
  b !== undefined && (a === null || WEIGHT[b.kind] >= WEIGHT[a.kind]) ? b : a

/** The source of a decision at `history[i]`: `before`, or one at the same instant sorting after it. */
const sourceAt = (
  history: ReadonlyArray<DocketEvent>,
  i: number,
  before: DecisionSource | null,
): DecisionSource | null => {
  let s = before
  for (let j = i + 1; j < history.length && at[j] === at[i]; j++)
    s = weightier(s, sourceOf(history[j]!, data(history[j]!)))
  return s
}

const decision = (
  e: DocketEvent & { readonly type: RestrictiveDecision['type'] },
  d: Data,
  review: RestrictiveDecision['review'],
  jurisdictions: ReadonlyArray<string>,
  source: DecisionSource | null,
): RestrictiveDecision => ({
  eventId: e.id,
  type: e.type,
  occurredAt: e.occurredAt,
  action: str(d.action) ?? 'unknown',
  scope: str(d.scope),
  territories: Array.isArray(d.territories) ? strs(d.territories) : null,
  jurisdictions: jurisdictions.slice().sort(),
  until: str(d.until),
  ...(e.type === 'AccountActioned' && typeof d.accountCreatedAt === 'string'
    ? { accountCreatedAt: d.accountCreatedAt }
    : {}),
  source,
  ...(d.deceptiveHighVolumeCommercial === true ? { deceptiveHighVolumeCommercial: true as const } : {}),
  review,
})

const appeal = (e: DocketEvent, decisions: ReadonlyArray<DocketEvent>): Appeal => {
  const d = data(e)
  const decided = decisions.find((x) => data(x).appealId === d.appealId)
  return {
    appealId: str(d.appealId) ?? e.id,
    venue: str(d.venue) ?? 'internal',
    by: str(d.by) ?? 'unknown',
    lodgedAt: e.occurredAt,
    decidedAt: decided?.occurredAt ?? null,
    outcome: decided ? str(data(decided).outcome) : null,
  }
}

/**
 * `decisions` with each review's explanation checked for what the case records of its people
 * (`Publishable.withhold`, once per review): the same objects where nothing is withheld.
 */
const withPublishable = (
  decisions: ReadonlyArray<RestrictiveDecision>,
  history: ReadonlyArray<DocketEvent>,
): ReadonlyArray<RestrictiveDecision> => {
  const checked = new Map<RestrictiveDecision['review'], RestrictiveDecision['review']>()
  return decisions.map((d) => {
    const r = d.review
    if (r === null || r.explanation === null) return d
    let x = checked.get(r)
    if (x === undefined) {
      const publishable = Publishable.withhold(r.explanation, history)
      x = publishable === undefined ? r : { ...r, publishable }
      checked.set(r, x)
    }
    return x === r ? d : { ...d, review: x }
  })
}

/**
 * The review a decision at `history[i]` rests on: the latest `violation` decision at or before its
 * instant, `before` (the latest before it in order) unless one at the same instant sorts after it.
 */
const reviewAt = (
  history: ReadonlyArray<DocketEvent>,
  i: number,
  before: RestrictiveDecision['review'],
): RestrictiveDecision['review'] => {
  let r = before
  for (let j = i + 1; j < history.length && at[j] === at[i]; j++) {
    const x = history[j]!
    if (x.type === 'ReviewDecided' && data(x).outcome === 'violation') r = review(x, data(x))
  }
  return r
}

/** Adds the strings of `xs` not yet in `to`. */
const addNew = (to: string[], xs: unknown): void => {
  if (!Array.isArray(xs)) return
  for (const x of xs) if (typeof x === 'string' && !to.includes(x)) to.push(x)
}

// operations

/** Extracts the facts of one case from its history (any order). */
export const extract = (caseId: string, input: ReadonlyArray<DocketEvent>): Facts => {
  // the engine's order, so that facts do not depend on input order
  const history = ordered(input)
  let origin0: DocketEvent | undefined
  let report: DocketEvent | undefined
  let notices = 0
  const art16Notices: Notice[] = []
  let depictsMinor = false
  let firstDecisionAt: string | null = null
  let firstActionAt: string | null = null
  let closed = false
  let reopened = 0
  let lastReview: RestrictiveDecision['review'] = null
  let source: DecisionSource | null = null
  const jurisdictions: string[] = []
  const authorities: number[] = []
  const decisions: RestrictiveDecision[] = []
  const lodged: DocketEvent[] = []
  const decided: DocketEvent[] = []
  for (let i = 0; i < history.length; i++) {
    const e = history[i]!
    const d = data(e)
    source = weightier(source, sourceOf(e, d))
    switch (e.type) {
      case 'ContentReported':
        report ??= e
        notices++
        if (str(d.channel) !== 'authority')
          art16Notices.push({
            at: e.occurredAt,
            category: str(d.category),
            trustedFlagger: Event.byTrustedFlagger(e.data),
          })
        if ((d.claims as Data | null | undefined)?.depictsMinor === true) depictsMinor = true
        origin0 ??= e
        addNew(jurisdictions, d.jurisdictions)
        break
      case 'ContentDetected':
        origin0 ??= e
        addNew(jurisdictions, d.jurisdictions)
        break
      case 'AuthorityRequestReceived':
        authorities.push(i)
        if (typeof d.jurisdiction === 'string' && !jurisdictions.includes(d.jurisdiction))
          jurisdictions.push(d.jurisdiction)
        break
      case 'ReviewDecided':
        firstDecisionAt ??= e.occurredAt
        if (d.outcome === 'violation') lastReview = review(e, d)
        break
      case 'ContentActioned':
      case 'AccountActioned':
        firstActionAt ??= e.occurredAt
        decisions.push(
          decision(
            e,
            d,
            reviewAt(history, i, lastReview),
            EuDsa.knownAt(history, at[i]!),
            sourceAt(history, i, source),
          ),
        )
        break
      case 'AppealLodged':
        lodged.push(e)
        break
      case 'AppealDecided':
        decided.push(e)
        break
      case 'CaseClosed':
        closed = true
        break
      case 'CaseReopened':
        closed = false
        reopened++
        break
    }
  }
  const od = origin0 ? data(origin0) : NO_DATA
  const rd = report ? data(report) : NO_DATA
  const content = (od.content ?? NO_DATA) as Data
  const flagger = (rd.flagger ?? null) as Data | null
  const category = str(od.category)
  const categories = category ? [category] : []
  addNew(categories, od.categories)
  const origin: Facts['origin'] =
    origin0?.type === 'ContentReported'
      ? str(od.channel) === 'authority'
        ? 'authority'
        : 'notice'
      : origin0?.type === 'ContentDetected'
        ? 'detection'
        : authorities.length > 0
          ? 'authority'
          : 'other'
  const refusalEvents = Refusal.refusals(history)
  const refusalsThenAuthority: RefusalThenAuthority[] = []
  if (authorities.length > 0)
    for (const r of refusalEvents) {
      const refusedAt = Timestamp.toMillis(r.occurredAt)
      const i = authorities.find((a) => at[a]! > refusedAt)
      if (i === undefined) continue
      const later = history[i]!
      const d = data(later)
      refusalsThenAuthority.push({
        refusalId: r.id,
        refusedAt: r.occurredAt,
        authorityEventId: later.id,
        authorityAt: later.occurredAt,
        kind: str(d.kind) ?? 'unknown',
        jurisdiction: str(d.jurisdiction),
      })
    }
  const orders: Order[] = []
  for (const i of authorities) if (data(history[i]!).kind !== 'intervention') orders.push(order(history, i))
  return {
    caseId,
    firstOccurredAt: history[0]?.occurredAt ?? null,
    origin,
    category,
    categories,
    channel: str(rd.channel),
    trustedFlagger: flagger && typeof flagger.id === 'string' ? flagger.id : null,
    jurisdictions: jurisdictions.slice().sort(),
    contentKind: str(content.kind),
    synthetic: content.synthetic === true,
    depictsMinor,
    postedAt: str(content.postedAt),
    detectionMethod: origin0?.type === 'ContentDetected' ? str(od.method) : null,
    noticeAt: report?.occurredAt ?? null,
    notices,
    art16Notices,
    firstDecisionAt,
    firstActionAt,
    refusals: refusalEvents.map((r) => r.id),
    refusalsThenAuthority,
    decisions: decisions.some((d) => d.review?.explanation != null)
      ? withPublishable(decisions, history)
      : decisions,
    orders,
    appeals: lodged.map((e) => appeal(e, decided)),
    closed,
    reopened,
    timeline: history.map(entry),
  }
}
