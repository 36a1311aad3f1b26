import { describe, expect, it } from 'vitest'
import * as LastSeals from './lastSeals.js'

describe('LastSeals', () => {
  it('gives null for a stream it does not hold, and forgets one set to null', () => {
    const seals = LastSeals.make(4)
    expect(seals.get('c')).toBeNull()
    seals.set('c', 'h1')
    expect(seals.get('c')).toBe('h1')
    seals.set('c', null)
    expect(seals.get('c')).toBeNull()
  })

  it('holds at most max streams, forgetting the least recently set first', () => {
    const seals = LastSeals.make(2)
    seals.set('a', 'ha')
    seals.set('b', 'hb')
    seals.set('a', 'ha2') // a is now the most recent
    seals.set('c', 'hc')
    expect([seals.get('a'), seals.get('b'), seals.get('c')]).toEqual(['ha2', null, 'hc'])
  })

  it('leaves a contended stream to the server for the groups given, forgetting its seal', () => {
    const seals = LastSeals.make(4)
    seals.set('c', 'h')
    seals.contend('c', 2)
    expect(seals.contended('c')).toBe(true)
    seals.served('c')
    expect([seals.contended('c'), seals.get('c')]).toEqual([true, null])
    seals.served('c')
    expect(seals.contended('c')).toBe(false)
    expect(seals.contended('other')).toBe(false)
  })
})
