// The checked condition codecs stay bounded however many sets of event types documents name.
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { CACHED_TYPE_SETS, ConditionCodec, cachedTypeSets } from './conditionCodec.js'

describe('ConditionCodec', () => {
  it('keeps at most CACHED_TYPE_SETS built codecs, and decodes alike after dropping one', () => {
    const first = { event: ['ReviewDecided', 'AppealDecided'], outcome: ['violation'] }
    expect(E.isRight(ConditionCodec.decode(first))).toBe(true)
    for (let i = 1; i <= CACHED_TYPE_SETS + 50; i++) {
      expect(E.isRight(ConditionCodec.decode({ event: ['ContentReported', `x-acme.Type${i}`] }))).toBe(true)
    }
    expect(cachedTypeSets()).toBeLessThanOrEqual(CACHED_TYPE_SETS)
    // the first set's codec was dropped; built again, it still refuses what it refused
    expect(E.isRight(ConditionCodec.decode(first))).toBe(true)
    expect(E.isLeft(ConditionCodec.decode({ ...first, outcome: ['violaton'] }))).toBe(true)
  })
})
