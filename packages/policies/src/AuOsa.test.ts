// Online Safety Act 2021 (Cth): "24 hours after the notice was given … or such longer period as the
// Commissioner allows".
import { describe, expect, it } from 'vitest'
import { ev, of, one, request, run } from './internal/testing.js'

const notice = (basis: string, at = '2026-04-04T20:00:00+11:00') =>
  request(at, { kind: 'removal_order', jurisdiction: 'AU', authority: 'eSafety', legalBasis: basis })

describe('au-osa', () => {
  it('s. 77: 24 elapsed hours, across the April DST end in Sydney', () => {
    const o = one(run([notice('au-osa/77-ncii-provider')]), 'au-osa/77-ncii-provider')
    expect(o.dueAt).toBe('2026-04-05T19:00:00.000+10:00')
  })

  it('the Commissioner may allow a longer period (DeadlineExtended on the notice)', () => {
    const ext = ev('DeadlineExtended', '2026-04-05T10:00:00+10:00', {
      target: { requestId: 'q-1' },
      until: '2026-04-07T19:00:00+10:00',
    })
    const rm = ev('ContentActioned', '2026-04-07T12:00:00+10:00', { action: 'removed' })
    const o = one(run([notice('au-osa/109-class1'), ext, rm]), 'au-osa/109-class1')
    expect(o.dueAt).toBe('2026-04-07T19:00:00.000+10:00')
    expect(o.status).toBe('met')
  })

  it('each notice names its section; a bare au-osa basis starts nothing; s. 79 is off by default', () => {
    expect(run([notice('au-osa')])).toEqual([])
    expect(of(run([notice('au-osa/79-ncii-host')]), 'au-osa/79-ncii-host')).toEqual([])
    expect(of(run([notice('au-osa/88-adult-abuse')]), 'au-osa/88-adult-abuse')).toHaveLength(1)
  })
})
