/**
 * The `html` report: one self-contained file an auditor opens offline. It
 * inlines Chart.js (its UMD build, read from the installed package at run
 * time, MIT licence kept) and draws three kinds of chart:
 * - a timeline per case of interest (a statutory breach, a refusal later
 *   followed by an authority, or an escalation): each obligation's clock as a
 *   bar from start to due, its warnings, its completion and the breach, and
 *   the case's events;
 * - time to action against the legal limit, per category and jurisdiction
 *   (medians over completed statutory deadlines);
 * - compliance over time: statutory deadlines met on time, late or breached,
 *   per month of start in the profile's time zone.
 *
 * Safety: the Content-Security-Policy fetches nothing and runs only the two
 * scripts it names by hash; every user-supplied string in the markup goes through `escape`;
 * chart data travels as JSON in a `<script type="application/json">` block
 * with `<`, `>`, `&`, U+2028 and U+2029 escaped, and charts draw text on a
 * canvas, never as markup. Deterministic: no time of generation, animations
 * off, everything sorted.
 */
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import { createRequire } from 'node:module'
import * as path from 'node:path'
import type { Obligation } from '@docket/core'
import { Timestamp } from '@docket/core'
import { DateTime } from 'luxon'
import * as Bidi from '../internal/bidi.js'
import * as Palette from '../internal/palette.js'
import type * as Replay from '../replay/Replay.js'
import * as PastTarget from './PastTarget.js'
import * as Report from './Report.js'

// model

/** Options of {@link render}. */
export interface Options {
  /** Cases drawn as timelines (default 30); the rest are counted. */
  readonly maxTimelines?: number
  /** Category × jurisdiction groups in the time-to-action chart (default 24). */
  readonly maxGroups?: number
}

/** Data behind one case timeline. */
interface Timeline {
  readonly caseId: string
  readonly why: ReadonlyArray<string>
  readonly rows: ReadonlyArray<{
    readonly label: string
    readonly start: number
    readonly due: number
    readonly status: string
    readonly warnings: ReadonlyArray<number>
    readonly completed: number | null
    readonly breach: number | null
  }>
  readonly events: ReadonlyArray<{
    readonly id: string
    readonly at: number
    readonly type: string
    readonly label: string
    readonly note: string | null
  }>
}

// internal

let chartJs: string | undefined

/** The Chart.js UMD build, without its source-map comment. */
const chartLibrary = (): string => {
  if (chartJs === undefined) {
    const req = createRequire(import.meta.url)
    const file = path.join(path.dirname(req.resolve('chart.js')), 'chart.umd.min.js')
    chartJs = fs
      .readFileSync(file, 'utf8')
      .replace(/\n\/\/# sourceMappingURL=[^\n]*\n?$/, '')
      .replace(/<\/(script)/gi, '<\\/$1')
  }
  return chartJs
}

/**
 * The Content-Security-Policy sources of the report's two scripts (Chart.js and {@link CLIENT}): their
 * SHA-256 hashes, so that the browser runs those and no other inline script, even one an escaping
 * mistake let into the markup. A browser hashes a script's text as parsed, carriage returns
 * turned into line feeds: neither text holds one (checked).
 */
const scriptHashes = (): string => {
  hashes ??= [chartLibrary(), CLIENT]
    .map((text) => {
      if (text.includes('\r'))
        throw new Error('an inline script holds a carriage return: its hash would differ')
      return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`
    })
    .join(' ')
  return hashes
}
let hashes: string | undefined

/** Escapes text for HTML content and attribute values, bidirectional controls shown as code points. */
export const escapeText = (s: string): string =>
  Bidi.showControls(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  )

/** JSON safe to embed in a `<script type="application/json">` element. */
export const scriptJson = (u: unknown): string =>
  JSON.stringify(u)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')

const ms = (s: string): number => Timestamp.toMillis(s)
const statutoryBreach = (o: Obligation.Obligation): boolean =>
  o.status === 'breached' && o.statutory && !o.preEffective && !o.counterfactual
const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length === 0 ? 0 : s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
const round1 = (x: number): number => Math.round(x * 10) / 10

/** Why a case is drawn as a timeline (empty: it is not a case of interest). */
const whyOfInterest = (c: Replay.CaseResult): string[] => {
  const why: string[] = []
  if (c.obligations.some(statutoryBreach)) why.push('statutory breach')
  if (c.facts.refusalsThenAuthority.length > 0) why.push('refusal followed by an authority')
  if (c.escalations.length > 0) why.push('escalated')
  return why
}

const repeat = (os: ReadonlyArray<Obligation.Obligation>, i: number): string => {
  const id = `${os[i]!.policy}/${os[i]!.rule}`
  const n = os.slice(0, i).filter((o) => `${o.policy}/${o.rule}` === id).length
  return n === 0 ? '' : ` #${n + 1}`
}

const toTimeline = (c: Replay.CaseResult, why: ReadonlyArray<string>): Timeline => ({
  caseId: c.caseId,
  why,
  rows: c.obligations.map((o, i) => ({
    // the same rule may run twice on a case (two reports, two decisions): number the repeats
    label: `${o.policy}/${o.rule}${repeat(c.obligations, i)}`,
    start: ms(o.startedAt),
    due: ms(o.dueAt),
    status: o.status,
    warnings: o.warnings.map(ms),
    completed: o.completedAt === null ? null : ms(o.completedAt),
    breach: o.status === 'breached' ? ms(o.dueAt) : null,
  })),
  events: c.facts.timeline.map((e) => ({
    id: e.id,
    at: ms(e.occurredAt),
    type: e.type,
    label: e.label,
    note: e.note,
  })),
})

/** Times to action of completed statutory deadlines, by category and jurisdiction. */
type Groups = Map<string, { took: number[]; limit: number[] }>

const addTimesToAction = (groups: Groups, c: Replay.CaseResult): void => {
  const category = c.facts.category ?? 'unknown'
  const js = c.facts.jurisdictions.length > 0 ? c.facts.jurisdictions : ['—']
  for (const o of c.obligations) {
    if (o.kind !== 'deadline' || !o.statutory || o.completedAt === null) continue
    // completed before the clock started (a report filed early): no time taken
    const took = Math.max(0, ms(o.completedAt) - ms(o.startedAt)) / 3_600_000
    const limit = (ms(o.dueAt) - ms(o.startedAt)) / 3_600_000
    for (const j of js) {
      const k = `${category} · ${j}`
      const g = groups.get(k) ?? { took: [], limit: [] }
      g.took.push(took)
      g.limit.push(limit)
      groups.set(k, g)
    }
  }
}

const timeToAction = (groups: Groups, max: number) =>
  [...groups.entries()]
    .sort(([a, x], [b, y]) => y.took.length - x.took.length || Report.compare(a, b))
    .slice(0, max)
    .sort(([a], [b]) => Report.compare(a, b))
    .map(([k, g]) => ({
      group: k,
      n: g.took.length,
      medianHours: round1(median(g.took)),
      limitHours: round1(median(g.limit)),
    }))

/** Statutory deadlines met, late or breached, by month of start. */
type Months = Map<string, { met: number; late: number; breached: number }>

/**
 * The month (`YYYY-MM`) of an instant in the profile's time zone (`Report.timeZone`): the
 * platform's calendar, not UTC's, in which a clock started at 20:00 on 31 March in Los Angeles
 * (03:00 UTC on 1 April) is March's.
 */
export const month = (iso: string, zone: string): string =>
  DateTime.fromMillis(ms(iso), { zone }).toFormat('yyyy-MM')

const addCompliance = (months: Months, c: Replay.CaseResult, zone: string): void => {
  for (const o of c.obligations) {
    if (!o.statutory || o.preEffective || o.counterfactual) continue
    if (o.status !== 'met' && o.status !== 'met_late' && o.status !== 'breached') continue
    const m = month(o.startedAt, zone)
    const x = months.get(m) ?? { met: 0, late: 0, breached: 0 }
    if (o.status === 'met') x.met++
    else if (o.status === 'met_late') x.late++
    else x.breached++
    months.set(m, x)
  }
}

const compliance = (months: Months) =>
  [...months.entries()]
    .sort(([a], [b]) => Report.compare(a, b))
    .map(([month, x]) => ({
      month,
      ...x,
      onTimePercent: round1((100 * x.met) / Math.max(1, x.met + x.late + x.breached)),
    }))

/** What the charts and lists need from the cases, gathered in one pass over them (a large replay reads them back from disk). */
const tally = (r: Report.Report, maxTimelines: number) => {
  const shown: Timeline[] = []
  let total = 0
  const groups: Groups = new Map()
  const months: Months = new Map()
  const refusals: Report.RefusalRow[] = []
  const pastTarget = PastTarget.empty()
  for (const c of r.cases) {
    PastTarget.add(pastTarget, c)
    const why = whyOfInterest(c)
    if (why.length > 0) {
      if (total < maxTimelines) shown.push(toTimeline(c, why))
      total++
    }
    addTimesToAction(groups, c)
    addCompliance(months, c, r.timeZone)
    for (const row of Report.refusalRows(c)) refusals.push(row)
  }
  return { timelines: { shown, total }, groups, months, refusals, pastTarget }
}

const CLIENT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('docket-data').textContent);
  var iso = function (v) { return new Date(v).toISOString().slice(0, 16).replace('T', ' ') + 'Z'; };
  var palette = data.colors, colors = palette.status, marks = palette.marks, series = palette.series;
  Chart.defaults.animation = false;
  Chart.defaults.font.family = 'system-ui, sans-serif';
  Chart.defaults.color = palette.text;
  var charts = 0;
  data.timelines.forEach(function (t, i) {
    var rows = t.rows.map(function (r) { return r.label; });
    var eventsRow = 'events';
    var labels = rows.concat([eventsRow]);
    var ds = [
      { type: 'bar', label: 'clock (start to due)', data: t.rows.map(function (r) { return { x: [r.start, r.due], y: r.label, name: r.status.replace('_', ' ') }; }),
        backgroundColor: t.rows.map(function (r) { return colors[r.status] || colors.other; }), borderSkipped: false, barPercentage: 0.5 },
      { type: 'scatter', label: 'warnings', pointStyle: 'triangle', pointRadius: 6, backgroundColor: marks.warning, borderColor: palette.separator, borderWidth: 1,
        data: [].concat.apply([], t.rows.map(function (r) { return r.warnings.map(function (w) { return { x: w, y: r.label }; }); })) },
      { type: 'scatter', label: 'completed', pointStyle: 'rectRot', pointRadius: 7, backgroundColor: marks.completed, borderColor: palette.separator, borderWidth: 1,
        data: t.rows.filter(function (r) { return r.completed !== null; }).map(function (r) { return { x: r.completed, y: r.label }; }) },
      { type: 'scatter', label: 'breach', pointStyle: 'crossRot', pointRadius: 9, borderWidth: 3, borderColor: marks.breach,
        data: t.rows.filter(function (r) { return r.breach !== null; }).map(function (r) { return { x: r.breach, y: r.label }; }) },
      { type: 'scatter', label: 'events', pointRadius: 5, backgroundColor: marks.event, borderColor: palette.separator, borderWidth: 1,
        data: t.events.map(function (e) { return { x: e.at, y: eventsRow, name: e.type + (e.label ? ' (' + e.label + ')' : '') }; }) }
    ];
    var xs = [].concat.apply([], t.rows.map(function (r) { return [r.start, r.due]; })).concat(t.events.map(function (e) { return e.at; }));
    var lo = Math.min.apply(null, xs), hi = Math.max.apply(null, xs), pad = Math.max(3600000, (hi - lo) * 0.03);
    new Chart(document.getElementById('timeline-' + i), {
      data: { labels: labels, datasets: ds },
      options: { indexAxis: 'y', responsive: true, maintainAspectRatio: false,
        scales: { x: { type: 'linear', min: lo - pad, max: hi + pad, beginAtZero: false, ticks: { callback: function (v) { return iso(v); }, maxTicksLimit: 6 } },
                  y: { type: 'category', labels: labels } },
        plugins: { tooltip: { callbacks: { label: function (c) {
          var r = c.raw; var x = Array.isArray(r.x) ? iso(r.x[0]) + ' → ' + iso(r.x[1]) : iso(r.x);
          return c.dataset.label + ': ' + (r.name ? r.name + ' ' : '') + x; } } } } }
    });
    charts++;
  });
  if (data.timeToAction.length > 0) {
    new Chart(document.getElementById('time-to-action'), {
      type: 'bar',
      data: { labels: data.timeToAction.map(function (g) { return g.group + ' (n=' + g.n + ')'; }),
        datasets: [ { label: 'median hours to action', data: data.timeToAction.map(function (g) { return g.medianHours; }), backgroundColor: series.medianHours },
                    { label: 'legal limit (hours, median)', data: data.timeToAction.map(function (g) { return g.limitHours; }), backgroundColor: series.legalLimit } ] },
      options: { indexAxis: 'y', responsive: true, maintainAspectRatio: false, scales: { x: { title: { display: true, text: 'hours' } } } }
    });
    charts++;
  }
  if (data.compliance.length > 0) {
    new Chart(document.getElementById('compliance'), {
      data: { labels: data.compliance.map(function (m) { return m.month; }),
        datasets: [
          { type: 'bar', label: 'met', data: data.compliance.map(function (m) { return m.met; }), backgroundColor: colors.met, borderColor: palette.separator, borderWidth: 1, stack: 's', yAxisID: 'y' },
          { type: 'bar', label: 'met late', data: data.compliance.map(function (m) { return m.late; }), backgroundColor: colors.met_late, borderColor: palette.separator, borderWidth: 1, stack: 's', yAxisID: 'y' },
          { type: 'bar', label: 'breached', data: data.compliance.map(function (m) { return m.breached; }), backgroundColor: colors.breached, borderColor: palette.separator, borderWidth: 1, stack: 's', yAxisID: 'y' },
          { type: 'line', label: '% on time', data: data.compliance.map(function (m) { return m.onTimePercent; }), borderColor: series.onTime, backgroundColor: series.onTime, yAxisID: 'pct' } ] },
      options: { responsive: true, maintainAspectRatio: false,
        scales: { y: { stacked: true, title: { display: true, text: 'statutory deadlines' } }, x: { stacked: true },
                  pct: { position: 'right', min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: '% on time' } } } }
    });
    charts++;
  }
  window.__docketCharts = charts;
})();
`

const STYLE = `
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222;background:#fff;padding:0 1rem}
h1{margin-bottom:.2rem}table{border-collapse:collapse;margin:.5rem 0 1.5rem}
td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;font-size:.9rem;vertical-align:top;overflow-wrap:anywhere}
h3,p{overflow-wrap:anywhere}
th{background:#f3f3f3}.banner{background:#fff3cd;border:2px solid #e0a800;padding:.75rem 1rem;font-weight:bold;margin:1rem 0}
.chart{position:relative;width:100%}.muted{color:#666;font-size:.9rem}code{font-size:.85rem;word-break:break-all}
@media print{details::details-content{content-visibility:visible;display:block}details>summary{display:none}}
.watermark{position:fixed;top:40%;left:10%;font-size:6rem;color:rgba(200,0,0,.08);transform:rotate(-20deg);pointer-events:none}
`

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`

// operations

/** Renders the self-contained HTML report. */
export const render = (r: Report.Report, options: Options = {}): string => {
  const label = Report.counterfactualLabel(r)
  const all = tally(r, options.maxTimelines ?? 30)
  const tl = all.timelines
  const tta = timeToAction(all.groups, options.maxGroups ?? 24)
  const comp = compliance(all.months)
  const refusals = all.refusals
  const s = r.summary
  const st = r.stamp
  const rows = (cells: ReadonlyArray<ReadonlyArray<string | number>>): string =>
    cells.map((c) => `<tr>${c.map((x) => `<td>${escapeText(String(x))}</td>`).join('')}</tr>`).join('\n')
  const head = (cells: ReadonlyArray<string>): string =>
    `<tr>${cells.map((x) => `<th scope="col">${escapeText(x)}</th>`).join('')}</tr>`
  const labelled = (cells: ReadonlyArray<readonly [string, string]>): string =>
    cells
      .map(([k, v]) => `<tr><th scope="row">${escapeText(k)}</th><td>${escapeText(v)}</td></tr>`)
      .join('\n')
  const parts: string[] = []
  parts.push(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src ${scriptHashes()}; style-src 'unsafe-inline'; img-src data:">
<title>${label ? 'COUNTERFACTUAL — ' : ''}Docket replay as of ${escapeText(r.asOf)}</title>
<style>${STYLE}</style></head><body>`)
  if (label)
    parts.push(
      `<div class="watermark">COUNTERFACTUAL</div><div class="banner" id="counterfactual">${escapeText(label)}</div>`,
    )
  parts.push(`<h1>Docket replay${label ? ' (counterfactual)' : ''}</h1>
<p class="muted">As of ${escapeText(r.asOf)}${r.knownAt ? `, knowing only what was recorded by ${escapeText(r.knownAt)}` : ''}; profile ${escapeText(r.profile)}; ${plural(r.stats.cases, 'case')}, ${plural(r.stats.events, 'event')}.</p>
<h2>Summary</h2><table>${head(['obligations', 'met', 'met late', 'breached (statutory)', 'pending', 'waived', 'paused', ...PastTarget.HEADS])}
${rows([[s.obligations, s.met, s.met_late, s.breached, s.pending, s.waived, s.paused, s.internalBreached, s.targetsMissed]])}</table>
<p class="muted">${escapeText(PastTarget.words(all.pastTarget))}</p>
<h2>Compliance over time</h2><p class="muted">Statutory deadlines judged at the report's instant, by month of start in ${escapeText(r.timeZone)} (the profile's time zone).</p>
${comp.length === 0 ? '<p>None: no statutory deadline was met, met late or breached by then.</p>' : '<div class="chart" style="height:320px"><canvas id="compliance" aria-label="compliance over time" role="img"></canvas></div>'}
<h2>Time to action against the legal limit</h2><p class="muted">Completed statutory deadlines: median hours from start to completion, and the median legal limit, per category and jurisdiction${tta.length === 0 ? '' : ` (largest ${plural(tta.length, 'group')})`}.</p>
${tta.length === 0 ? '<p>None: no statutory deadline was completed by then.</p>' : `<div class="chart" style="height:${Math.max(200, 28 * tta.length + 80)}px"><canvas id="time-to-action" aria-label="time to action" role="img"></canvas></div>`}
<h2>Case timelines</h2><p class="muted">${tl.shown.length} of ${tl.total} cases with a statutory breach, a refusal later followed by an authority, or an escalation. Bars: each clock from start to due (colour: status, green met, dark amber met late, red breached, blue pending, grey waived, purple paused; the table below each chart names it); triangles: warnings; diamonds: completion; crosses: breach; dots: events.</p>`)
  tl.shown.forEach((t, i) => {
    parts.push(`<h3 class="case">Case <span class="case-id">${escapeText(t.caseId)}</span></h3><p class="muted">${escapeText(t.why.join(', '))}</p>
<div class="chart" style="height:${Math.max(140, 40 * (t.rows.length + 1) + 70)}px"><canvas id="timeline-${i}" aria-label="timeline of case ${escapeText(t.caseId)}" role="img"></canvas></div>
<details><summary>Obligations and events</summary><table>${head(['rule', 'status', 'started', 'due', 'completed'])}${rows(t.rows.map((o) => [o.label, o.status.replace('_', ' '), Timestamp.format(o.start, 0), Timestamp.format(o.due, 0), o.completed === null ? '—' : Timestamp.format(o.completed, 0)]))}</table><table>${head(['occurred', 'type', 'detail', 'note', 'id'])}${rows(t.events.map((e) => [Timestamp.format(e.at, 0), e.type, e.label, e.note ?? '', e.id]))}</table></details>`)
  })
  parts.push(`<h2>Refusals later followed by an authority</h2>`)
  parts.push(
    refusals.length === 0
      ? '<p>None.</p>'
      : `<table>${head(['case', 'refusal', 'refused at', 'authority event', 'authority at', 'kind', 'jurisdiction'])}${rows(refusals.map((x) => [x.caseId, x.refusalId, x.refusedAt, x.authorityEventId, x.authorityAt, x.kind, x.jurisdiction ?? '—']))}</table>`,
  )
  parts.push(`<h2>Reproducibility</h2><table>${labelled([
    ['docket', `cli ${st.library.cli}, core ${st.library.core}, policies ${st.library.policies}`],
    ['policy pack', st.policyPack.map((p) => `${p.id} ${p.version}`).join(', ') || '—'],
    ['legal reference', st.legalReferenceDate ?? '—'],
    ['tz database', st.tzdata ?? '—'],
    ['options', JSON.stringify(st.options)],
    [
      'integrity head',
      st.integrity ? `${st.integrity.events} events, ${st.integrity.digest}` : 'none (unsealed input)',
    ],
    [
      'replay',
      `${r.stats.dropped} case states dropped, ${r.stats.reopened} reopened, at most ${r.stats.maxOpenCases} open`,
    ],
  ])}</table>
<p class="muted">Charts: Chart.js (MIT licence), inlined.</p>`)
  parts.push(
    `<script type="application/json" id="docket-data">${scriptJson({ timelines: tl.shown, timeToAction: tta, compliance: comp, colors: Palette.CHART })}</script>`,
  )
  parts.push(`<script>${chartLibrary()}</script>`)
  parts.push(`<script>${CLIENT}</script>`)
  parts.push('</body></html>\n')
  return parts.join('\n')
}
