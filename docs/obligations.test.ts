// Checks that the worked example of docs/obligations.md is what the engine computes.
import { readFileSync } from 'node:fs'
import {
  type ClockRule,
  type DocketEvent,
  Evaluation,
  ObligationQuery,
  Profile,
  Timestamp,
} from '@docket/core'
import { describe, expect, it } from 'vitest'

const removal: ClockRule.Rule = {
  policy: 'us-take-it-down',
  rule: 'removal',
  kind: 'deadline',
  title: 'Remove within 48 hours',
  confidence: 'primary',
  applies: () => true,
  versions: [
    {
      validFrom: '2026-05-19T00:00:00-04:00',
      validTo: null,
      zone: 'America/New_York',
      citation: 'TAKE IT DOWN Act §3(a)(3)',
      quote: '…as soon as possible, but not later than 48 hours…',
      start: (e) => e.type === 'ContentReported',
      key: (e) => String((e.data as { reportId?: string }).reportId),
      requiredElements: ['signature', 'identification', 'goodFaithStatement', 'contact'],
      complete: (e) => e.type === 'ContentActioned' && e.data.action === 'removed',
      period: { duration: 'PT48H', clock: 'elapsed' },
    },
  ],
}

const events = [
  {
    id: 'evt-1',
    type: 'ContentReported',
    caseId: 'case-1',
    occurredAt: '2026-06-01T22:30:00-04:00',
    data: {
      reportId: 'r-1',
      channel: 'web_form',
      category: 'ncii',
      content: { ref: 'post-1', kind: 'image' },
      jurisdictions: ['US'],
      removalRequest: { signature: true, identification: true, goodFaithStatement: true, contact: false },
    },
  },
  {
    id: 'evt-2',
    type: 'ReportCompleted',
    caseId: 'case-1',
    occurredAt: '2026-06-03T09:00:00-04:00',
    data: { reportId: 'r-1', removalRequest: { contact: true } },
  },
  {
    id: 'evt-3',
    type: 'ContentActioned',
    caseId: 'case-1',
    occurredAt: '2026-06-04T20:00:00-04:00',
    data: { action: 'removed' },
  },
] as unknown as ReadonlyArray<DocketEvent>

const doc = readFileSync(new URL('./obligations.md', import.meta.url), 'utf8')
const profile = Profile.resolve({ internalTargets: { 'us-take-it-down/removal': 'PT24H' } })

describe('docs/obligations.md worked example', () => {
  it('shows exactly the obligation the engine computes', () => {
    const block = /```json\n([\s\S]*?)\n```/.exec(doc)
    expect(block).not.toBeNull()
    const report = Evaluation.evaluate(events, { rules: [removal], profile })
    expect(report.cases[0]!.obligations).toEqual([JSON.parse(block![1]!)])
    expect(report.summary).toMatchObject({ obligations: 1, met: 1, targetsMissed: 0 })
  })

  it('wakes the scheduler at the target while the clock is pending', () => {
    const then = Evaluation.evaluate(events, { rules: [removal], profile, asOf: '2026-06-04T00:00:00-04:00' })
    expect(ObligationQuery.nextWakeAt(then.cases[0]!.obligations, '2026-06-04T00:00:00-04:00')).toBe(
      Timestamp.toMillis('2026-06-04T09:00:00-04:00'),
    )
  })
})
