import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as DecodeError from './DecodeError.js'
import * as Profile from './Profile.js'

const problems = (u: unknown): string => {
  const decoded = Profile.decode(u)
  return E.isLeft(decoded) ? DecodeError.format(decoded.left) : 'decoded'
}

const issues = (u: unknown) => {
  const r = Profile.decode(u)
  return E.isLeft(r) ? r.left.issues : []
}

describe('Profile.decode', () => {
  it('takes IANA zones and fixed offsets as timeZone', () => {
    for (const zone of ['Europe/Paris', 'America/Los_Angeles', 'Asia/Kathmandu', 'UTC', 'UTC+02:00']) {
      const decoded = Profile.decode({ timeZone: zone })
      expect(E.isRight(decoded) && decoded.right.timeZone, zone).toBe(zone)
    }
  })

  it('refuses a timeZone luxon does not know, or the machine’s own zone, naming the field and the value', () => {
    expect(problems({ name: 'acme', timeZone: 'Mars/Olympus' })).toBe(
      'timeZone: got "Mars/Olympus", expected an IANA time zone, such as Europe/Paris, or a fixed offset within ±18:00, such as UTC+02:00',
    )
    for (const zone of ['', 'local', 'system', 'Europe/Paris ']) {
      expect(problems({ timeZone: zone }), zone).toContain('timeZone: got')
    }
  })
})

describe('Profile.decode: numbers the engine would ignore or misread', () => {
  const rung = (level: number, extra: object = {}) => ({
    level,
    name: `l${level}`,
    notify: [`p${level}`],
    ...extra,
  })

  it('refuses warning fractions that are not between 0 and 1 (percentages), each by its path', () => {
    expect(problems({ warningFractions: [50, 0.75, 0, 1] }).split('\n')).toEqual([
      'warningFractions.0: got 50, expected a fraction of the time allowed, more than 0 and less than 1 (0.9 is 90 %)',
      'warningFractions.2: got 0, expected a fraction of the time allowed, more than 0 and less than 1 (0.9 is 90 %)',
      'warningFractions.3: got 1, expected a fraction of the time allowed, more than 0 and less than 1 (0.9 is 90 %)',
    ])
    expect(problems({ warningFractions: [0.5, 0.9] })).toBe('decoded')
  })

  it('refuses counts and thresholds that are negative, zero where they would always fire, or not whole', () => {
    expect(
      problems({
        monthlyActiveUsers: -1,
        escalation: { reach: { views: [10_000, 0], shares: [1.5], viewsPerHour: 0, sharesPerHour: -3 } },
      }).split('\n'),
    ).toEqual([
      'monthlyActiveUsers: got -1, expected an integer ≥ 0, at most 2^53 − 1 (9007199254740991: a larger one is not read exactly)',
      'escalation.reach.views.1: got 0, expected an integer ≥ 1',
      'escalation.reach.shares.0: got 1.5, expected an integer ≥ 1',
      'escalation.reach.viewsPerHour: got 0, expected a number > 0',
      'escalation.reach.sharesPerHour: got -3, expected a number > 0',
    ])
    expect(
      problems({ monthlyActiveUsers: 45_000_000, escalation: { reach: { views: [1], viewsPerHour: 0.5 } } }),
    ).toBe('decoded')
  })

  it('refuses repeat-report thresholds that are not whole numbers ≥ 1 in strictly increasing order', () => {
    const expected = 'expected integers ≥ 1, each greater than the one before, such as [10, 100, 1000]'
    expect(problems({ escalation: { repeatReports: [100, 10] } })).toBe(
      `escalation.repeatReports: got [100,10], ${expected}`,
    )
    expect(problems({ escalation: { repeatReports: [10, 10] } })).toBe(
      `escalation.repeatReports: got [10,10], ${expected}`,
    )
    expect(problems({ escalation: { repeatReports: [10, 0, 2.5] } }).split('\n')).toEqual([
      'escalation.repeatReports.1: got 0, expected an integer ≥ 1',
      'escalation.repeatReports.2: got 2.5, expected an integer ≥ 1',
    ])
    expect(problems({ escalation: { repeatReports: '10' } })).toBe(
      `escalation.repeatReports: got "10", ${expected}`,
    )
    for (const ok of [[], [1], [5, 50, 500]]) {
      const decoded = Profile.decode({ escalation: { repeatReports: ok } })
      expect(E.isRight(decoded) && decoded.right.escalation.repeatReports, JSON.stringify(ok)).toEqual(ok)
    }
    // absent: the default thresholds, also when other escalation fields are given
    const partial = Profile.decode({ escalation: { specialistLevel: 3 } })
    expect(E.isRight(partial) && partial.right.escalation.repeatReports).toEqual([10, 100, 1_000])
  })

  it('refuses an internal target of zero (due the instant its clock starts)', () => {
    expect(problems({ internalTargets: { 'eu-dsa/16-ack': 'PT0H', 'eu-dsa': 'P0D' } }).split('\n')).toEqual([
      'internalTargets.eu-dsa/16-ack: got "PT0H", expected an ISO-8601 duration of whole numbers, longer than zero, such as PT48H or P90D',
      'internalTargets.eu-dsa: got "P0D", expected an ISO-8601 duration of whole numbers, longer than zero, such as PT48H or P90D',
    ])
    expect(problems({ internalTargets: { 'eu-dsa/16-ack': 'PT10M' } })).toBe('decoded')
  })

  it('refuses a fixed-offset timeZone beyond ±18:00, which no place keeps', () => {
    expect(problems({ timeZone: 'UTC+25:00' })).toContain(
      'timeZone: got "UTC+25:00", expected an IANA time zone',
    )
    expect(problems({ timeZone: 'UTC-18:00' })).toBe('decoded')
    expect(problems({ timeZone: 'UTC+14:00' })).toBe('decoded')
  })

  it('refuses a repeatTimes that is not a whole number ≥ 0', () => {
    const ladder = [rung(1, { repeatEvery: 'PT10M', repeatTimes: -1 }), rung(2, { repeatTimes: 1.5 })]
    expect(problems({ escalation: { ladder } }).split('\n')).toEqual([
      'escalation.ladder.0.repeatTimes: got -1, expected an integer ≥ 0, at most 2^53 − 1 (9007199254740991: a larger one is not read exactly)',
      'escalation.ladder.1.repeatTimes: got 1.5, expected an integer ≥ 0, at most 2^53 − 1 (9007199254740991: a larger one is not read exactly)',
    ])
    expect(problems({ escalation: { ladder: [rung(1, { repeatTimes: 0 })] } })).toBe('decoded')
  })

  it('refuses a ladder naming a level twice (one rung would page, the other time it), at the second', () => {
    const ladder = [rung(2), rung(3), rung(2, { name: 'again' })]
    expect(issues({ escalation: { ladder } })).toEqual([
      {
        path: 'escalation.ladder.2.level',
        value: 2,
        expected: 'a level no other rung has (escalation.ladder.0 is level 2)',
      },
    ])
  })
})

describe('Profile.decode: jurisdictions', () => {
  it('takes ISO 3166-1 alpha-2 codes for markets and establishment', () => {
    const r = Profile.decode({ establishment: 'IE', markets: ['US', 'GB', 'FR'] })
    expect(E.isRight(r) && r.right.markets).toEqual(['US', 'GB', 'FR'])
  })

  it('rejects UK and EU (which would silently drop every obligation), naming the field', () => {
    expect(issues({ markets: ['US', 'UK'] })).toEqual([
      { path: 'markets.1', value: 'UK', expected: expect.stringContaining('the United Kingdom is GB') },
    ])
    expect(issues({ markets: ['EU'] })).toEqual([
      { path: 'markets.0', value: 'EU', expected: expect.stringContaining('name the member states') },
    ])
    expect(issues({ establishment: 'ZZ' }).map((i) => i.path)).toEqual(['establishment'])
  })
})

describe('Profile.decode: name', () => {
  const nameOf = (u: unknown, name?: string): string => {
    const decoded = Profile.decode(u, name)
    return E.isRight(decoded) ? decoded.right.name : 'not decoded'
  }

  it('names a profile without name by the name the caller gives (the file), else default', () => {
    expect(nameOf({ size: 'small' }, 'acme.yaml')).toBe('acme.yaml')
    expect(nameOf({ name: 'acme' }, 'acme.yaml')).toBe('acme')
    expect(nameOf({ size: 'small' })).toBe('default')
  })
})

describe('Profile.decode: unknown fields', () => {
  const ladder = [{ level: 1, name: 'frontline', notify: ['oncall'], acknowledgeWithin: 'PT1H' }]

  it('refuses an unknown field at any depth, naming its full path and the known fields', () => {
    expect(problems({ colour: 'blue' })).toMatch(
      /^colour: got "blue", expected no such field \(known: name, /,
    )
    expect(problems({ escalation: { ladderr: [] } })).toBe(
      'escalation.ladderr: got [], expected no such field (known: ladder, specialistLevel, reach, repeatReports, timePages, levels)',
    )
    expect(
      problems({ escalation: { ladder: [...ladder, { ...ladder[0], level: 2, ackWithin: 'PT1H' }] } }),
    ).toBe(
      'escalation.ladder.1.ackWithin: got "PT1H", expected no such field (known: level, name, notify, acknowledgeWithin, repeatEvery, repeatTimes)',
    )
    expect(problems({ escalation: { reach: { view: [10] } } })).toContain('escalation.reach.view: got [10]')
    expect(problems({ escalation: { levels: { reaach: 2 } } })).toContain('escalation.levels.reaach: got 2')
  })

  it('checks the member of a union the value decodes as (providerType)', () => {
    expect(problems({ providerType: { kind: 'vlop', designationDate: '2023-04-25T00:00:00+02:00' } })).toBe(
      'providerType.designationDate: got "2023-04-25T00:00:00+02:00", expected no such field (known: kind, designatedAt)',
    )
    expect(problems({ providerType: { kind: 'hosting', designatedAt: '2023-04-25T00:00:00+02:00' } })).toBe(
      'providerType.designatedAt: got "2023-04-25T00:00:00+02:00", expected no such field (known: kind)',
    )
    expect(problems({ providerType: { kind: 'vlop', designatedAt: '2023-04-25T00:00:00+02:00' } })).toBe(
      'decoded',
    )
    // a regulated search service (UK OSA s. 27)
    expect(problems({ providerType: { kind: 'search' } })).toBe('decoded')
  })

  // legal.md, DSA section: under Art. 92, "designated VLOPs and VLOSEs were bound 'from four months
  // after the notification'"
  it('takes a designated very large online search engine (vlose), with or without designatedAt', () => {
    for (const type of [{ kind: 'vlose' }, { kind: 'vlose', designatedAt: '2023-04-25T00:00:00+02:00' }]) {
      const decoded = Profile.decode({ providerType: type })
      expect(E.isRight(decoded) && decoded.right.providerType).toEqual(type)
    }
    expect(problems({ providerType: { kind: 'vlose', designationDate: '2023-04-25T00:00:00+02:00' } })).toBe(
      'providerType.designationDate: got "2023-04-25T00:00:00+02:00", expected no such field (known: kind, designatedAt)',
    )
    expect(problems({ providerType: { kind: 'search', designatedAt: '2023-04-25T00:00:00+02:00' } })).toBe(
      'providerType.designatedAt: got "2023-04-25T00:00:00+02:00", expected no such field (known: kind)',
    )
  })

  it('refuses an unknown kind by listing every kind, and a bad designation date alone', () => {
    const kinds = 'an object whose kind is one of hosting, online_platform, search, vlop, vlose'
    expect(problems({ providerType: { kind: 'vlse' } })).toBe(
      `providerType: got {"kind":"vlse"}, expected ${kinds}`,
    )
    expect(problems({ providerType: 'vlose' })).toBe(`providerType: got "vlose", expected ${kinds}`)
    // not also "kind: got "vlose", expected one of hosting, online_platform, search", as when the
    // members were tried in turn
    expect(problems({ providerType: { kind: 'vlose', designatedAt: '2023-04-25' } })).toBe(
      'providerType.designatedAt: got "2023-04-25", expected an ISO-8601 timestamp with offset, such as 2020-01-28T09:14:00-08:00',
    )
  })

  it('reports unknown fields and invalid values together', () => {
    expect(problems({ size: 'huge', escalation: { ladderr: [] } }).split('\n')).toEqual([
      'escalation.ladderr: got [], expected no such field (known: ladder, specialistLevel, reach, repeatReports, timePages, levels)',
      'size: got "huge", expected one of micro, small, other',
    ])
  })

  it('takes any key under internalTargets (rule ids are checked by the policies, not here)', () => {
    const decoded = Profile.decode({ internalTargets: { 'us-2258a/report': 'PT2H', 'acme/triage': 'PT1H' } })
    expect(E.isRight(decoded) && decoded.right.internalTargets).toEqual({
      'us-2258a/report': 'PT2H',
      'acme/triage': 'PT1H',
    })
    expect(problems({ internalTargets: { 'acme/triage': 'soon' } })).toContain(
      'internalTargets.acme/triage: got "soon", expected an ISO-8601 duration',
    )
  })

  it('decodes a full profile with every nested object', () => {
    const decoded = Profile.decode({
      name: 'acme',
      establishment: 'IE',
      markets: ['US', 'FR'],
      providerType: { kind: 'online_platform' },
      size: 'small',
      monthlyActiveUsers: 1000,
      timeZone: 'Europe/Dublin',
      internalTargets: { 'us-2258a': 'PT2H' },
      enabledRules: ['eu-e-evidence'],
      warningFractions: [0.5],
      conservative: true,
      escalation: {
        ladder: [{ ...ladder[0], repeatEvery: 'PT10M', repeatTimes: 2 }],
        specialistLevel: 1,
        reach: { views: [10], shares: [1], viewsPerHour: 5, sharesPerHour: 1 },
        repeatReports: [5, 50],
        levels: { reach: 2, repeat_report: 1 },
      },
    })
    expect(E.isRight(decoded) && decoded.right.name).toBe('acme')
  })
})
