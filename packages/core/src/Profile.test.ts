import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as Profile from './Profile.js'

const issues = (u: unknown) => {
  const r = Profile.decode(u)
  return E.isLeft(r) ? r.left.issues : []
}

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
