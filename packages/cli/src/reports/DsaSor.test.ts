import fc from 'fast-check'
import type { Recorded } from '@docket/core'
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
    // the geo-block after the authority's order: the refusal itself has no statement
    expect(byPuid.get('eu-refused__de-6')).toMatchObject({
      decision_visibility: ['DECISION_VISIBILITY_CONTENT_DISABLED'],
      territorial_scope: ['DE'],
      category_specification: ['KEYWORD_HATE_SPEECH'],
      illegal_content_legal_ground: 'StGB § 130',
    })
    expect([...byPuid.keys()].some((p) => String(p).includes('de-2'))).toBe(false)
    // the account suspension, dated by the account's registration (AccountActioned.accountCreatedAt)
    expect(byPuid.get(DsaSor.puid('eu-ncii', 'fr-4'))).toMatchObject({
      decision_account: 'DECISION_ACCOUNT_SUSPENDED',
      content_date: '2025-06-14',
      application_date: '2026-03-02',
      end_date_account_restriction: '2026-04-02',
    })
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
    // only content restrictions were flagged: the account suspension still owes its statement
    expect(after.origins.map((o) => o.eventId)).toContain('fr-4')
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

  it('takes source_type from the notices before each decision, the weightiest, not from the first notice', async () => {
    const base = Fixtures.cases()
    const first = base.find((e) => e.id === 'fr-1')!
    const notice = (id: string, at: string, data: object) =>
      ({
        ...first,
        id,
        occurredAt: at,
        recordedAt: at,
        data: { ...(first.data as object), ...data },
      }) as typeof first
    const flagged = notice('fr-tf', '2026-03-02T12:00:00+01:00', {
      reportId: 'r-tf',
      channel: 'trusted_flagger',
      flagger: { id: 'tf-fr-7' },
    })
    const order = {
      ...notice('fr-order', '2026-03-02T15:07:00+01:00', {}),
      type: 'AuthorityRequestReceived',
      data: { requestId: 'q-fr', authority: 'ARCOM', kind: 'removal_order', jurisdiction: 'FR' },
    } as unknown as typeof first
    const lateFlagger = notice('fr-tf-late', '2026-03-06T12:00:00+01:00', {
      reportId: 'r-tf-late',
      channel: 'trusted_flagger',
      flagger: { id: 'tf-late' },
    })
    const source = async (events: typeof base) =>
      Object.fromEntries(
        DsaSor.build(
          await build([...events].sort((a, b) => Date.parse(a.recordedAt) - Date.parse(b.recordedAt))),
        )
          .statements.filter((s) => String(s.puid).startsWith('eu-ncii__'))
          .map((s) => [s.puid, [s.source_type, s.source_identity]]),
      )
    // a user's notice alone: Art. 16; a flagger's notice after the decisions changes nothing
    const plain = {
      'eu-ncii__fr-3': ['SOURCE_ARTICLE_16', undefined],
      'eu-ncii__fr-4': ['SOURCE_ARTICLE_16', undefined],
    }
    expect(await source(base)).toEqual(plain)
    expect(await source([...base, lateFlagger])).toEqual(plain)
    // a user's notice, then a trusted flagger's before the review: decided on the flagger's notice
    expect(await source([...base, flagged])).toEqual({
      'eu-ncii__fr-3': ['SOURCE_TRUSTED_FLAGGER', 'tf-fr-7'],
      'eu-ncii__fr-4': ['SOURCE_TRUSTED_FLAGGER', 'tf-fr-7'],
    })
    // an authority's removal order between the removal and the suspension: the suspension gives effect to it
    expect(await source([...base, flagged, order])).toEqual({
      'eu-ncii__fr-3': ['SOURCE_TRUSTED_FLAGGER', 'tf-fr-7'],
      'eu-ncii__fr-4': ['SOURCE_TYPE_OTHER_NOTIFICATION', undefined],
    })
  })

  it("dates an account decision by the account's registration, never by a post's, and types it as an account", async () => {
    const base = Fixtures.cases().filter((e) => e.caseId === 'eu-ncii')
    // the same history without the suspension's registration date
    const unregistered = base.map((e) => {
      if (e.id !== 'fr-4') return e
      const { accountCreatedAt: _, ...data } = e.data as Record<string, unknown>
      return { ...e, data }
    }) as typeof base
    const about = (events: typeof base, content: object) =>
      events.map((e) =>
        e.id === 'fr-1' ? { ...e, data: { ...(e.data as object), content } } : e,
      ) as typeof base
    const fr4 = (o: DsaSor.Output) => o.statements.find((s) => s.puid === 'eu-ncii__fr-4')
    // the case is about the account: its content.postedAt is when the account was registered
    const account = {
      ref: 'account:poster',
      kind: 'account',
      postedAt: '2025-11-20T10:00:00+01:00',
      synthetic: true,
    }
    const out = DsaSor.build(await build(about(unregistered, account)))
    expect(fr4(out)).toMatchObject({
      decision_account: 'DECISION_ACCOUNT_SUSPENDED',
      end_date_account_restriction: '2026-04-02',
      content_date: '2025-11-20',
      content_type: ['CONTENT_TYPE_OTHER'],
      content_type_other: 'account',
    })
    expect(fr4(out)?.decision_visibility).toBeUndefined()
    expect(SorRules.validate(fr4(out)!, rules)).toEqual([])
    // the decision's own accountCreatedAt says it, in a case about the account too
    expect(fr4(DsaSor.build(await build(about(base, account))))?.content_date).toBe('2025-06-14')
    // a case about a synthetic post: the account is not synthetic media, and is dated by its
    // accountCreatedAt (in Brussels), never by the post's postedAt
    const post = { ref: 'post-1', kind: 'image', postedAt: '2026-03-01T20:00:00+01:00', synthetic: true }
    const onPost = DsaSor.build(await build(about(base, post)))
    expect(onPost.statements.find((s) => s.puid === 'eu-ncii__fr-3')?.content_type).toEqual([
      'CONTENT_TYPE_IMAGE',
      'CONTENT_TYPE_SYNTHETIC_MEDIA',
    ])
    expect(fr4(onPost)).toMatchObject({ content_date: '2025-06-14', content_type: ['CONTENT_TYPE_OTHER'] })
    expect(onPost.problems).toEqual([])
    // without it the history records no registration: the suspension is reported lacking it, not dropped
    const unknown = DsaSor.build(await build(about(unregistered, post)))
    expect(fr4(unknown)).toBeUndefined()
    expect(unknown.problems).toEqual([
      expect.objectContaining({
        caseId: 'eu-ncii',
        eventId: 'fr-4',
        missing: [expect.stringContaining("account's registration date: AccountActioned.accountCreatedAt")],
      }),
    ])
    expect(DsaSor.describe(unknown.problems[0]!)).toMatch(
      /^no statement of reasons for case eu-ncii, decision fr-4 \(puid eu-ncii__fr-4\): missing content_date \(the account's registration date: AccountActioned\.accountCreatedAt/,
    )
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
  // a history of one case, events as recorded (`recordedAt` = `occurredAt`)
  const history = (caseId: string, events: ReadonlyArray<readonly [string, string, string, object]>) =>
    events.map(([id, type, at, data]) => ({
      id,
      caseId,
      type,
      occurredAt: at,
      recordedAt: at,
      actor: { kind: 'moderator' },
      data,
    })) as unknown as ReadonlyArray<Recorded>
  const sorClocks = (r: Report.Report) =>
    [...r.cases]
      .flatMap((c) => c.obligations)
      .filter((o) => o.policy === 'eu-dsa' && (o.rule === '17-sor' || o.rule === '24-5-sor-db'))
      .map((o) => `${o.rule} ${o.triggeredBy}`)
  const geoBlock = (territories: ReadonlyArray<string>) =>
    history('eu-geo-us', [
      [
        'g-1',
        'ContentReported',
        '2026-05-11T09:00:00+02:00',
        {
          reportId: 'r-1',
          channel: 'web_form',
          category: 'ip',
          content: { ref: 'post:1', kind: 'text', postedAt: '2026-05-10T09:00:00+02:00' },
          jurisdictions: ['DE', 'US'],
          reporter: { subjectId: 'subj-1' },
        },
      ],
      [
        'g-2',
        'ReviewDecided',
        '2026-05-11T12:00:00+02:00',
        {
          reviewId: 'rv-1',
          outcome: 'violation',
          tier: 'specialist',
          automation: 'not',
          ground: 'incompatible',
          policyRef: 'Copyright Policy 3',
          explanation: 'Licence restriction.',
        },
      ],
      ['g-3', 'ContentActioned', '2026-05-11T12:05:00+02:00', { action: 'geo_blocked', territories }],
    ])

  it('owes no statement, and opens no Art. 17 or 24(5) clock, for a geo-block only outside the EEA', async () => {
    const us = await build(geoBlock(['US']))
    const out = DsaSor.build(us)
    expect(out.statements).toEqual([])
    expect(out.problems).toEqual([])
    expect(out.outOfScope).toBe(1)
    expect(sorClocks(us)).toEqual([])
    // a geo-block reaching the EEA owes both, scoped to its EEA territories
    const de = await build(geoBlock(['DE', 'US']))
    const owed = DsaSor.build(de)
    expect(owed.statements.map((s) => s.territorial_scope)).toEqual([['DE']])
    expect(sorClocks(de).sort()).toEqual(['17-sor g-3', '24-5-sor-db g-3'])
  })

  it('reads a decision with what is known at its instant: a removal ordered (by id) before its own detection and review', async () => {
    const at = '2025-01-04T15:00:00.000+00:00'
    // same instant, ordered by id: bulk-0003-100 (the removal) sorts before -98 and -99
    const events = history('bulk-0003', [
      [
        'bulk-0003-98',
        'ContentDetected',
        at,
        {
          method: 'classifier',
          category: 'csam',
          content: { ref: 'post:bulk-0003', kind: 'image', postedAt: at },
          jurisdictions: ['PL'],
        },
      ],
      [
        'bulk-0003-99',
        'ReviewDecided',
        at,
        {
          reviewId: 'rv-1',
          outcome: 'violation',
          tier: 'specialist',
          automation: 'fully',
          detection: 'automated',
          ground: 'illegal',
          legalGround: 'national law',
          explanation: 'Known CSAM hash.',
        },
      ],
      ['bulk-0003-100', 'ContentActioned', at, { action: 'removed' }],
    ])
    const r = await build(events)
    const out = DsaSor.build(r)
    expect(out.outOfScope).toBe(0)
    expect(out.problems).toEqual([])
    expect(out.statements).toEqual([
      expect.objectContaining({
        decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
        territorial_scope: ['PL'],
        puid: 'bulk-0003__bulk-0003-100',
      }),
    ])
    expect(sorClocks(r)).toContain('24-5-sor-db bulk-0003-100')
    // and the statement, once stored, meets the Art. 24(5) clock
    const published = DsaSor.publishedEvents(
      out,
      ['bulk-0003__bulk-0003-100'],
      '2025-01-04T16:00:00.000+00:00',
    )
    const after = await build([...events, ...(published as unknown as ReadonlyArray<Recorded>)])
    const db = [...after.cases][0]!.obligations.find((o) => o.rule === '24-5-sor-db')!
    expect(db.status).toBe('met')
  })

  it('agrees with the clocks: every Art. 24(5) clock has its statement or its missing facts, and no more', async () => {
    const r = await build([...Fixtures.cases(), ...Fixtures.withSorFacts(2_000)])
    const out = DsaSor.build(r)
    const clocks = new Set(
      [...r.cases].flatMap((c) =>
        c.obligations.filter((o) => o.rule === '24-5-sor-db').map((o) => `${c.caseId} ${o.triggeredBy}`),
      ),
    )
    const reported = new Set([
      ...out.origins.map((o) => `${o.caseId} ${o.eventId}`),
      ...out.problems.map((p) => `${p.caseId} ${p.eventId}`),
    ])
    expect(clocks.size).toBeGreaterThan(10)
    for (const k of clocks) expect(reported).toContain(k)
  })
})
