import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Uuid from './uuid.js'

describe('UUIDv5', () => {
  it('matches the RFC test vector (DNS namespace, www.example.com)', () => {
    expect(Uuid.v5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    )
  })

  it('is a deterministic, well-formed version 5 UUID for any id', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (id) => {
        const u = Uuid.v5(id)
        expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
        expect(Uuid.v5(id)).toBe(u)
      }),
    )
  })

  it('maps distinct ids to distinct UUIDs', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        fc.pre(a !== b)
        expect(Uuid.v5(a)).not.toBe(Uuid.v5(b))
      }),
    )
  })
})

describe('the Docket namespace', () => {
  it('is the UUIDv5 of its URL in the URL namespace', () => {
    expect(Uuid.v5('https://docket.dev/ns/event-id', '6ba7b811-9dad-11d1-80b4-00c04fd430c8')).toBe(
      Uuid.DOCKET_EVENT_NAMESPACE,
    )
  })
})
