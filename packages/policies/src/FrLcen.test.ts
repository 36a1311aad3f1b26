// LCEN art. 6-1: "dans un délai de vingt-quatre heures"; art. 6-2 II (SREN, 2024-05-23): the deadline
// runs again from the end of force majeure or the receipt of clarification.
import { describe, expect, it } from 'vitest'
import { ev, HOUR, one, request, run } from './internal/testing.js'

const ofac = (at: string) => request(at, { kind: 'removal_order', jurisdiction: 'FR', authority: 'OFAC' })
const clarified = (asked: string, got: string) => [
  ev('ClarificationRequested', asked, { requestId: 'q-1' }),
  ev('ClarificationReceived', got, { requestId: 'q-1' }),
]

describe('fr-lcen/6-1', () => {
  it('24 elapsed hours from receipt, across the October change in Paris', () => {
    const o = one(run([ofac('2026-10-24T12:00:00+02:00')]), 'fr-lcen/6-1')
    expect(o.dueAt).toBe('2026-10-25T11:00:00.000+01:00')
    expect(Date.parse(o.dueAt) - Date.parse(o.startedAt)).toBe(24 * HOUR)
  })

  it('from 2024-05-23 a clarification restarts the full 24 hours; before it there was no restart', () => {
    const now = one(
      run([
        ofac('2025-03-01T10:00:00+01:00'),
        ...clarified('2025-03-01T11:00:00+01:00', '2025-03-02T09:00:00+01:00'),
      ]),
      'fr-lcen/6-1',
    )
    expect(now.dueAt).toBe('2025-03-03T09:00:00.000+01:00')
    const then = one(
      run([
        ofac('2024-03-01T10:00:00+01:00'),
        ...clarified('2024-03-01T11:00:00+01:00', '2024-03-02T09:00:00+01:00'),
      ]),
      'fr-lcen/6-1',
    )
    expect(then.dueAt).toBe('2024-03-02T10:00:00.000+01:00')
  })

  it('a TCO injunction under art. 6-1-1 gives one hour and restarts like the TCO', () => {
    const inj = request('2025-03-01T10:00:00+01:00', {
      kind: 'removal_order',
      jurisdiction: 'FR',
      legalBasis: 'fr-lcen/6-1-1-tco',
    })
    const fm = [
      ev('ForceMajeureDeclared', '2025-03-01T10:20:00+01:00', { requestId: 'q-1', reason: 'x' }),
      ev('ForceMajeureEnded', '2025-03-01T14:00:00+01:00', { requestId: 'q-1', reason: 'y' }),
    ]
    expect(one(run([inj, ...fm]), 'fr-lcen/6-1-1-tco').dueAt).toBe('2025-03-01T15:00:00.000+01:00')
  })
})
