import { Integrity, type Recorded } from '@docket/core'
import { History } from '@docket/core/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Partition from '../replay/Partition.js'
import * as LineFields from './lineFields.js'

/** The worker a line's fields send it to, as `Workers.replay` routes (no string caseId: the first). */
const route = (f: Partition.Fields, n: number): number | undefined =>
  typeof f.caseId === 'string' ? Partition.worker(f.caseId, n) : 0

/** What the reading thread takes of a line: its route on 1 to 4 workers, its id, its instants, its seal. */
const taken = (f: Partition.Fields) => ({
  routes: [1, 2, 3, 4].map((n) => route(f, n)),
  id: f.id,
  caseId: f.caseId,
  occurredAt: f.occurredAt,
  recordedAt: f.recordedAt,
  seal: Integrity.sealFrom(f as Recorded)?.hash,
})

/** Strings with what JSON escapes (quotes, backslashes, control characters, lone surrogates) and field names in them. */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
  fc.constantFrom(
    'c1',
    'id',
    'caseId',
    '"caseId":"x"',
    'a"b',
    'c\\d',
    '\n',
    '\u2028',
    '\ud800',
    '',
    'meta',
    '"meta"',
  ),
)

/** A JSON value nested a little, its objects' keys sometimes the fields' names. */
const nested = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(
      fc.oneof(text, fc.constantFrom('id', 'caseId', 'occurredAt', 'recordedAt', 'meta')),
      tie('value'),
      {
        maxKeys: 4,
      },
    ),
  ),
})).value

/** A top-level field's value: mostly a string, sometimes anything. */
const fieldValue = fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: nested })

/** Event-like objects: the fields and others in any order, `data` nesting `caseId` keys, sometimes a seal. */
const eventLike = fc
  .tuple(
    fc.shuffledSubarray(
      [
        fc.tuple(fc.constant('id'), fieldValue),
        fc.tuple(fc.constant('type'), text),
        fc.tuple(fc.constant('caseId'), fieldValue),
        fc.tuple(fc.constant('occurredAt'), fieldValue),
        fc.tuple(fc.constant('recordedAt'), fieldValue),
        fc.tuple(fc.constant('actor'), nested),
        fc.tuple(
          fc.constant('data'),
          fc.record({ id: text, caseId: fieldValue, occurredAt: text, note: nested }, { requiredKeys: [] }),
        ),
        fc.tuple(
          fc.constant('meta'),
          fc.oneof(
            fc.record({
              integrity: fc.record({ alg: fc.constant('sha256'), prev: fc.constant(null), hash: text }),
            }),
            nested,
          ),
        ),
        fc.tuple(text, nested),
      ],
      { minLength: 0 },
    ),
  )
  .chain(([arbs]) => fc.tuple(...arbs))
  .map((entries) => Object.fromEntries(entries))

/** The object written as a line: compact, with whitespace, with a key written with an escape, or a key twice. */
const written = fc
  .tuple(eventLike, fc.constantFrom('compact', 'spaced', 'escapedKey', 'twice', 'idTwice'), text)
  .map(([o, how, dup]) => {
    const compact = JSON.stringify(o)
    switch (how) {
      case 'compact':
        return compact
      case 'spaced':
        // JSON.stringify escapes newlines inside strings, so these are whitespace between tokens
        return JSON.stringify(o, null, 1).replaceAll('\n', ' ')
      case 'escapedKey':
        return compact.replace('"caseId":', '"case\\u0049d":').replace('"occurredAt":', '"\\u006fccurredAt":')
      case 'idTwice':
        // a first id that a later top-level one replaces, as JSON.parse reads it
        return `{"id":${JSON.stringify(dup)},${compact.slice(1)}`.replace(',}', '}')
      default:
        return `{"caseId":${JSON.stringify(dup)},${compact.slice(1)}`.replace(',}', '}')
    }
  })

describe('LineFields', () => {
  it('routes a line, and reads its instants and seal, as JSON.parse of it does (property)', () => {
    fc.assert(
      fc.property(written, (line) => {
        expect(taken(LineFields.of(line))).toEqual(taken(LineFields.parsed(line)))
        const scanned = LineFields.scan(line)
        if (scanned !== undefined) expect(taken(scanned)).toEqual(taken(LineFields.parsed(line)))
      }),
      { numRuns: 2000 },
    )
  })

  it('scans lines as Docket writes events, with no parse of the whole line, whatever their cases and seals', () => {
    let prev: string | null = null
    for (const e of History.generate({ events: 3000, seed: 9 })) {
      const line = JSON.stringify(e)
      expect(LineFields.scan(line)).toEqual({
        id: e.id,
        caseId: e.caseId,
        occurredAt: e.occurredAt,
        recordedAt: e.recordedAt,
      })
      // a sealed line has `meta` last: scanned too, its `meta` parsed alone for the seal
      const sealed = Integrity.seal(e, prev)
      prev = Integrity.sealFrom(sealed)!.hash
      expect(LineFields.scan(JSON.stringify(sealed))).toEqual({
        id: e.id,
        caseId: e.caseId,
        occurredAt: e.occurredAt,
        recordedAt: e.recordedAt,
        meta: sealed.meta,
      })
    }
  })

  it("reads the top-level id whatever nested ids the line holds (an actor's), and leaves a later top-level one to JSON.parse", () => {
    const line = (rest: string) => `{"id":"e1","caseId":"c1","occurredAt":"2025-01-01T00:00:00Z"${rest}}`
    for (const rest of [
      ',"actor":{"kind":"moderator","id":"m1"}',
      ',"data":{"items":[{"id":"x"}],"flagger":{"id":"id"}}',
      ',"note":"id"',
    ])
      expect(LineFields.scan(line(rest))?.id).toBe('e1')
    for (const rest of [
      ',"actor":{"kind":"moderator"},"id":"e2"',
      ',"data":{},"id" :"e2"',
      ',"data":{},"note":"id"',
    ]) {
      expect(LineFields.scan(line(rest))).toBeUndefined()
      expect(LineFields.of(line(rest)).id).toBe(LineFields.parsed(line(rest)).id)
    }
  })

  it('leaves lines that are not plain JSON objects to JSON.parse, which gives {} for what is not one', () => {
    for (const line of [
      '',
      ' ',
      '[1]',
      '"x"',
      '3',
      'null',
      '{}',
      ' {"caseId":"a"}',
      '{"caseId": "a"}',
      '\ufeff{"caseId":"a"}',
    ])
      expect(LineFields.of(line)).toEqual(LineFields.parsed(line))
    expect(LineFields.of('{"caseId":"a"')).toEqual({})
  })

  it('reads the seal of the top-level meta only, whatever other "meta" the line holds', () => {
    const seal = '{"integrity":{"alg":"sha256","prev":null,"hash":"h"}}'
    for (const line of [
      `{"caseId":"a","data":{"x" : 1},"meta" : ${seal}}`,
      `{"caseId":"a","data":{"meta":${seal}},"meta":{"integrity":{"hash":"top"}}}`,
      `{"caseId":"a","data":{"meta":${seal}}}`,
      `{"caseId":"a","meta":${seal},"meta":{"integrity":{"hash":"last"}}}`,
      `{"caseId":"a","note":"meta","meta":${seal}}`,
      `{"caseId":"a","meta":${seal},"data":{}}`,
      `{"caseId":"a","meta":${seal}}`,
    ])
      expect({ line, ...taken(LineFields.of(line)) }).toEqual({ line, ...taken(LineFields.parsed(line)) })
    expect(LineFields.of('[1]')).toEqual([1])
  })
})
