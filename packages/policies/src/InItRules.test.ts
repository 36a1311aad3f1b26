// India's IT Rules: the version in force at the instant the clock starts applies. G.S.R. 120(E)
// shortened Rule 3(2)(b) from "twenty-four hours" to two hours from 2026-02-20 (Asia/Kolkata).
import { describe, expect, it } from 'vitest'
import { HOUR, one, report, request, run } from './internal/testing.js'

const complaint = (at: string) => report(at, { category: 'ncii', jurisdictions: ['IN'] })

describe('in-it-rules', () => {
  it('3(2)(b): a complaint at 23:59:59.999 on 2026-02-19 IST keeps 24 hours; at 00:00 on 2026-02-20, 2 hours', () => {
    const before = one(run([complaint('2026-02-19T23:59:59.999+05:30')]), 'in-it-rules/3-2-b-ncii')
    expect(Date.parse(before.dueAt) - Date.parse(before.startedAt)).toBe(24 * HOUR)
    expect(before.citation).toContain('2021 text')
    const after = one(run([complaint('2026-02-20T00:00:00+05:30')]), 'in-it-rules/3-2-b-ncii')
    expect(after.dueAt).toBe('2026-02-20T02:00:00.000+05:30')
    expect(after.citation).toContain('G.S.R. 120(E)')
  })

  it('3(1)(d): 36 hours before the amendment, 3 hours after, counted from receipt of the order', () => {
    const order = (at: string) => request(at, { kind: 'removal_order', jurisdiction: 'IN' })
    const a = one(run([order('2026-02-19T18:00:00+05:30')]), 'in-it-rules/3-1-d-order')
    expect(a.dueAt).toBe('2026-02-21T06:00:00.000+05:30')
    const b = one(run([order('2026-02-20T18:00:00+05:30')]), 'in-it-rules/3-1-d-order')
    expect(b.dueAt).toBe('2026-02-20T21:00:00.000+05:30')
  })

  it('3(2)(a): grievance disposed within 15 days to the end of the day, 7 from 2026-02-20; acknowledged in 24 hours', () => {
    const g = (at: string) => report(at, { category: 'hate', jurisdictions: ['IN'] })
    expect(one(run([g('2026-02-01T10:00:00+05:30')]), 'in-it-rules/3-2-a-grievance').dueAt).toBe(
      '2026-02-17T00:00:00.000+05:30',
    )
    expect(one(run([g('2026-02-20T10:00:00+05:30')]), 'in-it-rules/3-2-a-grievance').dueAt).toBe(
      '2026-02-28T00:00:00.000+05:30',
    )
    expect(one(run([g('2026-02-20T10:00:00+05:30')]), 'in-it-rules/3-2-a-grievance-ack').dueAt).toBe(
      '2026-02-21T10:00:00.000+05:30',
    )
  })

  it('proviso: no clock before 2022-10-28 (pre-effective), 72 hours after, 36 hours from 2026-02-20', () => {
    const p = (at: string) => report(at, { category: 'impersonation', jurisdictions: ['IN'] })
    expect(
      one(
        run([p('2022-10-27T10:00:00+05:30')], { asOf: '2022-12-01T00:00:00Z' }),
        'in-it-rules/3-2-a-proviso',
      ).preEffective,
    ).toBe(true)
    const o = one(run([p('2023-01-01T10:00:00+05:30')]), 'in-it-rules/3-2-a-proviso')
    expect(Date.parse(o.dueAt) - Date.parse(o.startedAt)).toBe(72 * HOUR)
  })

  it('3(1)(j): information within 72 hours at most, internal target first', () => {
    const o = one(
      run([request('2026-03-01T10:00:00+05:30', { kind: 'information_request', jurisdiction: 'IN' })]),
      'in-it-rules/3-1-j-le-info',
    )
    expect(o.dueAt).toBe('2026-03-04T10:00:00.000+05:30')
    expect(o.targetAt).toBe('2026-03-02T10:00:00.000+05:30')
  })
})
