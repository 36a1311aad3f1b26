// TCO Art. 3(3): "as soon as possible and in any event within one hour of receipt of the removal order";
// Art. 3(7)/(8): the deadline "shall start to run" again when force majeure ends or clarification arrives.
import { describe, expect, it } from 'vitest'
import { ev, HOUR, of, one, request, run } from './internal/testing.js'

const order = (at: string, extra = {}) =>
  request(at, { kind: 'removal_order', jurisdiction: 'FR', legalBasis: 'eu-tco', ...extra })
const at = '2026-03-28T23:30:00+01:00'

describe('eu-tco/3-3-removal', () => {
  it('is due one elapsed hour after receipt, across the March DST change in Brussels', () => {
    const o = one(run([order(at)]), 'eu-tco/3-3-removal')
    expect(o.dueAt).toBe('2026-03-29T00:30:00.000+01:00')
    const dst = one(run([order('2026-03-29T01:30:00+01:00')]), 'eu-tco/3-3-removal')
    expect(dst.dueAt).toBe('2026-03-29T03:30:00.000+02:00')
    expect(Date.parse(dst.dueAt) - Date.parse(dst.startedAt)).toBe(HOUR)
  })

  it('removal at the hour is met, a millisecond later is late', () => {
    const on = ev('ContentActioned', '2026-03-29T00:30:00+01:00', { action: 'removed' })
    expect(one(run([order(at), on]), 'eu-tco/3-3-removal').status).toBe('met')
    const late = ev('ContentActioned', '2026-03-29T00:30:00.001+01:00', { action: 'removed' })
    expect(one(run([order(at), late]), 'eu-tco/3-3-removal').status).toBe('met_late')
  })

  it('restarts the full hour when force majeure ends (Art. 3(7)), not with the time left', () => {
    const fm = ev('ForceMajeureDeclared', '2026-03-28T23:50:00+01:00', { requestId: 'q-1', reason: 'outage' })
    const end = ev('ForceMajeureEnded', '2026-03-29T04:00:00+02:00', { requestId: 'q-1', reason: 'restored' })
    const paused = one(run([order(at), fm], { asOf: '2026-03-29T03:00:00+02:00' }), 'eu-tco/3-3-removal')
    expect(paused.status).toBe('paused')
    const o = one(run([order(at), fm, end]), 'eu-tco/3-3-removal')
    expect(o.dueAt).toBe('2026-03-29T05:00:00.000+02:00')
    expect(o.actions.map((a) => a.action)).toEqual(['start', 'pause', 'restart'])
  })

  it('restarts the full hour on receipt of the clarification (Art. 3(8))', () => {
    const asked = ev('ClarificationRequested', '2026-03-28T23:40:00+01:00', { requestId: 'q-1' })
    const got = ev('ClarificationReceived', '2026-03-29T10:15:00+02:00', { requestId: 'q-1' })
    expect(one(run([order(at), asked, got]), 'eu-tco/3-3-removal').dueAt).toBe(
      '2026-03-29T11:15:00.000+02:00',
    )
  })

  it('ignores force majeure for another order, and a withdrawn order waives the clock', () => {
    const other = ev('ForceMajeureEnded', '2026-03-28T23:45:00+01:00', { requestId: 'q-2', reason: 'x' })
    expect(one(run([order(at), other]), 'eu-tco/3-3-removal').actions).toHaveLength(1)
    const w = ev('AuthorityRequestWithdrawn', '2026-03-28T23:45:00+01:00', { requestId: 'q-1' })
    expect(one(run([order(at), w]), 'eu-tco/3-3-removal').status).toBe('waived')
  })

  it('a withdrawal after the hour has run out leaves the breach; one within the hour waives the clock', () => {
    const w = (when: string) => ev('AuthorityRequestWithdrawn', when, { requestId: 'q-1' })
    expect(one(run([order(at), w('2026-03-29T00:29:00+01:00')]), 'eu-tco/3-3-removal').status).toBe('waived')
    const late = one(run([order(at), w('2026-03-29T00:31:00+01:00')]), 'eu-tco/3-3-removal')
    expect(late.status).toBe('breached')
    expect(late.actions.map((a) => a.action)).toEqual(['start'])
  })

  it('force majeure declared after the hour cannot restart it (a missed deadline is not paused back into time)', () => {
    const fm = ev('ForceMajeureDeclared', '2026-03-29T00:40:00+01:00', { requestId: 'q-1', reason: 'outage' })
    const end = ev('ForceMajeureEnded', '2026-03-29T04:00:00+02:00', { requestId: 'q-1', reason: 'restored' })
    const rm = ev('ContentActioned', '2026-03-29T04:30:00+02:00', { action: 'removed' })
    const o = one(run([order(at), fm, end, rm]), 'eu-tco/3-3-removal')
    expect(o.dueAt).toBe('2026-03-29T00:30:00.000+01:00')
    expect(o.status).toBe('met_late')
  })

  it('an order for content already removed starts no clock; removed then restored, it does', () => {
    const rm = ev('ContentActioned', '2026-03-28T22:00:00+01:00', { action: 'removed' })
    expect(of(run([rm, order(at)]), 'eu-tco/3-3-removal')).toEqual([])
    const back = ev('ContentRestored', '2026-03-28T23:00:00+01:00', {})
    expect(one(run([rm, back, order(at)]), 'eu-tco/3-3-removal').dueAt).toBe('2026-03-29T00:30:00.000+01:00')
  })

  it('applies from 2022-06-07 (earlier orders are pre-effective) and only in the EU at the trigger date', () => {
    const early = one(run([order('2022-06-06T12:00:00+02:00')]), 'eu-tco/3-3-removal')
    expect(early.preEffective).toBe(true)
    const us = request(at, { kind: 'removal_order', jurisdiction: 'US', legalBasis: 'eu-tco' })
    expect(of(run([us]), 'eu-tco/3-3-removal')).toEqual([])
  })

  it('a removal on a TCO case starts a six-month hold (Art. 6), extendable by the authority', () => {
    const rm = ev('ContentActioned', '2026-03-29T00:10:00+01:00', { action: 'removed' })
    const hold = one(run([order(at), rm]), 'eu-tco/6-preserve')
    expect(hold.kind).toBe('hold')
    expect(hold.dueAt).toBe('2026-09-30T00:00:00.000+02:00')
    const ext = ev('DeadlineExtended', '2026-09-01T10:00:00+02:00', { target: hold.id, by: 'P3M' })
    expect(one(run([order(at), rm, ext]), 'eu-tco/6-preserve').dueAt).toBe('2026-12-30T00:00:00.000+01:00')
  })

  it('keeps Art. 3(6) off unless the profile enables it (unconfirmed)', () => {
    const rm = ev('ContentActioned', '2026-03-29T00:10:00+01:00', { action: 'removed' })
    expect(of(run([order(at), rm]), 'eu-tco/3-6-inform')).toEqual([])
    const on = run([order(at), rm], { profile: { enabledRules: ['eu-tco/3-6-inform'] } })
    expect(one(on, 'eu-tco/3-6-inform').confidence).toBe('unconfirmed')
  })
})
