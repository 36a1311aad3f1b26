import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as Envelope from '../Envelope.js'
import * as Timestamp from '../Timestamp.js'
import * as History from './History.js'

describe('History.generate', () => {
  const events = [...History.generate({ events: 5_000, seed: 7 })]

  it('produces exactly the number of events asked for', () => {
    expect(events).toHaveLength(5_000)
  })

  it('is deterministic for a seed and differs across seeds', () => {
    const again = [...History.generate({ events: 5_000, seed: 7 })]
    expect(JSON.stringify(again)).toBe(JSON.stringify(events))
    const other = [...History.generate({ events: 5_000, seed: 8 })]
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(events))
  })

  it('emits events in global recordedAt order with unique ids', () => {
    const times = events.map((e) => Timestamp.toMillis(e.recordedAt))
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!)
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length)
  })

  it('emits only events that decode under the interchange format', () => {
    const bad = events.map((e) => Envelope.decode(JSON.parse(JSON.stringify(e)))).filter(E.isLeft)
    expect(bad).toEqual([])
  })

  it('interleaves cases and covers refusals and authority requests', () => {
    const types = new Set(events.map((e) => e.type))
    expect(types).toContain('AuthorityRequestReceived')
    expect(
      events.some(
        (e) => e.type === 'ReviewDecided' && (e.data as { outcome: string }).outcome === 'no_violation',
      ),
    ).toBe(true)
    expect(events[0]!.caseId).not.toBe(events[events.length - 1]!.caseId)
  })
})
