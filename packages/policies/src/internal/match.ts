/**
 * Condition combinators for clock rules: small predicates over one event,
 * the case so far and the event that started the clock. They read like the
 * statute's trigger ("on receipt of a removal order", "a report alleging a
 * minor") and keep every rule a plain, listable object. Private to the
 * package: the public surface is the rules they build.
 */
import { ClockRule, type DocketEvent, type EventOf, Timestamp } from '@docket/core'
import * as Reach from './euDsa/reach.js'
import { categoriesOf, jurisdictionsOf } from './eventScope.js'
import * as Notice from './notice.js'
import * as Prefix from './prefix.js'

type Condition = ClockRule.Condition
type EventType = DocketEvent['type']
const { typed } = ClockRule

/** Events of one of these types. */
export const on = (...types: ReadonlyArray<EventType>): Condition =>
  typed(types, (e) => types.includes(e.type))

/** The types every condition can hold on together (`undefined`: any), for {@link all}. */
const typesOfAll = (cs: ReadonlyArray<Condition>): ReadonlyArray<string> | undefined =>
  cs.reduce<ReadonlyArray<string> | undefined>(
    (acc, c) =>
      c.types === undefined ? acc : acc === undefined ? c.types : acc.filter((t) => c.types!.includes(t)),
    undefined,
  )

/** The types at least one condition can hold on (`undefined`: any), for {@link any}. */
const typesOfAny = (cs: ReadonlyArray<Condition>): ReadonlyArray<string> | undefined =>
  cs.some((c) => c.types === undefined) ? undefined : [...new Set(cs.flatMap((c) => c.types!))]

const maybeTyped = (types: ReadonlyArray<string> | undefined, holds: Condition): Condition =>
  types === undefined ? holds : typed(types, holds)

/** Every condition holds. */
export const all = (...cs: ReadonlyArray<Condition>): Condition =>
  maybeTyped(typesOfAll(cs), (e, v, s) => {
    for (const c of cs) if (!c(e, v, s)) return false
    return true
  })

/** At least one condition holds. */
export const any = (...cs: ReadonlyArray<Condition>): Condition =>
  maybeTyped(typesOfAny(cs), (e, v, s) => {
    for (const c of cs) if (c(e, v, s)) return true
    return false
  })

/** The condition does not hold. */
export const not =
  (c: Condition): Condition =>
  (e, v, s) =>
    !c(e, v, s)

/** Never holds (a rule with no pause, no restart…). */
export const never: Condition = typed([], () => false)

// content

/** A report (a notice) carrying one of the categories. */
export const reported = (...categories: ReadonlyArray<string>): Condition =>
  typed(
    ['ContentReported'],
    (e) => e.type === 'ContentReported' && categoriesOf(e).some((c) => categories.includes(c)),
  )

/** A report or detection naming one of the jurisdictions. */
export const inJurisdiction = (...codes: ReadonlyArray<string>): Condition =>
  typed(['ContentReported', 'ContentDetected', 'AuthorityRequestReceived'], (e) =>
    jurisdictionsOf(e).some((j) => codes.includes(j)),
  )

/** The platform found content of one of the categories itself. */
export const detected = (...categories: ReadonlyArray<string>): Condition =>
  typed(
    ['ContentDetected'],
    (e) => e.type === 'ContentDetected' && categoriesOf(e).some((c) => categories.includes(c)),
  )

/** A report that alleges the person depicted is a minor: `depictsMinor`, an age under 18, or a police reference. */
export const allegesMinor: Condition = typed(['ContentReported'], (e) => {
  if (e.type !== 'ContentReported') return false
  const c = e.data.claims
  if (c === undefined) return false
  return (
    c.depictsMinor === true ||
    (c.ageAtCapture !== undefined && c.ageAtCapture < 18) ||
    (c.policeReference !== undefined && c.policeReference.length > 0)
  )
})

/**
 * The case so far (up to and including `e`) has a report or detection satisfying `c`. `c` must be a
 * condition of the event alone (not of the view or the clock's start): what it said of a case's
 * earlier events is remembered from one event of the case to the next.
 */
export const caseHas = (c: Condition): Condition => {
  const within = Prefix.firstMatch(c)
  return (e, v, s) => {
    if (Prefix.indexed(v)) {
      const at = Prefix.indexIn(v, e)
      return within(v.caseEvents, at < 0 ? v.upTo : at, v, s)
    }
    const at = v.history.indexOf(e)
    const upTo = at < 0 ? v.history : v.history.slice(0, at + 1)
    return upTo.some((x) => c(x, v, s))
  }
}

/**
 * The history (the case's events up to and including the view's last) has an event satisfying `c`,
 * a condition of the event alone (remembered from one event of the case to the next, as in {@link caseHas}).
 */
export const historyHas = (c: Condition): Condition => {
  const within = Prefix.firstMatch(c)
  return (_e, v, s) =>
    Prefix.indexed(v) ? within(v.caseEvents, v.upTo, v, s) : v.history.some((x) => c(x, v, s))
}

// decisions and actions

/** A review decision with one of the outcomes. */
export const decided = (
  ...outcomes: ReadonlyArray<'violation' | 'no_violation' | 'insufficient_information'>
): Condition =>
  typed(['ReviewDecided'], (e) => e.type === 'ReviewDecided' && outcomes.includes(e.data.outcome))

/** The content was taken down (removed or disabled; geo-blocking when `territorial`). */
export const removed = (opts: { readonly territorial?: boolean } = {}): Condition =>
  typed(
    ['ContentActioned'],
    (e) =>
      e.type === 'ContentActioned' &&
      (e.data.action === 'removed' ||
        e.data.action === 'disabled' ||
        (opts.territorial === true && e.data.action === 'geo_blocked')),
  )

const downBefore = Prefix.stateBefore<boolean>(false, (e) =>
  e.type === 'ContentRestored'
    ? false
    : e.type === 'ContentActioned' && (e.data.action === 'removed' || e.data.action === 'disabled')
      ? true
      : undefined,
)

/**
 * The content is still up when the event arrives: no removal or disabling before it in the case, or a
 * `ContentRestored` since the last. A request to remove content already taken down asks for nothing
 * left to do, so a removal clock starts only on content still up (not a breach for a removal that
 * came first).
 */
export const stillUp: Condition = (e, v) => {
  if (Prefix.indexed(v)) {
    const at = Prefix.indexIn(v, e)
    return !downBefore(v.caseEvents, at < 0 ? v.upTo + 1 : at)
  }
  const at = v.history.indexOf(e)
  return !downBefore(v.history, at < 0 ? v.history.length : at)
}

const isRestriction = (e: DocketEvent): e is EventOf<'ContentActioned'> | EventOf<'AccountActioned'> =>
  (e.type === 'ContentActioned' && e.data.action !== 'labelled') || e.type === 'AccountActioned'

/** A restriction in the sense of DSA Art. 17(1): content or account measures. */
export const restricted: Condition = typed(['ContentActioned', 'AccountActioned'], isRestriction)

/** The events of the case the view sees in full: the whole case when the engine gives it. */
const caseEventsOf = (v: ClockRule.CaseView): ReadonlyArray<DocketEvent> =>
  Prefix.indexed(v) ? v.caseEvents : v.history

const coveredByArt17 = (e: DocketEvent, v: ClockRule.CaseView): boolean =>
  isRestriction(e) &&
  Reach.statementOwed({
    occurredAt: e.occurredAt,
    territories: e.type === 'ContentActioned' ? e.data.territories : undefined,
    jurisdictions: Reach.knownAt(caseEventsOf(v), Timestamp.toMillis(e.occurredAt)),
    deceptiveHighVolumeCommercial: e.data.deceptiveHighVolumeCommercial,
  }) === 'owed'

/**
 * A restriction DSA Art. 17 covers ({@link Reach.statementOwed}): one that restricts a recipient in the EEA
 * (its `territories`, else the case's jurisdictions known at its instant) and is not of "deceptive
 * high-volume commercial content" (only when the event says `deceptiveHighVolumeCommercial: true`).
 * Its statement of reasons is what Art. 24(5) submits to the Transparency Database, whether or not the
 * recipient's contact details are known (that condition governs telling the recipient,
 * {@link restrictedReachable}; see `eu-dsa/24-5-sor-db`).
 */
export const restrictedWithReasons: Condition = typed(['ContentActioned', 'AccountActioned'], coveredByArt17)

/**
 * A restriction whose recipient is owed a statement of reasons: one DSA Art. 17 covers
 * ({@link restrictedWithReasons}) whose recipient can be told — Art. 17(1) applies "where the
 * relevant electronic contact details are known"; unknown only when the event says
 * `recipientContactKnown: false`.
 */
export const restrictedReachable: Condition = typed(
  ['ContentActioned', 'AccountActioned'],
  (e, v) => isRestriction(e) && e.data.recipientContactKnown !== false && coveredByArt17(e, v),
)

/** A notification of this kind sent to this party. */
export const notified = (
  to: 'reporter' | 'uploader' | 'authority',
  ...kinds: ReadonlyArray<'acknowledgement' | 'decision' | 'statement_of_reasons' | 'appeal_outcome'>
): Condition =>
  typed(
    ['NotificationSent'],
    (e) => e.type === 'NotificationSent' && e.data.to === to && kinds.includes(e.data.kind),
  )

/** A mandatory report filed with one of the recipients (any status unless given). */
export const filed = (
  recipients: ReadonlyArray<EventOf<'MandatoryReportFiled'>['data']['recipient']>,
  status?: 'submitted' | 'completed',
): Condition =>
  typed(
    ['MandatoryReportFiled'],
    (e) =>
      e.type === 'MandatoryReportFiled' &&
      recipients.includes(e.data.recipient) &&
      (status === undefined || e.data.status === status),
  )

/**
 * Ends a hold: a release for this basis (a policy/rule id), a general release (a basis that is not a
 * policy/rule id, such as `legal_hold` or `all`), or a release for the request that started the hold.
 */
export const released = (basis: string): Condition =>
  typed(
    ['PreservationReleased'],
    (e, _v, s) =>
      e.type === 'PreservationReleased' &&
      (e.data.basis === basis ||
        !e.data.basis.includes('/') ||
        (e.data.requestId !== undefined && e.data.requestId === requestIdOf(s))),
  )

/** An internal complaint (appeal) with this venue. */
export const appealed = (
  venue: 'internal' | 'out_of_court' | 'court' | 'grievance_appellate',
  by?: 'reporter' | 'uploader',
): Condition =>
  typed(
    ['AppealLodged'],
    (e) => e.type === 'AppealLodged' && e.data.venue === venue && (by === undefined || e.data.by === by),
  )

/** A decision on the report that started the clock (or a case-level decision naming no report). */
export const decisionOn: Condition = typed(
  ['ReviewDecided'],
  (e, _v, s) =>
    e.type === 'ReviewDecided' && (e.data.reportId === undefined || e.data.reportId === reportIdOf(s)),
)

/**
 * A notice whose `removalRequest` has every required element, accumulated over its report and later
 * `ReportCompleted` events for the same report; `waived(report)` names elements the law does not require
 * for that report. A report with no `removalRequest` at all came through the platform's own form, which
 * collects the elements by construction, and counts as complete.
 */
export const completeNotice = (
  required: ReadonlyArray<string>,
  waived: (report: EventOf<'ContentReported'>) => ReadonlyArray<string>,
): Condition => {
  const req = { required, waived }
  const scan = Notice.scanner(req)
  return typed(['ContentReported', 'ReportCompleted'], (e, v) => {
    if (e.type !== 'ContentReported' && e.type !== 'ReportCompleted') return false
    const at = Prefix.indexIn(v, e)
    if (at >= 0 && Prefix.indexed(v)) return scan(v.caseEvents, at)
    const upTo = at < 0 ? [...v.history, e] : v.history.slice(0, at + 1)
    return Notice.plain(req, e.data.reportId, upTo)
  })
}

/** The decision on the appeal that started the clock. */
export const sameAppealDecided: Condition = typed(
  ['AppealDecided'],
  (e, _v, s) =>
    e.type === 'AppealDecided' && s?.type === 'AppealLodged' && e.data.appealId === s.data.appealId,
)

// authorities

type RequestKind = EventOf<'AuthorityRequestReceived'>['data']['kind']

/** The request id an event refers to, if any. */
export const requestIdOf = (e: DocketEvent | undefined): string | undefined => {
  if (e === undefined || e.type.startsWith('x-')) return undefined
  const d = e.data as { readonly requestId?: unknown }
  return typeof d.requestId === 'string' ? d.requestId : undefined
}

/** The report id an event refers to, if any. */
export const reportIdOf = (e: DocketEvent | undefined): string | undefined => {
  if (e === undefined || e.type.startsWith('x-')) return undefined
  const d = e.data as { readonly reportId?: unknown }
  return typeof d.reportId === 'string' ? d.reportId : undefined
}

/**
 * An authority request of one of `kinds` whose `legalBasis` names this instrument: one of `bases`
 * (a policy id or a policy/rule id). With `unnamed`, a request with no `legalBasis` from one of those
 * jurisdictions also matches (an instrument that is the only one of its kind there).
 */
export const authorityRequest = (
  kinds: ReadonlyArray<RequestKind>,
  bases: ReadonlyArray<string>,
  unnamed: ReadonlyArray<string> = [],
): Condition =>
  typed(['AuthorityRequestReceived'], (e) => {
    if (e.type !== 'AuthorityRequestReceived' || !kinds.includes(e.data.kind)) return false
    const basis = e.data.legalBasis
    return basis === undefined ? unnamed.includes(e.data.jurisdiction) : bases.includes(basis)
  })

/** An emergency request (e-Evidence Art. 10(4)). */
export const emergency: Condition = typed(
  ['AuthorityRequestReceived'],
  (e) => e.type === 'AuthorityRequestReceived' && e.data.emergency === true,
)

/** An event about the same authority request as the one that started the clock. */
export const sameRequest = (...types: ReadonlyArray<EventType>): Condition =>
  typed(types, (e, _v, s) => {
    const id = requestIdOf(s)
    return id !== undefined && types.includes(e.type) && requestIdOf(e) === id
  })

/** An event about the same report as the one that started the clock. */
export const sameReport = (...types: ReadonlyArray<EventType>): Condition =>
  typed(types, (e, _v, s) => {
    const id = reportIdOf(s)
    return id !== undefined && types.includes(e.type) && reportIdOf(e) === id
  })

/** The authority answered the request that started the clock (complied or disclosed, fully or in part). */
export const answered: Condition = typed(
  ['AuthorityResponded'],
  (e, v, s) =>
    sameRequest('AuthorityResponded')(e, v, s) &&
    e.type === 'AuthorityResponded' &&
    e.data.response !== 'declined',
)

/** A later request that names the one that started the clock in `renewalOf` (a renewed request). */
export const renewedRequest: Condition = typed(
  ['AuthorityRequestReceived'],
  (e, _v, s) =>
    e.type === 'AuthorityRequestReceived' &&
    e.data.renewalOf !== undefined &&
    e.data.renewalOf === requestIdOf(s),
)

/** The request that started the clock was withdrawn (its clocks are waived). */
export const withdrawn: Condition = sameRequest('AuthorityRequestWithdrawn')

/** Clock keys: one clock per authority request (a renewal joins the request it renews). */
export const byRequest = (e: DocketEvent): string => {
  if (e.type === 'AuthorityRequestReceived') return e.data.renewalOf ?? e.data.requestId
  return requestIdOf(e) ?? e.id
}

/** Clock keys: one clock per event (each completed submission, each decision…). */
export const byEvent = (e: DocketEvent): string => e.id

/** Clock keys: one clock per report. */
export const byReport = (e: DocketEvent): string => reportIdOf(e) ?? e.id
