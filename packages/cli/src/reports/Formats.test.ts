import { createHash } from 'node:crypto'
import { stringify } from 'csv-stringify/sync'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type { Recorded } from '@docket/core'
import { parseCsv } from '../internal/testing.js'
import * as Fixtures from '../testing/ReplayFixtures.js'
import * as Csv from './Csv.js'
import * as DsaTransparency from './DsaTransparency.js'
import * as Html from './Html.js'
import * as Json from './Json.js'
import * as Markdown from './Markdown.js'
import * as Report from './Report.js'

const build = async (o: Report.BuildOptions = {}): Promise<Report.Report> => {
  const r = await Report.build(Fixtures.cases(), o)
  if (E.isLeft(r)) throw new Error('replay failed')
  return r.right
}

const renderAll = (r: Report.Report): ReadonlyArray<string> => [
  Json.render(r),
  Csv.render(r),
  Markdown.render(r),
  Html.render(r),
  DsaTransparency.render(r, 'half-year'),
]

describe('report formats', () => {
  it('are byte-identical for the same events and options', async () => {
    expect(renderAll(await build())).toEqual(renderAll(await build()))
  })

  it('json: the pieces make the same bytes as the whole model stringified with 2-space indentation', async () => {
    for (const r of [await build(), await build({ policies: ['eu-dsa'] })]) {
      const model = JSON.parse(Json.render(r)) as { readonly cases: ReadonlyArray<unknown> }
      expect(model.cases.length).toBeGreaterThan(0)
      expect(Json.render(r)).toBe(`${JSON.stringify(model, null, 2)}\n`)
    }
  })

  it('carry the reproducibility stamp', async () => {
    const r = await build({ asOf: '2026-08-01T00:00:00Z', policies: ['eu-dsa', 'us-take-it-down'] })
    const json = JSON.parse(Json.render(r))
    expect(json.stamp.library.cli).toMatch(/^\d+\.\d+\.\d+/)
    expect(json.stamp.policyPack.map((p: { id: string }) => p.id)).toContain('eu-dsa')
    expect(json.stamp.legalReferenceDate).toBe(Report.LEGAL_REFERENCE_DATE)
    expect(json.stamp.tzdata).toBe(process.versions.tz)
    expect(json.stamp.options).toMatchObject({
      asOf: '2026-08-01T00:00:00.000Z',
      policies: ['eu-dsa', 'us-take-it-down'],
    })
    expect(json.stamp.integrity).toBeNull()
    expect(Markdown.render(r)).toContain('legal reference')
  })

  it('csv: one row per obligation, formula cells neutralised', async () => {
    const r = await build()
    const rows = parseCsv(Csv.render(r))
    expect(rows[0]).toEqual([...Csv.COLUMNS])
    const obligations = [...r.cases].flatMap((c) => c.obligations)
    expect(obligations.length).toBeGreaterThan(0)
    expect(rows).toHaveLength(obligations.length + 1)
    expect(rows.slice(1).map((x) => x[2])).toEqual(obligations.map((o) => o.id))
    const evil = {
      ...r,
      cases: [...r.cases].slice(0, 1).map((c) => ({ ...c, caseId: '=HYPERLINK("http://x")' })),
    } as Report.Report
    expect(parseCsv(Csv.render(evil))[1]![1]).toBe('\'=HYPERLINK("http://x")')
  })

  it('csv: the pieces, case by case, make the bytes of every row stringified at once', async () => {
    for (const r of [await build(), await build({ whatIf: ['us-take-it-down'] })]) {
      const text = Csv.render(r)
      const rows = parseCsv(text)
      expect(rows.length).toBeGreaterThan(2)
      expect(text).toBe(stringify(rows, Csv.OPTIONS))
      // RFC 4180 §2.1: every record ends in CRLF, none in a bare LF
      expect(text.endsWith('\r\n')).toBe(true)
      expect(/[^\r]\n/.test(text.replace(/"[^"]*"/g, ''))).toBe(false)
      expect([...Csv.pieces(r)].length).toBeGreaterThan(2)
    }
  })

  it('label a what-if report as counterfactual in every format', async () => {
    const r = await build({ whatIf: ['us-take-it-down'] })
    const [json, csv, md, html, transparency] = renderAll(r)
    expect(JSON.parse(json!).label).toMatch(/^COUNTERFACTUAL/)
    expect(JSON.parse(json!).counterfactual).toBe(true)
    const rows = parseCsv(csv!)
    for (const row of rows.slice(1)) expect(row[0]).toBe('counterfactual (what-if: us-take-it-down)')
    expect(md).toMatch(/^# Docket replay — COUNTERFACTUAL/)
    expect(html!.includes('id="counterfactual"')).toBe(true)
    expect(/<title>COUNTERFACTUAL/.test(html!)).toBe(true)
    expect(JSON.parse(transparency!).label).toMatch(/^COUNTERFACTUAL/)
    const plain = await build()
    expect(JSON.parse(Json.render(plain)).label).toBeNull()
    expect(Html.render(plain).includes('id="counterfactual"')).toBe(false)
  })

  it('md and html escape user-supplied text', async () => {
    const r = await build()
    expect(Markdown.render(r).includes('<script>')).toBe(false)
    expect(Markdown.escapeText(`a|b ${Fixtures.HOSTILE}`)).toBe(
      'a\\|b &lt;script&gt;window.\\_\\_pwned = 1&lt;/script&gt;&lt;img src=x onerror="window.\\_\\_pwned = 2"&gt;',
    )
    const html = Html.render(r)
    // the only script elements are the data block, Chart.js and the report's own code
    expect(html.match(/<script/g)).toHaveLength(3)
    expect(html.includes('us-&lt;script&gt;window.__pwned = 1&lt;/script&gt;')).toBe(true)
    expect(html.includes('<img src=x')).toBe(false)
    const data = html.slice(
      html.indexOf('id="docket-data">'),
      html.indexOf('</script>', html.indexOf('id="docket-data">')),
    )
    expect(data).not.toMatch(/<\/?script/i)
  })

  it('md: code spans show their text as it is, and no value breaks a table row', async () => {
    // inside a code span, a backslash escape or an entity is shown literally: none is used there
    expect(Markdown.render(await build())).toMatch(
      /\| options \| `\{"asOf":[^`\\]*"whatIf":\[\][^`\\]*\}` \|/,
    )
    expect(Markdown.codeSpan('acme_trust/*triage*')).toBe('`acme_trust/*triage*`')
    expect(Markdown.codeSpan('a`b``c|d')).toBe('```a`b``c\\|d```')
    expect(Markdown.codeSpan('`x|', false)).toBe('`` `x| ``')
    expect(Markdown.codeSpan('a\r\nb\rc\nd')).toBe('`a b c d`')
    // a lone carriage return is a line ending in CommonMark: it would end the row
    expect(Markdown.escapeText('a\rb\r\nc\nd')).toBe('a b c d')
  })

  it('html: a chart without data is a sentence, not an empty canvas', async () => {
    const r = await Report.build([])
    if (E.isLeft(r)) throw new Error('replay failed')
    const html = Html.render(r.right)
    expect(html).not.toContain('<canvas')
    expect(html).toContain('None: no statutory deadline was met, met late or breached by then.')
    expect(html).toContain('None: no statutory deadline was completed by then.')
    expect(html).not.toContain('largest 0')
    expect(Html.render(await build())).toContain('<canvas id="time-to-action"')
  })

  it('md and html show bidirectional overrides and isolates as code points, right-to-left text as it is', async () => {
    const spoof = 'case-\u202Egnp.exe\u202C-\u2067x\u2069'
    const events = Fixtures.cases().map((e) => ({ ...e, caseId: `${e.caseId}${spoof}` }))
    const r = await Report.build(events)
    if (E.isLeft(r)) throw new Error('replay failed')
    const controls = /[\u202A-\u202E\u2066-\u2069]/
    const md = Markdown.render(r.right)
    const html = Html.render(r.right)
    expect(md).not.toMatch(controls)
    expect(md).toContain('case-\\[U+202E\\]gnp.exe\\[U+202C\\]-\\[U+2067\\]x\\[U+2069\\]')
    // the chart data keeps the ids as recorded; it is drawn on a canvas, and holds no case id it draws
    expect(html.slice(0, html.indexOf('id="docket-data"'))).not.toMatch(controls)
    expect(html).toContain('case-[U+202E]gnp.exe[U+202C]-[U+2067]x[U+2069]')
    expect(Html.escapeText('שלום مرحبا \u200F')).toBe('שלום مرحبا \u200F')
    expect(Markdown.codeSpan('a\u202Eb')).toBe('`a[U+202E]b`')
  })

  it('html: tables name their headers, and each timeline states its clocks and statuses as text', async () => {
    const html = Html.render(await build())
    expect(html).toContain('<html lang="en">')
    expect(html).not.toMatch(/<th>/)
    expect(html).toContain('<tr><th scope="row">options</th>')
    for (const table of html.match(/<table>[\s\S]*?<\/table>/g) ?? []) expect(table).toContain('<th scope=')
    // a status is not told by colour alone: each drawn case lists its clocks with their status in words
    expect(html).toContain('<summary>Obligations and events</summary>')
    expect(html).toMatch(/<th scope="col">status<\/th>[\s\S]*<td>breached<\/td>/)
    const headings = [...html.matchAll(/<h([1-6])/g)].map((m) => Number(m[1]))
    for (const [i, h] of headings.entries()) expect(h - (headings[i - 1] ?? 0)).toBeLessThanOrEqual(1)
  })

  it('html: its Content-Security-Policy runs only its own two scripts (their hashes), no other inline script', async () => {
    const html = Html.render(await build())
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? ''
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!)
    expect(scripts).toHaveLength(2)
    const hashes = scripts.map((t) => `'sha256-${createHash('sha256').update(t, 'utf8').digest('base64')}'`)
    expect(csp).toContain(`script-src ${hashes.join(' ')};`)
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/)
    expect(csp).toMatch(/default-src 'none'/)
  })

  it('html: self-contained (Chart.js inlined, no external resource)', async () => {
    const html = Html.render(await build())
    expect(html.includes('Chart.js v4')).toBe(true)
    expect(/<(script|link|img)[^>]+(src|href)=/i.test(html)).toBe(false)
    expect(html.includes('sourceMappingURL')).toBe(false)
  })

  it('dsa-transparency: counts and medians per period', async () => {
    const periods = DsaTransparency.build(await build(), 'half-year')
    expect(periods.map((p) => p.period)).toEqual(['2026-H1', '2026-H2'])
    const h1 = periods[0]!
    expect(h1.art16Notices).toMatchObject({ total: 2, actioned: 2, byCategory: { hate: 1, ncii: 1 } })
    // (6h05 + 51h30) / 2; the US case is outside the EEA
    expect(h1.art16Notices.medianHoursToAction).toBe(28.79)
    expect(h1.art9Orders).toMatchObject({ total: 1, byMemberState: { DE: 1 }, byCategory: { hate: 1 } })
    expect(h1.art9Orders.medianHoursToAcknowledge).toBe(0.5)
    expect(h1.art9Orders.medianHoursToEffect).toBe(2.75)
    expect(h1.art20Complaints).toMatchObject({
      total: 1,
      decided: 1,
      decisionUpheld: 1,
      medianHoursToDecide: 48,
    })
    expect(h1.art23Suspensions).toBe(1)
    expect(periods[1]!.ownInitiative).toMatchObject({
      decisions: 1,
      byCategory: { terrorism: 1 },
      automatedDetection: 1,
    })
    expect(DsaTransparency.build(await build(), 'year').map((p) => p.period)).toEqual(['2026'])
  })

  it('dsa-transparency: an order of an authority outside the EEA is no Art. 9 or 10 order', async () => {
    const us = {
      id: 'us-order',
      caseId: 'eu-refused',
      type: 'AuthorityRequestReceived',
      occurredAt: '2026-03-06T10:00:00+01:00',
      recordedAt: '2026-03-06T10:00:00+01:00',
      actor: { kind: 'law_enforcement' },
      data: { requestId: 'q-us', authority: 'FBI', kind: 'removal_order', jurisdiction: 'US' },
    } as unknown as Recorded
    const events = [...Fixtures.cases(), us].sort(
      (a, b) => Date.parse(a.recordedAt) - Date.parse(b.recordedAt),
    )
    const r = await Report.build(events, {})
    if (E.isLeft(r)) throw new Error('replay failed')
    const h1 = DsaTransparency.build(r.right, 'half-year')[0]!
    expect(h1.art9Orders).toMatchObject({ total: 1, byMemberState: { DE: 1 } })
  })

  it('dsa-transparency: every notice counts, in its own period; a report through the authority channel is none', async () => {
    const report = (id: string, at: string, channel: string) =>
      ({
        id,
        caseId: 'eu-repeat',
        type: 'ContentReported',
        occurredAt: at,
        recordedAt: at,
        actor: { kind: 'reporter' },
        data: {
          reportId: id,
          channel,
          category: 'hate',
          content: { ref: 'post-r', kind: 'text' },
          jurisdictions: ['FR'],
        },
      }) as unknown as Recorded
    const events = [
      report('r-1', '2026-05-01T10:00:00+02:00', 'web_form'),
      report('r-2', '2026-06-01T10:00:00+02:00', 'trusted_flagger'),
      report('r-3', '2026-08-01T10:00:00+02:00', 'web_form'),
      report('r-4', '2026-08-02T10:00:00+02:00', 'authority'),
    ]
    const r = await Report.build(events, {})
    if (E.isLeft(r)) throw new Error('replay failed')
    const [h1, h2] = DsaTransparency.build(r.right, 'half-year')
    expect(h1!.art16Notices).toMatchObject({ total: 2, fromTrustedFlaggers: 1, byCategory: { hate: 2 } })
    expect(h2!.art16Notices).toMatchObject({ total: 1, fromTrustedFlaggers: 0 })
  })

  it('list refusals later followed by an authority', async () => {
    const rows = Report.refusalsThenAuthority(await build())
    expect(rows).toEqual([
      expect.objectContaining({
        caseId: 'eu-refused',
        refusalId: 'de-2',
        authorityEventId: 'de-3',
        kind: 'removal_order',
      }),
    ])
  })
})

describe('one pass over the cases', () => {
  const allRows = (r: Report.Report): Report.RefusalRow[] =>
    [...r.cases].flatMap((c) => Report.refusalRows(c))

  it('refusals later followed by an authority: the texts read as the parsed cases do', async () => {
    const r = await build()
    expect(Report.refusalsThenAuthority(r)).toEqual(allRows(r))
    expect(allRows(r).length).toBeGreaterThan(0)
  })

  it('refusals later followed by an authority: a user string quoting the empty list does not hide a case', async () => {
    const r = await build()
    const quoted = [...r.cases].map((c) => ({
      ...c,
      facts: {
        ...c.facts,
        timeline: c.facts.timeline.map((e) => ({ ...e, note: '"refusalsThenAuthority":[]' })),
      },
    }))
    const texts = quoted.map((c) => [c.caseId, JSON.stringify(c)] as const)
    expect(texts.some(([, t]) => t.includes('refusalsThenAuthority'))).toBe(true)
    expect(Report.refusalsThenAuthority({ casesJson: texts })).toEqual(allRows(r))
  })

  it('md: a list longer than the limit shows its first rows and counts the rest', async () => {
    const r = await build()
    const breached = [...r.cases].flatMap((c) => c.obligations.filter((o) => o.status === 'breached'))
    expect(breached.length).toBeGreaterThan(1)
    const md = Markdown.render(r, { limit: 1 })
    const section = md.slice(md.indexOf('## Breached obligations'), md.indexOf('## Refusals'))
    expect(section.split('\n').filter((l) => /^\| (?!case |---)/.test(l)).length).toBe(1)
    expect(section).toContain(`_${breached.length - 1} more not shown; see the json or csv report._`)
    expect(Markdown.render(r, { limit: breached.length })).not.toContain('more not shown')
  })

  it('html: the timelines drawn are the first cases of interest, and all of them are counted', async () => {
    const r = await build()
    const ofInterest = [...r.cases].filter(
      (c) =>
        c.escalations.length > 0 ||
        c.facts.refusalsThenAuthority.length > 0 ||
        c.obligations.some(
          (o) => o.status === 'breached' && o.statutory && !o.preEffective && !o.counterfactual,
        ),
    )
    expect(ofInterest.length).toBeGreaterThan(1)
    const html = Html.render(r, { maxTimelines: 1 })
    expect(html).toContain(`1 of ${ofInterest.length} cases with a statutory breach`)
    expect(html).toContain(`<span class="case-id">${Html.escapeText(ofInterest[0]!.caseId)}</span>`)
    expect(html.match(/class="case-id"/g)?.length).toBe(1)
  })
})
