/**
 * Event builders for the escalation and trigger tests: an event of case `c1` (ids `e1-<type>`,
 * `e2-<type>`… in the order built, per test file), and the reports, decisions and authority
 * requests (and the obligation) those tests are made of. Tests only.
 */
import type { DocketEvent } from '../Envelope.js'
import * as Escalation from '../Escalation.js'
import type * as Obligation from '../Obligation.js'

let n = 0

/** An event of `type` at `occurredAt` with `data`, in case `caseId`. */
export const ev = (
  type: string,
  occurredAt: string,
  data: Record<string, unknown>,
  caseId = 'c1',
): DocketEvent => ({ id: `e${++n}-${type}`, type, caseId, occurredAt, data }) as DocketEvent

/** An in-app `policy_other` report of a video in the US, with `extra` over its data. */
export const report = (occurredAt: string, extra: Record<string, unknown> = {}): DocketEvent =>
  ev('ContentReported', occurredAt, {
    reportId: `r${n}`,
    channel: 'in_app',
    category: 'policy_other',
    content: { ref: 'v1', kind: 'video' },
    jurisdictions: ['US'],
    ...extra,
  })

/** A human review's decision. */
export const decision = (occurredAt: string, outcome: string, tier = 'frontline'): DocketEvent =>
  ev('ReviewDecided', occurredAt, { reviewId: `rv${n}`, outcome, tier, automation: 'not' })

/** A US authority's request (an intervention unless `kind` says otherwise). */
export const authority = (occurredAt: string, kind = 'intervention'): DocketEvent =>
  ev('AuthorityRequestReceived', occurredAt, {
    requestId: `q${n}`,
    authority: 'DHS',
    kind,
    jurisdiction: 'US',
  })

/** A pending TAKE IT DOWN removal deadline of case `c1` (due 2026-06-03, target and warnings on 2026-06-02), with `over`. */
export const obligation = (over: Partial<Obligation.Obligation>): Obligation.Obligation => ({
  id: 'c1/us-take-it-down/removal/e1',
  policy: 'us-take-it-down',
  rule: 'removal',
  kind: 'deadline',
  citation: 'TAKE IT DOWN Act §3(a)(3)',
  confidence: 'primary',
  statutory: true,
  counterfactual: false,
  preEffective: false,
  triggeredBy: 'e1',
  startedAt: '2026-06-01T00:00:00.000Z',
  dueAt: '2026-06-03T00:00:00.000Z',
  targetAt: '2026-06-02T00:00:00.000Z',
  shadowDueAt: null,
  warnings: ['2026-06-02T00:00:00.000Z', '2026-06-02T12:00:00.000Z', '2026-06-02T19:12:00.000Z'],
  completedAt: null,
  completedBy: null,
  status: 'pending',
  targetStatus: 'pending',
  actions: [{ action: 'start', at: '2026-06-01T00:00:00.000Z', eventId: 'e1' }],
  ...over,
})

/**
 * An `EscalationRaised` the engine wrote for level `level` of `escalationId` (its event id as the
 * engine gives it), naming its cause: the event (`meta.causationId`) or the obligation.
 */
export const engineRaised = (
  escalationId: string,
  reason: Escalation.Reason,
  level: number,
  occurredAt: string,
  cause: { readonly causationId?: string; readonly obligationId?: string },
): DocketEvent =>
  ({
    ...ev('EscalationRaised', occurredAt, {
      escalationId,
      level,
      reason,
      ...(cause.obligationId === undefined ? {} : { obligationId: cause.obligationId }),
    }),
    id: Escalation.eventId(escalationId, level),
    actor: { kind: 'system', id: 'docket-escalation' },
    ...(cause.causationId === undefined ? {} : { meta: { causationId: cause.causationId } }),
  }) as DocketEvent
