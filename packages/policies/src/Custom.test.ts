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
    expect(E.isLeft(Custom.parse('{ not yaml: ['))).toBe(true)
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
    const withStart = (start: string) =>
      Custom.parse(
        `id: x\ntitle: t\nrules:\n  - rule: r\n    title: t\n    start: ${start}\n    complete: { event: CaseClosed }\n    period: PT1H\n`,
      )
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
})
