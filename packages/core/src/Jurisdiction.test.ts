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

describe('Jurisdiction.CODES', () => {
  it('holds the 249 officially assigned ISO 3166-1 alpha-2 codes, sorted, each once', () => {
    expect(Jurisdiction.CODES).toHaveLength(249)
    expect([...Jurisdiction.CODES].sort()).toEqual(Jurisdiction.CODES)
    expect(new Set(Jurisdiction.CODES).size).toBe(249)
    for (const c of Jurisdiction.CODES) expect(c).toMatch(/^[A-Z]{2}$/)
    // the latest assignments (2010–2011), and codes assigned to territories rather than states
    for (const c of ['SS', 'BQ', 'CW', 'SX', 'GB', 'GR', 'AQ', 'UM', 'IO', 'PS', 'TW', 'HK'])
      expect(Jurisdiction.isCode(c), c).toBe(true)
  })

  it('leaves out what CLDR names but ISO does not assign, and deleted codes', () => {
    const notAssigned = [
      'EU',
      'EZ',
      'UN',
      'XK',
      'ZZ',
      'QO',
      'AC',
      'CP',
      'CQ',
      'DG',
      'EA',
      'IC',
      'TA',
      'XA',
      'XB',
    ]
    const deleted = ['UK', 'AN', 'BU', 'CS', 'DD', 'FX', 'SU', 'TP', 'YU', 'ZR', 'EL']
    for (const c of [...notAssigned, ...deleted]) expect(Jurisdiction.isCode(c), c).toBe(false)
    expect(Jurisdiction.isCode('gb')).toBe(false)
  })

  it('has every EU member state, past and present', () => {
    for (const m of Jurisdiction.EU_MEMBERSHIPS) expect(Jurisdiction.isCode(m.code), m.code).toBe(true)
  })

  it('says what to write instead of the likely mistakes, and nothing otherwise', () => {
    expect(Jurisdiction.correction('UK')).toContain('GB')
    expect(Jurisdiction.correction('EU')).toContain('member states')
    expect(Jurisdiction.correction('EL')).toContain('GR')
    expect(Jurisdiction.correction('fr')).toBe('codes are upper case: FR')
    expect(Jurisdiction.correction('uk')).toContain('GB')
    expect(Jurisdiction.correction('ZZ')).toBeUndefined()
    expect(Jurisdiction.correction(42)).toBeUndefined()
  })
})
