/**
 * The replay's `Partition.of` and core's `CasePartition` (which every store's
 * `readAll({ partition })` filters by) must assign every case alike, so that
 * a machine reading partition i of n from a store replays exactly the cases
 * `Partition.replay` would route to partition i.
 */
import { CasePartition, Integrity } from '@docket/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Partition from './replay/Partition.js'

describe('Partition.of and CasePartition', () => {
  it('put every case in the same partition (the integrity checkpoints, never replayed, aside)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 1, max: 4096 }), (caseId, n) => {
        expect(Partition.of(caseId, n)).toBe(CasePartition.hash(caseId) % n)
        if (caseId !== Integrity.CHECKPOINT_CASE)
          expect(Partition.of(caseId, n)).toBe(CasePartition.of(caseId, n))
      }),
      { numRuns: 2000 },
    )
    for (let i = 0; i < 1000; i++) {
      const caseId = `c${String(i).padStart(8, '0')}`
      expect(Partition.of(caseId, 7)).toBe(CasePartition.of(caseId, 7))
    }
  })
})
