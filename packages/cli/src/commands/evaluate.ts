/**
 * `docket evaluate <source> [options] --format json|table`: every case's
 * obligations, deadlines and escalations, judged at one instant by the
 * engine (`@docket/core` Evaluation, with the rules of `@docket/policies`).
 * The JSON is the contract of `shared/spec/cli.md`; the table is the same
 * report for people. `--fail-on breached` exits 1 when a statutory
 * obligation is breached.
 */
import * as E from 'fp-ts/lib/Either.js'
import { type Command, EXIT } from '../Command.js'
import * as Args from '../internal/args.js'
import * as Evaluation from '../internal/evaluation.js'
import * as Interrupt from '../internal/interrupt.js'
import * as Style from '../internal/style.js'
import * as Table from '../internal/table.js'
import * as Output from '../Output.js'
import * as Source from '../Source.js'

/** The `evaluate` command. */
export const command: Command = {
  name: 'evaluate',
  summary: 'Compute every obligation, deadline and escalation of each case.',
  usage: 'evaluate (<file> | - | --store URL) [options]',
  options: [
    {
      name: 'store',
      value: 'URL',
      kind: 'string',
      description:
        'Read the events of this store instead of a file: memory:, pglite:<dir>, pglite:memory, postgres://…, esdb://…, kurrentdb://….',
    },
    ...Evaluation.OPTIONS,
    { name: 'config', value: 'FILE', kind: 'string', description: 'The platform profile (JSON or YAML).' },
    {
      name: 'format',
      value: 'table|json',
      kind: 'string',
      description: 'Output format: table or json.',
      default: 'table',
    },
    {
      name: 'fail-on',
      value: 'breached',
      kind: 'string',
      description: 'Exit 1 when a statutory obligation is breached (the only value: breached).',
    },
    {
      name: 'out',
      value: 'FILE',
      kind: 'string',
      description: 'Write to this file instead of standard output.',
    },
  ],
  examples: [
    'docket evaluate examples/seed-case/events.jsonl',
    'docket evaluate events.jsonl --format json --as-of 2026-07-01T00:00:00Z',
    'docket evaluate --store pglite:.docket --known-at 2020-01-28T12:00:00-08:00 --config profile.yaml',
    'docket evaluate examples/seed-case/events.jsonl --what-if us-take-it-down --format json',
    'cat events.jsonl | docket evaluate - --policies us-2258a --fail-on breached',
    'docket evaluate events.jsonl --custom-policy acme-trust-safety.yaml --config profile.yaml',
  ],
  run: async (inv) => {
    const format = Args.str(inv, 'format') ?? 'table'
    if (format !== 'table' && format !== 'json') {
      Output.error(inv, `--format ${JSON.stringify(format)}: expected table or json`)
      return EXIT.usage
    }
    const failOn = Args.str(inv, 'fail-on')
    if (failOn !== undefined && failOn !== 'breached') {
      Output.error(inv, `--fail-on ${JSON.stringify(failOn)}: expected breached`)
      return EXIT.usage
    }
    const source = Source.ofInvocation(inv, 'evaluate')
    if (E.isLeft(source)) {
      Output.error(inv, source.left)
      return EXIT.usage
    }
    const setup = Evaluation.setup(inv)
    if (E.isLeft(setup)) {
      Output.error(inv, setup.left)
      return EXIT.usage
    }
    const { options, profile, pack } = setup.right
    // a store read here stops on SIGINT or SIGTERM once open or at the next event, and is closed
    const stopping = source.right._tag === 'Store' ? Interrupt.install(inv, 'evaluate') : undefined
    let read: Awaited<ReturnType<typeof Source.read>>
    try {
      read = await Source.read(inv, source.right, stopping === undefined ? {} : { signal: stopping.signal })
    } finally {
      stopping?.release()
    }
    if (stopping?.signal.aborted === true)
      return Interrupt.stopped(inv, 'evaluate', stopping, 'the store is closed; nothing was evaluated')
    if (E.isLeft(read)) {
      Output.error(inv, Source.describe(read.left, source.right))
      return EXIT.usage
    }
    const report = Evaluation.evaluate(read.right.events, profile, options, pack)
    const undated = Evaluation.undated(Source.label(source.right), report.asOf, options)
    if (undated !== undefined) Output.warn(inv, undated)
    const text =
      format === 'json'
        ? `${JSON.stringify(report, null, 2)}\n`
        : Table.render(report, Style.forStream(Args.str(inv, 'out') === undefined ? inv.stdout : {}, inv.env))
    const written = await Output.emit(inv, Args.str(inv, 'out'), text)
    if (E.isLeft(written)) {
      Output.error(inv, Output.describe(written.left))
      return EXIT.usage
    }
    return failOn === 'breached' && report.summary.breached > 0 ? EXIT.finding : EXIT.ok
  },
}
