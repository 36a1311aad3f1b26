/**
 * Writing a replay report, as `replay` and `merge` both do: the output options
 * (`--report`, `--out`, `--period`, `--submit`, `--journal`,
 * `--published-out`, `--fail-on`), checked from a command line, and the report
 * rendered in its format (or as `replay --partition`'s partial report) and
 * written (json, csv and partial case by case), with the
 * stamp beside csv and dsa-sor rows (`<out>.stamp.json`, or one JSON line on
 * standard error without `--out`) and, with `--report dsa-sor --submit URL`,
 * the statements sent to the DSA Transparency Database API with the token read
 * from `DOCKET_DSA_TOKEN`.
 */
import type { CasePartition } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import { EXIT, type Invocation, type OptionSpec } from '../Command.js'
import * as Output from '../Output.js'
import * as Csv from '../reports/Csv.js'
import * as DsaSor from '../reports/DsaSor.js'
import * as DsaTransparency from '../reports/DsaTransparency.js'
import * as Html from '../reports/Html.js'
import * as Json from '../reports/Json.js'
import * as Markdown from '../reports/Markdown.js'
import * as Partial from '../reports/Partial.js'
import * as Report from '../reports/Report.js'
import * as Submitter from '../submit/Submitter.js'
import * as Args from './args.js'

/** The environment variable holding the Transparency Database API token. */
export const TOKEN_ENV = 'DOCKET_DSA_TOKEN'

/** The `--report` option, listing `formats`. */
export const reportOption = (formats: ReadonlyArray<string>): OptionSpec => ({
  name: 'report',
  value: 'FORMAT',
  kind: 'string',
  description: `Report format: ${formats.join(', ')}.`,
  default: 'json',
})

/** The output options after `--report`, in the order `--help` lists them. */
export const OPTIONS: ReadonlyArray<OptionSpec> = [
  {
    name: 'out',
    value: 'FILE',
    kind: 'string',
    description: 'Write the report to this file instead of standard output.',
  },
  {
    name: 'period',
    value: 'year|half-year',
    kind: 'string',
    description:
      'dsa-transparency periods: year or half-year (default: half-year for a vlop or vlose profile, else year).',
  },
  {
    name: 'submit',
    value: 'URL',
    kind: 'string',
    description: `With --report dsa-sor: send the statements to this Transparency Database API base URL (token in ${TOKEN_ENV}).`,
  },
  {
    name: 'journal',
    value: 'FILE',
    kind: 'string',
    description:
      'With --submit: file of acknowledged puids, so that a rerun after a crash sends nothing twice; held by one run at a time (FILE.lock).',
  },
  {
    name: 'published-out',
    value: 'FILE',
    kind: 'string',
    description:
      'With --submit: write StatementOfReasonsPublished events for the statements stored, as JSON Lines to import.',
  },
]

/** The `--fail-on` option. */
export const FAIL_ON: OptionSpec = {
  name: 'fail-on',
  value: 'breached',
  kind: 'string',
  description: 'Exit 1 when a statutory obligation is breached (the only value: breached).',
}

/** Checked output options. */
export interface Settings {
  readonly format: string
  readonly out: string | undefined
  readonly period: DsaTransparency.Period | undefined
  readonly failOnBreached: boolean
  readonly submit: { readonly url: string; readonly token: string } | undefined
}

/** Reads and checks the output options; `formats` are the `--report` values the command takes. */
export const check = (inv: Invocation, formats: ReadonlyArray<string>): E.Either<string, Settings> => {
  const format = Args.str(inv, 'report') ?? 'json'
  if (!formats.includes(format))
    return E.left(`--report ${JSON.stringify(format)}: expected one of ${formats.join(', ')}`)
  const failOn = Args.str(inv, 'fail-on')
  if (failOn !== undefined && failOn !== 'breached')
    return E.left(`--fail-on ${JSON.stringify(failOn)}: expected breached`)
  const period = Args.str(inv, 'period')
  if (period !== undefined && period !== 'year' && period !== 'half-year')
    return E.left(`--period ${JSON.stringify(period)}: expected year or half-year`)
  const url = Args.str(inv, 'submit')
  if (url === undefined && (Args.str(inv, 'journal') ?? Args.str(inv, 'published-out')) !== undefined)
    return E.left('--journal and --published-out need --submit')
  if (url !== undefined && format !== 'dsa-sor') return E.left('--submit needs --report dsa-sor')
  const badUrl = url === undefined ? undefined : Submitter.urlProblem(url)
  if (badUrl !== undefined) return E.left(`--submit: ${badUrl}`)
  const token = inv.env[TOKEN_ENV]
  if (url !== undefined && (token === undefined || token === ''))
    return E.left(`--submit needs the API token in the environment variable ${TOKEN_ENV}`)
  return E.right({
    format,
    out: Args.str(inv, 'out'),
    period: period as DsaTransparency.Period | undefined,
    failOnBreached: failOn === 'breached',
    submit: url === undefined ? undefined : { url, token: token! },
  })
}

/** Why a report cannot be written in a format, or `undefined`: statements of reasons are never counterfactual. */
export const refusal = (format: string, whatIf: ReadonlyArray<string>): string | undefined =>
  format === 'dsa-sor' && whatIf.length > 0
    ? '--what-if with --report dsa-sor: statements of reasons record what was decided, not a counterfactual; run without --what-if'
    : undefined

/**
 * The dsa-transparency period when `--period` gives none: legal.md's Art. 15/24/42 row, "VLOPs and
 * VLOSEs report every six months (Art. 42)", other intermediaries "at least once a year".
 */
export const defaultPeriod = (providerType: string | null): 'half-year' | 'year' =>
  providerType === 'vlop' || providerType === 'vlose' ? 'half-year' : 'year'

/** How a report was framed beyond the report itself: what the renderers need to know. */
export interface Framing {
  /** The profile's provider type (`vlop`, `vlose` make dsa-transparency periods half-years by default). */
  readonly providerType: string | null
  /** For the `partial` format (`replay --partition`): the partition, and whether the whole log was read. */
  readonly share?: { readonly partition: CasePartition.Partition; readonly wholeLog: boolean }
}

/**
 * Renders `report` in one of `Report.FORMATS`, or as a partial report (`partial`, with
 * `framing.share`), and writes it (and the stamp beside csv and dsa-sor rows, and the submission),
 * returning the exit code.
 */
export const write = async (
  inv: Invocation,
  report: Report.Report,
  settings: Settings,
  framing: Framing,
): Promise<number> => {
  const { format, out } = settings
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
      text = DsaTransparency.render(report, settings.period ?? defaultPeriod(framing.providerType))
      break
    case 'dsa-sor':
      sor = DsaSor.build(report)
      text = DsaSor.render(sor)
      for (const p of sor.problems) Output.warn(inv, DsaSor.describe(p))
      for (const w of sor.withheld) Output.warn(inv, DsaSor.describeWithheld(w))
      Output.log(
        inv,
        `docket: ${sor.statements.length} statements of reasons${sor.withheld.length > 0 ? ` (${sor.withheld.length} with personal data withheld from the explanation)` : ''}, ${sor.problems.length} decisions lacking facts, ${sor.outOfScope} decisions outside the EEA${sor.notOwed > 0 ? `, ${sor.notOwed} decisions owing none (deceptive high-volume commercial content)` : ''}`,
      )
      break
    default:
      if (format !== 'partial' || framing.share === undefined)
        throw new Error(`not a report format: ${format}`)
      text = Partial.pieces(report, framing.share.partition, framing.share.wholeLog, framing.providerType)
  }
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
        : {
            statements: sor.statements.length,
            outOfScope: sor.outOfScope,
            ...(sor.notOwed > 0 ? { notOwed: sor.notOwed } : {}),
            problems: sor.problems,
          }),
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
  if (settings.submit !== undefined && sor !== undefined) {
    const submitted = await submit(inv, sor, settings.submit)
    if (submitted !== EXIT.ok) return submitted
  }
  return settings.failOnBreached && report.summary.breached > 0 ? EXIT.finding : EXIT.ok
}

/** Sends the statements of reasons (`--submit`), writing `--published-out` if asked; returns the exit code. */
const submit = async (
  inv: Invocation,
  sor: DsaSor.Output,
  to: { readonly url: string; readonly token: string },
): Promise<number> => {
  const journal = Args.str(inv, 'journal')
  const result = await Submitter.submit(sor.statements, {
    url: to.url,
    token: to.token,
    ...(journal === undefined ? {} : { journal }),
  })
  for (const r of result.rejected) Output.warn(inv, `statement ${r.puid} refused: ${r.errors.join('; ')}`)
  const publishedOut = Args.str(inv, 'published-out')
  if (publishedOut !== undefined) {
    // stored by this run or an earlier one (a rerun after a crash): the same event, as often as written
    const events = DsaSor.publishedEvents(
      sor,
      [...result.stored, ...result.alreadyStored],
      result.acknowledgedAt,
    )
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
  return EXIT.ok
}
