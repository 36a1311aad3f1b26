// NetzDG § 3(2): "innerhalb von 24 Stunden nach Eingang der Beschwerde" / "in der Regel innerhalb von
// sieben Tagen"; complaint duties from 2018-01-01, displaced by the DDG from 2024-05-14 (Europe/Berlin).
import { describe, expect, it } from 'vitest'
import { ev, of, one, report, run } from './internal/testing.js'

const complaint = (at: string) => report(at, { category: 'hate', jurisdictions: ['DE'] })

describe('de-netzdg', () => {
  it('24 hours for manifestly unlawful content and 7 calendar days, across the March change', () => {
    const events = [complaint('2023-03-25T12:00:00+01:00')]
    expect(one(run(events), 'de-netzdg/3-2-2').dueAt).toBe('2023-03-26T13:00:00.000+02:00')
    expect(one(run(events), 'de-netzdg/3-2-3').dueAt).toBe('2023-04-01T12:00:00.000+02:00')
  })

  it('ends in 2024: a complaint at 2024-05-14 00:00 Berlin starts no clock, one a second earlier does', () => {
    expect(of(run([complaint('2024-05-13T23:59:59+02:00')]), 'de-netzdg/3-2-2')).toHaveLength(1)
    expect(of(run([complaint('2024-05-14T00:00:00+02:00')]), 'de-netzdg/3-2-2')).toEqual([])
  })

  it('a decision that the content is not unlawful disposes of the complaint', () => {
    const d = ev('ReviewDecided', '2023-03-25T13:00:00+01:00', {
      reviewId: 'v',
      outcome: 'no_violation',
      tier: 'legal',
      automation: 'not',
    })
    expect(one(run([complaint('2023-03-25T12:00:00+01:00'), d]), 'de-netzdg/3-2-2').status).toBe('met')
  })
})
