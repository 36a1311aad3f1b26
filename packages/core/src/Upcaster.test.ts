import * as fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as DecodeError from './DecodeError.js'
import * as Envelope from './Envelope.js'
import * as Jsonl from './Jsonl.js'
import * as MemoryEventStore from './MemoryEventStore.js'
import * as Upcaster from './Upcaster.js'

// The interchange format is at schema version 1 and has never needed an upcaster. These tests
// invent an old shape to show the mechanism: suppose version 1 of a (test-only) type `Flagged` is
// what later became `ContentReported` version 2, with `data.why` renamed `data.category`.

const renameFlagged: Upcaster.Upcaster = {
  type: 'Flagged',
  from: 1,
  up: (raw) => {
    const { why, ...data } = raw.data as Record<string, unknown>
    return { ...raw, type: 'ContentReported', data: { ...data, category: why } }
  },
}

const old = {
  id: 'e1',
  type: 'Flagged',
  caseId: 'c1',
  occurredAt: '2019-05-01T12:00:00+02:00',
  data: {
    reportId: 'r1',
    channel: 'email',
    why: 'ncii',
    content: { ref: 'p1', kind: 'image' },
    jurisdictions: ['DE'],
    legacyField: 'kept',
  },
  meta: { correlationId: 'k' },
}

describe('Upcaster', () => {
  it('upcasts an old event to the current shape, then decoding the result works', () => {
    const registry = Upcaster.registry([renameFlagged])
    const r = Envelope.decode(old, { upcasters: registry })
    expect(r).toEqual(
      E.right({
        ...old,
        type: 'ContentReported',
        data: {
          reportId: 'r1',
          channel: 'email',
          category: 'ncii',
          content: { ref: 'p1', kind: 'image' },
          jurisdictions: ['DE'],
          legacyField: 'kept',
        },
        meta: { correlationId: 'k', schemaVersion: 2 },
      }),
    )
    // without the upcaster, the old type is unknown
    const without = Envelope.decode(old)
    expect(E.isLeft(without) && without.left.issues.map((i) => i.path)).toEqual(['type'])
  })

  it('chains upcasters version by version, and stops at the first version it has none for', () => {
    const seen: number[] = []
    const step = (from: number): Upcaster.Upcaster => ({
      type: 'CaseClosed',
      from,
      up: (raw) => {
        seen.push(from)
        const data = raw.data as Record<string, unknown>
        return { ...raw, data: { ...data, trail: `${String(data.trail ?? '')}${from}` } }
      },
    })
    const registry = Upcaster.registry([step(2), step(1), step(3)])
    const raw = { id: 'e', type: 'CaseClosed', caseId: 'c', occurredAt: '2020-01-01T00:00:00Z', data: {} }
    expect(Upcaster.upcast(registry, raw)).toEqual({
      ...raw,
      data: { trail: '123' },
      meta: { schemaVersion: 4 },
    })
    expect(seen).toEqual([1, 2, 3])
    // an event already at version 3 only takes the last step; one at version 9 none
    expect(Upcaster.upcast(registry, { ...raw, meta: { schemaVersion: 3 } })).toMatchObject({
      data: { trail: '3' },
    })
    const current = { ...raw, meta: { schemaVersion: 9 } }
    expect(Upcaster.upcast(registry, current)).toBe(current)
  })

  it('leaves other types and an empty registry alone', () => {
    const registry = Upcaster.registry([renameFlagged])
    const other = { ...old, type: 'CaseClosed', data: {} }
    expect(Upcaster.upcast(registry, other)).toBe(other)
    expect(Upcaster.upcast(Upcaster.empty, old)).toBe(old)
  })

  it('an upcaster whose output is invalid gives a DecodeError, not a throw', () => {
    const broken = Upcaster.registry([
      { type: 'Flagged', from: 1, up: (raw) => ({ ...raw, type: 'ContentReported' }) },
    ])
    const r = Envelope.decode(old, { upcasters: broken })
    expect(E.isLeft(r) && r.left.issues.map((i) => i.path)).toEqual(['data.category'])
  })

  it('two upcasters for the same type and version are a bug', () => {
    expect(() => Upcaster.registry([renameFlagged, renameFlagged])).toThrow(/two upcasters for Flagged@1/)
  })

  it('JSON Lines decoding runs the upcasters on every line', () => {
    const text = [
      JSON.stringify(old),
      JSON.stringify({ ...old, id: 'e2', data: { ...old.data, why: 'nope' } }),
    ].join('\n')
    const r = Jsonl.decodeText(text, { upcasters: Upcaster.registry([renameFlagged]) })
    expect(r.events.map((l) => [l.line, l.event.type])).toEqual([[1, 'ContentReported']])
    expect(r.errors.map((e) => [e.line, e.issues.map((i) => i.path)])).toEqual([[2, ['data.category']]])
    expect(Upcaster.CURRENT_SCHEMA_VERSION).toBe(1)
  })

  describe('an event written by a newer Docket', () => {
    // the current shape of `old` (see the first test), now stated as version 1, 2…
    const { why, legacyField, ...rest } = old.data
    const reported = { ...old, id: 'n1', type: 'ContentReported', data: { ...rest, category: why } }
    const at = (schemaVersion: number) => ({ ...reported, meta: { schemaVersion } })

    it('is refused, never read as version 1, with the version and what this library reads', () => {
      for (const decode of [Envelope.decode, Envelope.decodeWithCodecs]) {
        const r = decode(at(2))
        expect(E.isLeft(r) && DecodeError.format(r.left)).toBe(
          'meta.schemaVersion: got 2, expected at most 1 (written by a newer Docket: schemaVersion 2 of ContentReported; this library reads up to 1; upgrade Docket to read it)',
        )
      }
      const line = Jsonl.decodeLine(JSON.stringify(at(2)), 5)
      expect(E.isLeft(line) && DecodeError.format(line.left)).toMatch(
        /^line 5: meta\.schemaVersion: got 2, .*written by a newer Docket: schemaVersion 2 of ContentReported; this library reads up to 1/,
      )
    })

    it('is refused for every version past the newest one known for its type, upcasters included', () => {
      const chain = Upcaster.registry(
        [1, 2].map((from) => ({ type: 'ContentReported', from, up: (raw: Upcaster.RawEvent) => raw })),
      )
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.boolean(), (v, withChain) => {
          const known = withChain ? 3 : 1
          const r = Envelope.decode(at(v), withChain ? { upcasters: chain } : {})
          expect(E.isRight(r)).toBe(v <= known)
          if (E.isLeft(r)) expect(r.left.issues[0]?.expected).toContain(`this library reads up to ${known}`)
        }),
      )
    })

    it("leaves a platform's own types alone: their versions are the platform's", () => {
      const vendor = { ...reported, type: 'x-acme.Flag', data: { any: 1 }, meta: { schemaVersion: 7 } }
      expect(Envelope.decode(vendor)).toEqual(E.right(vendor))
    })

    it('is refused by a store append, so that no store holds what its readers would misread', async () => {
      const store = MemoryEventStore.make()
      const r = await store.append('c1', [{ ...at(2), recordedAt: reported.occurredAt }] as never, 'any')()
      expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'InvalidAppend' })
      expect(JSON.stringify(E.isLeft(r) && r.left)).toContain(
        'event n1: written by a newer Docket: schemaVersion 2 of ContentReported; this library reads up to 1',
      )
      const ok = await store.append('c1', [{ ...at(1), recordedAt: reported.occurredAt }] as never, 'any')()
      expect(E.isRight(ok)).toBe(true)
    })
  })
})
