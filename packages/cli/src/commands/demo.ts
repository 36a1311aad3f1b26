/**
 * `docket demo`: the seed story (Doe v. Twitter, `examples/seed-case`) end to
 * end. It imports the case's events into the embedded store (idempotently:
 * a second run stores nothing), reads the case back from the store, runs the
 * engine over it (core `Evaluation` with the default rules of
 * `@docket/policies` and core's escalation hook) and prints the timeline
 * with every obligation and escalation the engine computed. Nothing printed
 * is written by hand: every status, deadline and escalation comes from the
 * library; the demo only lays it out. SIGINT or SIGTERM stops it once the
 * store has opened or between appends, closes the store and exits 130 or 143.
 */
import { createReadStream } from 'node:fs'
import {
  type DocketEvent,
  type Evaluation as CoreEvaluation,
  Import,
  type Obligation,
  Profile,
  type Recorded,
  Timestamp,
} from '@docket/core'
import { Policy } from '@docket/policies'
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import { type Command, EXIT, type Invocation } from '../Command.js'
import * as Args from '../internal/args.js'
import * as Evaluation from '../internal/evaluation.js'
import * as Interrupt from '../internal/interrupt.js'
import * as Seed from '../internal/seed.js'
import * as Store from '../internal/store.js'
import * as Style from '../internal/style.js'
import * as Table from '../internal/table.js'
import * as Timeline from '../internal/timeline.js'
import * as Output from '../Output.js'
import * as Source from '../Source.js'

const CASE_ID = 'doe-v-twitter'
const WIDTH = 100
const INDENT = ' '.repeat(32)

/** The store URL the demo uses for a data directory. */
export const storeUrl = (dataDir: string): string => `pglite:${dataDir}`

interface Line {
  readonly at: number
  readonly order: number
  readonly text: ReadonlyArray<string>
}

/** Whole calendar days between two instants, each read as the date it was written with (its own offset). */
const calendarDays = (from: string, to: string): number => {
  const day = (iso: string): number =>
    Math.floor(Date.parse(`${Timeline.localTime(iso).slice(0, 10)}T00:00:00Z`) / 86_400_000)
  return day(to) - day(from)
}

type EscalationSummary = CoreEvaluation.EscalationSummary

/** Escalation lines grouped by escalation: where it started and each level it climbed to. */
const grouped = (
  summaries: ReadonlyArray<EscalationSummary>,
): ReadonlyArray<{ readonly first: EscalationSummary; readonly steps: ReadonlyArray<EscalationSummary> }> => {
  const groups = new Map<string, EscalationSummary[]>()
  for (const x of summaries) {
    const g = groups.get(x.escalationId)
    if (g === undefined) groups.set(x.escalationId, [x])
    else g.push(x)
  }
  return [...groups.values()].map((g) => ({ first: g[0]!, steps: g.slice(1) }))
}

const title = (o: Obligation.Obligation): string =>
  O.match(
    () => `${o.policy}/${o.rule}`,
    (r: Policy.Rule) => r.title,
  )(Policy.ruleById(`${o.policy}/${o.rule}`))

const ruleLabel = (o: Obligation.Obligation): string => `${o.policy}/${o.rule}`

/** The statute's words of the rule version whose citation the obligation carries. */
const quoteOf = (o: Obligation.Obligation): string | undefined =>
  O.match(
    () => undefined,
    (r: Policy.Rule) => r.versions.find((v) => v.citation === o.citation)?.quote,
  )(Policy.ruleById(ruleLabel(o)))

/** Lines of the timeline that an obligation contributes: its start, and its end (completion or due time). */
const obligationLines = (
  o: Obligation.Obligation,
  asOfMs: number,
  order: number,
  s: Style.Style,
  shown: (iso: string) => string,
): ReadonlyArray<Line> => {
  const lines: Line[] = [
    {
      at: Timestamp.toMillis(o.startedAt),
      order,
      text: [
        `  ${shown(o.startedAt)}  ${s.cyan(`◷ clock starts: ${ruleLabel(o)}`)}, due ${shown(o.dueAt)}${o.statutory ? '' : ' (internal target: the law gives no number)'}${o.counterfactual ? ' [what-if]' : ''}`,
      ],
    },
  ]
  const due = Timestamp.toMillis(o.dueAt)
  if (o.completedAt !== null) {
    lines.push({
      at: Timestamp.toMillis(o.completedAt),
      order,
      text: [
        `  ${shown(o.completedAt)}  ${(o.status === 'met' ? s.green : s.yellow)(`✓ ${ruleLabel(o)} done (${o.status})`)} by ${o.completedBy ?? '?'}`,
      ],
    })
  } else if (due <= asOfMs) {
    lines.push({
      at: due,
      order,
      text: [`  ${shown(o.dueAt)}  ${s.red(`✗ ${ruleLabel(o)} due, not done: ${o.status}`)}`],
    })
  }
  return lines
}

/** The elements of a removal request the named rule requires that no report of the case had. */
const missingElements = (history: ReadonlyArray<DocketEvent>, ruleId: string): ReadonlyArray<string> => {
  const rule = Policy.ruleById(ruleId)
  if (O.isNone(rule)) return []
  const required = rule.value.versions[0]?.requiredElements ?? []
  const present = new Set<string>()
  for (const e of history) {
    const request =
      e.type === 'ContentReported'
        ? e.data.removalRequest
        : e.type === 'ReportCompleted'
          ? e.data.removalRequest
          : undefined
    for (const [k, v] of Object.entries(request ?? {})) if (v) present.add(k)
  }
  return required.filter((k) => !present.has(k))
}

const render = (
  history: ReadonlyArray<DocketEvent>,
  report: CoreEvaluation.Report,
  whatIf: ReadonlyArray<string>,
  inv: Invocation,
): string => {
  const s = Style.forStream(inv.stdout, inv.env)
  // every time in the timeline and below at the offset the case was recorded with, so lines compare
  const shown = Timeline.timeAt(Timeline.offsetOf(history[0]!.occurredAt))
  const asOfMs = Timestamp.toMillis(report.asOf)
  const last = history.find((e) => Timestamp.toMillis(e.occurredAt) === asOfMs)
  const asOfLocal = last === undefined ? report.asOf : last.occurredAt
  const found = report.cases.find((c) => c.caseId === CASE_ID)
  const obligations = found?.obligations ?? []
  const escalations = found?.escalations ?? []
  const groups = grouped(escalations)

  const lines: Line[] = []
  history.forEach((e, i) => {
    const q = Timeline.quote(e)
    lines.push({
      at: Timestamp.toMillis(e.occurredAt),
      order: i,
      text: [
        `  ${shown(e.occurredAt)}  ${s.dim(e.id)}  ${s.bold(e.type.padEnd(26))}${Timeline.label(e)}`,
        ...(q === undefined ? [] : Timeline.wrap(`“${q}”`, WIDTH, INDENT).map(s.dim)),
      ],
    })
  })
  obligations.forEach((o, i) => {
    lines.push(...obligationLines(o, asOfMs, history.length + i, s, shown))
  })
  groups.forEach(({ first }, i) => {
    lines.push({
      at: Timestamp.toMillis(first.at),
      order: history.length + obligations.length + i,
      text: [
        `  ${shown(first.at)}  ${s.yellow(`▲ escalation: ${first.reason}, level ${first.level}`)}${first.obligationId === null ? '' : ` (${first.obligationId})`}`,
      ],
    })
  })
  lines.sort((a, b) => a.at - b.at || a.order - b.order)

  const reports = history.filter((e) => e.type === 'ContentReported')
  const refusal = history.find((e) => e.type === 'ReviewDecided' && e.data.outcome === 'no_violation')
  const removal = history.find((e) => e.type === 'ContentActioned' && e.data.action === 'removed')
  const minorReport = reports.find(
    (e) => e.type === 'ContentReported' && e.data.claims?.depictsMinor === true,
  )
  const elapsed: string[] = []
  if (removal !== undefined) {
    if (reports[0] !== undefined)
      elapsed.push(
        `  first report (${reports[0].id}) to removal: ${calendarDays(reports[0].occurredAt, removal.occurredAt)} days`,
      )
    if (minorReport !== undefined)
      elapsed.push(
        `  first report stating a minor's age (${minorReport.id}) to removal: ${calendarDays(minorReport.occurredAt, removal.occurredAt)} days`,
      )
    if (refusal !== undefined)
      elapsed.push(
        `  refusal (${refusal.id}) to removal: ${calendarDays(refusal.occurredAt, removal.occurredAt)} days`,
      )
  }

  const obligationSection = obligations.flatMap((o) => {
    const words = quoteOf(o)
    return [
      `  ${s.bold(ruleLabel(o))}: ${title(o)}`,
      `    ${o.citation} (${o.confidence} source)${o.counterfactual ? '; counterfactual: applied before the law existed' : ''}${o.preEffective ? '; before the law entered into force' : ''}`,
      ...(words === undefined ? [] : Timeline.wrap(words, WIDTH, '    ').map(s.dim)),
      `    triggered by ${o.triggeredBy} at ${shown(o.startedAt)}; due ${shown(o.dueAt)}${o.statutory ? '' : ' (the internal target: the law says no number)'}${o.targetAt === null ? '' : `; internal target ${shown(o.targetAt)}`}`,
      `    status: ${Table.status(o, s)}${o.completedAt === null ? '' : `, completed ${shown(o.completedAt)} by ${o.completedBy ?? '?'}`}`,
    ]
  })
  const whatIfNotes = whatIf.flatMap((id) => {
    if (obligations.some((o) => o.policy === id || ruleLabel(o) === id)) return []
    const rules = Policy.rules().filter((r) => r.policy === id || `${r.policy}/${r.rule}` === id)
    return rules.flatMap((r) => {
      const missing = missingElements(history, `${r.policy}/${r.rule}`)
      return missing.length === 0
        ? [`  ${r.policy}/${r.rule}: no clock started on this case`]
        : [
            `  ${r.policy}/${r.rule}: no clock started: no request in the record had every element the rule requires (missing: ${missing.join(', ')})`,
          ]
    })
  })
  const m = report.summary

  return [
    s.bold('Docket demo: Doe v. Twitter (N.D. Cal. No. 3:21-cv-00485-JCS), the seed case'),
    '',
    ...Timeline.wrap(
      'A 13-year-old was extorted into a sexual video that spread on a large platform. He and his mother ' +
        'reported it with his age; the platform answered that it found no violation, and removed it only ' +
        'after a federal agent stepped in. The public record, as events (examples/seed-case/events.jsonl), ' +
        'replayed through Docket: every clock, status and escalation below is computed by the library.',
      WIDTH,
      '',
    ),
    ...(whatIf.length === 0
      ? []
      : ['', s.yellow(`What-if: ${whatIf.join(', ')} applied as if in force then.`)]),
    '',
    s.bold(`Timeline (times in ${Timeline.offsetLabel(history[0]!.occurredAt)}, as the case was recorded)`),
    ...lines.flatMap((l) => l.text),
    '',
    s.bold(`Obligations (judged as of ${shown(asOfLocal)}, profile ${report.profile})`),
    ...(obligations.length === 0 ? ['  none'] : obligationSection),
    ...whatIfNotes,
    '',
    s.bold('Escalations'),
    ...(groups.length === 0
      ? ['  none']
      : groups.flatMap(({ first, steps }) => [
          `  ${first.reason.padEnd(24)}raised ${shown(first.at)} at level ${first.level}${first.obligationId === null ? '' : ` for ${first.obligationId}`}`,
          ...(steps.length === 0
            ? []
            : [
                `  ${''.padEnd(24)}then ${steps.map((x) => `level ${x.level} at ${shown(x.at).slice(11)}`).join(', ')} (unacknowledged)`,
              ]),
        ])),
    '',
    s.bold('Elapsed (calendar days, dates as recorded)'),
    ...elapsed,
    '',
    `Summary: ${m.obligations} obligation(s): ${m.met} met, ${m.met_late} met late, ${m.breached} statutory breach(es), ` +
      `${m.pending} pending; ${m.internalBreached} internal target(s) breached; ${escalations.length} escalation page(s).`,
    ...(whatIf.length === 0
      ? ['The TAKE IT DOWN Act (2025) applied to this case: docket demo --what-if us-take-it-down']
      : []),
    '',
  ].join('\n')
}

/**
 * Opens the demo's store, stores the seed case's events not yet there and reads the case back,
 * closing the store: the case's events, or the exit code. Interrupted, it stops after the open
 * or between appends and says how far it got.
 */
const seed = async (
  inv: Invocation,
  url: string,
  path: string,
  stopping: Interrupt.Interrupt,
): Promise<ReadonlyArray<Recorded> | number> => {
  const stopped = (what: string): number => Interrupt.stopped(inv, 'demo', stopping, what)
  const opened = await Store.open(url, inv)
  if (E.isLeft(opened)) {
    Output.error(inv, opened.left)
    return EXIT.usage
  }
  try {
    const early = await Interrupt.stoppedOpening(inv, 'demo', stopping, Store.redact(url), 'stored')
    if (early !== undefined) return early
    const imported = await Import.runTwice(opened.right, () => Source.lineBatches(createReadStream(path)), {
      signal: stopping.signal,
    })()
    if (E.isLeft(imported)) {
      const e = imported.left
      if (e._tag === 'Interrupted')
        return stopped(
          `while storing the seed case: ${e.appended} new event(s) stored, the rest not; run docket demo again to complete it`,
        )
      Output.error(inv, `${path}:\n${Import.describe(e)}`)
      return EXIT.usage
    }
    Output.log(
      inv,
      `demo: ${Store.redact(url)}: ${imported.right.appended} new event(s) stored, ${imported.right.duplicates} already there`,
    )
    if (stopping.signal.aborted) return stopped('the seed case is stored; nothing was shown')
    const stream = await opened.right.readStream(CASE_ID)()
    if (E.isLeft(stream)) {
      Output.error(inv, Store.describeError(stream.left))
      return EXIT.usage
    }
    return stream.right.map((x) => x.event)
  } finally {
    await opened.right.close()
  }
}

/** The `demo` command. */
export const command: Command = {
  name: 'demo',
  summary: 'Replay the seed case (Doe v. Twitter) through the engine on the embedded store.',
  usage: 'demo [--data-dir DIR] [--what-if ID,…] [--format table|json]',
  options: [
    {
      name: 'data-dir',
      value: 'DIR',
      kind: 'string',
      description: 'Directory of the embedded (PGlite) store the demo imports into.',
      default: '.docket',
    },
    {
      name: 'what-if',
      value: 'ID,…',
      kind: 'string',
      multiple: true,
      description: 'Apply these policies as if in force in 2020 (counterfactual), e.g. us-take-it-down.',
    },
    {
      name: 'format',
      value: 'table|json',
      kind: 'string',
      description:
        'table (the readable timeline) or json (the evaluation, as docket evaluate --format json).',
      default: 'table',
    },
  ],
  examples: [
    'docket demo',
    'docket demo --what-if us-take-it-down',
    'docket demo --data-dir /tmp/docket-demo',
  ],
  run: async (inv) => {
    const format = Args.str(inv, 'format') ?? 'table'
    if (format !== 'table' && format !== 'json') {
      Output.error(inv, `--format ${JSON.stringify(format)}: expected table or json`)
      return EXIT.usage
    }
    if (inv.positionals.length > 0) {
      Output.error(inv, `unexpected argument ${inv.positionals[0]}\nRun docket demo --help for usage.`)
      return EXIT.usage
    }
    const options = Evaluation.check(inv)
    if (E.isLeft(options)) {
      Output.error(inv, options.left)
      return EXIT.usage
    }
    const path = Seed.eventsPath()
    if (path === undefined) {
      Output.error(inv, Seed.MISSING)
      return EXIT.usage
    }
    const url = storeUrl(Args.str(inv, 'data-dir') ?? '.docket')
    // installed before the store opens: a signal meanwhile lets the open finish, then closes it
    const stopping = Interrupt.install(inv, 'demo')
    let history: ReadonlyArray<Recorded>
    try {
      const seeded = await seed(inv, url, path, stopping)
      if (typeof seeded === 'number') return seeded
      history = seeded
    } finally {
      stopping.release()
    }
    const report = Evaluation.evaluate(history, Profile.DEFAULTS, options.right)
    const text =
      format === 'json'
        ? `${JSON.stringify(report, null, 2)}\n`
        : render(history, report, options.right.whatIf ?? [], inv)
    await Output.stdout(inv).write(text)
    return EXIT.ok
  },
}
