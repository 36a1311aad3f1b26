/**
 * `docket replay <source> [options] --report json|csv|md|html|dsa-sor|dsa-transparency`:
 * what was owed, when, and whether it was delivered, from the event history
 * of a file or a store, streamed case by case (`replay/Replay.ts`), written
 * in one of the report formats (`reports/`). With `--report dsa-sor
 * --submit URL`, the statements of reasons are also sent to the DSA
 * Transparency Database API (`submit/Submitter.ts`), with the token read from
 * the environment variable `DOCKET_DSA_TOKEN`. The `csv` and `dsa-sor` rows
 * have no place for the reproducibility stamp: it is written beside them, to
 * `<out>.stamp.json` (or as one JSON line on standard error without `--out`).
 */
import { Timestamp } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import { type Command, EXIT } from '../Command.js'
import * as Config from '../Config.js'
import * as Args from '../internal/args.js'
import * as Evaluation from '../internal/evaluation.js'
import * as Output from '../Output.js'
import * as Input from '../replay/Input.js'
import * as Progress from '../replay/Progress.js'
import * as Replay from '../replay/Replay.js'
import * as Spill from '../replay/Spill.js'
import * as Csv from '../reports/Csv.js'
import * as DsaSor from '../reports/DsaSor.js'
import * as DsaTransparency from '../reports/DsaTransparency.js'
import * as Html from '../reports/Html.js'
import * as Json from '../reports/Json.js'
import * as Markdown from '../reports/Markdown.js'
import * as Report from '../reports/Report.js'
import * as Source from '../Source.js'
import * as Submitter from '../submit/Submitter.js'

/** The environment variable holding the Transparency Database API token. */
export const TOKEN_ENV = 'DOCKET_DSA_TOKEN'

/** The most worker threads `--workers` takes. */
const MAX_WORKERS = 64

const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : Timestamp.format(ms)

/** The `replay` command. */
export const command: Command = {
  name: 'replay',
  summary:
    'Replay an event history into a compliance report (json, csv, md, html, dsa-sor, dsa-transparency).',
  usage: 'replay <file|-> [options] | replay --store URL [options]',
  options: [
    {
      name: 'store',
      kind: 'string',
      description:
        'Read the events of this store (global order) instead of a file: memory:, pglite:<dir>, postgres://….',
    },
    ...Evaluation.OPTIONS,
    { name: 'config', kind: 'string', description: 'The platform profile (JSON or YAML).' },
    {
      name: 'report',
      kind: 'string',
      description: `Report format: ${Report.FORMATS.join(', ')}.`,
      default: 'json',
    },
    { name: 'out', kind: 'string', description: 'Write the report to this file instead of standard output.' },
    {
      name: 'sort',
      kind: 'flag',
      description:
        'Sort input that is not in recordedAt order within each case (spills to disk) instead of rejecting it.',
    },
    {
      name: 'spill-dir',
      kind: 'string',
      description: "Directory for temporary files (sort runs, dropped cases, finished cases' results).",
    },
    {
      name: 'max-open-cases',
      kind: 'string',
      description:
        'Memory budget in open cases: past it, the least recently active leave memory, closed cases with a final result dropped and the others moved to disk (default 10000).',
    },
    {
      name: 'workers',
      kind: 'string',
      description:
        'Replay on this many worker threads, cases partitioned among them (default 1: in this thread); the report is the same, byte for byte. Memory budgets apply to each worker.',
    },
    {
      name: 'period',
      kind: 'string',
      description:
        'dsa-transparency periods: year or half-year (default: half-year for a vlop profile, else year).',
    },
    {
      name: 'submit',
      kind: 'string',
      description: `With --report dsa-sor: send the statements to this Transparency Database API base URL (token in ${TOKEN_ENV}).`,
    },
    {
      name: 'journal',
      kind: 'string',
      description:
        'With --submit: file of acknowledged puids, so that a rerun after a crash sends nothing twice.',
    },
    {
      name: 'published-out',
      kind: 'string',
      description:
        'With --submit: write StatementOfReasonsPublished events for the statements stored, as JSON Lines to import.',
    },
    { name: 'quiet', kind: 'flag', description: 'No progress on standard error.' },
    {
      name: 'fail-on',
      kind: 'string',
      description: 'Exit 1 when a statutory obligation is breached (the only value: breached).',
    },
  ],
  examples: [
    'docket replay examples/seed-case/events.jsonl --report md',
    'docket replay --store pglite:.docket --report html --out report.html',
    'docket replay events.jsonl --known-at 2020-01-28T12:00:00-08:00 --report json',
    'docket replay events.jsonl --what-if us-take-it-down --report csv --out what-if.csv',
    'docket replay events.jsonl --report dsa-sor --out statements.jsonl',
    'DOCKET_DSA_TOKEN=… docket replay events.jsonl --report dsa-sor --submit https://transparency.dsa.ec.europa.eu --journal sor.journal',
    'docket replay unsorted.jsonl --sort --report dsa-transparency --period half-year',
    'docket replay events.jsonl --workers 4 --report json --out report.json',
  ],
  run: async (inv) => {
    const format = Args.str(inv, 'report') ?? 'json'
    if (!(Report.FORMATS as ReadonlyArray<string>).includes(format)) {
      Output.error(inv, `--report ${JSON.stringify(format)}: expected one of ${Report.FORMATS.join(', ')}`)
      return EXIT.usage
    }
    const failOn = Args.str(inv, 'fail-on')
    if (failOn !== undefined && failOn !== 'breached') {
      Output.error(inv, `--fail-on ${JSON.stringify(failOn)}: expected breached`)
      return EXIT.usage
    }
    const period = Args.str(inv, 'period')
    if (period !== undefined && period !== 'year' && period !== 'half-year') {
      Output.error(inv, `--period ${JSON.stringify(period)}: expected year or half-year`)
      return EXIT.usage
    }
    const maxOpenText = Args.str(inv, 'max-open-cases')
    const maxOpen = maxOpenText === undefined ? undefined : Number(maxOpenText)
    if (maxOpen !== undefined && !(Number.isInteger(maxOpen) && maxOpen > 0)) {
      Output.error(inv, `--max-open-cases ${JSON.stringify(maxOpenText)}: expected a positive integer`)
      return EXIT.usage
    }
    const workersText = Args.str(inv, 'workers')
    const workers = workersText === undefined ? 1 : Number(workersText)
    if (!(Number.isInteger(workers) && workers > 0 && workers <= MAX_WORKERS)) {
      Output.error(
        inv,
        `--workers ${JSON.stringify(workersText)}: expected an integer from 1 to ${MAX_WORKERS}`,
      )
      return EXIT.usage
    }
    const submitUrl = Args.str(inv, 'submit')
    if (
      submitUrl === undefined &&
      (Args.str(inv, 'journal') ?? Args.str(inv, 'published-out')) !== undefined
    ) {
      Output.error(inv, '--journal and --published-out need --submit')
      return EXIT.usage
    }
    if (submitUrl !== undefined && format !== 'dsa-sor') {
      Output.error(inv, '--submit needs --report dsa-sor')
      return EXIT.usage
    }
    const source = Source.ofInvocation(inv, 'replay')
    if (E.isLeft(source)) {
      Output.error(inv, source.left)
      return EXIT.usage
    }
    const checked = Evaluation.check(inv)
    if (E.isLeft(checked)) {
      Output.error(inv, checked.left)
      return EXIT.usage
    }
    const o = checked.right
    if (format === 'dsa-sor' && (o.whatIf?.length ?? 0) > 0) {
      Output.error(
        inv,
        '--what-if with --report dsa-sor: statements of reasons record what was decided, not a counterfactual; run without --what-if',
      )
      return EXIT.usage
    }
    const token = inv.env[TOKEN_ENV]
    if (submitUrl !== undefined && (token === undefined || token === '')) {
      Output.error(inv, `--submit needs the API token in the environment variable ${TOKEN_ENV}`)
      return EXIT.usage
    }
    const profile = Config.load(inv.cwd, Args.str(inv, 'config'))
    if (E.isLeft(profile)) {
      Output.error(inv, profile.left.message)
      return EXIT.usage
    }
    const input = await Input.open(inv, source.right)
    if (E.isLeft(input)) {
      Output.error(inv, Source.describe(input.left))
      return EXIT.usage
    }
    const spillDir = Args.str(inv, 'spill-dir')
    const events = Args.flag(inv, 'sort')
      ? Spill.sort(input.right.events, spillDir === undefined ? {} : { dir: spillDir })
      : input.right.events
    const onProgress = Args.flag(inv, 'quiet')
      ? undefined
      : Progress.make({
          write: (s) => inv.stderr.write(s),
          tty: inv.stderr.isTTY === true,
          position: input.right.position,
        })
    const options: Report.BuildOptions = {
      profile: profile.right,
      ...(o.asOf === undefined ? {} : { asOf: iso(o.asOf)! }),
      ...(o.knownAt === undefined ? {} : { knownAt: iso(o.knownAt)! }),
      ...(o.from === undefined ? {} : { from: iso(o.from)! }),
      ...(o.to === undefined ? {} : { to: iso(o.to)! }),
      ...(o.policies === undefined ? {} : { policies: o.policies }),
      ...(o.whatIf === undefined ? {} : { whatIf: o.whatIf }),
      ...(spillDir === undefined ? {} : { spillDir }),
      ...(maxOpen === undefined ? {} : { maxOpenCases: maxOpen }),
      ...(onProgress === undefined ? {} : { onProgress }),
      // a store's global order is the order; a file must be in recordedAt order per case
      checkOrder: source.right._tag !== 'Store',
    }
    // on workers, a file's lines are decoded by the workers (which read cases back from the file);
    // sorted or stored events go decoded
    const sorted = Args.flag(inv, 'sort')
    const lines = sorted ? undefined : input.right.lines
    const fileLines = sorted ? undefined : input.right.fileLines
    // sorted events come from the spill files, which cannot be read back by the source's handles
    const readBack = sorted ? undefined : input.right.readBack
    let built: Awaited<ReturnType<typeof Report.build | typeof Report.buildOnWorkers>>
    try {
      built =
        workers === 1
          ? await Report.build(events, readBack === undefined ? options : { ...options, readBack })
          : await Report.buildOnWorkers(
              fileLines !== undefined
                ? { _tag: 'FileLines', ...fileLines }
                : lines === undefined
                  ? { _tag: 'Events', events }
                  : { _tag: 'Lines', batches: lines },
              { ...options, workers },
            )
    } finally {
      await input.right.close()
    }
    const failure = input.right.failure()
    if (failure !== undefined) {
      Output.error(inv, `${Source.describe(failure)}\nNothing was written.`)
      return EXIT.usage
    }
    if (E.isLeft(built)) {
      const f = built.left
      Output.error(
        inv,
        f._tag === 'BadLine'
          ? `${Source.describe({ _tag: 'BadInput', errors: [f.error] })}\nNothing was written.`
          : Replay.describe(f),
      )
      return EXIT.usage
    }
    const report = built.right
    // json and csv are written case by case: a large replay's report outgrows one string
    let text: string | Iterable<string>
    let sor: DsaSor.Output | undefined
    switch (format as Report.Format) {
      case 'json':
        text = Json.pieces(report)
        break
      case 'csv':
        text = Csv.pieces(report)
        break
      case 'md':
        text = Markdown.render(report)
        break
      case 'html':
        text = Html.render(report)
        break
      case 'dsa-transparency':
        text = DsaTransparency.render(
          report,
          (period as DsaTransparency.Period | undefined) ??
            (profile.right.providerType?.kind === 'vlop' ? 'half-year' : 'year'),
        )
        break
      case 'dsa-sor':
        sor = DsaSor.build(report)
        text = DsaSor.render(sor)
        for (const p of sor.problems) Output.warn(inv, DsaSor.describe(p))
        Output.log(
          inv,
          `docket: ${sor.statements.length} statements of reasons, ${sor.problems.length} decisions lacking facts, ${sor.outOfScope} decisions outside the EEA`,
        )
        break
    }
    const out = Args.str(inv, 'out')
    const written =
      typeof text === 'string' ? await Output.emit(inv, out, text) : await Output.emitPieces(inv, out, text)
    if (E.isLeft(written)) {
      Output.error(inv, Output.describe(written.left))
      return EXIT.usage
    }
    // csv and dsa-sor rows have no place for the stamp: it goes beside them
    if (format === 'csv' || format === 'dsa-sor') {
      const side = `${JSON.stringify({
        report: `docket-replay-${format}`,
        label: Report.counterfactualLabel(report),
        asOf: report.asOf,
        knownAt: report.knownAt,
        profile: report.profile,
        stamp: report.stamp,
        ...(sor === undefined
          ? {}
          : { statements: sor.statements.length, outOfScope: sor.outOfScope, problems: sor.problems }),
      })}\n`
      if (out === undefined || out === '-') Output.log(inv, side.trimEnd())
      else {
        const w = await Output.emit(inv, `${out}.stamp.json`, side)
        if (E.isLeft(w)) {
          Output.error(inv, Output.describe(w.left))
          return EXIT.usage
        }
      }
    }
    if (submitUrl !== undefined && sor !== undefined) {
      const journal = Args.str(inv, 'journal')
      const result = await Submitter.submit(sor.statements, {
        url: submitUrl,
        token: token!,
        ...(journal === undefined ? {} : { journal }),
      })
      for (const r of result.rejected) Output.warn(inv, `statement ${r.puid} refused: ${r.errors.join('; ')}`)
      const publishedOut = Args.str(inv, 'published-out')
      if (publishedOut !== undefined) {
        const events = DsaSor.publishedEvents(sor, result.stored, Timestamp.format(Date.now()))
        const w = await Output.emit(inv, publishedOut, events.map((e) => `${JSON.stringify(e)}\n`).join(''))
        if (E.isLeft(w)) Output.error(inv, Output.describe(w.left))
      }
      Output.log(
        inv,
        `docket: submitted ${result.stored.length}, already stored ${result.alreadyStored.length}, refused ${result.rejected.length}, unsent ${result.unsent.length}`,
      )
      if (result.stopped !== null) {
        Output.error(inv, `submission stopped: ${result.stopped}`)
        return EXIT.usage
      }
    }
    return failOn === 'breached' && report.summary.breached > 0 ? EXIT.finding : EXIT.ok
  },
}
