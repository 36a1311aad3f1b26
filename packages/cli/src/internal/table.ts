/**
 * The human table of `docket evaluate --format table`: per case, one row per
 * obligation (rule, trigger, start, due, status, completion) and one per
 * escalation, then the summary. It renders the engine's report and adds
 * nothing to it; `--format json` is the same report, complete.
 */
import { type Evaluation, type Obligation, Timestamp } from '@docket/core'
import type { Style } from './style.js'
import { timeWithOffset } from './timeline.js'

/** Visible width: characters, not counting colour escapes. */
const ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g')
const width = (s: string): number => [...s.replace(ESCAPE, '')].length

const pad = (s: string, n: number): string => s + ' '.repeat(Math.max(0, n - width(s)))

/** Columns aligned on the widest cell, two spaces apart. */
export const columns = (rows: ReadonlyArray<ReadonlyArray<string>>, indent = '  '): ReadonlyArray<string> => {
  const widths: number[] = []
  for (const r of rows) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, width(c))
    })
  }
  return rows.map((r) =>
    `${indent}${r.map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]!))).join('  ')}`.trimEnd(),
  )
}

/** How late a completion was, as `6 d 21 h` (or `35 min`). */
export const lateness = (dueAt: string, completedAt: string): string => {
  const minutes = Math.round((Timestamp.toMillis(completedAt) - Timestamp.toMillis(dueAt)) / 60_000)
  const d = Math.floor(minutes / 1440)
  const h = Math.floor((minutes % 1440) / 60)
  const m = minutes % 60
  if (d > 0) return `${d} d ${h} h`
  if (h > 0) return `${h} h ${m} min`
  return `${m} min`
}

/** The status of an obligation in words, with its flags. */
export const status = (o: Obligation.Obligation, s: Style): string => {
  const flags = [
    o.statutory ? undefined : 'internal target',
    o.preEffective ? 'before entry into force' : undefined,
    o.counterfactual ? 'what-if' : undefined,
    o.targetStatus === 'breached' && o.status !== 'breached' ? 'target missed' : undefined,
    o.status === 'met_late' && o.completedAt !== null
      ? `deadline breached by ${lateness(o.dueAt, o.completedAt)}`
      : undefined,
  ].filter((x) => x !== undefined)
  const word =
    o.status === 'breached'
      ? s.red(o.status)
      : o.status === 'met'
        ? s.green(o.status)
        : o.status === 'met_late'
          ? s.yellow(o.status)
          : o.status
  return flags.length === 0 ? word : `${word} (${flags.join(', ')})`
}

/** Obligation rows of one case. */
export const obligationRows = (
  obligations: ReadonlyArray<Obligation.Obligation>,
  s: Style,
): ReadonlyArray<ReadonlyArray<string>> => [
  ['obligation', 'kind', 'trigger', 'started', 'due', 'status', 'completed'].map(s.dim),
  ...obligations.map((o) => [
    `${o.policy}/${o.rule}`,
    o.kind,
    o.triggeredBy,
    timeWithOffset(o.startedAt),
    timeWithOffset(o.dueAt),
    status(o, s),
    o.completedAt === null ? '-' : `${timeWithOffset(o.completedAt)} (${o.completedBy ?? '?'})`,
  ]),
]

/** The whole report as text. */
export const render = (report: Evaluation.Report, s: Style): string => {
  const lines: string[] = [
    `as of ${report.asOf}${report.knownAt === null ? '' : `, known at ${report.knownAt}`}; profile ${report.profile}${report.counterfactual ? '; counterfactual (what-if)' : ''}`,
  ]
  for (const c of report.cases) {
    lines.push('', s.bold(`case ${c.caseId}`))
    if (c.obligations.length === 0) lines.push('  no obligations')
    else lines.push(...columns(obligationRows(c.obligations, s)))
    if (c.escalations.length > 0) {
      const groups = new Map<string, Evaluation.EscalationSummary[]>()
      for (const x of c.escalations) groups.set(x.escalationId, [...(groups.get(x.escalationId) ?? []), x])
      lines.push(
        ...columns([
          ['escalation', 'levels', 'raised', 'obligation'].map(s.dim),
          ...[...groups.values()].map((g) => [
            g[0]!.reason,
            g.map((x) => x.level).join('→'),
            timeWithOffset(g[0]!.at),
            g[0]!.obligationId ?? '-',
          ]),
        ]),
      )
    }
  }
  const m = report.summary
  lines.push(
    '',
    `${report.cases.length} case(s), ${m.obligations} obligation(s): ${m.met} met, ${m.met_late} met late, ` +
      `${m.breached} breached, ${m.pending} pending, ${m.waived} waived, ${m.paused} paused; ` +
      `${m.internalBreached} internal target(s) breached, ${m.targetsMissed} target(s) missed`,
    '',
  )
  return lines.join('\n')
}
