// The event codecs at the boundary: what `Envelope.decode` and `Jsonl.decodeLine` accept and how
// they name what is wrong (line, field path, what was expected).
import * as E from 'fp-ts/lib/Either.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as DecodeError from './DecodeError.js'
import * as Envelope from './Envelope.js'
import * as Event from './Event.js'
import * as Jsonl from './Jsonl.js'
import * as Jurisdiction from './Jurisdiction.js'

const reported = (jurisdictions: ReadonlyArray<string>): Record<string, unknown> => ({
  id: 'e-1',
  type: 'ContentReported',
  caseId: 'c-1',
  occurredAt: '2026-06-01T22:30:00-04:00',
  data: {
    reportId: 'r-1',
    channel: 'web_form',
    category: 'ncii',
    content: { ref: 'post-1', kind: 'image' },
    jurisdictions,
  },
})

/** The issues of an event that must not decode, the same through the fast path and the codecs. */
const issues = (u: unknown): ReadonlyArray<DecodeError.Issue> => {
  const fast = Envelope.decode(u)
  expect(fast).toEqual(Envelope.decodeWithCodecs(u))
  if (E.isRight(fast)) throw new Error(`decoded: ${JSON.stringify(u)}`)
  return fast.left.issues
}

describe('Event.Jurisdiction', () => {
  const accepts = (s: string): boolean => E.isRight(Event.Jurisdiction.decode(s))

  it('accepts exactly the 249 officially assigned ISO 3166-1 alpha-2 codes among two capital letters', () => {
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
    const pairs = [...letters].flatMap((a) => [...letters].map((b) => a + b))
    expect(pairs.filter(accepts)).toEqual(Jurisdiction.CODES)
    for (const s of [
      'UK',
      'EU',
      'EZ',
      'UN',
      'XK',
      'ZZ',
      'QO',
      'AC',
      'CP',
      'DG',
      'EA',
      'IC',
      'TA',
      'XA',
      'XB',
      'EL',
    ])
      expect(accepts(s), s).toBe(false)
  })

  it('accepts any string iff it is in the list (property)', () => {
    const twoLetters = fc.stringMatching(/^[A-Za-z]{2}$/)
    fc.assert(
      fc.property(
        fc.oneof(twoLetters, fc.string({ maxLength: 4 }), fc.constantFrom(...Jurisdiction.CODES)),
        (s) => {
          expect(accepts(s)).toBe(Jurisdiction.CODES.includes(s))
        },
      ),
      { numRuns: 2000, seed: 20261126 },
    )
  })

  it('rejects UK in a report, naming the line, the field and GB', () => {
    const line = JSON.stringify(reported(['US', 'UK']))
    const r = Jsonl.decodeLine(line, 3)
    expect(E.isLeft(r)).toBe(true)
    if (E.isLeft(r)) {
      expect(DecodeError.format(r.left)).toBe(
        'line 3: data.jurisdictions.1: got "UK", expected an officially assigned ISO 3166-1 alpha-2 country code, such as US or GB (UK is not an ISO 3166-1 code: the United Kingdom is GB)',
      )
    }
    expect(issues(reported(['UK']))).toEqual([
      {
        path: 'data.jurisdictions.0',
        value: 'UK',
        expected: expect.stringContaining('the United Kingdom is GB'),
      },
    ])
  })

  it('rejects EU, saying that membership is derived from the member states', () => {
    expect(issues(reported(['FR', 'EU']))).toEqual([
      {
        path: 'data.jurisdictions.1',
        value: 'EU',
        expected: expect.stringContaining(
          'name the member states (FR, DE, …); the library derives EU membership',
        ),
      },
    ])
  })

  it('rejects unassigned and lower-case codes, saying so where it can', () => {
    expect(issues(reported(['ZZ']))[0]!.expected).toBe(
      'an officially assigned ISO 3166-1 alpha-2 country code, such as US or GB',
    )
    expect(issues(reported(['gb']))[0]!.expected).toContain('codes are upper case: GB')
    expect(issues(reported(['EL']))[0]!.expected).toContain('GR')
  })

  it('checks a detection’s jurisdictions and an authority request’s jurisdiction the same way', () => {
    const detected = {
      ...reported([]),
      type: 'ContentDetected',
      data: {
        method: 'classifier',
        category: 'csam',
        content: { ref: 'p', kind: 'image' },
        jurisdictions: ['UK'],
      },
    }
    expect(issues(detected).map((i) => i.path)).toEqual(['data.jurisdictions.0'])
    const request = (jurisdiction: string) => ({
      ...reported([]),
      type: 'AuthorityRequestReceived',
      data: { requestId: 'q', authority: 'Ofcom', kind: 'information_request', jurisdiction },
    })
    expect(E.isRight(Envelope.decode(request('GB')))).toBe(true)
    expect(issues(request('UK'))).toEqual([
      { path: 'data.jurisdiction', value: 'UK', expected: expect.stringContaining('GB') },
    ])
    expect(issues(request('EU'))[0]!.path).toBe('data.jurisdiction')
  })
})
