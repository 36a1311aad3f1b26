// 18 U.S.C. § 2703(f): "retained for a period of 90 days, which shall be extended for an additional
// 90-day period upon a renewed request"; the later of all holds wins.
import { describe, expect, it } from 'vitest'
import { ev, one, report, request, run } from './internal/testing.js'

const ask = request('2026-01-05T09:00:00-08:00', {
  kind: 'preservation_request',
  jurisdiction: 'US',
  legalBasis: 'us-2703f',
})
const profile = { timeZone: 'America/Los_Angeles' }

describe('us-2703f/preserve', () => {
  it('holds 90 days to the end of the day, plus 90 per renewal', () => {
    expect(one(run([ask], { profile }), 'us-2703f/preserve').dueAt).toBe('2026-04-06T00:00:00.000-07:00')
    const renew = ev('DeadlineExtended', '2026-03-30T09:00:00-07:00', {
      target: { requestId: 'q-1' },
      by: 'P90D',
    })
    expect(one(run([ask, renew], { profile }), 'us-2703f/preserve').dueAt).toBe(
      '2026-07-05T00:00:00.000-07:00',
    )
  })

  it('a release for the 2258A hold does not end it; a general release before day 90 breaches it', () => {
    const other = ev('PreservationReleased', '2026-02-01T09:00:00-08:00', { basis: 'us-2258a/preserve' })
    expect(one(run([ask, other], { profile }), 'us-2703f/preserve').status).toBe('pending')
    const all = ev('PreservationReleased', '2026-02-01T09:00:00-08:00', { basis: 'all' })
    const r = report('2026-01-01T09:00:00-08:00', {
      category: 'csam',
      jurisdictions: ['US'],
      claims: { depictsMinor: true },
    })
    const ncmec = ev('MandatoryReportFiled', '2026-01-02T09:00:00-08:00', {
      recipient: 'NCMEC',
      status: 'completed',
    })
    const obligations = run([r, ncmec, ask, all], { profile })
    expect(one(obligations, 'us-2703f/preserve').status).toBe('breached')
    expect(one(obligations, 'us-2258a/preserve').status).toBe('breached')
  })

  it('a renewed request naming the first joins its clock', () => {
    const renewal = request(
      '2026-03-30T09:00:00-07:00',
      { requestId: 'q-2', kind: 'preservation_request', jurisdiction: 'US', renewalOf: 'q-1' },
      {},
    )
    expect(run([ask, renewal], { profile }).filter((o) => o.policy === 'us-2703f')).toHaveLength(1)
  })

  it('a renewed request naming the first extends its hold by another 90 days', () => {
    // legal.md us-2703f/preserve: "extended for an additional 90-day period upon a renewed request" → +P90D
    const renewal = request(
      '2026-03-30T09:00:00-07:00',
      { requestId: 'q-2', kind: 'preservation_request', jurisdiction: 'US', renewalOf: 'q-1' },
      {},
    )
    const o = one(run([ask, renewal], { profile }), 'us-2703f/preserve')
    expect(o.dueAt).toBe('2026-07-05T00:00:00.000-07:00')
    expect(o.actions.map((a) => a.action)).toEqual(['start', 'extend'])
    const release = ev('PreservationReleased', '2026-05-01T09:00:00-07:00', { basis: 'us-2703f/preserve' })
    expect(one(run([ask, renewal, release], { profile }), 'us-2703f/preserve').status).toBe('breached')
  })
})
