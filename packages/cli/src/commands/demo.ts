/**
 * `docket demo`: the seed story (Doe v. Twitter, `examples/seed-case`) end to
 * end. It imports the case's events into the embedded store (idempotently:
 * a second run stores nothing), reads the case back from the store, runs the
 * engine over it and prints the timeline with every escalation and
 * obligation the engine computed. Nothing printed is written by hand: every
 * status, deadline and escalation comes from the library.
 */
import { createReadStream } from 'node:fs'
import { type DocketEvent, Escalation, Profile, type Recorded, Timestamp } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import { type Command, EXIT, type Invocation } from '../Command.js'
import * as Args from '../internal/args.js'
import * as Ingest from '../internal/ingest.js'
import * as Seed from '../internal/seed.js'
import * as Store from '../internal/store.js'
import * as Style from '../internal/style.js'
import * as Timeline from '../internal/timeline.js'
import * as Output from '../Output.js'
import * as Source from '../Source.js'

const CASE_ID = 'doe-v-twitter'
const WIDTH = 100

/** The store URL the demo uses for a data directory. */
export const storeUrl = (dataDir: string): string =>
  Store.supports('pglite:') ? `pglite:${dataDir}` : 'memory:'

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

/** Escalation lines grouped by escalation: where it started and each level it climbed to. */
const grouped = (
  summaries: ReadonlyArray<Escalation.Summary>,
): ReadonlyArray<{
  readonly first: Escalation.Summary
  readonly steps: ReadonlyArray<Escalation.Summary>
}> => {
  const groups = new Map<string, Escalation.Summary[]>()
  for (const x of summaries) {
    const g = groups.get(x.escalationId)
    if (g === undefined) groups.set(x.escalationId, [x])
    else g.push(x)
  }
  return [...groups.values()].map((g) => ({ first: g[0]!, steps: g.slice(1) }))
}

const render = (history: ReadonlyArray<DocketEvent>, inv: Invocation): string => {
  const s = Style.forStream(inv.stdout, inv.env)
  const asOfMs = Math.max(...history.map((e) => Timestamp.toMillis(e.occurredAt)))
  const last = history.find((e) => Timestamp.toMillis(e.occurredAt) === asOfMs)!
  const asOf = Timestamp.format(asOfMs, Timestamp.offsetOf(last.occurredAt))
  const escalations = Escalation.summarize(
    { caseId: CASE_ID, history, config: Escalation.configOf(Profile.DEFAULTS) },
    asOfMs,
  )
  const lines: Line[] = []
  history.forEach((e, i) => {
    const q = Timeline.quote(e)
    lines.push({
      at: Timestamp.toMillis(e.occurredAt),
      order: i,
      text: [
        `  ${Timeline.localTime(e.occurredAt)}  ${s.dim(e.id)}  ${s.bold(e.type.padEnd(26))}${Timeline.label(e)}`,
        ...(q === undefined ? [] : Timeline.wrap(`“${q}”`, WIDTH, ' '.repeat(32)).map(s.dim)),
      ],
    })
  })
  const groups = grouped(escalations)
  groups.forEach(({ first }, i) => {
    lines.push({
      at: Timestamp.toMillis(first.at),
      order: history.length + i,
      text: [
        `  ${Timeline.localTime(first.at)}  ${s.yellow(`▲ escalation raised: ${first.reason}, level ${first.level}`)}${first.obligationId === null ? '' : ` (${first.obligationId})`}`,
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

  return [
    s.bold('Docket demo: Doe v. Twitter (N.D. Cal. No. 3:21-cv-00485-JCS), the seed case'),
    '',
    ...Timeline.wrap(
      'A 13-year-old was extorted into a sexual video that spread on a large platform. He and his mother ' +
        'reported it with his age; the platform answered that it found no violation, and removed it only ' +
        'after a federal agent stepped in. The public record, as events (examples/seed-case/events.jsonl), ' +
        'replayed through Docket: everything below is computed by the library.',
      WIDTH,
      '',
    ),
    '',
    s.bold(`Timeline (times as recorded, ${Timeline.offsetLabel(history[0]!.occurredAt)})`),
    ...lines.flatMap((l) => l.text),
    '',
    s.bold(`Escalations (judged as of ${Timeline.localTime(asOf)}, profile ${Profile.DEFAULTS.name})`),
    ...(groups.length === 0
      ? ['  none']
      : groups.flatMap(({ first, steps }) => [
          `  ${first.reason.padEnd(24)}raised ${Timeline.localTime(first.at)} at level ${first.level}  ${s.dim(first.escalationId)}`,
          ...steps.map(
            (x) => `  ${''.padEnd(24)}  → level ${x.level} at ${Timeline.localTime(x.at)} (not acknowledged)`,
          ),
        ])),
    '',
    s.bold('Elapsed (calendar days, dates as recorded)'),
    ...elapsed,
    '',
  ].join('\n')
}

/** The `demo` command. */
export const command: Command = {
  name: 'demo',
  summary: 'Replay the seed case (Doe v. Twitter) through the engine on the embedded store.',
  usage: 'demo [--data-dir DIR]',
  options: [
    {
      name: 'data-dir',
      kind: 'string',
      description: 'Directory of the embedded store the demo imports into.',
      default: '.docket',
    },
  ],
  examples: ['docket demo', 'docket demo --data-dir /tmp/docket-demo'],
  run: async (inv) => {
    const path = Seed.eventsPath()
    if (path === undefined) {
      Output.error(inv, Seed.MISSING)
      return EXIT.usage
    }
    const read = await Source.readLines(createReadStream(path, { encoding: 'utf8' }))
    if (E.isLeft(read)) {
      Output.error(inv, `${path}:\n${Source.describe(read.left)}`)
      return EXIT.usage
    }
    const url = storeUrl(Args.str(inv, 'data-dir') ?? '.docket')
    const opened = await Store.open(url, inv.cwd)
    if (E.isLeft(opened)) {
      Output.error(inv, opened.left)
      return EXIT.usage
    }
    let history: ReadonlyArray<Recorded>
    try {
      const imported = await Ingest.append(opened.right, read.right.events)
      if (E.isLeft(imported)) {
        Output.error(inv, imported.left)
        return EXIT.usage
      }
      Output.log(
        inv,
        `demo: ${Store.redact(url)}: ${imported.right.appended} new event(s) stored, ${imported.right.repeated} already there`,
      )
      const stream = await opened.right.readStream(CASE_ID)()
      if (E.isLeft(stream)) {
        Output.error(inv, Store.describeError(stream.left))
        return EXIT.usage
      }
      history = stream.right.map((s) => s.event)
    } finally {
      await opened.right.close()
    }
    await Output.stdout(inv).write(render(history, inv))
    return EXIT.ok
  },
}
