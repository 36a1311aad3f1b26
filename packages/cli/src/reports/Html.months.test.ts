/**
 * The html report's "compliance over time" chart groups clocks by the month they started in the
 * profile's time zone (the platform's calendar), not in UTC.
 */
import { Profile, type Recorded, Timestamp } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as Fixtures from '../testing/ReplayFixtures.js'
import * as Html from './Html.js'
import * as Report from './Report.js'

// the French NCII case moved so that its removal, which starts its statutory clocks (DSA Art. 17
// and 24(5)), is at 02:00 UTC on 1 April 2026: 19:00 on 31 March in Los Angeles (the default
// profile's zone), 04:00 on 1 April in Paris
const REMOVAL = Date.parse('2026-04-01T02:00:00Z')
const moved = (): ReadonlyArray<Recorded> => {
  const events = Fixtures.cases().filter((e) => e.caseId === 'eu-ncii')
  const shift = REMOVAL - Timestamp.toMillis(events.find((e) => e.id === 'fr-3')!.occurredAt)
  const at = (s: string): string => Timestamp.format(Timestamp.toMillis(s) + shift, 0)
  return events.map((e) => {
    const data = e.data as Record<string, unknown>
    return {
      ...e,
      occurredAt: at(e.occurredAt),
      recordedAt: at(e.recordedAt),
      data: typeof data.until === 'string' ? { ...data, until: at(data.until) } : data,
    }
  }) as unknown as ReadonlyArray<Recorded>
}

const months = async (profile?: Profile.Resolved): Promise<ReadonlyArray<string>> => {
  const r = await Report.build(moved(), profile === undefined ? {} : { profile })
  if (E.isLeft(r)) throw new Error('replay failed')
  const html = Html.render(r.right)
  const open = html.indexOf('id="docket-data">') + 'id="docket-data">'.length
  const data = JSON.parse(html.slice(open, html.indexOf('</script>', open))) as {
    readonly compliance: ReadonlyArray<{ readonly month: string }>
  }
  return data.compliance.map((c) => c.month)
}

describe('html: compliance over time', () => {
  it("groups clocks by their month of start in the profile's time zone, not UTC's", async () => {
    expect(await months()).toEqual(['2026-03'])
    expect(await months(Profile.resolve({ timeZone: 'Europe/Paris' }))).toEqual(['2026-04'])
    expect(Html.month('2026-04-01T02:00:00Z', 'America/Los_Angeles')).toBe('2026-03')
    expect(Html.month('2026-04-01T02:00:00Z', 'UTC')).toBe('2026-04')
  })

  it('says which zone it groups by', async () => {
    const r = await Report.build(moved(), { profile: Profile.resolve({ timeZone: 'Asia/Tokyo' }) })
    if (E.isLeft(r)) throw new Error('replay failed')
    expect(r.right.timeZone).toBe('Asia/Tokyo')
    expect(Html.render(r.right)).toContain("by month of start in Asia/Tokyo (the profile's time zone)")
  })
})
