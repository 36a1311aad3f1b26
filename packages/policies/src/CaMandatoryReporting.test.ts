// S.C. 2011, c. 4, s. 4: "preserve all computer data related to the required notification for 21 days
// following the notification" — the later reading (end of the 21st day, Vancouver).
import { describe, expect, it } from 'vitest'
import { ev, one, report, run } from './internal/testing.js'

const r = report('2026-03-01T10:00:00-05:00', {
  category: 'csam',
  jurisdictions: ['CA'],
  claims: { ageAtCapture: 12 },
})
const police = ev('MandatoryReportFiled', '2026-03-02T10:00:00-05:00', {
  recipient: 'police',
  status: 'completed',
})

describe('ca-mandatory-reporting', () => {
  it('s. 3: the police notification completes the duty; s. 2: the C3P report is a separate clock', () => {
    const obligations = run([r, police], { asOf: '2026-03-05T00:00:00-05:00' })
    expect(one(obligations, 'ca-mandatory-reporting/s3-police').completedBy).toBe(police.id)
    expect(one(obligations, 'ca-mandatory-reporting/s2-report').status).toBe('breached')
  })

  it('s. 4: a 21-day hold from the notification, to the end of the day in Vancouver, across the March change', () => {
    const hold = one(run([r, police]), 'ca-mandatory-reporting/s4-preserve')
    expect(hold.dueAt).toBe('2026-03-24T00:00:00.000-07:00')
    const early = ev('PreservationReleased', '2026-03-20T10:00:00-04:00', {
      basis: 'ca-mandatory-reporting/s4-preserve',
    })
    expect(one(run([r, police, early]), 'ca-mandatory-reporting/s4-preserve').status).toBe('breached')
  })

  it("ss. 2 and 3 name no zone: their times carry the report's own offset, whatever the profile's US zone", () => {
    const atUtc = report('2026-03-01T15:00:00+01:00', {
      category: 'csam',
      jurisdictions: ['CA'],
      claims: { ageAtCapture: 12 },
    })
    for (const timeZone of ['America/Los_Angeles', 'Asia/Tokyo']) {
      const obligations = run([atUtc], { asOf: '2026-03-05T00:00:00+01:00', profile: { timeZone } })
      for (const id of ['ca-mandatory-reporting/s2-report', 'ca-mandatory-reporting/s3-police'])
        expect(one(obligations, id).startedAt).toBe('2026-03-01T15:00:00.000+01:00')
    }
  })
})
