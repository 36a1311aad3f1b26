// Custom policies: the documented YAML example decodes and runs; bad documents fail with field paths.
import { readFileSync } from 'node:fs'
import { DecodeError } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as Custom from './Custom.js'
import { ev, HOUR, of, one, report, run } from './internal/testing.js'

const doc = readFileSync(new URL('../../../docs/policies/custom.md', import.meta.url), 'utf8')
const yamlBlock = /```yaml\n([\s\S]*?)```/.exec(doc)![1]!

const decoded = (): ReturnType<typeof Custom.parse> => Custom.parse(yamlBlock)

/** A one-rule document whose rule starts on the condition `start`. */
const withStartText = (start: string): string =>
  `id: x\ntitle: t\nrules:\n  - rule: r\n    title: t\n    start: ${start}\n    complete: { event: CaseClosed }\n    period: PT1H\n`

/** A decoding's issues as `DecodeError.format` writes them, or `decoded`. */
const formatted = (r: E.Either<DecodeError.DecodeError, unknown>): string =>
  E.isLeft(r) ? DecodeError.format(r.left) : 'decoded'

describe('Custom', () => {
  it('decodes the example of docs/policies/custom.md', () => {
    const p = decoded()
    expect(E.isRight(p)).toBe(true)
    if (E.isRight(p)) {
      expect(p.right.id).toBe('acme-trust-safety')
      expect(p.right.rules.map((r) => `${r.policy}/${r.rule}`)).toEqual([
        'acme-trust-safety/csam-triage',
        'acme-trust-safety/appeal-answer',
      ])
    }
  })

  it('runs "triage every CSAM report within 1 hour" per report, never statutory', () => {
    const p = decoded()
    if (E.isLeft(p)) throw new Error(DecodeError.format(p.left))
    const a = report('2026-05-01T10:00:00+02:00', { category: 'csam', jurisdictions: ['FR'] }, { id: 'r-a' })
    const b = report('2026-05-01T10:30:00+02:00', { category: 'csam', jurisdictions: ['FR'] }, { id: 'r-b' })
    const decided = ev('ReviewDecided', '2026-05-01T10:45:00+02:00', {
      reviewId: 'v',
      outcome: 'violation',
      tier: 'specialist',
      automation: 'not',
      reportId: 'r-a',
    })
    const obligations = run([a, b, decided], { rules: p.right.rules, asOf: '2026-05-01T12:00:00+02:00' })
    const triage = of(obligations, 'acme-trust-safety/csam-triage')
    expect(triage.map((o) => o.status)).toEqual(['met', 'breached'])
    expect(triage.every((o) => !o.statutory)).toBe(true)
    expect(Date.parse(triage[1]!.dueAt) - Date.parse(triage[1]!.startedAt)).toBe(HOUR)
  })

  it('runs calendar periods in the rule’s zone', () => {
    const p = decoded()
    if (E.isLeft(p)) throw new Error('bad')
    const lodged = ev('AppealLodged', '2026-05-01T10:00:00+01:00', {
      appealId: 'a',
      by: 'reporter',
      venue: 'internal',
    })
    expect(one(run([lodged], { rules: p.right.rules }), 'acme-trust-safety/appeal-answer').dueAt).toBe(
      '2026-05-05T00:00:00.000+01:00',
    )
  })

  it('rejects unknown fields and bad values with their paths', () => {
    const bad = Custom.parse(
      'id: x\ntitle: t\nrules:\n  - rule: r\n    title: t\n    start: { event: ContentReported, categroies: [csam] }\n    complete: { event: Nope }\n    period: 1h\n',
    )
    expect(E.isLeft(bad)).toBe(true)
    if (E.isLeft(bad)) {
      const text = DecodeError.format(bad.left)
      expect(text).toContain('categroies')
      expect(text).toContain('period')
    }
    // the field names the codec knows, as a profile's unknown field does (it read "expected never")
    expect(formatted(Custom.parse(withStartText('{ event: ContentReported, categroies: [csam] }')))).toMatch(
      /^rules\.0\.start\.categroies: got \["csam"\], expected no such field \(known: event, categories, /,
    )
    expect(formatted(Custom.parse('id: x\ntitle: t\nrules: []\nsumary: s\n'))).toBe(
      'sumary: got "s", expected no such field (known: id, title, rules, jurisdictions, summary)',
    )
    expect(E.isLeft(Custom.parse('{ not yaml: ['))).toBe(true)
  })

  it("reports an unknown field with the known fields' problems, not instead of them", () => {
    // a misspelt `period` beside a misspelt condition field: one round of fixes, not three
    expect(
      formatted(
        Custom.parse(
          'id: x\ntitle: t\nrules:\n  - rule: r\n    title: t\n    start: { event: ContentReported, categoires: [csam] }\n    complete: { event: CaseClosed }\n    peroid: PT1H\n',
        ),
      ).split('\n'),
    ).toEqual([
      expect.stringMatching(/^rules\.0\.peroid: got "PT1H", expected no such field \(known: rule, title, /),
      expect.stringMatching(/^rules\.0\.start\.categoires: got \["csam"\], expected no such field /),
      'rules.0.period: got nothing, expected an ISO-8601 duration of whole numbers, longer than zero, such as PT48H or P90D',
    ])
  })

  it('names the line a YAML syntax error is at, on one line (no code frame, no first 40 characters)', () => {
    const text =
      'id: x\ntitle: t\nrules:\n  - rule: r\n    title: t\n    start: { event: ContentReported\n    complete: { event: CaseClosed }\n    period: PT1H\n'
    expect(formatted(Custom.parse(text))).toBe(
      'line 7: (root): got "    complete: { event: CaseClosed }", expected JSON or YAML (Flow map in block collection must be sufficiently indented and end with a }, at column 5)',
    )
    // a key given twice (a second `period`) is a syntax error too, at its line
    expect(formatted(Custom.parse('id: x\ntitle: t\nrules: []\ntitle: u\n'))).toBe(
      'line 4: (root): got "title: u", expected JSON or YAML (Map keys must be unique, at column 1)',
    )
  })

  it("checks the rules that decode even when another field does not (a bad field hides no rule's problem)", () => {
    const rule = (name: string, more: string) =>
      `  - rule: ${name}\n    title: t\n    start: { event: ContentReported }\n    complete: { event: CaseClosed }\n${more}`
    const text = `id: x\ntitle: t\nrules:\n${rule('a', '    period: PT1H\n    zone: Europe/Dublinn\n')}${rule('b', '    period: PT4H\n    clock: business-days\n')}${rule('b', '    period: PT1H\n    target: PT2H\n')}`
    expect(formatted(Custom.parse(text)).split('\n')).toEqual([
      expect.stringMatching(/^rules\.0\.zone: got "Europe\/Dublinn", expected an IANA time zone/),
      'rules.2.rule: got "b", expected a rule name not already used in this policy',
      expect.stringMatching(/^rules\.1\.period: got "PT4H", expected a period of days or weeks only/),
      expect.stringMatching(
        /^rules\.2\.target: got "PT2H", expected an internal target no longer than the period/,
      ),
    ])
  })

  it('refuses an endOfDay or a calendar its clock would ignore', () => {
    const withPeriod = (more: string) =>
      formatted(
        Custom.parse(
          `id: x\ntitle: t\nrules:\n  - rule: r\n    title: t\n    start: { event: ContentReported }\n    complete: { event: CaseClosed }\n${more}`,
        ),
      )
    // PT1H with endOfDay was due an hour after the start, not at 24:00; P2D with calendar: IE still ended on a holiday
    expect(withPeriod('    period: PT1H\n    endOfDay: true\n')).toMatch(
      /^rules\.0\.endOfDay: got true, expected no endOfDay on a period of elapsed time \(it would be ignored\)/,
    )
    expect(withPeriod('    period: PT8H\n    clock: business-hours\n    endOfDay: true\n')).toMatch(
      /^rules\.0\.endOfDay: got true, expected no endOfDay on a business-hours clock/,
    )
    expect(withPeriod('    period: P2D\n    calendar: IE\n')).toMatch(
      /^rules\.0\.calendar: got "IE", expected no calendar on a clock that counts no working time/,
    )
    expect(
      withPeriod('    period: P2D\n    clock: business-days\n    calendar: IE\n    endOfDay: true\n'),
    ).toBe('decoded')
    expect(withPeriod('    period: P2D\n    endOfDay: true\n    endOfDay: false\n')).toMatch(/^line 10: /)
  })

  it('refuses two rules of one name (one rule id, two clocks, obligations sharing ids)', () => {
    const rule = (title: string, period: string) =>
      `  - rule: x\n    title: ${title}\n    start: { event: ContentReported }\n    complete: { event: CaseClosed }\n    period: ${period}\n`
    const bad = Custom.parse(`id: acme\ntitle: t\nrules:\n${rule('a', 'PT1H')}${rule('b', 'P10D')}`)
    expect(E.isLeft(bad) && DecodeError.format(bad.left)).toBe(
      'rules.1.rule: got "x", expected a rule name not already used in this policy',
    )
  })

  it("checks a rule's zone when the document is parsed (a zone luxon does not know would stop the engine)", () => {
    const withZone = (zone: string) =>
      Custom.parse(
        `id: x\ntitle: t\nrules:\n  - rule: r\n    title: t\n    start: { event: ContentReported }\n    complete: { event: CaseClosed }\n    period: PT1H\n    zone: ${zone}\n`,
      )
    for (const zone of ['Europe/Paris', 'profile', 'event', 'UTC+02:00'])
      expect(E.isRight(withZone(zone)), zone).toBe(true)
    const bad = withZone('Mars/Olympus')
    expect(E.isLeft(bad) && DecodeError.format(bad.left)).toBe(
      'rules.0.zone: got "Mars/Olympus", expected an IANA time zone (such as Europe/Paris), a fixed offset (UTC+02:00), profile or event',
    )
  })

  it('refuses a category or channel the events cannot carry (a typo would never match)', () => {
    const withStart = (start: string) => Custom.parse(withStartText(start))
    expect(
      E.isRight(withStart('{ event: ContentReported, categories: [csam, ncii], channel: [in_app] }')),
    ).toBe(true)
    const category = withStart('{ event: ContentReported, categories: [csma] }')
    expect(E.isLeft(category) && DecodeError.format(category.left)).toMatch(
      /^rules\.0\.start\.categories\.0: got "csma", expected one of csam, /,
    )
    const channel = withStart('{ event: ContentReported, channel: [webform] }')
    expect(E.isLeft(channel) && DecodeError.format(channel.left)).toMatch(
      /^rules\.0\.start\.channel\.0: got "webform", expected one of in_app, /,
    )
  })

  it('refuses outcome, action, recipient, kind or to values the events of the type cannot carry', () => {
    const issue = (start: string): string => formatted(Custom.parse(withStartText(start)))
    for (const start of [
      '{ event: ReviewDecided, outcome: [violation, no_violation] }',
      '{ event: [ReviewDecided, AppealDecided], outcome: [violation, decision_reversed] }',
      '{ event: ContentActioned, action: [removed, geo_blocked] }',
      '{ event: AccountActioned, action: [suspended] }',
      '{ event: MandatoryReportFiled, recipient: [NCMEC] }',
      '{ event: AuthorityRequestReceived, kind: [removal_order], legalBasis: [any words], jurisdictions: [FR] }',
      '{ event: NotificationSent, to: [uploader], kind: [decision], sameReport: true }',
      '{ event: ContentReported, allegesMinor: true, sameReport: true }',
    ])
      expect(issue(start), start).toBe('decoded')
    expect(issue('{ event: ReviewDecided, outcome: [violaton] }')).toBe(
      'rules.0.start.outcome.0: got "violaton", expected one of violation, no_violation, insufficient_information',
    )
    // the values of the type named, not of another type's field of the same name
    expect(issue('{ event: ContentActioned, action: [suspended] }')).toMatch(
      /^rules\.0\.start\.action\.0: got "suspended", expected one of removed, disabled, /,
    )
    expect(issue('{ event: MandatoryReportFiled, recipient: [ncmec] }')).toMatch(
      /^rules\.0\.start\.recipient\.0: got "ncmec", expected one of NCMEC, NCA, /,
    )
    expect(issue('{ event: NotificationSent, kind: [removal_order] }')).toMatch(
      /^rules\.0\.start\.kind\.0: got "removal_order", expected one of acknowledgement, decision, /,
    )
    expect(issue('{ event: NotificationSent, to: [uploadr] }')).toBe(
      'rules.0.start.to.0: got "uploadr", expected one of reporter, uploader, authority',
    )
  })

  it('refuses an empty list (an empty event, any or field list never matches, an empty all always does)', () => {
    const issue = (start: string): string => formatted(Custom.parse(withStartText(start)))
    // the list's own message, not the single type's (which read as if a list were not allowed)
    expect(issue('{ event: [] }')).toMatch(
      /^rules\.0\.start\.event: got \[\], expected a non-empty list of EventType/,
    )
    expect(issue('{ event: [ContentReported, Nope] }')).toMatch(
      /^rules\.0\.start\.event\.1: got "Nope", expected EventType/,
    )
    expect(issue('{ event: 3 }')).toMatch(/^rules\.0\.start\.event: got 3, expected EventType/)
    expect(issue('{ any: [] }')).toMatch(
      /^rules\.0\.start\.any: got \[\], expected a non-empty list of Condition/,
    )
    expect(issue('{ all: [] }')).toMatch(
      /^rules\.0\.start\.all: got \[\], expected a non-empty list of Condition/,
    )
    expect(issue('{ event: ReviewDecided, outcome: [] }')).toMatch(
      /^rules\.0\.start\.outcome: got \[\], expected a non-empty list of outcome/,
    )
    expect(issue('{ event: ContentReported, jurisdictions: [] }')).toMatch(
      /^rules\.0\.start\.jurisdictions: got \[\], expected a non-empty list of /,
    )
    expect(issue('{ event: AuthorityRequestReceived, legalBasis: [] }')).toMatch(
      /^rules\.0\.start\.legalBasis: got \[\], expected a non-empty list of string/,
    )
  })

  it('refuses a condition field the event type does not have, naming the types it applies to', () => {
    const issue = (start: string): string => formatted(Custom.parse(withStartText(start)))
    expect(issue('{ event: ContentReported, outcome: [violation] }')).toBe(
      'rules.0.start.outcome: got ["violation"], expected no outcome (it does not apply to ContentReported); ' +
        'outcome applies to AppealDecided: decision_upheld, decision_reversed, inadmissible_late; ' +
        'ReviewDecided: violation, no_violation, insufficient_information',
    )
    expect(issue('{ event: ReviewDecided, legalBasis: [x] }')).toBe(
      'rules.0.start.legalBasis: got ["x"], expected no legalBasis (it does not apply to ReviewDecided); ' +
        'legalBasis applies to AuthorityRequestReceived',
    )
    // one type of a list without the field is a part of the condition that never matches
    expect(issue('{ event: [ContentReported, CaseClosed], channel: [in_app] }')).toMatch(
      /^rules\.0\.start\.channel: got \["in_app"\], expected no channel \(it does not apply to CaseClosed\); channel applies to ContentReported: in_app, .*; give CaseClosed a condition of its own under any$/,
    )
    expect(issue('{ event: CaseClosed, sameReport: true }')).toMatch(
      /^rules\.0\.start\.sameReport: got true, expected no sameReport \(it does not apply to CaseClosed\)/,
    )
    expect(issue('{ event: x-acme.Escalated, categories: [csam] }')).toMatch(
      /expected no categories \(it does not apply to x-acme\.Escalated \(conditions read no field of a platform’s own event type\)\)/,
    )
    // nested conditions are checked at their own path
    expect(
      issue('{ all: [{ event: ReviewDecided }, { not: { event: AppealLodged, outcome: [x] } }] }'),
    ).toMatch(/^rules\.0\.start\.all\.1\.not\.outcome: got \["x"\], expected no outcome/)
  })

  it('refuses a rule whose validTo is not after its validFrom (it would never apply)', () => {
    const withWindow = (fields: string) =>
      Custom.parse(`${withStartText('{ event: ContentReported }')}${fields}`)
    expect(
      E.isRight(withWindow('    validFrom: 2026-01-01T00:00:00Z\n    validTo: 2026-06-01T00:00:00+02:00\n')),
    ).toBe(true)
    const bad = withWindow('    validFrom: 2026-06-01T00:00:00Z\n    validTo: 2026-01-01T00:00:00Z\n')
    expect(E.isLeft(bad) && DecodeError.format(bad.left)).toBe(
      'rules.0.validTo: got "2026-01-01T00:00:00Z", expected an instant after validFrom (2026-06-01T00:00:00Z): the rule would never apply',
    )
    const same = withWindow('    validFrom: 2026-01-01T01:00:00+01:00\n    validTo: 2026-01-01T00:00:00Z\n')
    expect(E.isLeft(same)).toBe(true)
    // without validFrom the rule applies from 1970
    expect(E.isLeft(withWindow('    validTo: 1969-12-31T00:00:00Z\n'))).toBe(true)
  })

  it('refuses a zero period or target, and a target longer than the period', () => {
    const rule = (fields: string) =>
      Custom.parse(
        `id: x\ntitle: t\nrules:\n  - rule: r\n    title: t\n    start: { event: ContentReported }\n    complete: { event: CaseClosed }\n${fields}`,
      )
    const issue = (fields: string): string => formatted(rule(fields))
    for (const fields of [
      '    period: PT1H\n    target: PT30M\n',
      '    period: PT1H\n    target: PT1H\n',
      '    period: P1D\n    target: PT24H\n',
      '    period: P1M\n    target: P31D\n',
      '    period: P3D\n    endOfDay: true\n    target: P4D\n',
      // business time has no bound that holds over every weekend and holiday
      '    period: P2D\n    clock: business-days\n    target: P4D\n',
    ])
      expect(issue(fields), fields).toBe('decoded')
    expect(issue('    period: PT0S\n')).toBe(
      'rules.0.period: got "PT0S", expected an ISO-8601 duration of whole numbers, longer than zero, such as PT48H or P90D',
    )
    // a fraction is refused as a fraction, not as if it were zero
    expect(issue('    period: PT1.5H\n')).toBe(
      'rules.0.period: got "PT1.5H", expected an ISO-8601 duration of whole numbers, longer than zero, such as PT48H or P90D',
    )
    expect(issue('    period: PT1H\n    target: P0D\n')).toBe(
      'rules.0.target: got "P0D", expected an ISO-8601 duration of whole numbers, longer than zero, such as PT48H or P90D',
    )
    expect(issue('    period: PT1H\n    target: PT2H\n')).toBe(
      'rules.0.target: got "PT2H", expected an internal target no longer than the period (PT1H): a target after the due time is never the earlier one',
    )
    expect(issue('    period: P1M\n    target: P32D\n')).toMatch(/^rules\.0\.target: got "P32D"/)
    expect(issue('    period: P3D\n    target: P1W\n')).toMatch(/^rules\.0\.target: got "P1W"/)
  })

  it('refuses a period its business clock does not count (it was due at once, or a part was dropped)', () => {
    const issue = (period: string, clock: string): string =>
      formatted(
        Custom.parse(
          `id: x\ntitle: t\nrules:\n  - rule: r\n    title: t\n    start: { event: ContentReported }\n    complete: { event: CaseClosed }\n    period: ${period}\n    clock: ${clock}\n`,
        ),
      )
    const counted: ReadonlyArray<readonly [string, string]> = [
      ['P5D', 'business-days'],
      ['P1W', 'business-days'],
      ['PT16H', 'business-hours'],
      ['P2DT4H', 'business-hours'],
    ]
    for (const [period, clock] of counted) expect(issue(period, clock), `${period} ${clock}`).toBe('decoded')
    // business-days counts days and weeks only: PT4H was due the instant the clock started, P1M too
    // and P1DT2H's two hours were ignored; business-hours counts no month: P1M was due at once
    const uncounted: ReadonlyArray<readonly [string, string]> = [
      ['PT4H', 'business-days'],
      ['P1M', 'business-days'],
      ['P1DT2H', 'business-days'],
      ['P1M', 'business-hours'],
      ['P1Y', 'business-hours'],
    ]
    for (const [period, clock] of uncounted)
      expect(issue(period, clock), `${period} ${clock}`).toMatch(
        new RegExp(`^rules\\.0\\.period: got "${period}", expected a period of `),
      )
  })

  it('counts a period in every zone of alsoZones, the earliest reading of a deadline applying', () => {
    const withZones = (also: string) =>
      Custom.parse(
        `id: x\ntitle: t\nrules:\n  - rule: r\n    title: t\n    start: { event: ContentReported }\n    complete: { event: CaseClosed }\n    period: P1D\n    endOfDay: true\n    zone: America/Toronto\n${also}`,
      )
    // 22:30 in Vancouver is already the next day in Toronto
    const r = report('2026-05-01T22:30:00-07:00', { category: 'hate', jurisdictions: ['CA'] })
    const dueAt = (also: string): string => {
      const p = withZones(also)
      if (E.isLeft(p)) throw new Error(DecodeError.format(p.left))
      return one(run([r], { rules: p.right.rules }), 'x/r').dueAt
    }
    expect(dueAt('')).toBe('2026-05-04T00:00:00.000-04:00')
    expect(dueAt('    alsoZones: []\n')).toBe('2026-05-04T00:00:00.000-04:00')
    expect(dueAt('    alsoZones: [America/Vancouver]\n')).toBe('2026-05-03T00:00:00.000-07:00')
    const bad = withZones('    alsoZones: [America/Vancouver, Mars/Olympus]\n')
    expect(E.isLeft(bad) && DecodeError.format(bad.left)).toBe(
      'rules.0.alsoZones.1: got "Mars/Olympus", expected an IANA time zone luxon knows, such as America/Toronto',
    )
    expect(E.isLeft(withZones('    alsoZones: [profile]\n'))).toBe(true)
  })

  it("checks a rule's holiday calendar when the document is parsed (an unknown one stopped the engine)", () => {
    const withCalendar = (calendar: string) =>
      Custom.parse(
        `id: x\ntitle: t\nrules:\n  - rule: r\n    title: t\n    start: { event: ContentReported }\n    complete: { event: CaseClosed }\n    period: P2D\n    clock: business-days\n    calendar: ${calendar}\n`,
      )
    for (const calendar of ['FR', 'DE-BY', 'US'])
      expect(E.isRight(withCalendar(calendar)), calendar).toBe(true)
    const bad = withCalendar('ZZ')
    expect(E.isLeft(bad) && DecodeError.format(bad.left)).toBe(
      'rules.0.calendar: got "ZZ", expected a holiday calendar: COUNTRY[-STATE[-REGION]] with public holidays in date-holidays (such as FR or DE-BY)',
    )
  })

  it('takes ISO 3166-1 codes (or EU for the policy) as jurisdictions, and names the path of any other', () => {
    const text = (jurisdictions: string, condition: string): string =>
      `id: x\ntitle: t\njurisdictions: ${jurisdictions}\nrules:\n  - rule: r\n    title: t\n    start: { event: ContentReported, jurisdictions: ${condition} }\n    complete: { event: CaseClosed }\n    period: PT1H\n`
    expect(E.isRight(Custom.parse(text('[EU, GB]', '[FR, GB]')))).toBe(true)
    const issues = (t: string) => {
      const r = Custom.parse(t)
      return E.isLeft(r) ? r.left.issues.map((i) => `${i.path}: ${i.expected}`) : []
    }
    // UK is no ISO code: the policy would never apply, the condition never match
    expect(issues(text('[UK]', '[FR]'))).toEqual([expect.stringMatching(/^jurisdictions\.0: .*GB/)])
    expect(issues(text('[FR]', '[DE, UK]'))).toEqual([
      expect.stringMatching(/^rules\.0\.start\.jurisdictions\.1: .*GB/),
    ])
    // events never carry EU, so a condition on it would never match
    expect(issues(text('[FR]', '[EU]'))).toEqual([
      expect.stringMatching(/^rules\.0\.start\.jurisdictions\.0: .*member states/),
    ])
    expect(issues(text('[ZZ]', '[FR]'))).toEqual([expect.stringMatching(/^jurisdictions\.0: .*ISO 3166-1/)])
  })

  it('checks a policy written in TypeScript as a document, throwing with each path', () => {
    const rule = {
      rule: 'ack',
      title: 'Acknowledge',
      start: (e: { readonly type: string }) => e.type === 'ContentReported',
      complete: { event: 'NotificationSent' },
      period: 'PT2H',
    }
    expect(() => Custom.policy({ id: 'ts', title: 'TS', rules: [rule] })).not.toThrow()
    const thrown = (rules: ReadonlyArray<Custom.RuleInput>): string => {
      try {
        Custom.policy({ id: 'ts', title: 'TS', rules })
        return 'accepted'
      } catch (e) {
        return e instanceof TypeError ? e.message : String(e)
      }
    }
    expect(thrown([{ ...rule, target: 'PT3H' }])).toMatch(
      /^Custom\.policy ts: rules\.0\.target: got "PT3H", expected an internal target no longer than the period/,
    )
    expect(thrown([{ ...rule, alsoZones: ['Mars/Olympus'] }])).toMatch(
      /rules\.0\.alsoZones\.0: got "Mars\/Olympus"/,
    )
    expect(thrown([{ ...rule, complete: { event: 'NotificationSent', to: ['uploadr'] } }])).toMatch(
      /rules\.0\.complete\.to\.0: got "uploadr", expected one of reporter, uploader, authority/,
    )
    expect(thrown([rule, rule])).toMatch(/rules\.1\.rule: got "ack", expected a rule name not already used/)
  })

  it('takes TypeScript conditions as functions', () => {
    const p = Custom.policy({
      id: 'ts',
      title: 'TS',
      rules: [
        {
          rule: 'ack',
          title: 'Acknowledge within 2 hours',
          start: { event: 'ContentReported' },
          complete: (e) => e.type === 'NotificationSent',
          period: 'PT2H',
        },
      ],
    })
    const r = report('2026-05-01T10:00:00Z', { category: 'hate', jurisdictions: ['US'] })
    const o = one(run([r], { rules: p.rules }), 'ts/ack')
    expect(o.dueAt).toBe('2026-05-01T12:00:00.000Z')
  })

  it('describes function pauses and restarts in the listing as it does function starts (a string, never undefined)', () => {
    const fn = (e: { readonly type: string }): boolean => e.type === 'CaseReopened'
    const base = {
      rule: 'r',
      title: 'T',
      start: { event: 'ContentReported' as const },
      complete: fn,
      period: 'PT2H',
    }
    const listed = (extra: object) => {
      const r = Custom.policy({ id: 'ts', title: 'TS', rules: [{ ...base, ...extra }] }).rules[0]!
      return { completion: r.completion, pauses: r.pauses, restarts: r.restarts }
    }
    expect(listed({ pause: fn, restart: fn })).toEqual({
      completion: 'a TypeScript condition',
      pauses: 'a TypeScript condition',
      restarts: 'a TypeScript condition',
    })
    expect(listed({ pause: { event: 'CaseClosed' } }).pauses).toBe('{"event":"CaseClosed"}')
    expect(listed({}).pauses).toBeNull()
  })
})
