import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as Case from './Case.js'
import * as CaseCommand from './CaseCommand.js'
import type { DocketEvent } from './Envelope.js'
import { ERASED } from './PersonalData.js'
import * as DeciderSpec from './testing/DeciderSpec.js'

// fixtures: commands of case c1 and the events they record

let counter = 0
const at = '2026-06-01T22:30:00-04:00'

const cmd = <K extends CaseCommand.StandardType>(
  type: K,
  data: CaseCommand.Command<K>['data'],
  eventId = `e${++counter}`,
): CaseCommand.Command<K> =>
  ({ type, caseId: 'c1', eventId, occurredAt: at, data }) as unknown as CaseCommand.Command<K>

const ev = (c: CaseCommand.CaseCommand): DocketEvent => CaseCommand.toEvent(c)

const report = (reportId = 'r1') =>
  cmd('ReportContent', {
    reportId,
    channel: 'in_app',
    category: 'ncii',
    content: { ref: 'post-1', kind: 'image' },
    jurisdictions: ['US'],
  })
const review = (outcome: 'violation' | 'no_violation' | 'insufficient_information', reportId?: string) =>
  cmd('DecideReview', {
    reviewId: `rv${counter}`,
    outcome,
    tier: 'frontline',
    automation: 'not',
    ...(reportId === undefined ? {} : { reportId }),
  })
const removal = () => cmd('ActionContent', { action: 'removed' })
const suspend = (accountRef = 'acct-1') => cmd('ActionAccount', { accountRef, action: 'suspended' })
const lodge = (appealId = 'a1') => cmd('LodgeAppeal', { appealId, by: 'reporter', venue: 'internal' })
const decideAppeal = (appealId = 'a1') => cmd('DecideAppeal', { appealId, outcome: 'decision_upheld' })
const authority = (requestId = 'q1') =>
  cmd('RecordAuthorityRequest', {
    requestId,
    authority: 'FBI',
    kind: 'preservation_request',
    jurisdiction: 'US',
  })
const close = () => cmd('CloseCase', { reason: 'done' })
const reopen = () => cmd('ReopenCase', {})

const spec = DeciderSpec.for(Case)
const reported = ev(report())
const closed = ev(close())

/** Asserts the happy path: the command records exactly its event. */
const accepts = (given: ReadonlyArray<DocketEvent>, c: CaseCommand.CaseCommand): void =>
  spec
    .given(given)
    .when(c)
    .then([ev(c)])

describe('Case: starting a case', () => {
  it('a report, a detection or an authority request may open a case', () => {
    accepts([], report())
    accepts(
      [],
      cmd('DetectContent', {
        method: 'hash_match',
        category: 'csam',
        content: { ref: 'x', kind: 'image' },
        jurisdictions: ['US'],
      }),
    )
    accepts([], authority())
  })

  it('any other first command is refused with CaseNotStarted', () => {
    for (const c of [
      removal(),
      review('violation'),
      close(),
      reopen(),
      cmd('ObserveExposure', { views: 1, shares: 0 }),
    ]) {
      spec.given([]).when(c).thenError({ _tag: 'CaseNotStarted', caseId: 'c1', command: c.type })
    }
  })

  it('the recorded event is the command’s payload under the command’s event id, actor and meta', () => {
    const c = {
      ...report(),
      actor: { kind: 'reporter' as const, id: 'u1' },
      meta: { correlationId: 'corr', custom: 1 },
    }
    spec
      .given([])
      .when(c)
      .then([
        {
          id: c.eventId,
          type: 'ContentReported',
          caseId: 'c1',
          occurredAt: at,
          actor: { kind: 'reporter', id: 'u1' },
          data: c.data,
          meta: { correlationId: 'corr', custom: 1 },
        } as DocketEvent,
      ])
  })
})

describe('Case: reports', () => {
  it('a second report with a new reportId is accepted; the same reportId twice is refused', () => {
    accepts([reported], report('r2'))
    spec.given([reported]).when(report('r1')).thenError('ReportAlreadyReceived')
  })

  it('completing a report needs the report', () => {
    accepts([reported], cmd('CompleteReport', { reportId: 'r1', removalRequest: { signature: true } }))
    spec
      .given([reported])
      .when(cmd('CompleteReport', { reportId: 'nope', removalRequest: {} }))
      .thenError({ _tag: 'ReportNotFound', caseId: 'c1', reportId: 'nope' })
  })

  it('information is requested on a known report, and provided only when requested', () => {
    const requested = ev(cmd('RequestInformation', { reportId: 'r1', what: 'url' }))
    accepts([reported], cmd('RequestInformation', { reportId: 'r1' }))
    spec
      .given([reported])
      .when(cmd('RequestInformation', { reportId: 'r9' }))
      .thenError('ReportNotFound')
    accepts([reported, requested], cmd('ProvideInformation', { reportId: 'r1' }))
    spec
      .given([reported])
      .when(cmd('ProvideInformation', { reportId: 'r1' }))
      .thenError('InformationNotRequested')
    spec
      .given([reported])
      .when(cmd('ProvideInformation', { reportId: 'r9' }))
      .thenError('ReportNotFound')
    const provided = ev(cmd('ProvideInformation', { reportId: 'r1' }))
    spec
      .given([reported, requested, provided])
      .when(cmd('ProvideInformation', { reportId: 'r1' }))
      .thenError('InformationNotRequested')
  })

  it('exposure is recorded on a started case', () => {
    accepts([reported], cmd('ObserveExposure', { views: 1000, shares: 3 }))
  })
})

describe('Case: decisions and actions', () => {
  it('a review decision is recorded, and its reportId must be known', () => {
    accepts([reported], review('violation'))
    accepts([reported], review('no_violation', 'r1'))
    spec.given([reported]).when(review('violation', 'r7')).thenError('ReportNotFound')
  })

  it('content is actioned and restored; restoring content never actioned is refused', () => {
    const removed = ev(removal())
    accepts([reported], removal())
    accepts([reported, removed], cmd('RestoreContent', { reason: 'appeal' }))
    spec
      .given([reported])
      .when(cmd('RestoreContent', {}))
      .thenError({ _tag: 'ContentNotActioned', caseId: 'c1' })
    const restored = ev(cmd('RestoreContent', {}))
    spec.given([reported, removed, restored]).when(cmd('RestoreContent', {})).thenError('ContentNotActioned')
  })

  it('an account is actioned and restored; restoring another account is refused', () => {
    const suspended = ev(suspend('acct-1'))
    accepts([reported], suspend())
    accepts([reported, suspended], cmd('RestoreAccount', { accountRef: 'acct-1' }))
    spec
      .given([reported, suspended])
      .when(cmd('RestoreAccount', { accountRef: 'acct-2' }))
      .thenError({ _tag: 'AccountNotActioned', caseId: 'c1', accountRef: 'acct-2' })
  })
})

describe('Case: appeals', () => {
  const decided = ev(review('no_violation', 'r1'))
  const lodged = ev(lodge('a1'))

  it('an appeal is lodged against a decision or an action, then decided once', () => {
    accepts([reported, decided], lodge('a1'))
    accepts([reported, ev(removal())], lodge('a1'))
    accepts([reported, decided, lodged], decideAppeal('a1'))
  })

  it('an appeal with nothing to appeal, lodged twice, never lodged or decided twice is refused', () => {
    spec.given([reported]).when(lodge('a1')).thenError('NothingToAppeal')
    spec.given([reported, decided, lodged]).when(lodge('a1')).thenError('AppealAlreadyLodged')
    spec
      .given([reported, decided])
      .when(decideAppeal('a1'))
      .thenError({ _tag: 'AppealNotLodged', caseId: 'c1', appealId: 'a1' })
    spec
      .given([reported, decided, lodged, ev(decideAppeal('a1'))])
      .when(decideAppeal('a1'))
      .thenError('AppealAlreadyDecided')
  })
})

describe('Case: authorities', () => {
  const received = ev(authority('q1'))
  const followUps = (requestId: string): ReadonlyArray<CaseCommand.CaseCommand> => [
    cmd('WithdrawAuthorityRequest', { requestId }),
    cmd('ContestAuthorityRequest', { requestId, reason: 'overbroad' }),
    cmd('RespondToAuthority', { requestId, response: 'complied' }),
    cmd('RequestClarification', { requestId }),
    cmd('ReceiveClarification', { requestId }),
    cmd('DeclareForceMajeure', { requestId, reason: 'outage' }),
    cmd('EndForceMajeure', { requestId, reason: 'restored' }),
    cmd('ExtendDeadline', { target: { requestId }, by: 'P30D' }),
  ]

  it('a request is recorded once; every follow-up needs a known, not withdrawn request', () => {
    accepts([reported], authority('q1'))
    spec.given([reported, received]).when(authority('q1')).thenError('RequestAlreadyReceived')
    for (const c of followUps('q1')) accepts([reported, received], c)
    for (const c of followUps('q9')) {
      spec
        .given([reported, received])
        .when(c)
        .thenError({ _tag: 'RequestNotFound', caseId: 'c1', requestId: 'q9' })
    }
    const withdrawn = ev(cmd('WithdrawAuthorityRequest', { requestId: 'q1' }))
    for (const c of followUps('q1')) spec.given([received, withdrawn]).when(c).thenError('RequestWithdrawn')
  })

  it('a deadline extension naming an obligation id is not checked against requests', () => {
    accepts([reported], cmd('ExtendDeadline', { target: 'c1/eu-tco/3-3-removal/e1', until: at }))
  })

  it('mandatory reports, notifications and statements of reasons are recorded', () => {
    accepts(
      [reported],
      cmd('FileMandatoryReport', { recipient: 'NCMEC', status: 'completed', reference: 'T1' }),
    )
    accepts([reported], cmd('SendNotification', { to: 'reporter', kind: 'acknowledgement', reportId: 'r1' }))
    accepts([reported], cmd('PublishStatementOfReasons', { puid: 'p1' }))
  })
})

describe('Case: preservation and legal holds', () => {
  const preserved = ev(cmd('PreserveEvidence', { basis: 'us-2258a/preserve', requestId: 'q1' }))

  it('evidence is preserved and released on the same basis and request', () => {
    accepts([reported], cmd('PreserveEvidence', { basis: 'us-2258a/preserve' }))
    accepts(
      [reported, preserved],
      cmd('ReleasePreservation', { basis: 'us-2258a/preserve', requestId: 'q1' }),
    )
    spec
      .given([reported, preserved])
      .when(cmd('ReleasePreservation', { basis: 'us-2258a/preserve' }))
      .thenError({ _tag: 'PreservationNotFound', caseId: 'c1', basis: 'us-2258a/preserve' })
    spec
      .given([reported, preserved])
      .when(cmd('ReleasePreservation', { basis: 'eu-tco/6-preserve', requestId: 'q1' }))
      .thenError({ _tag: 'PreservationNotFound', caseId: 'c1', basis: 'eu-tco/6-preserve', requestId: 'q1' })
  })

  it('a legal hold is placed once and lifted only when in place', () => {
    const placed = ev(cmd('PlaceLegalHold', { holdId: 'h1' }))
    accepts([reported], cmd('PlaceLegalHold', { holdId: 'h1', reason: 'litigation' }))
    spec
      .given([reported, placed])
      .when(cmd('PlaceLegalHold', { holdId: 'h1' }))
      .thenError('LegalHoldAlreadyPlaced')
    accepts([reported, placed], cmd('LiftLegalHold', { holdId: 'h1' }))
    spec
      .given([reported])
      .when(cmd('LiftLegalHold', { holdId: 'h1' }))
      .thenError('LegalHoldNotFound')
    const lifted = ev(cmd('LiftLegalHold', { holdId: 'h1' }))
    spec
      .given([reported, placed, lifted])
      .when(cmd('LiftLegalHold', { holdId: 'h1' }))
      .thenError('LegalHoldNotFound')
  })
})

describe('Case: escalations', () => {
  it('an escalation is raised, and acknowledged only when raised', () => {
    const raised = ev(cmd('RaiseEscalation', { escalationId: 'x1', level: 1, reason: 'refusal_guard' }))
    accepts([reported], cmd('RaiseEscalation', { escalationId: 'x1', level: 2, reason: 'deadline' }))
    accepts([reported, raised], cmd('AcknowledgeEscalation', { escalationId: 'x1', by: 'lead' }))
    spec
      .given([reported])
      .when(cmd('AcknowledgeEscalation', { escalationId: 'x1' }))
      .thenError('EscalationNotRaised')
  })
})

describe('Case: closing and reopening', () => {
  it('an open case closes; a closed case reopens; reopening an open case is refused', () => {
    accepts([reported], close())
    accepts([reported, closed], reopen())
    spec.given([reported]).when(reopen()).thenError({ _tag: 'CaseNotClosed', caseId: 'c1' })
    spec
      .given([reported, closed, ev(reopen())])
      .when(reopen())
      .thenError('CaseNotClosed')
  })

  it('a closed case refuses new decisions and actions until reopened', () => {
    const decisions = [
      review('violation'),
      removal(),
      suspend(),
      close(),
      cmd('RequestInformation', { reportId: 'r1' }),
    ]
    for (const c of decisions) {
      spec
        .given([reported, closed])
        .when(c)
        .thenError({ _tag: 'CaseIsClosed', caseId: 'c1', command: c.type })
      accepts([reported, closed, ev(reopen())], c)
    }
  })

  it('a closed case still records facts and duties: reports, appeals, authority requests, preservation', () => {
    const decided = ev(review('no_violation', 'r1'))
    accepts([reported, decided, closed], report('r2'))
    accepts([reported, decided, closed], lodge('a1'))
    accepts([reported, decided, closed], authority('q1'))
    accepts([reported, decided, closed], cmd('PreserveEvidence', { basis: 'legal_hold' }))
    accepts(
      [reported, decided, closed],
      cmd('FileMandatoryReport', { recipient: 'NCMEC', status: 'submitted' }),
    )
    // …but deciding the appeal lodged on the closed case needs it reopened.
    const lodged = ev(lodge('a1'))
    spec.given([reported, decided, closed, lodged]).when(decideAppeal('a1')).thenError('CaseIsClosed')
  })
})

describe('Case: vendor events', () => {
  const vendor = (eventId = 'v1'): CaseCommand.RecordVendorEvent => ({
    type: 'RecordVendorEvent',
    caseId: 'c1',
    eventId,
    occurredAt: at,
    eventType: 'x-acme.RiskScored',
    data: { score: 0.93, model: 'm-7' },
  })

  it('records the platform’s own type and data verbatim on a started case', () => {
    spec
      .given([reported])
      .when(vendor())
      .then([
        {
          id: 'v1',
          type: 'x-acme.RiskScored',
          caseId: 'c1',
          occurredAt: at,
          data: { score: 0.93, model: 'm-7' },
        },
      ])
    spec.given([]).when(vendor()).thenError('CaseNotStarted')
  })
})

describe('Case: idempotency and invariants', () => {
  it('a retried command (same event id, same content) records nothing', () => {
    const c = report()
    spec
      .given([ev(c)])
      .when(c)
      .then([])
    const closing = close()
    spec
      .given([reported, ev(closing)])
      .when(closing)
      .then([])
  })

  it('the same event id with other content is refused with EventIdReused', () => {
    const c = report('r1')
    spec
      .given([ev(c)])
      .when({ ...report('r2'), eventId: c.eventId })
      .thenError({ _tag: 'EventIdReused', caseId: 'c1', eventId: c.eventId })
  })

  it("a retry after its subject's erasure (the recorded event reads erased) records nothing; other content is still EventIdReused", () => {
    const base = report()
    const c = {
      ...base,
      data: {
        ...base.data,
        reporter: { subjectId: 'alice', name: 'Alice', email: 'alice@example.org' },
        victim: { subjectId: 'bob', name: 'Bob' },
        text: 'me',
      },
    }
    const recorded = ev(c) as DocketEvent & { readonly data: Record<string, unknown> }
    const erased = {
      ...recorded,
      data: {
        ...recorded.data,
        reporter: { subjectId: 'alice', name: ERASED, email: ERASED },
        text: ERASED,
      },
    } as DocketEvent
    spec.given([erased]).when(c).then([])
    const reused = { _tag: 'EventIdReused', caseId: 'c1', eventId: c.eventId } as const
    for (const data of [
      { ...c.data, category: 'csam' },
      { ...c.data, victim: { subjectId: 'bob', name: 'Robert' } },
      { ...c.data, reporter: { subjectId: 'carol', name: 'Alice', email: 'alice@example.org' } },
    ])
      spec
        .given([erased])
        .when({ ...c, data } as CaseCommand.CaseCommand)
        .thenError(reused)
  })

  it('deciding on the state of another case is a bug and throws', () => {
    spec
      .given([reported])
      .when({ ...close(), caseId: 'c2' })
      .thenThrows(/case c2 .* case c1/)
  })

  it('evolve is total: an imported history that breaks every rule still folds', () => {
    const odd = [
      ev(decideAppeal('zz')),
      ev(cmd('RestoreContent', {})),
      ev(cmd('LiftLegalHold', { holdId: 'none' })),
      closed,
      closed,
    ]
    const state = Case.fold(odd)
    expect(state.status).toBe('closed')
    expect(state.history).toHaveLength(5)
  })

  it('evolve is pure: the earlier state is unchanged; fold equals evolving one event at a time', () => {
    const history = [reported, ev(removal()), ev(suspend()), ev(lodge()), closed]
    const before = Case.fold(history.slice(0, 2))
    const snapshot = structuredClone(before)
    const after = history.slice(2).reduce(Case.evolve, before)
    expect(before).toEqual(snapshot)
    expect(after).toEqual(Case.fold(history))
    expect(Case.fold(history.slice(2), before)).toEqual(after)
    expect(after.status).toBe('closed')
    expect(before.status).toBe('open')
  })

  it('the state answers the refusal predicate: an unreversed no_violation on a reported case', () => {
    const refusal = ev(review('no_violation', 'r1'))
    const state = Case.fold([reported, refusal])
    expect(Case.refusals(state).map((d) => d.id)).toEqual([refusal.id])
    expect(Case.refusals(Case.fold([refusal]))).toEqual([])
    const pending = ev(review('insufficient_information', 'r1'))
    expect(Case.refusals(Case.fold([reported, pending])).map((d) => d.id)).toEqual([pending.id])
    expect(Case.refusals(Case.fold([reported, pending, ev(review('violation'))]))).toEqual([])
  })

  it('every command name records the event type it names, and every event type has a command', () => {
    const eventTypes = Object.values(CaseCommand.COMMANDS).sort()
    expect(new Set(eventTypes).size).toBe(eventTypes.length)
    expect(CaseCommand.COMMAND_TYPES).toContain('RecordVendorEvent')
    expect(eventTypes.length).toBe(CaseCommand.COMMAND_TYPES.length - 1)
  })
})

describe('Case: errors', () => {
  it('describe names the case and the rule for every tag', () => {
    const e = Case.error('AppealNotLodged', { caseId: 'c1', appealId: 'a1' })
    expect(Case.describe(e)).toBe('case c1: appeal a1 was never lodged')
    expect(E.isLeft(Case.decide(decideAppeal('a1'), Case.fold([reported])))).toBe(true)
  })
})

describe('DeciderSpec', () => {
  it('fails when the events, the error tag or the throw differ from what was said', () => {
    expect(() => spec.given([]).when(report()).then([])).toThrow()
    expect(() => spec.given([]).when(report()).thenError('CaseNotStarted')).toThrow(/recorded/)
    expect(() => spec.given([]).when(close()).thenError('CaseIsClosed')).toThrow()
    expect(() => spec.given([]).when(close()).then([])).toThrow(/refused/)
    expect(() => spec.given([]).when(close()).thenThrows()).toThrow(/returned/)
  })
})

describe('Case: the refusal guard keeps a case open', () => {
  it('refuses to close after a guarded frontline refusal until a specialist decides', () => {
    const refused = ev(review('no_violation', 'r1'))
    spec.given([reported, refused]).when(close()).thenError('SpecialistDecisionPending')
    const specialist = ev(
      cmd('DecideReview', { reviewId: 'sp1', outcome: 'violation', tier: 'specialist', automation: 'not' }),
    )
    accepts([reported, refused, specialist], close())
  })
})
