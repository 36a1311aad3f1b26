// TAKE IT DOWN Act § 3(a)(3): "as soon as possible, but not later than 48 hours after receiving"
// a valid removal request (the four written elements of § 3(a)(1)(B)); compliance date 2026-05-19.
import { readFileSync } from 'node:fs'
import { type DocketEvent, Envelope } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { ev, HOUR, of, one, plus, report, run } from './internal/testing.js'

const VALID = { signature: true, identification: true, goodFaithStatement: true, contact: true }
const at = '2026-06-01T22:30:00-04:00'
const valid = (when = at, extra = {}): DocketEvent =>
  report(when, { category: 'ncii', jurisdictions: ['US'], removalRequest: VALID, ...extra })
const removed = (when: string): DocketEvent => ev('ContentActioned', when, { action: 'removed' })

describe('us-take-it-down/removal', () => {
  it('is due 48 elapsed hours after a valid request, with the internal target at 24 hours', () => {
    const o = one(run([valid()]), 'us-take-it-down/removal')
    expect(o.startedAt).toBe('2026-06-01T22:30:00.000-04:00')
    expect(o.dueAt).toBe('2026-06-03T22:30:00.000-04:00')
    expect(o.targetAt).toBe('2026-06-02T22:30:00.000-04:00')
    expect(o.statutory).toBe(true)
    expect(o.citation).toBe('TAKE IT DOWN Act §3(a)(3), 47 U.S.C. §223a(a)(3)')
  })

  it('removal one millisecond before the cap is met; at the cap met; a millisecond after, met late', () => {
    const due = Date.parse('2026-06-04T02:30:00Z')
    const status = (ms: number): string =>
      one(run([valid(), removed(plus('2026-06-04T02:30:00Z', ms - due))]), 'us-take-it-down/removal').status
    expect(status(due - 1)).toBe('met')
    expect(status(due)).toBe('met')
    expect(one(run([valid(), removed('2026-06-04T02:30:00.001Z')]), 'us-take-it-down/removal').status).toBe(
      'met_late',
    )
    expect(one(run([valid()], { asOf: '2026-06-04T02:30:00.000Z' }), 'us-take-it-down/removal').status).toBe(
      'pending',
    )
    expect(one(run([valid()], { asOf: '2026-06-04T02:30:00.001Z' }), 'us-take-it-down/removal').status).toBe(
      'breached',
    )
  })

  it('counts elapsed hours across the November DST change (48 h is not two wall-clock days)', () => {
    const o = one(run([valid('2026-10-31T12:00:00-04:00')]), 'us-take-it-down/removal')
    expect(o.dueAt).toBe('2026-11-02T11:00:00.000-05:00')
    expect(Date.parse(o.dueAt) - Date.parse(o.startedAt)).toBe(48 * HOUR)
  })

  it('a request missing an element starts no clock; completing it later starts one, with a shadow due time', () => {
    const partial = report(at, {
      category: 'ncii',
      jurisdictions: ['US'],
      removalRequest: { ...VALID, signature: false },
    })
    expect(of(run([partial]), 'us-take-it-down/removal')).toEqual([])
    const completed = ev('ReportCompleted', '2026-06-02T10:30:00-04:00', {
      reportId: 'r-1',
      removalRequest: { signature: true },
    })
    const o = one(run([partial, completed]), 'us-take-it-down/removal')
    expect(o.startedAt).toBe('2026-06-02T10:30:00.000-04:00')
    expect(o.dueAt).toBe('2026-06-04T10:30:00.000-04:00')
    expect(o.shadowDueAt).toBe('2026-06-03T22:30:00.000-04:00')
    expect(o.id).toBe(`c-1/us-take-it-down/removal/${partial.id}`)
  })

  it('a request about a depiction already removed starts no clock (no false breach); restored, it does', () => {
    const before = removed('2026-06-01T10:00:00-04:00')
    expect(
      of(run([before, valid()], { asOf: '2026-06-05T00:00:00-04:00' }), 'us-take-it-down/removal'),
    ).toEqual([])
    const back = ev('ContentRestored', '2026-06-01T12:00:00-04:00', {})
    const o = one(
      run([before, back, valid()], { asOf: '2026-06-05T00:00:00-04:00' }),
      'us-take-it-down/removal',
    )
    expect(o.status).toBe('breached')
  })

  it('asking the requester for more information does not stop a valid request’s clock, nor does a refusal', () => {
    const asked = ev('InformationRequested', '2026-06-02T09:00:00-04:00', { reportId: 'r-1' })
    const refusal = ev('ReviewDecided', '2026-06-02T10:00:00-04:00', {
      reviewId: 'v',
      outcome: 'no_violation',
      tier: 'frontline',
      automation: 'not',
    })
    const o = one(
      run([valid(), asked, refusal], { asOf: '2026-06-05T00:00:00-04:00' }),
      'us-take-it-down/removal',
    )
    expect(o.status).toBe('breached')
    expect(o.actions.map((a) => a.action)).toEqual(['start'])
  })

  it('applies to minors as well as adults (a csam request with the four elements)', () => {
    const minor = report(at, {
      category: 'csam',
      jurisdictions: ['US'],
      claims: { depictsMinor: true },
      removalRequest: VALID,
    })
    expect(of(run([minor]), 'us-take-it-down/removal')).toHaveLength(1)
  })

  it('a request before 2026-05-19 00:00 New York time is pre-effective: it starts at the compliance date', () => {
    const early = valid('2026-05-18T23:59:00-04:00')
    const o = one(run([early], { asOf: '2026-06-01T00:00:00Z' }), 'us-take-it-down/removal')
    expect(o.preEffective).toBe(true)
    expect(o.startedAt).toBe('2026-05-19T00:00:00.000-04:00')
    const onTime = one(run([valid('2026-05-19T00:00:00-04:00')]), 'us-take-it-down/removal')
    expect(onTime.preEffective).toBe(false)
  })
})

describe('us-take-it-down/removal on the seed case (Doe v. Twitter), --what-if', () => {
  const seed: ReadonlyArray<DocketEvent> = readFileSync(
    new URL('../../../examples/seed-case/events.jsonl', import.meta.url),
    'utf8',
  )
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const d = Envelope.decode(JSON.parse(l))
      if (E.isLeft(d)) throw new Error('bad seed line')
      return d.right
    })

  it('starts no clock without --what-if (the Act did not exist in 2020)', () => {
    expect(of(run(seed), 'us-take-it-down/removal')).toEqual([])
  })

  it('without a signature on any request, starts no clock even as a counterfactual', () => {
    const unsigned = seed.map((e) =>
      e.type === 'ContentReported' && e.data.removalRequest !== undefined
        ? { ...e, data: { ...e.data, removalRequest: { ...e.data.removalRequest, signature: false } } }
        : e,
    )
    expect(of(run(unsigned, { whatIf: ['us-take-it-down'] }), 'us-take-it-down/removal')).toEqual([])
  })

  it('John Doe’s signed request starts the 48-hour clock, breached: removal came nine days later', () => {
    const signed = seed
    const o = one(run(signed, { whatIf: ['us-take-it-down'] }), 'us-take-it-down/removal')
    expect(o.counterfactual).toBe(true)
    expect(o.triggeredBy).toBe('seed-002')
    expect(o.dueAt).toBe('2020-01-23T19:05:00.000-05:00')
    expect(o.completedBy).toBe('seed-010')
    expect(o.status).toBe('met_late')
    const before = one(
      run(signed, { whatIf: ['us-take-it-down'], asOf: '2020-01-28T09:14:00-08:00' }),
      'us-take-it-down/removal',
    )
    expect(before.status).toBe('breached')
  })
})
