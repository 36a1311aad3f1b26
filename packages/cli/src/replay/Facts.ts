/**
 * The facts of one case that reports need beyond its obligations: a compact
 * timeline, the restrictive decisions a statement of reasons is owed for, the
 * refusals later followed by an authority, and the timings that the DSA
 * transparency templates count. Facts are extracted once, while the replay
 * still holds the case's history, so that the history itself can be dropped.
 *
 * Facts never carry personal data (fields marked ‡ in the interchange
 * format: reporter, victim, free text): only identifiers, enumerations and
 * timestamps. They are not a second obligation engine: clocks come from
 * `@docket/core`.
 */
import type { DocketEvent } from '@docket/core'
import { Evaluation, Refusal, Timestamp } from '@docket/core'

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
  readonly until: string | null
  /** The latest `violation` decision before the action, if any. */
  readonly review: {
    readonly eventId: string
    readonly ground: string | null
    readonly legalGround: string | null
    readonly policyRef: string | null
    readonly automation: string | null
    readonly detection: string | null
    readonly tier: string | null
    readonly explanation: string | null
  } | null
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
const data = (e: DocketEvent): Data => (e.data ?? {}) as Data
const str = (u: unknown): string | null => (typeof u === 'string' ? u : null)
const strs = (u: unknown): ReadonlyArray<string> =>
  Array.isArray(u) ? u.filter((x): x is string => typeof x === 'string') : []
const ms = (s: string): number => Timestamp.toMillis(s)

const label = (e: DocketEvent): string => {
  const d = data(e)
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

const note = (e: DocketEvent): string | null => {
  const d = data(e)
  const parts = [d.text, d.explanation, d.reason, d.what, d.authority, d.legalGround, d.policyRef].filter(
    (x): x is string => typeof x === 'string' && x !== '',
  )
  return parts.length === 0 ? null : parts.join(' — ').slice(0, 500)
}

// operations

/** Extracts the facts of one case from its history (any order). */
export const extract = (caseId: string, input: ReadonlyArray<DocketEvent>): Facts => {
  // the engine's order, so that facts do not depend on input order
  const sorted = Evaluation.inEngineOrder(input)
  const history = sorted
  const first = sorted[0]
  const origin0 = history.find((e) => e.type === 'ContentReported' || e.type === 'ContentDetected')
  const report = history.find((e) => e.type === 'ContentReported')
  const od = origin0 ? data(origin0) : {}
  const content = (od.content ?? {}) as Data
  const jurisdictions = new Set<string>()
  for (const e of history) {
    const d = data(e)
    if (e.type === 'ContentReported' || e.type === 'ContentDetected')
      for (const j of strs(d.jurisdictions)) jurisdictions.add(j)
    if (e.type === 'AuthorityRequestReceived' && typeof d.jurisdiction === 'string')
      jurisdictions.add(d.jurisdiction)
  }
  const origin: Facts['origin'] =
    origin0?.type === 'ContentReported'
      ? str(od.channel) === 'authority'
        ? 'authority'
        : 'notice'
      : origin0?.type === 'ContentDetected'
        ? 'detection'
        : history.some((e) => e.type === 'AuthorityRequestReceived')
          ? 'authority'
          : 'other'
  const refusalEvents = Refusal.refusals(history)
  const authorities = sorted.filter((e) => e.type === 'AuthorityRequestReceived')
  const refusalsThenAuthority: RefusalThenAuthority[] = []
  for (const r of refusalEvents) {
    const later = authorities.find((a) => ms(a.occurredAt) > ms(r.occurredAt))
    if (later) {
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
  }
  const decisions: RestrictiveDecision[] = []
  let lastViolation: DocketEvent | undefined
  for (const e of history) {
    const d = data(e)
    if (e.type === 'ReviewDecided' && d.outcome === 'violation') lastViolation = e
    if (e.type === 'ContentActioned' || e.type === 'AccountActioned') {
      const v = lastViolation ? data(lastViolation) : undefined
      decisions.push({
        eventId: e.id,
        type: e.type,
        occurredAt: e.occurredAt,
        action: str(d.action) ?? 'unknown',
        scope: str(d.scope),
        territories: Array.isArray(d.territories) ? strs(d.territories) : null,
        until: str(d.until),
        review:
          lastViolation && v
            ? {
                eventId: lastViolation.id,
                ground: str(v.ground),
                legalGround: str(v.legalGround),
                policyRef: str(v.policyRef),
                automation: str(v.automation),
                detection: str(v.detection),
                tier: str(v.tier),
                explanation: str(v.explanation),
              }
            : null,
      })
    }
  }
  const orders: Order[] = authorities
    .filter((e) => data(e).kind !== 'intervention')
    .map((e) => {
      const d = data(e)
      const requestId = str(d.requestId) ?? e.id
      const after = sorted.filter((x) => ms(x.occurredAt) >= ms(e.occurredAt))
      const ack = after.find((x) => x.type === 'NotificationSent' && data(x).to === 'authority')
      const done = after.find(
        (x) =>
          x.type === 'AuthorityResponded' &&
          data(x).requestId === requestId &&
          ['complied', 'disclosed', 'partially_complied'].includes(String(data(x).response)),
      )
      return {
        eventId: e.id,
        requestId,
        kind: str(d.kind) ?? 'unknown',
        jurisdiction: str(d.jurisdiction),
        receivedAt: e.occurredAt,
        acknowledgedAt: ack?.occurredAt ?? null,
        effectedAt: done?.occurredAt ?? null,
      }
    })
  const appeals: Appeal[] = history
    .filter((e) => e.type === 'AppealLodged')
    .map((e) => {
      const d = data(e)
      const decided = history.find((x) => x.type === 'AppealDecided' && data(x).appealId === d.appealId)
      return {
        appealId: str(d.appealId) ?? e.id,
        venue: str(d.venue) ?? 'internal',
        by: str(d.by) ?? 'unknown',
        lodgedAt: e.occurredAt,
        decidedAt: decided?.occurredAt ?? null,
        outcome: decided ? str(data(decided).outcome) : null,
      }
    })
  const firstOf = (p: (e: DocketEvent) => boolean): string | null => sorted.find(p)?.occurredAt ?? null
  const rd = report ? data(report) : {}
  const flagger = (rd.flagger ?? null) as Data | null
  let closed = false
  let reopened = 0
  for (const e of history) {
    if (e.type === 'CaseClosed') closed = true
    if (e.type === 'CaseReopened') {
      closed = false
      reopened++
    }
  }
  return {
    caseId,
    firstOccurredAt: first?.occurredAt ?? null,
    origin,
    category: str(od.category),
    categories: [...new Set([...(str(od.category) ? [str(od.category)!] : []), ...strs(od.categories)])],
    channel: str(rd.channel),
    trustedFlagger: flagger && typeof flagger.id === 'string' ? flagger.id : null,
    jurisdictions: [...jurisdictions].sort(),
    contentKind: str(content.kind),
    synthetic: content.synthetic === true,
    depictsMinor: history.some(
      (e) => e.type === 'ContentReported' && ((data(e).claims ?? {}) as Data).depictsMinor === true,
    ),
    postedAt: str(content.postedAt),
    detectionMethod: origin0?.type === 'ContentDetected' ? str(od.method) : null,
    noticeAt: firstOf((e) => e.type === 'ContentReported'),
    notices: history.filter((e) => e.type === 'ContentReported').length,
    firstDecisionAt: firstOf((e) => e.type === 'ReviewDecided'),
    firstActionAt: firstOf((e) => e.type === 'ContentActioned' || e.type === 'AccountActioned'),
    refusals: refusalEvents.map((r) => r.id),
    refusalsThenAuthority,
    decisions,
    orders,
    appeals,
    closed,
    reopened,
    timeline: sorted.map((e) => ({
      id: e.id,
      type: e.type,
      occurredAt: e.occurredAt,
      recordedAt: e.recordedAt ?? null,
      label: label(e),
      note: note(e),
    })),
  }
}
