/**
 * What the webhook tests share: one escalation page as `docket watch` hands it to a sink, and the
 * loopback servers a test starts, closed after it.
 */
import type * as http from 'node:http'
import type { Outbox } from '@docket/core'

/** The servers the running test started (push each), for {@link closeServers}. */
export const servers: http.Server[] = []

/** Closes every server of {@link servers}, open connections included (the tests' `afterEach`). */
export const closeServers = async (): Promise<void> => {
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections()
      return new Promise((r) => s.close(r))
    }),
  )
}

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
