// The catalogue behind `docket policies` and the generated pages docs/policies/<id>.md.
// Run with DOCKET_WRITE_DOCS=1 to regenerate the pages; without it a stale page fails.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import * as Catalog from './Catalog.js'
import * as Custom from './Custom.js'
import * as Policy from './Policy.js'

const docs = fileURLToPath(new URL('../../../docs/policies/', import.meta.url))
const write = process.env.DOCKET_WRITE_DOCS === '1'

const pages: ReadonlyArray<readonly [string, string]> = [
  ['README.md', Catalog.indexPage()],
  ...Policy.all.map((p) => [`${p.id}.md`, Catalog.markdown(p)] as const),
]

describe('Catalog', () => {
  it('lists the thirteen modules of cli.md, in order', () => {
    expect(Catalog.list().map((p) => p.id)).toEqual([
      'us-2258a',
      'us-2703f',
      'us-take-it-down',
      'eu-dsa',
      'eu-tco',
      'eu-e-evidence',
      'uk-osa',
      'au-osa',
      'in-it-rules',
      'de-netzdg',
      'fr-lcen',
      'ca-mandatory-reporting',
      'br-eca-digital',
    ])
  })

  it('gives every rule an id, citation, quote, versions and a default state that follows its confidence', () => {
    const listed = Catalog.list().flatMap((p) => p.rules)
    expect(new Set(listed.map((l) => l.id)).size).toBe(listed.length)
    for (const l of listed) {
      expect(l.id).toBe(`${l.policy}/${l.rule}`)
      expect(l.citation.length, l.id).toBeGreaterThan(5)
      expect(l.quote.length, l.id).toBeGreaterThan(5)
      if (l.clock) {
        expect(l.versions.length, l.id).toBeGreaterThan(0)
        expect(l.onByDefault, l.id).toBe(l.confidence !== 'unconfirmed')
      } else {
        expect(l.onByDefault, l.id).toBe(false)
        expect(l.notes[0], l.id).toMatch(/^No clock: /)
      }
    }
  })

  it('says in the text listing which rules are off by default and which have no clock', () => {
    const text = Catalog.text()
    expect(text).toContain('us-2258a/report  deadline  primary  on by default')
    expect(text).toContain('eu-dsa/21-ods  deadline  unconfirmed  off by default (enable in the profile)')
    expect(text).toContain('us-2258a/fines  -  primary  metadata only (no clock)')
    expect(text).toContain('from 2026-02-20T00:00:00.000+05:30 in force: PT2H elapsed')
  })

  it('says a policy naming no jurisdictions applies everywhere (the JSON keeps [])', () => {
    const acme = Custom.policy({
      id: 'acme',
      title: 'ACME',
      rules: [
        {
          rule: 'ack',
          title: 'Acknowledge',
          start: { event: 'ContentReported' },
          complete: { event: 'CaseClosed' },
          period: 'PT1H',
        },
      ],
    })
    expect(Catalog.text([acme])).toMatch(/^acme — ACME \[everywhere\]\n/)
    const [listing] = Catalog.list([acme])
    expect(listing!.jurisdictions).toEqual([])
    expect(listing!.rules[0]!.scope).toBe('every case, whatever its jurisdictions')
    expect(Catalog.markdown(acme)).toContain('\nJurisdictions: everywhere.\n')
    expect(Catalog.indexPage([acme])).toContain('| 1 / 0 / 0 | everywhere |')
    // a policy naming some lists them, as the statutes do
    expect(Catalog.text([{ ...acme, jurisdictions: ['EU', 'GB'] }])).toMatch(/^acme — ACME \[EU, GB\]\n/)
  })

  it('labels a duty the law gives no number as statutory, its deadline an internal target', () => {
    const kindLine = (p: Policy.Policy, id: string): string => {
      const page = Catalog.markdown(p)
      const section = page.slice(page.indexOf(`## ${id}\n`))
      return section.split('\n').find((l) => l.startsWith('- Kind:'))!
    }
    const us2258a = Policy.all.find((p) => p.id === 'us-2258a')!
    // 18 U.S.C. § 2258A(a): a duty ("shall") to report "as soon as reasonably possible", no number
    expect(kindLine(us2258a, 'us-2258a/report')).toBe(
      '- Kind: deadline (statutory duty; deadline an internal target: the law gives no number, so never a statutory breach)',
    )
    // DSA Art. 6 is the hosting exemption's condition, not a duty; AU OSA's 48 hours are the platform's own
    const dsa = Policy.all.find((p) => p.id === 'eu-dsa')!
    expect(kindLine(dsa, 'eu-dsa/6-expeditious')).toContain(
      '(condition of a statutory exemption; deadline an internal target',
    )
    expect(kindLine(dsa, 'eu-dsa/17-sor')).toBe('- Kind: deadline')
    const au = Policy.all.find((p) => p.id === 'au-osa')!
    const internal = au.rules.find((r) => r.internal === true)!
    expect(kindLine(au, `${internal.policy}/${internal.rule}`)).toContain(
      '(internal target, not a legal duty',
    )
    // every rule of a statute: a number the law gives, or its label says the deadline is an internal target
    for (const p of Policy.all)
      for (const l of Catalog.ofPolicy(p).rules.filter((x) => x.clock))
        expect(
          l.statutory ||
            /deadline an internal target|internal target, not a legal duty/.test(kindLine(p, l.id)),
        ).toBe(true)
  })

  it('writes the same JSON for the same rules (deterministic)', () => {
    expect(JSON.stringify(Catalog.list())).toBe(JSON.stringify(Catalog.list()))
  })

  it('keeps docs/policies in step with the metadata', () => {
    if (write) {
      mkdirSync(docs, { recursive: true })
      for (const [name, body] of pages) writeFileSync(`${docs}${name}`, body)
    }
    for (const [name, body] of pages) {
      const file = `${docs}${name}`
      expect(
        existsSync(file),
        `${file} is missing: run DOCKET_WRITE_DOCS=1 vitest run ${'packages/policies/src/Catalog.test.ts'}`,
      ).toBe(true)
      expect(readFileSync(file, 'utf8'), `${file} is stale: regenerate with DOCKET_WRITE_DOCS=1`).toBe(body)
    }
  })
})
