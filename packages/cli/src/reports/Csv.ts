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

/** Renders one row per obligation (cases by id, obligations in report order). */
export const render = (r: Report.Report): string => {
  const scenario = r.counterfactual ? `counterfactual (what-if: ${r.whatIf.join(' ')})` : 'actual'
  const rows: string[][] = []
  for (const c of r.cases)
    for (const o of c.obligations)
      rows.push([
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
      ])
  return stringify([[...COLUMNS], ...rows.map((row) => row.map(guard))], { record_delimiter: '\n' })
}
