import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as Fixtures from '../testing/ReplayFixtures.js'
import * as DsaSor from './DsaSor.js'
import * as Report from './Report.js'
import * as SorRules from './SorRules.js'

const rules = SorRules.shipped()
const PUID = new RegExp((rules.fields.puid as SorRules.FieldRule).pattern!)

const build = async (events: Parameters<typeof Report.build>[0]): Promise<Report.Report> => {
  const r = await Report.build(events)
  if (E.isLeft(r)) throw new Error('replay failed')
  return r.right
}

describe('DsaSor.puid', () => {
  it("matches the database's pattern and length, and is injective (property)", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (c1, e1, c2, e2) => {
        const a = DsaSor.puid(c1, e1)
        const b = DsaSor.puid(c2, e2)
        expect(a).toMatch(PUID)
        expect(a.length).toBeLessThanOrEqual(500)
        if (c1 !== c2 || e1 !== e2) expect(a).not.toBe(b)
        else expect(a).toBe(b)
      }),
      { numRuns: 2000 },
    )
    expect(DsaSor.puid('case_1', 'e.2')).toBe('case_005f1__e_002e2')
    expect(DsaSor.puid('x'.repeat(400), 'y'.repeat(200))).toMatch(/^sha256-[0-9a-f]{64}$/)
  })
})

describe('DsaSor.build', () => {
  it('writes one statement per restrictive decision in the EEA, field by field, and none for a refusal', async () => {
    const out = DsaSor.build(await build(Fixtures.cases()))
    const byPuid = new Map(out.statements.map((s) => [s.puid, s]))
    // the NCII removal in France
    expect(byPuid.get(DsaSor.puid('eu-ncii', 'fr-3'))).toEqual({
      decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'],
      decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
      illegal_content_legal_ground: 'Code pénal art. 226-2-1',
      illegal_content_explanation: 'Sexual image shared without the consent of the person depicted.',
      content_type: ['CONTENT_TYPE_IMAGE'],
      category: 'STATEMENT_CATEGORY_CYBER_VIOLENCE',
      category_specification: ['KEYWORD_NON_CONSENSUAL_IMAGE_SHARING'],
      territorial_scope: ['FR'],
      content_date: '2026-03-01',
      application_date: '2026-03-02',
      decision_facts:
        'Notice received through web_form on 2026-03-02. Category: ncii. Reviewed at specialist tier: violation (illegal content). Action: content removed on 2026-03-02.',
      source_type: 'SOURCE_ARTICLE_16',
      automated_detection: 'No',
      automated_decision: 'AUTOMATED_DECISION_NOT_AUTOMATED',
      puid: 'eu-ncii__fr-3',
    })
    // the account suspension, with its end date
    expect(byPuid.get('eu-ncii__fr-4')).toMatchObject({
      decision_account: 'DECISION_ACCOUNT_SUSPENDED',
      end_date_account_restriction: '2026-04-02',
    })
    // the geo-block after the authority's order: the refusal itself has no statement
    expect(byPuid.get('eu-refused__de-6')).toMatchObject({
      decision_visibility: ['DECISION_VISIBILITY_CONTENT_DISABLED'],
      territorial_scope: ['DE'],
      category_specification: ['KEYWORD_HATE_SPEECH'],
      illegal_content_legal_ground: 'StGB § 130',
    })
    expect([...byPuid.keys()].some((p) => String(p).includes('de-2'))).toBe(false)
    expect(out.statements).toHaveLength(3)
    // the detection lacks its hosting date: reported, not invented
    expect(out.problems).toEqual([
      expect.objectContaining({
        caseId: 'eu-detected',
        eventId: 'nl-3',
        missing: [expect.stringContaining('content_date')],
      }),
    ])
    // the US case is outside the database's scope
    expect(out.outOfScope).toBe(1)
    for (const s of out.statements) expect(SorRules.validate(s, rules)).toEqual([])
    expect(DsaSor.describe(out.problems[0]!)).toContain('missing content_date')
  })

  it('scopes a statement by what was known at its decision: a later authority changes no statement', async () => {
    const base = Fixtures.cases()
    const last = base.filter((e) => e.caseId === 'eu-ncii').at(-1)!
    const at = new Date(Date.parse(last.recordedAt) + 86_400_000).toISOString()
    const later = {
      ...last,
      id: 'de-late',
      type: 'AuthorityRequestReceived',
      occurredAt: at,
      recordedAt: at,
      actor: { kind: 'law_enforcement' },
      data: { requestId: 'q-late', authority: 'BKA', kind: 'information_request', jurisdiction: 'DE' },
    } as unknown as (typeof base)[number]
    const before = DsaSor.build(await build(base))
    const after = DsaSor.build(await build([...base, later]))
    expect(after.statements).toEqual(before.statements)
    expect(before.statements.some((s) => JSON.stringify(s.territorial_scope) === '["FR"]')).toBe(true)
  })

  it('writes no statement, and reports no missing facts, for deceptive high-volume commercial content (Art. 17)', async () => {
    const base = Fixtures.cases()
    const flagged = base.map((e) =>
      e.caseId === 'eu-ncii' && e.type === 'ContentActioned'
        ? { ...e, data: { ...(e.data as object), deceptiveHighVolumeCommercial: true } }
        : e,
    ) as typeof base
    const ids = new Set(
      flagged.filter((e) => e.caseId === 'eu-ncii' && e.type === 'ContentActioned').map((e) => e.id),
    )
    const before = DsaSor.build(await build(base))
    const after = DsaSor.build(await build(flagged))
    const of = (o: DsaSor.Output) => o.origins.filter((x) => ids.has(x.eventId)).length
    expect(of(before)).toBeGreaterThan(0)
    expect(of(after)).toBe(0)
    expect(after.statements).toHaveLength(before.statements.length - of(before))
    expect(after.problems).toEqual(before.problems)
    expect(after.notOwed).toBe(of(before))
    expect(before.notOwed).toBe(0)
    // only content restrictions were flagged: the account suspension keeps its statement
    expect(after.statements.some((s) => s.decision_account === 'DECISION_ACCOUNT_SUSPENDED')).toBe(true)
  })

  it('still writes the statement when the recipient cannot be told (Art. 24(5) submits every Art. 17(1) decision)', async () => {
    const base = Fixtures.cases()
    const anonymous = base.map((e) =>
      e.type === 'ContentActioned' || e.type === 'AccountActioned'
        ? { ...e, data: { ...(e.data as object), recipientContactKnown: false } }
        : e,
    ) as typeof base
    const before = DsaSor.build(await build(base))
    const after = DsaSor.build(await build(anonymous))
    expect(before.statements.length).toBeGreaterThan(0)
    expect(after.statements).toEqual(before.statements)
    expect(after.problems).toEqual(before.problems)
    expect(after.notOwed).toBe(0)
  })

  it('withholds from an explanation the people the case records, and says which statements (Art. 24(5))', async () => {
    const base = Fixtures.cases()
    const named = base.map((e) =>
      e.id === 'fr-1'
        ? {
            ...e,
            data: { ...(e.data as object), reporter: { subjectId: 'subject-1', name: 'Alice Example' } },
          }
        : e.id === 'fr-2'
          ? {
              ...e,
              data: { ...(e.data as object), explanation: 'Image of Alice Example (alice@example.org).' },
            }
          : e,
    ) as typeof base
    const before = DsaSor.build(await build(base))
    const after = DsaSor.build(await build(named))
    const ncii = (o: DsaSor.Output) => o.statements.filter((_, i) => o.origins[i]!.caseId === 'eu-ncii')
    expect(ncii(after).length).toBeGreaterThan(0)
    for (const s of ncii(after))
      expect(s.illegal_content_explanation).toBe('Image of [withheld] ([withheld]).')
    expect(DsaSor.render(after)).not.toContain('Alice')
    expect(after.withheld.map((w) => [w.caseId, w.count])).toEqual(ncii(after).map(() => ['eu-ncii', 2]))
    expect(after.withheld.map((w) => w.puid)).toEqual(ncii(after).map((s) => s.puid))
    expect(DsaSor.describeWithheld(after.withheld[0]!)).toContain('2 passage(s) of the explanation withheld')
    expect(before.withheld).toEqual([])
    // nothing else of the statements changes
    const strip = (o: DsaSor.Output) => o.statements.map(({ illegal_content_explanation: _, ...s }) => s)
    expect(strip(after)).toEqual(strip(before))
  })

  it('reports missing ground, automation and hosting date instead of inventing them', async () => {
    const out = DsaSor.build(
      await build(Fixtures.cases().filter((e) => e.caseId === 'eu-ncii' && e.id !== 'fr-2')),
    )
    const p = out.problems.find((x) => x.eventId === 'fr-3')!
    expect(p.missing.join('\n')).toContain('decision_ground')
    expect(p.missing.join('\n')).toContain('automated_decision')
    expect(out.statements).toHaveLength(0)
  })

  it('writes a valid statement for every restrictive EEA decision of a generated history, stable across replays', async () => {
    const a = DsaSor.build(await build(Fixtures.withSorFacts(8_000)))
    expect(a.statements.length).toBeGreaterThan(100)
    expect(a.problems).toEqual([])
    expect(SorRules.validateAll(a.statements, rules)).toEqual([])
    for (const s of a.statements) expect(String(s.puid)).toMatch(PUID)
    const b = DsaSor.build(await build(Fixtures.withSorFacts(8_000)))
    expect(DsaSor.render(b)).toBe(DsaSor.render(a))
  })
})
