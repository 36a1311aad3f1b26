import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as EventStore from './EventStore.js'

describe('EventStore.streamName', () => {
  it('keeps letters, digits and _.~- and escapes the rest at a fixed width', () => {
    expect(EventStore.streamName('c-1_a.b~')).toBe('case-c-1_a.b~')
    expect(EventStore.streamName('$all/x y')).toBe('case-%24all%2Fx%20y')
    expect(EventStore.streamName('é€')).toBe('case-%E9%u20AC')
    expect(EventStore.streamName('\uD83D\uDE00')).toBe('case-%uD83D%uDE00')
  })

  it('gives two case ids once confused by the variable-width escape two names', () => {
    expect(EventStore.streamName('€')).not.toBe(EventStore.streamName(' AC'))
    expect(EventStore.streamName('ā')).not.toBe(EventStore.streamName('\x101'))
  })

  it('is one-to-one, never starts with $ and holds only safe characters (any UTF-16 string)', () => {
    const id = fc.string({ unit: 'binary', maxLength: 6 })
    fc.assert(
      fc.property(id, id, (a, b) => {
        const name = EventStore.streamName(a)
        expect(name).toMatch(/^case-[A-Za-z0-9_.~%-]*$/)
        expect(a === b).toBe(name === EventStore.streamName(b))
      }),
      { numRuns: 2000 },
    )
  })

  it('reads back: every name decodes to its case id, so no two ids share one (any UTF-16 string)', () => {
    // the inverse of the escape, written independently: %uXXXX is one code unit, %XX another
    const decode = (name: string): string =>
      name
        .slice('case-'.length)
        .replace(/%u([0-9A-F]{4})|%([0-9A-F]{2})/g, (_, u: string | undefined, b: string | undefined) =>
          String.fromCharCode(Number.parseInt(u ?? b!, 16)),
        )
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 8 }), (id) => {
        expect(decode(EventStore.streamName(id))).toBe(id)
      }),
      { numRuns: 2000 },
    )
  })
})
