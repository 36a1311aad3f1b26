/**
 * The days and periods of the DSA's outputs are Brussels days and periods, not UTC ones: the
 * statement of reasons' dates (`dsa-sor`) and the transparency report's periods
 * (`dsa-transparency`), for decisions written in UTC around the changes of summer time and the
 * ends of the reporting periods.
 */
import type { Recorded } from '@docket/core'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as Fixtures from '../testing/ReplayFixtures.js'
import * as DsaSor from './DsaSor.js'
import * as DsaTransparency from './DsaTransparency.js'
import * as Report from './Report.js'

const BRUSSELS = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Brussels',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})
/** The Brussels calendar day of an instant, by the runtime's own zone data (not luxon). */
const brusselsDay = (ms: number): string => BRUSSELS.format(ms)
const iso = (ms: number): string => new Date(ms).toISOString()
const H = 3_600_000

/** One French notice, its review and a removal at `action`, every instant written in UTC. */
const history = (action: number): ReadonlyArray<Recorded> => {
  const ev = (id: string, at: number, type: string, data: object): Recorded =>
    ({
      id,
      caseId: 'eu-utc',
      type,
      occurredAt: iso(at),
      recordedAt: iso(at),
      actor: { kind: 'system' },
      data,
    }) as unknown as Recorded
  return [
    ev('n-1', action - 2 * H, 'ContentReported', {
      reportId: 'r-fr',
      channel: 'web_form',
      category: 'ncii',
      content: { ref: 'p-1', kind: 'image', postedAt: iso(action - 3 * H) },
      jurisdictions: ['FR'],
    }),
    // the fixture's review, every fact the database needs
    ev('n-2', action - 60_000, 'ReviewDecided', Fixtures.cases().find((e) => e.id === 'fr-2')!.data),
    ev('n-3', action, 'ContentActioned', { action: 'removed', until: iso(action + 30 * 24 * H) }),
  ]
}

const replay = async (action: number): Promise<Report.Report> => {
  const r = await Report.build(history(action))
  if (E.isLeft(r)) throw new Error('replay failed')
  return r.right
}

/** The last Sunday of a month of a year, 01:00 UTC: when Europe changes summer time. */
const lastSunday = (year: number, month: number): number => {
  const end = Date.UTC(year, month + 1, 0, 1)
  return end - new Date(end).getUTCDay() * 24 * H
}

/** Instants within 40 hours of a change of summer time or of the end of a reporting period in Brussels. */
const nearBoundary = fc
  .tuple(
    fc.integer({ min: 2024, max: 2036 }),
    fc.constantFrom('dst-on', 'dst-off', 'new-year', 'mid-year'),
    fc.integer({ min: -40 * 60, max: 40 * 60 }),
  )
  .map(([y, b, minutes]) => {
    const at =
      b === 'dst-on'
        ? lastSunday(y, 2)
        : b === 'dst-off'
          ? lastSunday(y, 9)
          : b === 'new-year'
            ? Date.UTC(y, 0, 1) - H
            : Date.UTC(y, 6, 1) - 2 * H
    return at + minutes * 60_000
  })

describe('DSA days and periods are read in Brussels', () => {
  it('a removal at 2026-03-31T23:30:00Z applies on 1 April, in Brussels', async () => {
    const r = await replay(Date.parse('2026-03-31T23:30:00Z'))
    const [s] = DsaSor.build(r).statements
    expect(s).toMatchObject({ application_date: '2026-04-01', content_date: '2026-03-31' })
    expect(String(s!.decision_facts)).toContain('content removed on 2026-04-01')
    const [h] = DsaTransparency.build(r, 'half-year')
    expect(h).toMatchObject({
      period: '2026-H1',
      from: '2026-01-01T00:00:00.000+01:00',
      to: '2026-07-01T00:00:00.000+02:00',
    })
  })

  it('a removal at 2026-06-30T22:30:00Z is counted in the second half-year, 2026-12-31T23:30:00Z in 2027', async () => {
    const mid = DsaTransparency.build(await replay(Date.parse('2026-06-30T22:30:00Z')), 'half-year')
    expect(mid.map((p) => [p.period, p.restrictiveDecisions])).toEqual([
      ['2026-H1', 0],
      ['2026-H2', 1],
    ])
    const year = DsaTransparency.build(await replay(Date.parse('2026-12-31T23:30:00Z')), 'year')
    expect(year.map((p) => [p.period, p.restrictiveDecisions, p.from])).toEqual([
      ['2026', 0, '2026-01-01T00:00:00.000+01:00'],
      ['2027', 1, '2027-01-01T00:00:00.000+01:00'],
    ])
  })

  it('gives the Brussels day and period of every decision across summer time and period ends (property)', async () => {
    await fc.assert(
      fc.asyncProperty(nearBoundary, async (action) => {
        const r = await replay(action)
        const [s] = DsaSor.build(r).statements
        const day = brusselsDay(action)
        expect(s!.application_date).toBe(day)
        expect(s!.end_date_visibility_restriction).toBe(brusselsDay(action + 30 * 24 * H))
        for (const kind of ['year', 'half-year'] as const) {
          const periods = DsaTransparency.build(r, kind)
          const counted = periods.find((p) => p.restrictiveDecisions === 1)!
          const want =
            kind === 'year' ? day.slice(0, 4) : `${day.slice(0, 4)}-H${Number(day.slice(5, 7)) <= 6 ? 1 : 2}`
          expect(counted.period).toBe(want)
          // the period holds the instant, and starts and ends at midnight in Brussels
          expect(Date.parse(counted.from)).toBeLessThanOrEqual(action)
          expect(action).toBeLessThan(Date.parse(counted.to))
          for (const edge of [counted.from, counted.to])
            expect(brusselsDay(Date.parse(edge))).not.toBe(brusselsDay(Date.parse(edge) - 1))
        }
      }),
      { numRuns: 60 },
    )
  })
})
