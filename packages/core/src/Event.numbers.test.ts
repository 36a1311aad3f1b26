import * as fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import * as DecodeError from './DecodeError.js'
import * as Envelope from './Envelope.js'
import { DATA_CODECS, MAX_AGE } from './Event.js'
import * as Jsonl from './Jsonl.js'

// Every number of the format is a count, a level or an age: one refinement each, and a count is
// never negative and never past 2^53 − 1, where a double stops holding every integer.

const at = { id: 'e1', caseId: 'c1', occurredAt: '2026-01-01T00:00:00Z' }

/** A valid event with the number `n` at the field `path` (dotted, under the event). */
interface NumberField {
  readonly path: string
  readonly kind: 'Count' | 'Level' | 'Age'
  readonly event: (n: number) => Record<string, unknown>
}

const report = (claims: Record<string, unknown>) => ({
  ...at,
  type: 'ContentReported',
  data: {
    reportId: 'r1',
    channel: 'in_app',
    category: 'ncii',
    content: { ref: 'v1', kind: 'video' },
    jurisdictions: ['US'],
    claims,
  },
})

const FIELDS: ReadonlyArray<NumberField> = [
  {
    path: 'data.views',
    kind: 'Count',
    event: (n) => ({ ...at, type: 'ExposureObserved', data: { views: n, shares: 0 } }),
  },
  {
    path: 'data.shares',
    kind: 'Count',
    event: (n) => ({ ...at, type: 'ExposureObserved', data: { views: 0, shares: n } }),
  },
  {
    path: 'data.copiesActioned',
    kind: 'Count',
    event: (n) => ({ ...at, type: 'ContentActioned', data: { action: 'removed', copiesActioned: n } }),
  },
  {
    path: 'data.level',
    kind: 'Level',
    event: (n) => ({ ...at, type: 'EscalationRaised', data: { escalationId: 'x', level: n, reason: 'r' } }),
  },
  {
    path: 'data.repeat',
    kind: 'Count',
    event: (n) => ({
      ...at,
      type: 'EscalationRaised',
      data: { escalationId: 'x', level: 1, reason: 'r', repeat: n },
    }),
  },
  { path: 'data.claims.ageAtCapture', kind: 'Age', event: (n) => report({ ageAtCapture: n }) },
]

const accepts = (kind: NumberField['kind'], n: number): boolean =>
  kind === 'Age'
    ? Number.isFinite(n) && n >= 0 && n <= MAX_AGE
    : Number.isSafeInteger(n) && n >= (kind === 'Level' ? 1 : 0)

/** The names of the refinements that wrap each `t.number` of a codec, one entry per number found. */
const numberGuards = (c: t.Decoder<unknown, unknown>, outer: string | undefined): string[] => {
  const node = c as unknown as {
    readonly _tag: string
    readonly name: string
    readonly props?: Record<string, t.Decoder<unknown, unknown>>
    readonly types?: ReadonlyArray<t.Decoder<unknown, unknown>>
    readonly type?: t.Decoder<unknown, unknown>
  }
  switch (node._tag) {
    case 'NumberType':
      return [outer ?? 'a bare number']
    case 'RefinementType':
      return numberGuards(node.type!, outer ?? node.name)
    case 'InterfaceType':
    case 'PartialType':
      return Object.values(node.props!).flatMap((p) => numberGuards(p, undefined))
    case 'IntersectionType':
    case 'UnionType':
      return node.types!.flatMap((m) => numberGuards(m, undefined))
    case 'ArrayType':
    case 'ReadonlyArrayType':
    case 'ExactType':
      return numberGuards(node.type!, undefined)
    default:
      return []
  }
}

describe('numbers in events', () => {
  it('every number of every payload is a Count, a Level or an Age (no bare t.number)', () => {
    const found = Object.entries(DATA_CODECS).flatMap(([type, codec]) =>
      numberGuards(codec as t.Decoder<unknown, unknown>, undefined).map((g) => `${type}: ${g}`),
    )
    expect(found.filter((f) => !/: (Count|Level|Age)$/.test(f))).toEqual([])
    // and the table below covers each of them
    expect(found.length).toBe(FIELDS.length)
  })

  it('accepts exactly the counts, levels and ages that make sense, naming the field otherwise', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FIELDS),
        fc.oneof(
          fc.integer({ min: -1000, max: 1000 }),
          fc.double({ noNaN: true }),
          fc.constantFrom(
            Number.MAX_SAFE_INTEGER,
            Number.MAX_SAFE_INTEGER + 1,
            2 ** 60,
            -Number.MAX_SAFE_INTEGER,
            MAX_AGE,
            MAX_AGE + 0.5,
            -0.5,
          ),
        ),
        (field, n) => {
          for (const decode of [Envelope.decode, Envelope.decodeWithCodecs]) {
            const r = decode(field.event(n))
            if (accepts(field.kind, n)) expect(E.isRight(r)).toBe(true)
            else expect(E.isLeft(r) && r.left.issues.map((i) => i.path)).toEqual([field.path])
          }
        },
      ),
    )
  })

  it('refuses a negative copiesActioned and an integer past 2^53 − 1 on its line, with the field', () => {
    const line = (copies: string) =>
      `{"id":"e1","type":"ContentActioned","caseId":"c1","occurredAt":"2026-01-01T00:00:00Z","data":{"action":"removed","copiesActioned":${copies}}}`
    const negative = Jsonl.decodeLine(line('-3'), 4)
    expect(E.isLeft(negative) && DecodeError.format(negative.left)).toBe(
      'line 4: data.copiesActioned: got -3, expected an integer ≥ 0, at most 2^53 − 1 (9007199254740991: a larger one is not read exactly)',
    )
    // JSON.parse rounds 9007199254740993 to 9007199254740992: refused, not stored as another number
    const huge = Jsonl.decodeLine(line('9007199254740993'), 7)
    expect(E.isLeft(huge) && huge.left.issues.map((i) => [i.path, i.value])).toEqual([
      ['data.copiesActioned', 9007199254740992],
    ])
    expect(E.isRight(Jsonl.decodeLine(line('9007199254740991'), 1))).toBe(true)
  })
})
