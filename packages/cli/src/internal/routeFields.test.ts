import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as RouteFields from './routeFields.js'

const KEYS = ['caseId', 'occurredAt', 'recordedAt'] as const

/** What JSON.parse says of the same fields: a string, or nothing. */
const parsed = (text: string): RouteFields.RouteFields => {
  const o = JSON.parse(text) as Record<string, unknown>
  const str = (k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined)
  return { caseId: str('caseId'), occurredAt: str('occurredAt'), recordedAt: str('recordedAt') }
}

const value = fc.oneof(fc.string(), fc.jsonValue(), fc.constant('2025-01-01T00:00:00.000Z'))
const event = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...KEYS), value),
    fc.dictionary(fc.string(), fc.jsonValue()),
    fc.boolean(),
  )
  .map(([fields, rest, fieldsFirst]) => (fieldsFirst ? { ...fields, ...rest } : { ...rest, ...fields }))

describe('routeFields.read', () => {
  it('reads what JSON.parse reads, or declines (escapes, seals)', () => {
    fc.assert(
      fc.property(event, fc.constantFrom(undefined, 1, 2, '\t'), (o, space) => {
        const text = JSON.stringify(o, null, space)
        const r = RouteFields.read(text)
        if (text.includes('\\') || text.includes('"integrity"')) expect(r).toBeUndefined()
        else expect(r).toEqual(parsed(text))
      }),
      { numRuns: 2000 },
    )
  })

  it('takes the last of a key given twice, and no key of a nested object', () => {
    expect(RouteFields.read('{"caseId":"a","x":[1,{"caseId":"n"}],"caseId":"b"}')?.caseId).toBe('b')
    expect(RouteFields.read('{"data":{"caseId":"x","occurredAt":"t"}}')).toEqual({
      caseId: undefined,
      occurredAt: undefined,
      recordedAt: undefined,
    })
    expect(RouteFields.read(' { "caseId" : "c" , "n" : -1.5e3 , "b" : true } ')?.caseId).toBe('c')
  })

  it('declines what it cannot read plainly', () => {
    for (const t of [
      '[1]',
      '"s"',
      '{"caseId":"a"',
      '{"caseId" "a"}',
      '{caseId:"a"}',
      '{"a":{"b":1}',
      '{"a":"x}',
    ])
      expect(RouteFields.read(t), t).toBeUndefined()
    expect(RouteFields.read('{"caseId":"a\\u0062"}')).toBeUndefined()
    expect(RouteFields.read('{"caseId":"a","meta":{"integrity":{"hash":"h"}}}')).toBeUndefined()
  })
})
