/**
 * Event builders for the escalation and trigger tests: an event of case `c1` (ids `e1-<type>`,
 * `e2-<type>`… in the order built, per test file), and the reports, decisions and authority
 * requests those tests are made of. Tests only.
 */
import type { DocketEvent } from '../Envelope.js'

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
