// DSA: Art. 20's "at least six months following the decision", starting "on the day on which the
// recipient of the service is informed", with Regulation 1182/71 Art. 3(4) where it protects the user;
// Art. 16(2)(c)'s exception for child sexual abuse notices; Art. 17 "at the latest from the date";
// VLOPs from 2023-08-25, everyone from 2024-02-17.
import { Profile } from '@docket/core'
import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as EuDsa from './EuDsa.js'
import { ev, of, one, plus, report, request, run } from './internal/testing.js'
import * as Policy from './Policy.js'

/** 2024-02-17 and 2023-08-25 at midnight in Brussels (the DSA section: "shall apply from 17 February 2024"; Art. 92). */
const GENERAL = '2024-02-17T00:00:00+01:00'
const VLOPS = '2023-08-25T00:00:00+02:00'

const notice = (at: string, data = {}) => report(at, { category: 'hate', jurisdictions: ['BE'], ...data })
/** A frontline "no violation" decision at `at`. */
const frontlineRefusal = (at: string) =>
  ev('ReviewDecided', at, { reviewId: 'v', outcome: 'no_violation', tier: 'frontline', automation: 'not' })
const informed = (at: string) =>
  ev('NotificationSent', at, { to: 'reporter', kind: 'decision', reportId: 'r-1' })

describe('eu-dsa/20-window', () => {
  it('runs six calendar months from the day of information to the end of that day', () => {
    const o = one(
      run([notice('2026-01-10T09:00:00+01:00'), informed('2026-01-14T15:00:00+01:00')]),
      'eu-dsa/20-window',
    )
    expect(o.kind).toBe('window')
    expect(o.dueAt).toBe('2026-07-15T00:00:00.000+02:00')
  })

  it('a window ending on a Saturday runs to the end of the next working day (1182/71 Art. 3(4))', () => {
    // 2026-05-09 is a Saturday: the window closes at the end of Monday 2026-05-11.
    const o = one(
      run([notice('2025-11-01T09:00:00+01:00'), informed('2025-11-09T10:00:00+01:00')]),
      'eu-dsa/20-window',
    )
    expect(o.dueAt).toBe('2026-05-12T00:00:00.000+02:00')
  })

  it('a window ending on Christmas Day in Belgium runs past the weekend to the end of Monday 28 December', () => {
    const o = one(
      run([notice('2026-06-20T09:00:00+02:00'), informed('2026-06-25T10:00:00+02:00')]),
      'eu-dsa/20-window',
    )
    expect(o.dueAt).toBe('2026-12-29T00:00:00.000+01:00')
  })

  it('is counted in the zone of the Member State of establishment', () => {
    const o = one(
      run([notice('2026-01-10T09:00:00+01:00'), informed('2026-01-14T15:00:00+01:00')], {
        profile: { establishment: 'IE' },
      }),
      'eu-dsa/20-window',
    )
    expect(o.dueAt).toBe('2026-07-15T00:00:00.000+01:00')
  })

  it('closing the right early is a breach; micro and small platforms are exempt (Art. 19)', () => {
    const late = ev('AppealDecided', '2026-03-01T10:00:00+01:00', {
      appealId: 'a',
      outcome: 'inadmissible_late',
    })
    const events = [notice('2026-01-10T09:00:00+01:00'), informed('2026-01-14T15:00:00+01:00'), late]
    expect(one(run(events), 'eu-dsa/20-window').status).toBe('breached')
    expect(of(run(events, { profile: { size: 'small' } }), 'eu-dsa/20-window')).toEqual([])
    expect(
      of(run(events, { profile: { size: 'small', providerType: { kind: 'vlop' } } }), 'eu-dsa/20-window'),
    ).toHaveLength(1)
  })
})

describe('eu-dsa/6-expeditious and Art. 16 notices', () => {
  const full = { explanation: true, exactLocation: true, notifierIdentity: true, bonaFideStatement: true }
  it('a CSAM notice never needs the notifier’s identity', () => {
    const csam = notice('2026-01-10T09:00:00+01:00', {
      category: 'csam',
      removalRequest: { ...full, notifierIdentity: false },
    })
    expect(of(run([csam]), 'eu-dsa/6-expeditious')).toHaveLength(1)
    const hate = notice('2026-01-10T09:00:00+01:00', { removalRequest: { ...full, notifierIdentity: false } })
    expect(of(run([hate]), 'eu-dsa/6-expeditious')).toEqual([])
  })

  it('an incomplete notice completed later gives knowledge then', () => {
    const partial = notice('2026-01-10T09:00:00+01:00', { removalRequest: { ...full, exactLocation: false } })
    const completed = ev('ReportCompleted', '2026-01-11T09:00:00+01:00', {
      reportId: 'r-1',
      removalRequest: { exactLocation: true },
    })
    expect(one(run([partial, completed]), 'eu-dsa/6-expeditious').triggeredBy).toBe(completed.id)
  })

  it('"expeditiously" is never statutory: its due time is the internal target', () => {
    const o = one(run([notice('2026-01-10T09:00:00+01:00')]), 'eu-dsa/6-expeditious')
    expect(o.statutory).toBe(false)
    expect(o.dueAt).toBe('2026-01-11T09:00:00.000+01:00')
  })
})

describe('eu-dsa applicability and other clocks', () => {
  it('binds only VLOPs between 2023-08-25 and 2024-02-17, from four months after their designation', () => {
    const n = notice('2023-12-01T09:00:00+01:00')
    // others: pre-effective from 2024-02-17 (note 7), see the describe block below
    expect(one(run([n]), 'eu-dsa/16-decide').preEffective).toBe(true)
    expect(
      one(run([n], { profile: { providerType: { kind: 'vlop' } } }), 'eu-dsa/16-decide').preEffective,
    ).toBe(false)
    // designated 2023-09-01: bound from 2024-01-01 (Art. 92, four months), so pre-effective until then
    const designated = { providerType: { kind: 'vlop' as const, designatedAt: '2023-09-01T00:00:00+02:00' } }
    const late = one(run([n], { profile: designated }), 'eu-dsa/16-decide')
    expect(late.preEffective).toBe(true)
    expect(Date.parse(late.startedAt)).toBe(Date.parse('2024-01-01T00:00:00+02:00'))
    expect(one(run([notice('2024-02-17T00:00:00+01:00')]), 'eu-dsa/16-decide').preEffective).toBe(false)
  })

  it('Art. 92 binds VLOPs to the whole Regulation from 2023-08-25: orders, complaint handling, trusted flaggers', () => {
    const vlop = { profile: { providerType: { kind: 'vlop' as const } } }
    const platform = { profile: { providerType: { kind: 'online_platform' as const } } }
    const order = ev('AuthorityRequestReceived', '2023-12-01T09:00:00+01:00', {
      requestId: 'q-1',
      authority: 'A',
      kind: 'removal_order',
      jurisdiction: 'BE',
      legalBasis: 'eu-dsa/9-orders',
    })
    const appeal = ev('AppealLodged', '2023-12-01T09:00:00+01:00', {
      appealId: 'p-1',
      venue: 'internal',
      by: 'uploader',
    })
    const flagged = notice('2023-12-01T09:00:00+01:00', { channel: 'trusted_flagger' })
    const cases: ReadonlyArray<readonly [string, ReadonlyArray<ReturnType<typeof ev>>]> = [
      ['eu-dsa/9-orders', [order]],
      ['eu-dsa/20-handle', [notice('2023-11-30T09:00:00+01:00'), appeal]],
      ['eu-dsa/22-trusted-flagger', [flagged]],
    ]
    for (const [id, events] of cases) {
      // a VLOP's clock runs from the trigger, not from 2024-02-17 as a pre-effective one
      expect(one(run(events, vlop), id).preEffective, id).toBe(false)
      // other platforms are bound from 2024-02-17: a pre-effective clock starting then (note 7)
      const o = one(run(events, platform), id)
      expect(o.preEffective, id).toBe(true)
      expect(Date.parse(o.startedAt), id).toBe(Date.parse(GENERAL))
    }
  })

  // legal.md, DSA section: under Art. 92, "designated VLOPs and VLOSEs were bound 'from four months after the
  // notification'"; its Art. 9 row names no provider type, so a search service is bound by it too
  it('Art. 92 binds a VLOSE to Art. 9 four months after its designation, a search service from 2024-02-17', () => {
    const order = ev('AuthorityRequestReceived', '2023-10-01T09:00:00+02:00', {
      requestId: 'q-1',
      authority: 'A',
      kind: 'removal_order',
      jurisdiction: 'BE',
      legalBasis: 'eu-dsa/9-orders',
    })
    const vlose = { kind: 'vlose' as const, designatedAt: '2023-04-25T00:00:00+02:00' }
    for (const providerType of [vlose, { kind: 'vlose' as const }]) {
      const o = one(run([order], { profile: { providerType } }), 'eu-dsa/9-orders')
      expect(o.preEffective, JSON.stringify(providerType)).toBe(false)
      expect(Date.parse(o.startedAt), JSON.stringify(providerType)).toBe(
        Date.parse('2023-10-01T09:00:00+02:00'),
      )
    }
    const search = one(run([order], { profile: { providerType: { kind: 'search' } } }), 'eu-dsa/9-orders')
    expect(search.preEffective).toBe(true)
    expect(Date.parse(search.startedAt)).toBe(Date.parse(GENERAL))
    // designated 2023-09-01, bound 2024-01-01: the same order is pre-effective until then
    const late = { kind: 'vlose' as const, designatedAt: '2023-09-01T00:00:00+02:00' }
    const o = one(run([order], { profile: { providerType: late } }), 'eu-dsa/9-orders')
    expect(o.preEffective).toBe(true)
    expect(Date.parse(o.startedAt)).toBe(Date.parse('2024-01-01T00:00:00+02:00'))
  })

  it('takes EU membership at the trigger date: GB until the end of January 2020', () => {
    const gb = (at: string) => report(at, { category: 'threat_to_life', jurisdictions: ['GB'] })
    const all = { profile: { providerType: { kind: 'vlop' as const } }, whatIf: ['eu-dsa'] }
    expect(of(run([gb('2020-01-31T22:59:59+00:00')], all), 'eu-dsa/18-notify-le')).toHaveLength(1)
    expect(of(run([gb('2020-01-31T23:00:00+00:00')], all), 'eu-dsa/18-notify-le')).toEqual([])
  })

  it('Art. 17: the statement of reasons is due at the restriction instant', () => {
    const rm = ev('ContentActioned', '2026-01-10T12:00:00+01:00', { action: 'removed' })
    const o = one(run([notice('2026-01-10T09:00:00+01:00'), rm]), 'eu-dsa/17-sor')
    expect(o.dueAt).toBe(o.startedAt)
    const sor = ev('NotificationSent', '2026-01-10T12:00:00+01:00', {
      to: 'uploader',
      kind: 'statement_of_reasons',
    })
    expect(one(run([notice('2026-01-10T09:00:00+01:00'), rm, sor]), 'eu-dsa/17-sor').status).toBe('met')
  })

  it("Art. 17(1): no statement is owed where the recipient's contact details are not known", () => {
    const at = '2026-01-10T12:00:00+01:00'
    const anonymous = ev('ContentActioned', at, { action: 'removed', recipientContactKnown: false })
    expect(of(run([notice('2026-01-10T09:00:00+01:00'), anonymous]), 'eu-dsa/17-sor')).toEqual([])
    const account = ev('AccountActioned', at, {
      accountRef: 'a-1',
      action: 'suspended',
      recipientContactKnown: false,
    })
    expect(of(run([notice('2026-01-10T09:00:00+01:00'), account]), 'eu-dsa/17-sor')).toEqual([])
    // known, or not said: the statement is owed
    const known = ev('ContentActioned', at, { action: 'removed', recipientContactKnown: true })
    expect(of(run([notice('2026-01-10T09:00:00+01:00'), known]), 'eu-dsa/17-sor')).toHaveLength(1)
  })

  it('Art. 24(5): the decision is still submitted when the recipient cannot be told (the protective reading)', () => {
    // "Each Art. 17(1) decision and statement of reasons" goes to the database "with no personal data";
    // the contact-details condition of Art. 17 governs telling the recipient, not the decision.
    const at = '2026-01-10T12:00:00+01:00'
    const profile = { providerType: { kind: 'online_platform' as const } }
    const anonymous = ev('ContentActioned', at, { action: 'removed', recipientContactKnown: false })
    const account = ev('AccountActioned', at, {
      accountRef: 'a-1',
      action: 'suspended',
      recipientContactKnown: false,
    })
    for (const restriction of [anonymous, account]) {
      const obligations = run([notice('2026-01-10T09:00:00+01:00'), restriction], { profile })
      expect(of(obligations, 'eu-dsa/17-sor')).toEqual([])
      expect(of(obligations, 'eu-dsa/24-5-sor-db')).toHaveLength(1)
    }
  })

  it('Art. 17: no statement, and none to submit (Art. 24(5)), for deceptive high-volume commercial content', () => {
    const at = '2026-01-10T12:00:00+01:00'
    const spam = notice('2026-01-10T09:00:00+01:00', { category: 'fraud' })
    const content = ev('ContentActioned', at, { action: 'removed', deceptiveHighVolumeCommercial: true })
    const account = ev('AccountActioned', at, {
      accountRef: 'a-1',
      action: 'terminated',
      deceptiveHighVolumeCommercial: true,
    })
    const profile = { providerType: { kind: 'online_platform' as const } }
    for (const restriction of [content, account]) {
      const obligations = run([spam, restriction], { profile })
      expect(of(obligations, 'eu-dsa/17-sor')).toEqual([])
      expect(of(obligations, 'eu-dsa/24-5-sor-db')).toEqual([])
    }
    // not said, or said to be false: the statement is owed, and its submission
    for (const flag of [{}, { deceptiveHighVolumeCommercial: false }]) {
      const removal = ev('ContentActioned', at, { action: 'removed', ...flag })
      const obligations = run([spam, removal], { profile })
      expect(of(obligations, 'eu-dsa/17-sor')).toHaveLength(1)
      expect(of(obligations, 'eu-dsa/24-5-sor-db')).toHaveLength(1)
    }
  })

  it('Art. 17 and 24(5): no statement, and none to submit, for a geo-block restricting no one in the EEA', () => {
    const at = '2026-05-11T12:05:00+02:00'
    const usAndDe = notice('2026-05-11T09:00:00+02:00', { jurisdictions: ['DE', 'US'] })
    const profile = { providerType: { kind: 'online_platform' as const } }
    const block = (territories: ReadonlyArray<string>) =>
      run([usAndDe, ev('ContentActioned', at, { action: 'geo_blocked', territories })], { profile })
    for (const territories of [['US'], ['US', 'CH', 'GB']]) {
      expect(of(block(territories), 'eu-dsa/17-sor')).toEqual([])
      expect(of(block(territories), 'eu-dsa/24-5-sor-db')).toEqual([])
    }
    // a geo-block reaching a recipient in the EEA (Norway included, as the database takes it) owes both
    for (const territories of [['DE'], ['US', 'NO']]) {
      expect(of(block(territories), 'eu-dsa/17-sor')).toHaveLength(1)
      expect(of(block(territories), 'eu-dsa/24-5-sor-db')).toHaveLength(1)
    }
    // and so does a removal, wherever the case is
    const removal = run([usAndDe, ev('ContentActioned', at, { action: 'removed' })], { profile })
    expect(of(removal, 'eu-dsa/24-5-sor-db')).toHaveLength(1)
  })

  it('Art. 17 and 24(5) read a restriction with what is known at its instant, whatever the order of same-instant events', () => {
    const at = '2025-01-04T15:00:00.000+00:00'
    const profile = { providerType: { kind: 'online_platform' as const } }
    // same instant, ordered by id: the removal (a-…) sorts before its own detection (b-…)
    const removal = ev('ContentActioned', at, { action: 'removed' }, { id: 'a-removal' })
    const detection = ev(
      'ContentDetected',
      at,
      {
        method: 'classifier',
        category: 'csam',
        content: { ref: 'post:1', kind: 'image' },
        jurisdictions: ['PL'],
      },
      { id: 'b-detection' },
    )
    const same = run([detection, removal], { profile })
    expect(of(same, 'eu-dsa/24-5-sor-db').map((o) => o.triggeredBy)).toEqual(['a-removal'])
    // a jurisdiction learnt only later (an EU authority's request the next day) owes nothing for the removal:
    // the dsa-sor report writes no statement for it either (`EuDsa.statementOwed`)
    const usOnly = ev(
      'ContentDetected',
      '2025-01-04T14:00:00.000+00:00',
      {
        method: 'classifier',
        category: 'csam',
        content: { ref: 'post:1', kind: 'image' },
        jurisdictions: ['US'],
      },
      { id: 'c-detection' },
    )
    const later = request('2025-01-05T15:00:00.000+00:00', {
      kind: 'information_request',
      jurisdiction: 'DE',
    })
    const late = run([usOnly, removal, later], { profile })
    expect(of(late, 'eu-dsa/17-sor')).toEqual([])
    expect(of(late, 'eu-dsa/24-5-sor-db')).toEqual([])
  })

  it('statementOwed: outside the EEA, deceptive high-volume commercial content, or owed', () => {
    const at = '2026-01-10T12:00:00+01:00'
    expect(EuDsa.statementOwed({ occurredAt: at, territories: ['US'], jurisdictions: ['DE'] })).toBe(
      'outsideEea',
    )
    expect(EuDsa.statementOwed({ occurredAt: at, territories: null, jurisdictions: ['US'] })).toBe(
      'outsideEea',
    )
    expect(EuDsa.statementOwed({ occurredAt: at, jurisdictions: ['IS'] })).toBe('owed')
    expect(
      EuDsa.statementOwed({ occurredAt: at, jurisdictions: ['DE'], deceptiveHighVolumeCommercial: true }),
    ).toBe('deceptiveHighVolumeCommercial')
    // membership is read at the instant: the United Kingdom before and after 2020-01-31
    expect(EuDsa.statementOwed({ occurredAt: '2019-06-01T12:00:00+01:00', jurisdictions: ['GB'] })).toBe(
      'owed',
    )
    expect(EuDsa.statementOwed({ occurredAt: at, jurisdictions: ['GB'] })).toBe('outsideEea')
  })

  it('Art. 16(5): a refusal must be notified with redress options', () => {
    const refusal = frontlineRefusal('2026-01-10T12:00:00+01:00')
    const o = one(run([notice('2026-01-10T09:00:00+01:00'), refusal]), 'eu-dsa/16-notify-decision')
    expect(o.triggeredBy).toBe(refusal.id)
  })

  it('Art. 16(4) and 16(5) answer notices of illegal content only, not reports of a policy breach alone', () => {
    const refusal = frontlineRefusal('2026-01-10T12:00:00+01:00')
    const reporter = { subjectId: 's', email: 'n@example.org' }
    const policyOnly = notice('2026-01-10T09:00:00+01:00', { category: 'policy_other', reporter })
    const terms = run([policyOnly, refusal])
    expect(of(terms, 'eu-dsa/16-ack')).toEqual([])
    expect(of(terms, 'eu-dsa/16-notify-decision')).toEqual([])
    // a report naming an illegal category among others is a notice
    const mixed = notice('2026-01-10T09:00:00+01:00', {
      category: 'policy_other',
      categories: ['hate'],
      reporter,
    })
    const both = run([mixed, refusal])
    expect(of(both, 'eu-dsa/16-ack')).toHaveLength(1)
    expect(of(both, 'eu-dsa/16-notify-decision')).toHaveLength(1)
  })

  it('Art. 21 is unconfirmed and off unless enabled', () => {
    const a = ev('AppealLodged', '2026-01-12T12:00:00+01:00', {
      appealId: 'a',
      by: 'reporter',
      venue: 'out_of_court',
    })
    expect(of(run([notice('2026-01-10T09:00:00+01:00'), a]), 'eu-dsa/21-ods')).toEqual([])
    expect(
      of(
        run([notice('2026-01-10T09:00:00+01:00'), a], { profile: { enabledRules: ['eu-dsa/21-ods'] } }),
        'eu-dsa/21-ods',
      ),
    ).toHaveLength(1)
  })
})

// Reference note 7: "a trigger before that date creates no statutory clock. Flag it `preEffective` and,
// conservatively, start the clock at the effective instant"; for a provider that is not a VLOP the DSA's
// effective instant is 2024-02-17 ("shall apply from 17 February 2024"), for a VLOP 2023-08-25 (Art. 92).
describe('eu-dsa rules binding VLOPs first: pre-effective before the provider is bound', () => {
  const early = '2023-10-01T09:00:00+02:00'
  const flagged = notice(early, { channel: 'trusted_flagger' })
  const profiles = {
    hosting: { providerType: { kind: 'hosting' as const } },
    platform: { providerType: { kind: 'online_platform' as const } },
    none: {},
  }

  it('Art. 16(6) and Art. 22: a provider that is not a VLOP gets pre-effective obligations starting 2024-02-17', () => {
    for (const [name, profile] of Object.entries(profiles)) {
      const decide = one(run([notice(early)], { profile }), 'eu-dsa/16-decide')
      expect(decide.preEffective, name).toBe(true)
      expect(decide.statutory, name).toBe(false)
      expect(Date.parse(decide.startedAt), name).toBe(Date.parse(GENERAL))
      if (name === 'hosting') continue // Art. 22 binds online platforms
      const trusted = one(run([flagged], { profile }), 'eu-dsa/22-trusted-flagger')
      expect(trusted.preEffective, name).toBe(true)
      expect(Date.parse(trusted.startedAt), name).toBe(Date.parse(GENERAL))
    }
  })

  it('a VLOP’s same trigger gives a normal obligation from the trigger', () => {
    const vlop = { profile: { providerType: { kind: 'vlop' as const } } }
    for (const [events, id] of [
      [[notice(early)], 'eu-dsa/16-decide'],
      [[flagged], 'eu-dsa/22-trusted-flagger'],
    ] as const) {
      const o = one(run(events, vlop), id)
      expect(o.preEffective, id).toBe(false)
      expect(Date.parse(o.startedAt), id).toBe(Date.parse(early))
    }
  })

  it('--what-if eu-dsa: the same trigger gives every profile a counterfactual obligation from the trigger, never none', () => {
    // docs/cli.md: "Apply these policies even before their entry into force (counterfactual)"; a profile
    // that gets a pre-effective clock without --what-if must not lose it with it
    const designated = { providerType: { kind: 'vlop' as const, designatedAt: '2023-09-01T00:00:00+02:00' } }
    for (const [name, profile] of Object.entries({ ...profiles, designated })) {
      const o = one(run([notice(early)], { profile, whatIf: ['eu-dsa'] }), 'eu-dsa/16-decide')
      expect(o.counterfactual, name).toBe(true)
      expect(o.preEffective, name).toBe(false)
      expect(Date.parse(o.startedAt), name).toBe(Date.parse(early))
    }
  })

  it('a VLOP’s trigger before 2023-08-25 is pre-effective from 2023-08-25', () => {
    const o = one(
      run([notice('2023-06-01T09:00:00+02:00')], { profile: { providerType: { kind: 'vlop' } } }),
      'eu-dsa/16-decide',
    )
    expect(o.preEffective).toBe(true)
    expect(Date.parse(o.startedAt)).toBe(Date.parse(VLOPS))
  })

  it('every rule with a VLOP date gives the profile its own first version; the others are untouched', () => {
    const dsa = Policy.all.filter((p) => p.id === 'eu-dsa')
    const first = (kind: 'hosting' | 'vlop' | null) =>
      Policy.forProfile(Profile.resolve(kind === null ? {} : { providerType: { kind } }), dsa).map(
        (r) => [r.rule, r.versions[0]!.validFrom] as const,
      )
    const statute = Policy.rules(dsa).map((r) => [r.rule, r.versions[0]!.validFrom] as const)
    first(null).forEach(([rule, from], i) => {
      expect(Date.parse(from), rule).toBeGreaterThanOrEqual(Date.parse(GENERAL))
      if (Policy.rules(dsa)[i]!.scope.generalFrom === undefined) expect(from, rule).toBe(statute[i]![1])
    })
    expect(first('hosting')).toEqual(first(null))
    expect(first('vlop')).toEqual(statute)
  })

  it('property: a notice at any instant gives one Art. 16(6) clock, pre-effective exactly before the provider is bound', () => {
    const instant = fc
      .integer({ min: Date.parse('2022-11-16T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') })
      .map((ms) => plus('1970-01-01T00:00:00Z', ms))
    fc.assert(
      fc.property(
        instant,
        fc.constantFrom<'vlop' | 'hosting' | null>('vlop', 'hosting', null),
        (at, kind) => {
          const profile = kind === null ? {} : { providerType: { kind } }
          const o = one(run([notice(at)], { profile }), 'eu-dsa/16-decide')
          const bound = Date.parse(kind === 'vlop' ? VLOPS : GENERAL)
          expect(o.preEffective).toBe(Date.parse(at) < bound)
          expect(o.statutory).toBe(false)
          expect(Date.parse(o.startedAt)).toBe(Math.max(Date.parse(at), bound))
        },
      ),
      { numRuns: 60 },
    )
  })
})

// The DSA section: "Since 17/02/2024, all hosting service providers"; the Art. 6 row, the "hosting liability
// exemption" with Art. 16(3); the Art. 18 row, "Hosting provider". A search service is none of them.
describe('eu-dsa hosting duties and a search service', () => {
  it('a notice binds a hosting provider or a profile naming no type by Arts. 6 and 16, a search service by neither', () => {
    const events = [notice('2026-03-02T09:00:00+01:00', { category: 'threat_to_life' })]
    const hosting = ['eu-dsa/6-expeditious', 'eu-dsa/16-decide', 'eu-dsa/18-notify-le']
    for (const profile of [{}, { providerType: { kind: 'hosting' as const } }]) {
      for (const id of hosting) expect(of(run(events, { profile }), id), id).toHaveLength(1)
    }
    // a very large online search engine is a search service too, designated or not
    for (const kind of ['search', 'vlose'] as const) {
      const search = run(events, { profile: { providerType: { kind } } })
      for (const id of hosting) expect(of(search, id), `${kind} ${id}`).toEqual([])
    }
    // nor the UK's user-to-user s. 10(3)(b) duty, for the same report made in GB
    const gb = [report('2026-03-02T09:00:00+00:00', { category: 'csam', jurisdictions: ['GB'] })]
    expect(of(run(gb), 'uk-osa/10-3-b-swift')).toHaveLength(1)
    for (const kind of ['search', 'vlose'] as const) {
      expect(of(run(gb, { profile: { providerType: { kind } } }), 'uk-osa/10-3-b-swift'), kind).toEqual([])
    }
  })
})
