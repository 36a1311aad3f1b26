// Online Safety Act 2021 (Cth): "24 hours after the notice was given … or such longer period as the
// Commissioner allows".
import { describe, expect, it } from 'vitest'
import { ev, HOUR, of, one, report, request, run } from './internal/testing.js'

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

  // s. 88 and s. 65: the same 48-hour complaint precondition of a notice, each an internal target.
  describe.each([
    ['s. 88', 'au-osa/88-adult-abuse-complaint', 'adult_cyber_abuse', 'child_cyberbullying'],
    ['s. 65', 'au-osa/65-child-bullying-complaint', 'child_cyberbullying', 'adult_cyber_abuse'],
  ])(
    '%s: the 48-hour complaint window before a notice can be given (internal target)',
    (section, ID, category, other) => {
      const complaint = (cat = category, jurisdictions = ['AU']) =>
        report('2026-04-04T20:00:00+11:00', { category: cat, jurisdictions })

      it('runs 48 elapsed hours from the complaint, warns before, and is never statutory', () => {
        const o = one(run([complaint()], { asOf: '2026-04-07T00:00:00+10:00' }), ID)
        expect(o.dueAt).toBe('2026-04-06T19:00:00.000+10:00')
        expect(Date.parse(o.dueAt) - Date.parse(o.startedAt)).toBe(48 * HOUR)
        expect(o.statutory).toBe(false)
        expect(o.citation).toContain(section)
        expect(o.warnings.length).toBeGreaterThan(0)
        for (const w of o.warnings) expect(Date.parse(w)).toBeLessThan(Date.parse(o.dueAt))
        // missed: the platform is exposed to a notice, an internal breach, not a legal one
        expect(o.status).toBe('breached')
      })

      it('is met by removal within the window; the Commissioner may allow a longer period', () => {
        const c = complaint()
        const rm = ev('ContentActioned', '2026-04-06T12:00:00+10:00', { action: 'removed' })
        expect(one(run([c, rm]), ID).status).toBe('met')
        const id = one(run([c]), ID).id
        const ext = ev('DeadlineExtended', '2026-04-05T10:00:00+10:00', {
          target: id,
          until: '2026-04-08T19:00:00+10:00',
        })
        const late = ev('ContentActioned', '2026-04-08T12:00:00+10:00', { action: 'removed' })
        expect(one(run([c, late]), ID).status).toBe('met_late')
        expect(one(run([c, ext, late]), ID).status).toBe('met')
      })

      it('needs a complaint of its own category on an Australian case', () => {
        expect(of(run([complaint('hate')]), ID)).toEqual([])
        expect(of(run([complaint(other)]), ID)).toEqual([])
        expect(of(run([complaint(category, ['NZ'])]), ID)).toEqual([])
      })
    },
  )
})
