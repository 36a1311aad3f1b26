// The event codecs at the boundary: what `Envelope.decode` and `Jsonl.decodeLine` accept and how
// they name what is wrong (line, field path, what was expected).
import * as E from 'fp-ts/lib/Either.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as CaseCommand from './CaseCommand.js'
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

/** An event of case c-1 the day after {@link reported}'s. */
const later = (id: string, type: string, data: Record<string, unknown>): Record<string, unknown> => ({
  id,
  type,
  caseId: 'c-1',
  occurredAt: '2026-06-02T10:00:00+02:00',
  data,
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
    // which codes CLDR names but ISO does not assign is Jurisdiction.test's (CODES leaves them out)
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

  it('checks a geo-block’s territories as country codes (free text there reached the DSA statements)', () => {
    const geoBlocked = (territories: ReadonlyArray<string>) => ({
      ...reported([]),
      type: 'ContentActioned',
      data: { action: 'geo_blocked', territories },
    })
    expect(E.isRight(Envelope.decode(geoBlocked(['FR', 'DE'])))).toBe(true)
    expect(issues(geoBlocked(['FR', 'Jane Doe, 12 rue de la Paix']))).toEqual([
      {
        path: 'data.territories.1',
        value: 'Jane Doe, 12 rue de la Paix',
        expected: expect.stringContaining('ISO 3166-1'),
      },
    ])
  })
})

describe('Event.DeadlineExtended', () => {
  const extended = (data: Record<string, unknown>): Record<string, unknown> =>
    later('e-2', 'DeadlineExtended', data)
  const until = '2026-07-01T00:00:00+02:00'

  it('takes until or by, keeping every other key of data verbatim', () => {
    for (const data of [
      { target: 'c-1/eu-tco/3-remove/e-1', until },
      { target: { requestId: 'q-1', rule: '6-preserve', ref: 'ORD-7' }, by: 'P90D', authorityRef: 'A-12' },
    ]) {
      const e = extended(data)
      const r = Envelope.decode(e)
      expect(r).toEqual(E.right(e))
      expect(E.isRight(r) && r.right).toBe(e)
      expect(Envelope.decodeWithCodecs(e)).toEqual(E.right(e))
    }
  })

  it('rejects both until and by, instead of letting until win, naming the line and data', () => {
    const line = JSON.stringify(extended({ target: 'o-1', until, by: 'P90D', note: 'kept' }))
    const r = Jsonl.decodeLine(line, 7)
    expect(E.isLeft(r)).toBe(true)
    if (E.isLeft(r)) {
      expect(r.left.issues).toEqual([
        {
          path: 'data',
          value: { target: 'o-1', until, by: 'P90D', note: 'kept' },
          expected:
            'exactly one of until (an instant) and by (an ISO-8601 duration) (both were given: keep one)',
        },
      ])
      expect(DecodeError.format(r.left)).toMatch(/^line 7: data: got .*, expected exactly one of until/)
    }
    // a bad value of either is still named at its own path
    expect(issues(extended({ target: 'o-1', until, by: 'ninety days' })).map((i) => i.path)).toEqual([
      'data.by',
    ])
  })

  it('rejects neither until nor by', () => {
    expect(issues(extended({ target: 'o-1', note: 'no period' }))).toEqual([
      {
        path: 'data',
        value: { target: 'o-1', note: 'no period' },
        expected: 'exactly one of until (an instant) and by (an ISO-8601 duration)',
      },
    ])
  })

  it('decodes iff exactly one of until and by is given, whatever else data holds (property)', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.dictionary(fc.constantFrom('note', 'authorityRef', 'extra'), fc.jsonValue({ maxDepth: 1 })),
        (withUntil, withBy, extra) => {
          const data = {
            ...extra,
            target: 'o-1',
            ...(withUntil ? { until } : {}),
            ...(withBy ? { by: 'PT48H' } : {}),
          }
          const e = extended(data)
          const r = Envelope.decode(e)
          expect(r).toEqual(Envelope.decodeWithCodecs(e))
          expect(E.isRight(r)).toBe(withUntil !== withBy)
          if (E.isRight(r)) expect(r.right.data).toBe(data)
        },
      ),
      { numRuns: 300, seed: 20261126 },
    )
  })

  it('refuses the ExtendDeadline command with both', () => {
    const command = (data: Record<string, unknown>) =>
      CaseCommand.decode({
        type: 'ExtendDeadline',
        caseId: 'c-1',
        eventId: 'e-2',
        occurredAt: '2026-06-02T10:00:00+02:00',
        data,
      })
    expect(E.isRight(command({ target: 'o-1', by: 'P30D' }))).toBe(true)
    const both = command({ target: 'o-1', until, by: 'P30D' })
    expect(E.isLeft(both) && both.left.issues.map((i) => [i.path, i.expected])).toEqual([
      ['data', expect.stringContaining('both were given')],
    ])
  })
})

describe('Event.byTrustedFlagger', () => {
  it('is true through the trusted_flagger channel or with a flagger, and only then', () => {
    expect(Event.byTrustedFlagger({ channel: 'trusted_flagger' })).toBe(true)
    expect(Event.byTrustedFlagger({ channel: 'web_form', flagger: { id: 'tf-1' } })).toBe(true)
    const others = (Object.keys(Event.Channel.keys) as Array<keyof typeof Event.Channel.keys>).filter(
      (c) => c !== 'trusted_flagger',
    )
    expect(others).toHaveLength(5)
    for (const channel of others) expect(Event.byTrustedFlagger({ channel })).toBe(false)
  })
})

describe('Event.AccountActioned', () => {
  const suspended = (data: Record<string, unknown>): Record<string, unknown> =>
    later('e-3', 'AccountActioned', { accountRef: 'account:1', action: 'suspended', ...data })

  it('takes the account registration as an instant with offset, or none', () => {
    for (const data of [{}, { accountCreatedAt: '2025-06-14T23:30:00+02:00' }]) {
      const e = suspended(data)
      expect(Envelope.decode(e)).toEqual(E.right(e))
      expect(Envelope.decodeWithCodecs(e)).toEqual(E.right(e))
    }
  })

  it('rejects a registration without offset or not a date, naming the field', () => {
    for (const accountCreatedAt of ['2025-06-14T23:30:00', '14/06/2025', 20250614])
      expect(issues(suspended({ accountCreatedAt })).map((i) => [i.path, i.value])).toEqual([
        ['data.accountCreatedAt', accountCreatedAt],
      ])
  })
})
