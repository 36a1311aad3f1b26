// 18 U.S.C. § 2258A and § 2258B, from the statute's words: "as soon as reasonably possible after
// obtaining actual knowledge"; preservation "for 1 year after the submission" (90 days before the
// REPORT Act of 2024-05-07); destruction "upon a request from a law enforcement agency".
import { readFileSync } from 'node:fs'
import { type DocketEvent, Envelope } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { ev, HOUR, of, one, plus, report, request, run } from './internal/testing.js'

const seedPath = new URL('../../../examples/seed-case/events.jsonl', import.meta.url)
const seed: ReadonlyArray<DocketEvent> = readFileSync(seedPath, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l, i) => {
    const d = Envelope.decode(JSON.parse(l))
    if (E.isLeft(d)) throw new Error(`seed line ${i + 1}: ${JSON.stringify(d.left)}`)
    return d.right
  })

describe('us-2258a/report: the seed case (Doe v. Twitter) under the law of January 2020', () => {
  const obligations = run(seed, { asOf: '2020-02-15T00:00:00-08:00' })
  const duty = one(obligations, 'us-2258a/report')

  it('starts at actual knowledge: John Doe’s report with the boys’ ages and the police number', () => {
    expect(duty.triggeredBy).toBe('seed-002')
    expect(duty.startedAt).toBe('2020-01-21T16:05:00.000-08:00')
    expect(duty.id).toBe('doe-v-twitter/us-2258a/report/seed-002')
  })

  it('not at the first bare report (no minor alleged), nor at the later refusal', () => {
    expect(duty.triggeredBy).not.toBe('seed-001')
    expect(duty.triggeredBy).not.toBe('seed-006')
    expect(duty.actions.map((a) => a.action)).toEqual(['start'])
  })

  it('cites the 2018 wording in force in January 2020 and is never a statutory breach', () => {
    expect(duty.citation).toContain('Pub. L. 115-395')
    expect(duty.statutory).toBe(false)
    expect(duty.dueAt).toBe('2020-01-22T16:05:00.000-08:00')
    expect(duty.status).toBe('breached')
    expect(duty.preEffective).toBe(false)
  })

  it('creates no other statutory clock in January 2020', () => {
    expect(obligations.map((o) => o.policy)).toEqual(['us-2258a'])
  })
})

describe('us-2258a/report: what counts as actual knowledge', () => {
  const at = '2025-03-01T10:00:00-08:00'
  const bare = report(at, { category: 'csam', jurisdictions: ['US'] })

  it('a bare csam report is not knowledge; a later violation decision is', () => {
    const decision = ev('ReviewDecided', '2025-03-01T12:00:00-08:00', {
      reviewId: 'v-1',
      outcome: 'violation',
      tier: 'specialist',
      automation: 'not',
    })
    expect(of(run([bare]), 'us-2258a/report')).toEqual([])
    expect(one(run([bare, decision]), 'us-2258a/report').triggeredBy).toBe(decision.id)
  })

  it('an age under 18, depictsMinor or a police reference on a child-sexual category is knowledge', () => {
    for (const claims of [{ ageAtCapture: 15 }, { depictsMinor: true }, { policeReference: 'P-1' }]) {
      const r = report(at, { category: 'ncii', jurisdictions: ['US'], claims })
      expect(one(run([r]), 'us-2258a/report').triggeredBy).toBe(r.id)
    }
    const adult = report(at, { category: 'ncii', jurisdictions: ['US'], claims: { ageAtCapture: 18 } })
    expect(of(run([adult]), 'us-2258a/report')).toEqual([])
  })

  it('a CSAM detection, or an authority’s contact about a csam case, is knowledge', () => {
    const d = ev('ContentDetected', at, {
      method: 'hash_match',
      category: 'csam',
      content: { ref: 'post:1', kind: 'image' },
      jurisdictions: ['US'],
    })
    expect(one(run([d]), 'us-2258a/report').triggeredBy).toBe(d.id)
    const contact = request('2025-03-02T10:00:00-08:00', { kind: 'intervention', jurisdiction: 'US' })
    expect(one(run([bare, contact]), 'us-2258a/report').triggeredBy).toBe(contact.id)
  })

  it('a later no_violation decision does not stop the clock; a completed NCMEC report does', () => {
    const r = report(at, { category: 'csam', jurisdictions: ['US'], claims: { depictsMinor: true } })
    const refusal = ev('ReviewDecided', '2025-03-01T11:00:00-08:00', {
      reviewId: 'v-1',
      outcome: 'no_violation',
      tier: 'frontline',
      automation: 'not',
    })
    const open = one(run([r, refusal], { asOf: '2025-03-10T00:00:00-08:00' }), 'us-2258a/report')
    expect(open.status).toBe('breached')
    expect(open.completedAt).toBeNull()
    const submitted = ev('MandatoryReportFiled', '2025-03-01T15:00:00-08:00', {
      recipient: 'NCMEC',
      status: 'submitted',
    })
    const completed = ev('MandatoryReportFiled', '2025-03-01T16:00:00-08:00', {
      recipient: 'NCMEC',
      status: 'completed',
    })
    const done = one(run([r, refusal, submitted, completed]), 'us-2258a/report')
    expect(done.completedBy).toBe(completed.id)
    expect(done.status).toBe('met')
  })

  it('takes the profile’s internal target', () => {
    const r = report(at, { category: 'csam', jurisdictions: ['US'], claims: { depictsMinor: true } })
    const o = one(
      run([r], { profile: { internalTargets: { 'us-2258a/report': 'PT4H' } } }),
      'us-2258a/report',
    )
    expect(Date.parse(o.dueAt) - Date.parse(o.startedAt)).toBe(4 * HOUR)
  })

  it('REPORT Act: enticement of a minor triggers from 2024-05-07 00:00 New York time, not before', () => {
    const before = report('2024-05-06T23:59:59-04:00', {
      category: 'enticement',
      jurisdictions: ['US'],
      claims: { depictsMinor: true },
    })
    const after = report('2024-05-07T00:00:00-04:00', {
      category: 'enticement',
      jurisdictions: ['US'],
      claims: { depictsMinor: true },
    })
    expect(of(run([before]), 'us-2258a/report')).toEqual([])
    const o = one(run([after]), 'us-2258a/report')
    expect(o.citation).toContain('REPORT Act')
  })

  it('applies only to cases in the US, and only to platforms in the US market', () => {
    const fr = report(at, { category: 'csam', jurisdictions: ['FR'], claims: { depictsMinor: true } })
    expect(of(run([fr]), 'us-2258a/report')).toEqual([])
    const us = report(at, { category: 'csam', jurisdictions: ['US'], claims: { depictsMinor: true } })
    expect(of(run([us], { profile: { markets: ['FR'], establishment: 'FR' } }), 'us-2258a/report')).toEqual(
      [],
    )
  })
})

describe('us-2258a/preserve: 90 days, then 1 year from 2024-05-07', () => {
  const filed = (at: string, id?: string): DocketEvent =>
    ev(
      'MandatoryReportFiled',
      at,
      { recipient: 'NCMEC', status: 'completed' },
      id === undefined ? {} : { id },
    )
  const r = report('2024-01-10T09:00:00-08:00', {
    category: 'csam',
    jurisdictions: ['US'],
    claims: { depictsMinor: true },
  })
  const profile = { timeZone: 'America/New_York' }

  it('a submission on 2024-05-06 keeps 90 days; one on 2024-05-07 keeps 1 year (zone of the profile, end of day)', () => {
    const old = one(run([r, filed('2024-05-06T12:00:00-04:00')], { profile }), 'us-2258a/preserve')
    expect(old.dueAt).toBe('2024-08-05T00:00:00.000-04:00')
    const now = one(run([r, filed('2024-05-07T12:00:00-04:00')], { profile }), 'us-2258a/preserve')
    expect(now.dueAt).toBe('2025-05-08T00:00:00.000-04:00')
    expect(now.kind).toBe('hold')
  })

  it('one hold per completed submission; an early release is a breach; held to the end is met', () => {
    const a = filed('2025-01-10T12:00:00-05:00')
    const b = filed('2025-02-10T12:00:00-05:00')
    const release = ev('PreservationReleased', '2025-06-01T12:00:00-04:00', { basis: 'us-2258a/preserve' })
    const holds = of(run([r, a, b, release], { profile, asOf: '2026-06-01T00:00:00Z' }), 'us-2258a/preserve')
    expect(holds.map((h) => h.status)).toEqual(['breached', 'breached'])
    const kept = of(run([r, a], { profile, asOf: '2026-06-01T00:00:00Z' }), 'us-2258a/preserve')
    expect(kept.map((h) => h.status)).toEqual(['met'])
  })

  it('a release another basis asks for does not end it; a destruction request under § 2258B(c) waives it', () => {
    const a = filed('2025-01-10T12:00:00-05:00')
    const other = ev('PreservationReleased', '2025-04-15T12:00:00-04:00', { basis: 'us-2703f/preserve' })
    expect(one(run([r, a, other], { profile }), 'us-2258a/preserve').status).toBe('pending')
    const destroy = request('2025-03-01T12:00:00-05:00', {
      requestId: 'le-9',
      kind: 'destruction_request',
      jurisdiction: 'US',
    })
    const released = ev('PreservationReleased', '2025-03-02T12:00:00-05:00', {
      basis: 'us-2258a/destroy',
      requestId: 'le-9',
    })
    const obligations = run([r, a, destroy, released], { profile })
    expect(one(obligations, 'us-2258a/preserve').status).toBe('waived')
    const d = one(obligations, 'us-2258a/destroy')
    expect(d.completedBy).toBe(released.id)
    expect(d.statutory).toBe(false)
  })

  it('runs in the provider’s zone across a DST change: 1 year from 2025-03-09 is end of 2026-03-09 New York', () => {
    const a = filed('2025-03-09T01:30:00-05:00')
    expect(one(run([r, a], { profile }), 'us-2258a/preserve').dueAt).toBe('2026-03-10T00:00:00.000-04:00')
  })
})

describe('us-2258a/report with ages stated days before the seed report', () => {
  it('is pre-effective before 2008-10-13', () => {
    const early = report('2005-06-01T10:00:00-07:00', {
      category: 'csam',
      jurisdictions: ['US'],
      claims: { depictsMinor: true },
    })
    const o = one(run([early]), 'us-2258a/report')
    expect(o.preEffective).toBe(true)
    expect(plus(o.startedAt, 0)).toBe('2008-10-13T04:00:00.000Z')
  })
})
