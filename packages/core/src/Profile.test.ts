import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as DecodeError from './DecodeError.js'
import * as Profile from './Profile.js'

const problems = (u: unknown): string => {
  const decoded = Profile.decode(u)
  return E.isLeft(decoded) ? DecodeError.format(decoded.left) : 'decoded'
}

const issues = (u: unknown) => {
  const r = Profile.decode(u)
  return E.isLeft(r) ? r.left.issues : []
}

describe('Profile.decode', () => {
  it('takes IANA zones and fixed offsets as timeZone', () => {
    for (const zone of ['Europe/Paris', 'America/Los_Angeles', 'Asia/Kathmandu', 'UTC', 'UTC+02:00']) {
      const decoded = Profile.decode({ timeZone: zone })
      expect(E.isRight(decoded) && decoded.right.timeZone, zone).toBe(zone)
    }
  })

  it('refuses a timeZone luxon does not know, or the machine’s own zone, naming the field and the value', () => {
    expect(problems({ name: 'acme', timeZone: 'Mars/Olympus' })).toBe(
      'timeZone: got "Mars/Olympus", expected an IANA time zone, such as Europe/Paris, or a fixed offset, such as UTC+02:00',
    )
    for (const zone of ['', 'local', 'system', 'Europe/Paris ']) {
      expect(problems({ timeZone: zone }), zone).toContain('timeZone: got')
    }
  })
})

describe('Profile.decode: jurisdictions', () => {
  it('takes ISO 3166-1 alpha-2 codes for markets and establishment', () => {
    const r = Profile.decode({ establishment: 'IE', markets: ['US', 'GB', 'FR'] })
    expect(E.isRight(r) && r.right.markets).toEqual(['US', 'GB', 'FR'])
  })

  it('rejects UK and EU (which would silently drop every obligation), naming the field', () => {
    expect(issues({ markets: ['US', 'UK'] })).toEqual([
      { path: 'markets.1', value: 'UK', expected: expect.stringContaining('the United Kingdom is GB') },
    ])
    expect(issues({ markets: ['EU'] })).toEqual([
      { path: 'markets.0', value: 'EU', expected: expect.stringContaining('name the member states') },
    ])
    expect(issues({ establishment: 'ZZ' }).map((i) => i.path)).toEqual(['establishment'])
  })
})
