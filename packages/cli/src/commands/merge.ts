/**
 * `docket merge <partial…> --report json|csv|md|html|dsa-sor|dsa-transparency`:
 * the partial reports of every partition of one split (`docket replay
 * --partition I/N --report partial`, one machine each) merged into the report
 * a replay of the whole history gives, byte for byte, written as `replay`
 * writes its reports (`internal/reportOutput.ts`). Every partial is checked
 * whole before anything is written (`reports/Partial.ts`); a partial of a
 * sealed store needs the history's chain head (`--head`, as `docket verify`
 * prints it).
 */
import * as path from 'node:path'
import type { Integrity } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import { type Command, EXIT } from '../Command.js'
import * as ReportOutput from '../internal/reportOutput.js'
import * as Output from '../Output.js'
import * as Partial from '../reports/Partial.js'
import * as Report from '../reports/Report.js'
import * as Args from '../internal/args.js'

/** The `merge` command. */
export const command: Command = {
  name: 'merge',
  summary:
    'Merge the partial reports of every partition (replay --partition I/N --report partial) into the whole report.',
  usage: 'merge <partial> [<partial>…] [options]',
  options: [
    {
      name: 'head',
      value: 'N:DIGEST',
      kind: 'string',
      description:
        'The chain head of the whole history (docket verify --store URL prints it): needed when the partitions were read from a sealed store (as every store docket import writes); not for partials of a file.',
    },
    ReportOutput.reportOption(Report.FORMATS),
    ...ReportOutput.OPTIONS,
    ReportOutput.FAIL_ON,
    { name: 'quiet', kind: 'flag', description: 'No summary line on standard error.' },
  ],
  examples: [
    'docket merge part-0.jsonl part-1.jsonl part-2.jsonl part-3.jsonl --report html --out report.html  # partials replayed from a file',
    'docket merge part-*.jsonl --head 1042:<digest from docket verify> --report json --out report.json  # partials replayed from a sealed store',
  ],
  run: async (inv) => {
    const settings = ReportOutput.check(inv, Report.FORMATS)
    if (E.isLeft(settings)) {
      Output.error(inv, settings.left)
      return EXIT.usage
    }
    if (inv.positionals.length === 0) {
      Output.error(
        inv,
        'merge needs the partial reports to merge (docket replay --partition I/N --report partial)',
      )
      return EXIT.usage
    }
    const headText = Args.str(inv, 'head')
    const head: Integrity.ChainHead | undefined =
      headText === undefined ? undefined : Args.chainHead(headText)
    if (headText !== undefined && head === undefined) {
      Output.error(inv, `--head ${JSON.stringify(headText)}: expected <events>:<64 hex digits>`)
      return EXIT.usage
    }
    // checked at once on worker threads when they are large
    const parts = await Partial.openAll(inv.positionals.map((file) => path.resolve(inv.cwd, file)))
    if (E.isLeft(parts)) {
      Output.error(inv, `${Partial.describe(parts.left)}\nNothing was written.`)
      return EXIT.usage
    }
    const merged = Partial.merge(parts.right, head)
    if (E.isLeft(merged)) {
      Output.error(inv, `${Partial.describe(merged.left)}\nNothing was written.`)
      return EXIT.usage
    }
    const refused = ReportOutput.refusal(settings.right.format, merged.right.whatIf)
    if (refused !== undefined) {
      Output.error(inv, refused)
      return EXIT.usage
    }
    if (!Args.flag(inv, 'quiet'))
      Output.log(
        inv,
        `docket: merged ${parts.right.length} partitions, ${merged.right.stats.cases} cases, ${merged.right.stats.events} events`,
      )
    return ReportOutput.write(inv, merged.right, settings.right, {
      providerType: parts.right[0]!.header.providerType,
    })
  },
}
