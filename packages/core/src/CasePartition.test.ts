import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as CasePartition from './CasePartition.js'
import * as Integrity from './Integrity.js'

describe('CasePartition', () => {
  it('hashes with 32-bit FNV-1a (published test vectors, over UTF-16 code units)', () => {
    expect(CasePartition.hash('')).toBe(0x811c9dc5)
    expect(CasePartition.hash('a')).toBe(0xe40c292c)
    expect(CasePartition.hash('foobar')).toBe(0xbf9cf968)
    // a code point above U+FFFF is hashed as its two surrogates, as JavaScript strings hold it
    expect(CasePartition.hash('🚨')).toBe(CasePartition.hash('\ud83d\udea8'))
  })

  it('keys a case by its hash, the integrity checkpoints by 0, and puts it in key % count', () => {
    expect(CasePartition.key(Integrity.CHECKPOINT_CASE)).toBe(0)
    expect(CasePartition.hash(Integrity.CHECKPOINT_CASE)).not.toBe(0)
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 1, max: 1000 }), (caseId, count) => {
        fc.pre(caseId !== Integrity.CHECKPOINT_CASE)
        const key = CasePartition.key(caseId)
        expect(key).toBe(CasePartition.hash(caseId))
        expect(Number.isInteger(key) && key >= 0 && key < 2 ** 32).toBe(true)
        const p = CasePartition.of(caseId, count)
        expect(p).toBe(key % count)
        for (let index = 0; index < Math.min(count, 8); index++)
          expect(CasePartition.includes({ index, count }, caseId)).toBe(index === p)
      }),
    )
    for (const count of [1, 2, 3, 7, 64]) {
      expect(CasePartition.of(Integrity.CHECKPOINT_CASE, count)).toBe(0)
      expect(CasePartition.includes({ index: 0, count }, Integrity.CHECKPOINT_CASE)).toBe(true)
    }
  })

  it('spreads generated case ids over the partitions', () => {
    const counts = [0, 0, 0, 0, 0]
    for (let i = 0; i < 5000; i++) counts[CasePartition.of(`c${String(i).padStart(8, '0')}`, 5)]!++
    for (const c of counts) expect(c).toBeGreaterThan(800)
  })

  it('checks a partition option, naming the field at fault', () => {
    expect(CasePartition.check({ index: 2, count: 3 })).toEqual({ index: 2, count: 3 })
    expect(CasePartition.check({ index: 0, count: 1 })).toEqual({ index: 0, count: 1 })
    const bad =
      (p: unknown): (() => CasePartition.Partition) =>
      () =>
        CasePartition.check(p as CasePartition.Partition)
    expect(bad({ index: 0, count: 0 })).toThrow('readAll: partition.count must be an integer ≥ 1, got 0')
    expect(bad({ index: 0, count: 2 ** 53 })).toThrow(/partition\.count/)
    expect(bad({ index: 0, count: Number.POSITIVE_INFINITY })).toThrow(/partition\.count/)
    expect(bad({ index: 0, count: '3' })).toThrow('partition.count must be an integer ≥ 1, got "3"')
    expect(bad({ index: 3, count: 3 })).toThrow(
      'readAll: partition.index must be an integer with 0 ≤ index < count (3), got 3',
    )
    expect(bad({ index: -1, count: 3 })).toThrow(/partition\.index/)
    expect(bad({ index: 1.5, count: 3 })).toThrow(/partition\.index/)
    expect(bad({ count: 3 })).toThrow(/partition\.index .* got undefined/)
    expect(bad(undefined)).toThrow('readAll: partition must be { index, count }, got undefined')
    expect(() => CasePartition.check({ index: 5, count: 2 }, 'export')).toThrow(/^export: partition\.index/)
  })
})
