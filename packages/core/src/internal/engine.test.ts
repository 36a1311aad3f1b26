import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Duration from '../Duration.js'
import * as Timestamp from '../Timestamp.js'
import { formatIn } from './judgment.js'

const ZONES = ['UTC', 'Europe/Paris', 'America/St_Johns', 'UTC+05:30', 'UTC-04:00', 'Asia/Kathmandu'] as const
const direct = (zone: string, ms: number): string => Timestamp.format(ms, Duration.offsetAt(zone, ms))

describe('formatIn (the engine cache of written instants)', () => {
  it('writes what Timestamp.format writes at the zone offset, whatever was written before', () => {
    // Instants on few distinct values, so that the same instant comes back in other zones.
    const instant = fc.oneof(
      fc.integer({ min: 0, max: 7 }).map((k) => 1_750_000_000_000 + k * 256),
      fc.integer({ min: 0, max: 7 }).map((k) => 1_750_000_000_000 + k * 4_294_967_296),
      fc.integer({ min: -2_000_000_000_000, max: 4_000_000_000_000 }),
    )
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...ZONES), instant), { maxLength: 60 }), (calls) => {
        for (const [zone, ms] of calls) expect(formatIn(zone, ms)).toBe(direct(zone, ms))
      }),
      { numRuns: 300 },
    )
  })

  it('writes each instant in each zone anew, in any order (many more pairs than cache slots)', () => {
    const calls: Array<readonly [string, number]> = []
    for (let k = 0; k < 400; k++)
      for (const zone of ZONES) calls.push([zone, 1_750_000_000_000 + k * 86_400_000])
    for (const order of [calls, [...calls].reverse(), calls.filter((_, i) => i % 3 === 0)])
      for (const [zone, ms] of order) expect(formatIn(zone, ms)).toBe(direct(zone, ms))
  })

  it('tells one instant apart in two zones', () => {
    const t = Timestamp.toMillis('2026-06-01T10:00:00Z')
    expect(formatIn('UTC+05:30', t)).toBe('2026-06-01T15:30:00.000+05:30')
    expect(formatIn('UTC-04:00', t)).toBe('2026-06-01T06:00:00.000-04:00')
    expect(formatIn('UTC+05:30', t + 1)).toBe('2026-06-01T15:30:00.001+05:30')
  })
})
