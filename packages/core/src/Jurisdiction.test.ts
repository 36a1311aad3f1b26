import { describe, expect, it } from 'vitest'
import * as Jurisdiction from './Jurisdiction.js'
import * as Timestamp from './Timestamp.js'

const at = Timestamp.toMillis

describe('EU membership by date', () => {
  it('has the 27 current members', () => {
    expect(Jurisdiction.EU_MEMBERS).toHaveLength(27)
    expect(Jurisdiction.euMembersAt(at('2026-01-01T00:00:00Z'))).toEqual(Jurisdiction.EU_MEMBERS)
    expect(Jurisdiction.EU_MEMBERS).toContain('GR')
    expect(Jurisdiction.EU_MEMBERS).not.toContain('GB')
  })

  it('GB was a member until 2020-01-31T23:00Z (midnight in Brussels)', () => {
    expect(Jurisdiction.isEuMember('GB', at('2020-01-31T22:59:59.999Z'))).toBe(true)
    expect(Jurisdiction.isEuMember('GB', at('2020-01-31T23:00:00Z'))).toBe(false)
    expect(Jurisdiction.euMembersAt(at('2019-06-01T00:00:00Z'))).toHaveLength(28)
  })

  it('reads accessions at midnight Brussels time', () => {
    expect(Jurisdiction.isEuMember('HR', at('2013-06-30T21:59:59Z'))).toBe(false)
    expect(Jurisdiction.isEuMember('HR', at('2013-06-30T23:00:00Z'))).toBe(true)
    expect(Jurisdiction.anyInEu(['US', 'FR'], at('2026-01-01T00:00:00Z'))).toBe(true)
    expect(Jurisdiction.anyInEu(['US', 'GB'], at('2026-01-01T00:00:00Z'))).toBe(false)
  })
})
