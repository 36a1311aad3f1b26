/**
 * The `csv` report: one row per obligation, for spreadsheets. Written with
 * `csv-stringify` (RFC 4180 quoting). Cells that a spreadsheet would run as a
 * formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) are
 * prefixed with `'`, the OWASP guard against CSV injection, since case ids and
 * references come from users. Every row says whether the report is
 * counterfactual.
 */
import { stringify } from 'csv-stringify/sync'
import type * as Report from './Report.js'

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

const guard = (s: string): string => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s)

const CSV = { record_delimiter: '\r\n' } as const

/**
 * The report in pieces: the header, then each case's rows (cases by id, obligations in report
 * order), so that a large report is written without ever being one string.
 */
export function* pieces(r: Report.Report): Generator<string> {
  const scenario = r.counterfactual ? `counterfactual (what-if: ${r.whatIf.join(' ')})` : 'actual'
  yield stringify([[...COLUMNS]], CSV)
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
      ].map(guard),
    )
    yield stringify(rows, CSV)
  }
}

/** Renders one row per obligation (cases by id, obligations in report order): {@link pieces} joined. */
export const render = (r: Report.Report): string => [...pieces(r)].join('')
