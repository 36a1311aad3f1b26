// The registry: defaults follow confidence, enabling is explicit, selection names policies or rules,
// establishment zones are applied for the profile, and applicability reads the profile.
import { DecodeError, Profile } from '@docket/core'
import * as fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import { DateTime, IANAZone } from 'luxon'
import { describe, expect, it } from 'vitest'
import * as Custom from './Custom.js'
import * as Policy from './Policy.js'

const profile = (p: Profile.Profile = {}): Profile.Resolved => Profile.resolve(p)

describe('Policy', () => {
  it('has the thirteen modules, every rule id unique, and every version with a known zone', () => {
    expect(Policy.all).toHaveLength(13)
    const ids = Policy.rules().map((r) => `${r.policy}/${r.rule}`)
    expect(new Set(ids).size).toBe(ids.length)
    for (const r of Policy.rules()) {
      for (const v of r.versions) {
        expect(['profile', 'event'].includes(v.zone) || IANAZone.isValidZone(v.zone), `${v.zone}`).toBe(true)
        if (v.period.duration === null) expect(v.defaultTarget, `${r.policy}/${r.rule}`).toBeDefined()
      }
    }
  })

  it('reads every date in force at midnight in the rule’s stated zone', () => {
    for (const r of Policy.rules()) {
      expect(IANAZone.isValidZone(r.dateZone), `${r.policy}/${r.rule} ${r.dateZone}`).toBe(true)
      for (const v of r.versions) {
        for (const instant of [v.validFrom, v.validTo]) {
          if (instant === null) continue
          const local = DateTime.fromISO(instant, { zone: r.dateZone })
          expect(local.toFormat('HH:mm:ss.SSS'), `${r.policy}/${r.rule} ${instant} in ${r.dateZone}`).toBe(
            '00:00:00.000',
          )
          expect(instant, `${r.policy}/${r.rule}: written with the zone's offset`).toBe(local.toISO())
        }
      }
    }
  })

  it('turns unconfirmed rules on only when the profile enables them, by rule or by policy', () => {
    const off = Policy.defaultRules(profile()).map((r) => `${r.policy}/${r.rule}`)
    expect(off).toContain('us-2258a/report')
    expect(off).not.toContain('eu-dsa/21-ods')
    expect(off).not.toContain('eu-e-evidence/epoc')
    const on = Policy.defaultRules(profile({ enabledRules: ['eu-dsa/21-ods', 'eu-e-evidence'] })).map(
      (r) => `${r.policy}/${r.rule}`,
    )
    expect(on).toContain('eu-dsa/21-ods')
    expect(on).toContain('eu-e-evidence/epoc-pr')
  })

  it('finds policies and rules by id, and selects by either', () => {
    expect(O.isSome(Policy.byId('fr-lcen'))).toBe(true)
    expect(O.isNone(Policy.byId('fr-lcn'))).toBe(true)
    expect(O.isSome(Policy.ruleById('eu-tco/3-3-removal'))).toBe(true)
    const s = Policy.select(['us-2258a', 'uk-osa/66-csea-nca'], profile())
    expect(E.isRight(s) && s.right.map((r) => r.rule)).toEqual([
      'report',
      'preserve',
      'destroy',
      '66-csea-nca',
    ])
    const bad = Policy.select(['nope'], profile())
    expect(E.isLeft(bad) && bad.left._tag).toBe('UnknownId')
  })

  it('counts DSA Art. 20 in the zone and calendar of the Member State of establishment', () => {
    const window = (p: Profile.Resolved) =>
      Policy.forProfile(p).find((r) => r.rule === '20-window')!.versions[0]!
    expect(window(profile()).zone).toBe('Europe/Brussels')
    expect(window(profile({ establishment: 'IE' })).zone).toBe('Europe/Dublin')
    expect(window(profile({ establishment: 'IE' })).period.calendar).toBe('IE')
    expect(window(profile({ establishment: 'US' })).period.calendar).toBe('BE')
    // the default rules (what docket watch and the guides run) are counted the same way
    const byDefault = Policy.defaultRules(profile({ establishment: 'IE' })).find(
      (r) => r.rule === '20-window',
    )!
    expect(byDefault.versions[0]!.zone).toBe('Europe/Dublin')
  })

  it('applies EU rules to a case in a Member State whatever the platform’s EU market, unless its markets exclude the EU', () => {
    const rule = Policy.ruleById('eu-tco/3-3-removal')
    if (O.isNone(rule)) throw new Error('missing')
    const at = Date.parse('2026-01-01T00:00:00Z')
    fc.assert(
      fc.property(fc.constantFrom('FR', 'DE', 'IE', 'PL', 'HR'), (j) =>
        rule.value.applies({ jurisdictions: [j], profile: profile(), at }),
      ),
    )
    expect(rule.value.applies({ jurisdictions: ['FR'], profile: profile({ markets: ['US'] }), at })).toBe(
      false,
    )
    expect(
      rule.value.applies({
        jurisdictions: ['FR'],
        profile: profile({ markets: ['US'], establishment: 'IE' }),
        at,
      }),
    ).toBe(true)
    expect(rule.value.applies({ jurisdictions: ['GB'], profile: profile(), at })).toBe(false)
    expect(
      rule.value.applies({
        jurisdictions: ['GB'],
        profile: profile(),
        at: Date.parse('2019-01-01T00:00:00Z'),
      }),
    ).toBe(true)
  })

  describe('checkProfile', () => {
    const problems = (p: Profile.Profile, policies?: ReadonlyArray<Policy.Policy>): string => {
      const checked = Policy.checkProfile(profile(p), policies)
      return E.isLeft(checked) ? DecodeError.format(checked.left) : 'checked'
    }

    it('takes policy ids and policy/rule ids of rules in enabledRules and internalTargets', () => {
      expect(
        problems({
          enabledRules: ['eu-e-evidence', 'eu-dsa/21-ods', 'uk-osa'],
          internalTargets: { 'us-2258a/report': 'PT2H', 'us-take-it-down': 'PT24H' },
        }),
      ).toBe('checked')
      expect(Policy.checkProfile(Profile.DEFAULTS)).toEqual(E.right(Profile.DEFAULTS))
    })

    it('names the field and each unknown id', () => {
      const lines = problems({
        enabledRules: ['eu-dsa/21-ods', 'bogus/rule'],
        internalTargets: { 'us-2258a/reprot': 'PT2H', 'us-2258a': 'PT4H' },
      }).split('\n')
      expect(lines).toHaveLength(2)
      expect(lines[0]).toMatch(
        /^enabledRules\.1: got "bogus\/rule", expected a policy id or the policy\/rule id of a rule, as docket policies lists them \(policies: us-2258a, /,
      )
      expect(lines[1]).toMatch(
        /^internalTargets\.us-2258a\/reprot: got "us-2258a\/reprot", expected a policy id/,
      )
    })

    it('refuses a metadata-only entry: it has no clock to enable or target', () => {
      const entry = Policy.all.flatMap((p) => p.entries)[0]!
      const id = `${entry.policy}/${entry.rule}`
      expect(problems({ enabledRules: [id] })).toBe(
        `enabledRules.0: got ${JSON.stringify(id)}, expected a rule with a clock (${id} is metadata only)`,
      )
    })

    it('takes the ids of the custom policies it is given', () => {
      const acme = Custom.policy({
        id: 'acme',
        title: 'ACME',
        rules: [
          {
            rule: 'triage',
            title: 'Triage',
            start: { event: 'ContentReported' },
            complete: { event: 'ReviewDecided' },
            period: 'PT1H',
          },
        ],
      })
      const p = {
        enabledRules: ['acme/triage'],
        internalTargets: { acme: 'PT30M', 'us-2258a/report': 'PT2H' },
      }
      expect(problems(p, [...Policy.all, acme])).toBe('checked')
      expect(problems(p)).toContain('enabledRules.0: got "acme/triage"')
    })
  })
})

// Which rules a provider type binds, read from the reference's words: a search service (UK OSA s. 27)
// is bound only where the reference says so or names no narrower kind of provider; DSA Arts. 6, 16, 17,
// 18 bind "hosting service providers", the UK s. 10 and s. 21 duties user-to-user services, TCO and LCEN
// hosting providers, TAKE IT DOWN a "covered platform", ECA Digital "The platform".
describe('provider types', () => {
  const every = ['US', 'BE', 'FR', 'DE', 'GB', 'AU', 'IN', 'CA', 'BR']
  const binding = (p: Profile.Profile): ReadonlyArray<string> =>
    Policy.forProfile(profile(p))
      .filter((r) =>
        r.applies({ jurisdictions: every, profile: profile(p), at: Date.parse('2026-12-01T00:00:00Z') }),
      )
      .map((r) => `${r.policy}/${r.rule}`)

  it('a search service is bound only by the rules whose rows reach search services', () => {
    expect(binding({ providerType: { kind: 'search' } })).toEqual([
      'us-2258a/report',
      'us-2258a/preserve',
      'us-2258a/destroy',
      'us-2703f/preserve',
      'eu-dsa/9-orders',
      'eu-e-evidence/epoc',
      'eu-e-evidence/epoc-emergency',
      'eu-e-evidence/epoc-pr',
      'uk-osa/10-3A-ncii-search',
      'au-osa/77-ncii-provider',
      'au-osa/78-ncii-end-user',
      'au-osa/88-adult-abuse',
      'au-osa/88-adult-abuse-complaint',
      'au-osa/65-child-bullying',
      'au-osa/65-child-bullying-complaint',
      'au-osa/109-class1',
      'in-it-rules/3-1-d-order',
      'in-it-rules/3-1-j-le-info',
      'in-it-rules/3-2-a-grievance',
      'in-it-rules/3-2-a-grievance-ack',
      'in-it-rules/3-2-a-proviso',
      'in-it-rules/3-2-b-ncii',
      'in-it-rules/3A-gac',
      'ca-mandatory-reporting/s2-report',
      'ca-mandatory-reporting/s3-police',
      'ca-mandatory-reporting/s4-preserve',
    ])
  })

  it('a profile without a provider type is bound by every rule but the search-service twin', () => {
    expect(binding({})).toEqual(
      Policy.rules()
        .filter((r) => r.scope.declaredOnly !== true)
        .map((r) => `${r.policy}/${r.rule}`),
    )
  })

  it('hosting duties bind hosting providers, platforms and VLOPs, never a search service', () => {
    const hosting = [
      'eu-dsa/6-expeditious',
      'eu-dsa/16-ack',
      'eu-dsa/16-decide',
      'eu-dsa/16-notify-decision',
      'eu-dsa/17-sor',
      'eu-dsa/18-notify-le',
      'eu-tco/3-3-removal',
      'eu-tco/3-6-inform',
      'eu-tco/6-preserve',
      'eu-tco/14-5-threat',
      'uk-osa/10-3-b-swift',
      'uk-osa/21-2A-expedited',
      'fr-lcen/6-1',
      'fr-lcen/6-1-1-tco',
      'us-take-it-down/removal',
      'au-osa/79-ncii-host',
      'br-eca-digital/remove',
      'br-eca-digital/notify',
    ]
    for (const kind of ['hosting', 'online_platform', 'vlop'] as const) {
      expect(binding({ providerType: { kind } }), kind).toEqual(expect.arrayContaining(hosting))
    }
    for (const kind of ['search', 'vlose'] as const) {
      const search = binding({ providerType: { kind } })
      for (const id of hosting) expect(search, `${kind} ${id}`).not.toContain(id)
    }
  })

  // legal.md, DSA section: "designated VLOPs and VLOSEs"; a VLOSE is a search service, designated or not
  it('a very large online search engine is bound by exactly the rules that bind a search service', () => {
    const search = binding({ providerType: { kind: 'search' } })
    expect(binding({ providerType: { kind: 'vlose' } })).toEqual(search)
    expect(binding({ providerType: { kind: 'vlose', designatedAt: '2023-04-25T00:00:00+02:00' } })).toEqual(
      search,
    )
    expect(search).toContain('uk-osa/10-3A-ncii-search')
  })
})
