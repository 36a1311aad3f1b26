/**
 * The `md` report: a short summary to paste into a pull request or a ticket.
 * Tables are GitHub-flavoured Markdown; every user-supplied string is escaped
 * so that a case id cannot break a table, inject HTML or become a link. Long lists are cut
 * at `limit` rows with a line saying how many were left out (the `json` and
 * `csv` reports have them all).
 */
import type { Obligation } from '@docket/core'
import * as Autolink from '../internal/autolink.js'
import * as Bidi from '../internal/bidi.js'
import * as PastTarget from './PastTarget.js'
import * as Report from './Report.js'

/** Options of {@link render}. */
export interface Options {
  /** Rows per list (default 50). */
  readonly limit?: number
}

/**
 * Escapes text for a Markdown table cell or line: no HTML, no table breaks, no emphasis, no
 * autolink (a URL or e-mail address is defanged, `https[:]//…`), bidirectional controls shown.
 */
export const escapeText = (s: string): string =>
  Bidi.showControls(Autolink.defang(s))
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r\n?|\n/g, ' ')

/**
 * Text as a code span. Backslash escapes and entities are literal inside a code span, so
 * {@link escapeText} would show its backslashes: the span is instead fenced with one more backtick
 * than the longest run in the text. In a table cell (`inTable`), GFM reads `\|` as a pipe before
 * the span is parsed, so pipes are escaped there and only there; text holding a backslash before a
 * pipe, which no code span in a table can show, is written as {@link escapeText} instead.
 */
export const codeSpan = (s: string, inTable = true): string => {
  const flat = Bidi.showControls(s).replace(/\r\n?|\n/g, ' ')
  // GFM splits a row at a pipe after an escaped backslash (`\\|`): no code span can hold `\|` there
  if (inTable && flat.includes('\\|')) return escapeText(s)
  const text = inTable ? flat.replace(/\|/g, '\\|') : flat
  const fence = '`'.repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length)) + 1)
  const pad = text.startsWith('`') || text.endsWith('`') || /^ .* $/.test(text) ? ' ' : ''
  return `${fence}${pad}${text}${pad}${fence}`
}

const table = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string | number>>): string =>
  [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map((c) => (typeof c === 'number' ? String(c) : c)).join(' | ')} |`),
  ].join('\n')

/** The first `limit` rows of a list, and how many there were: a long list is never held whole. */
interface Cut<A> {
  readonly shown: A[]
  total: number
}

const cut = <A>(): Cut<A> => ({ shown: [], total: 0 })

const keep = <A>(c: Cut<A>, row: A, limit: number): void => {
  if (c.shown.length < limit) c.shown.push(row)
  c.total++
}

const leftOut = (c: Cut<unknown>): string =>
  c.total > c.shown.length
    ? `\n\n_${c.total - c.shown.length} more not shown; see the json or csv report._`
    : ''

interface RuleCounts {
  n: number
  met: number
  late: number
  breached: number
  pending: number
}

/** What the lists need from the cases, gathered in one pass over them (a large replay reads them back from disk). */
const tally = (r: Report.Report, limit: number) => {
  const byRule = new Map<string, RuleCounts>()
  const breached = cut<{ readonly caseId: string; readonly o: Obligation.Obligation }>()
  const refusals = cut<Report.RefusalRow>()
  const pastTarget = PastTarget.empty()
  for (const c of r.cases) {
    PastTarget.add(pastTarget, c)
    for (const o of c.obligations) {
      const k = `${o.policy}/${o.rule}`
      const x = byRule.get(k) ?? { n: 0, met: 0, late: 0, breached: 0, pending: 0 }
      x.n++
      if (o.status === 'met') x.met++
      if (o.status === 'met_late') x.late++
      if (o.status === 'breached') x.breached++
      if (o.status === 'pending') x.pending++
      byRule.set(k, x)
      if (o.status === 'breached') keep(breached, { caseId: c.caseId, o }, limit)
    }
    for (const row of Report.refusalRows(c)) keep(refusals, row, limit)
  }
  return { byRule, breached, refusals, pastTarget }
}

/**
 * The breached list's `statutory` cell: `yes` for the law's own number, `no` for an internal rule
 * or a clock the law did not yet (pre-effective) or does not (counterfactual) impose, and for a duty
 * the law gives no number, its basis in words: the duty is statutory, its deadline a target.
 */
const statutoryCell = (o: Obligation.Obligation): string => {
  if (o.preEffective || o.counterfactual) return 'no'
  const b = Report.basis(o)
  return b === 'statutory deadline' ? 'yes' : b === 'internal rule' ? 'no' : b
}

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`

/** Renders the Markdown summary. */
export const render = (r: Report.Report, options: Options = {}): string => {
  const limit = options.limit ?? 50
  const out: string[] = []
  const label = Report.counterfactualLabel(r)
  out.push(label ? '# Docket replay — COUNTERFACTUAL' : '# Docket replay')
  if (label) out.push(`> **${escapeText(label)}**`)
  out.push(
    `As of **${r.asOf}**${r.knownAt ? `, knowing only what was recorded by **${r.knownAt}**` : ''}; profile ${codeSpan(r.profile, false)}; ${plural(r.stats.cases, 'case')}, ${plural(r.stats.events, 'event')}.`,
  )
  const s = r.summary
  const { byRule, breached, refusals, pastTarget } = tally(r, limit)
  out.push('## Summary')
  out.push(
    table(
      [
        'obligations',
        'met',
        'met late',
        'breached (statutory)',
        'pending',
        'waived',
        'paused',
        ...PastTarget.HEADS,
      ],
      [
        [
          s.obligations,
          s.met,
          s.met_late,
          s.breached,
          s.pending,
          s.waived,
          s.paused,
          s.internalBreached,
          s.targetsMissed,
        ],
      ],
    ),
  )
  out.push(escapeText(PastTarget.words(pastTarget)))
  out.push('## By rule')
  out.push(
    table(
      ['rule', 'obligations', 'met', 'met late', 'breached', 'pending'],
      [...byRule.entries()]
        .sort(([a], [b]) => Report.compare(a, b))
        .map(([k, x]) => [codeSpan(k), x.n, x.met, x.late, x.breached, x.pending]),
    ),
  )
  out.push('## Breached obligations')
  if (breached.total === 0) out.push('None.')
  else
    out.push(
      table(
        ['case', 'rule', 'statutory', 'started', 'due', 'completed'],
        breached.shown.map(({ caseId, o }) => [
          escapeText(caseId),
          codeSpan(`${o.policy}/${o.rule}`),
          statutoryCell(o),
          o.startedAt,
          o.dueAt,
          o.completedAt ?? '—',
        ]),
      ) + leftOut(breached),
    )
  out.push('## Refusals later followed by an authority')
  if (refusals.total === 0) out.push('None.')
  else
    out.push(
      table(
        ['case', 'refused', 'authority', 'kind', 'jurisdiction'],
        refusals.shown.map((x) => [
          escapeText(x.caseId),
          x.refusedAt,
          x.authorityAt,
          escapeText(x.kind),
          escapeText(x.jurisdiction ?? '—'),
        ]),
      ) + leftOut(refusals),
    )
  out.push('## Reproducibility')
  const st = r.stamp
  out.push(
    table(
      ['item', 'value'],
      [
        [
          'docket',
          `cli ${escapeText(st.library.cli)}, core ${escapeText(st.library.core)}, policies ${escapeText(st.library.policies)}`,
        ],
        [
          'policy pack',
          st.policyPack.map((p) => `${escapeText(p.id)} ${escapeText(p.version)}`).join(', ') || '—',
        ],
        ['legal reference', st.legalReferenceDate ?? '—'],
        ['tz database', st.tzdata ?? '—'],
        ['options', codeSpan(JSON.stringify(st.options))],
        [
          'integrity head',
          st.integrity
            ? `${st.integrity.events} events, ${codeSpan(st.integrity.digest)}`
            : 'none (unsealed input)',
        ],
        [
          'replay',
          `${r.stats.dropped} case states dropped, ${r.stats.reopened} reopened, at most ${r.stats.maxOpenCases} open`,
        ],
      ],
    ),
  )
  return `${out.join('\n\n')}\n`
}
