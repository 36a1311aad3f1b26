// S.C. 2011, c. 4, s. 4: "preserve all computer data related to the required notification for 21 days
// following the notification" — the later reading: the end of the 21st day after the notification's
// date, in whichever Canadian zone that falls latest.
import * as fc from 'fast-check'
import { DateTime } from 'luxon'
import { describe, expect, it } from 'vitest'
import { ev, one, plus, report, run } from './internal/testing.js'
import { CANADA } from './internal/zones.js'

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

  it('s. 4: a notification just after midnight Eastern is read on its Eastern date, not the earlier Pacific one', () => {
    // 00:30 in Toronto is 21:30 the day before in Vancouver: counted only there, the hold ended a day
    // before "the later date" (legal reference, cross-check) — 2026-02-05 24:00 Vancouver.
    const winter = ev('MandatoryReportFiled', '2026-01-15T00:30:00-05:00', {
      recipient: 'police',
      status: 'completed',
    })
    expect(one(run([r, winter]), 'ca-mandatory-reporting/s4-preserve').dueAt).toBe(
      '2026-02-06T00:00:00.000-05:00',
    )
    const summer = ev('MandatoryReportFiled', '2026-06-10T00:30:00-04:00', {
      recipient: 'police',
      status: 'completed',
    })
    const hold = one(run([r, summer]), 'ca-mandatory-reporting/s4-preserve')
    expect(hold.dueAt).toBe('2026-07-02T00:00:00.000-04:00')
    // Released at 20:00 Pacific on 2026-07-01, 23:00 in Toronto: the Vancouver reading has passed, Toronto's has not.
    const release = ev('PreservationReleased', '2026-07-01T20:00:00-07:00', {
      basis: 'ca-mandatory-reporting/s4-preserve',
    })
    expect(one(run([r, summer, release]), 'ca-mandatory-reporting/s4-preserve').status).toBe('breached')
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

  it('counts in every Canadian zone of the tz database (zone.tab, CA): from Newfoundland to the Yukon', () => {
    expect(CANADA).toHaveLength(23)
    expect(new Set(CANADA).size).toBe(CANADA.length)
    for (const zone of [
      'America/St_Johns',
      'America/Halifax',
      'America/Toronto',
      'America/Regina',
      'America/Vancouver',
    ])
      expect(CANADA).toContain(zone)
    for (const zone of CANADA) expect(DateTime.now().setZone(zone).isValid, zone).toBe(true)
  })

  it('s. 4: the hold never ends before the end of the 21st day after the notification in any Canadian zone', () => {
    const from = Date.parse('2011-12-08T00:00:00-05:00')
    const to = Date.parse('2035-12-31T00:00:00Z')
    fc.assert(
      fc.property(fc.integer({ min: from, max: to }), (ms) => {
        const at = plus('1970-01-01T00:00:00Z', ms)
        const notified = ev('MandatoryReportFiled', at, { recipient: 'police', status: 'completed' })
        const due = Date.parse(one(run([r, notified]), 'ca-mandatory-reporting/s4-preserve').dueAt)
        const readings = CANADA.map((zone) =>
          DateTime.fromMillis(ms, { zone }).startOf('day').plus({ days: 22 }).toMillis(),
        )
        // never earlier than any zone's reading, and no later than the latest of them
        return readings.every((reading) => due >= reading) && readings.includes(due)
      }),
      { numRuns: 300 },
    )
  })
})
