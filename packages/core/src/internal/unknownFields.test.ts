import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { unknownFields } from './unknownFields.js'

const paths = (codec: t.Mixed, u: unknown): ReadonlyArray<string> =>
  unknownFields(codec, u).map((i) => i.path)

describe('unknownFields', () => {
  const Item = t.intersection([t.type({ id: t.string }), t.partial({ note: t.string })])
  const Doc = t.partial({
    items: t.readonlyArray(Item),
    byId: t.record(t.string, Item),
    shape: t.union([t.type({ kind: t.literal('a') }), t.type({ kind: t.literal('b'), size: t.number })]),
    exact: t.exact(t.type({ x: t.number })),
    count: t.refinement(t.number, (n) => n > 0),
  })

  it('finds nothing in a value with only known fields', () => {
    expect(
      paths(Doc, {
        items: [{ id: 'a', note: 'n' }],
        byId: { anything: { id: 'b' } },
        shape: { kind: 'b', size: 1 },
        exact: { x: 1 },
        count: 2,
      }),
    ).toEqual([])
  })

  it('names every unknown key with its path, through arrays, records, intersections, unions and exact types', () => {
    expect(
      paths(Doc, {
        extra: 1,
        items: [{ id: 'a' }, { id: 'b', note: 'n', colour: 'red' }],
        byId: { anything: { id: 'c', size: 1 } },
        shape: { kind: 'a', size: 1 },
        exact: { x: 1, y: 2 },
      }),
    ).toEqual(['extra', 'items.1.colour', 'byId.anything.size', 'shape.size', 'exact.y'])
  })

  it('leaves values the codec rejects to the decoder', () => {
    expect(paths(Doc, { items: 'none', shape: { kind: 'c', other: 1 }, count: { n: 1 } })).toEqual([])
    expect(paths(Doc, null)).toEqual([])
  })
})
