/**
 * The `csv` report: one row per obligation, for spreadsheets. Written with
 * `csv-stringify` (RFC 4180 quoting). Cells that a spreadsheet would run as a
 * formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) are
 * prefixed with `'`, the OWASP guard against CSV injection, since case ids and
 * references come from users. Bidirectional override and isolate controls
 * are shown as their code points (`[U+202E]`), as in the `md` and `html`
 * reports, so that a spreadsheet shows an id in the order it was recorded.
 * Every row says whether the report is counterfactual, and `basis` says in
 * words what `statutory: false` leaves open: a statutory duty whose deadline
 * is an internal target, or an internal rule.
 */
import { stringify } from 'csv-stringify/sync'
import * as Bidi from '../internal/bidi.js'
import * as Report from './Report.js'

/** Column names, in order. */
export const COLUMNS = [
  'scenario',
  'caseId',
  'id',
  'policy',
  'rule',
  'kind',
  'citation',
  'confidence',
  'statutory',
  'basis',
  'counterfactual',
  'preEffective',
  'triggeredBy',
  'startedAt',
  'dueAt',
  'targetAt',
  'shadowDueAt',
  'warnings',
  'completedAt',
  'completedBy',
  'status',
  'targetStatus',
  'asOf',
] as const

/** A cell as written: bidirectional controls shown as code points, then guarded against formulas. */
export const cell = (s: string): string => {
  const shown = Bidi.showControls(s)
  return /^[=+\-@\t\r]/.test(shown) ? `'${shown}` : shown
}

/**
 * Records end in CRLF; a cell holding a line break of its own is quoted, a bare LF or CR too
 * (csv-stringify quotes only the record delimiter, CRLF, unless told): unquoted, a case id
 * `x\n=1+1` would end the record and start one whose first cell is a formula.
 */
export const OPTIONS = { record_delimiter: '\r\n', quoted_match: /[\r\n]/ } as const

/**
 * The report in pieces: the header, then each case's rows (cases by id, obligations in report
 * order), so that a large report is written without ever being one string.
 */
export function* pieces(r: Report.Report): Generator<string> {
  const scenario = r.counterfactual ? `counterfactual (what-if: ${r.whatIf.join(' ')})` : 'actual'
  yield stringify([[...COLUMNS]], OPTIONS)
  for (const c of r.cases) {
    if (c.obligations.length === 0) continue
    const rows = c.obligations.map((o) =>
      [
        scenario,
        c.caseId,
        o.id,
        o.policy,
        o.rule,
        o.kind,
        o.citation,
        o.confidence,
        String(o.statutory),
        Report.basis(o),
        String(o.counterfactual),
        String(o.preEffective),
        o.triggeredBy,
        o.startedAt,
        o.dueAt,
        o.targetAt ?? '',
        o.shadowDueAt ?? '',
        o.warnings.join(' '),
        o.completedAt ?? '',
        o.completedBy ?? '',
        o.status,
        o.targetStatus ?? '',
        r.asOf,
      ].map(cell),
    )
    yield stringify(rows, OPTIONS)
  }
}

/** Renders one row per obligation (cases by id, obligations in report order): {@link pieces} joined. */
export const render = (r: Report.Report): string => [...pieces(r)].join('')
