/**
 * What the webhook tests share: one escalation page as `docket watch` hands it to a sink.
 */
import type { Outbox } from '@docket/core'

/** A level-2 page of a refusal-guard escalation. */
export const notification: Outbox.Notification = {
  idempotencyKey: 'esc-1/L2',
  caseId: 'c1',
  escalationId: 'esc-1',
  level: 2,
  levelName: 'child-safety specialist',
  notify: ['child-safety'],
  reason: 'refusal_guard',
  obligationId: null,
  at: '2020-01-28T09:14:00.000-08:00',
  repeat: 0,
  missedObligation: false,
}
