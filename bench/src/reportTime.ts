/**
 * The CPU each report takes to render from one replay of N generated events:
 * `node bench/dist/reportTime.js [events] [rounds]` replays once (as `docket
 * replay` does, `Report.build`), then renders `md`, `html`, `csv` and `json`
 * and reads the refusals followed by an authority, `rounds` times each
 * (default 3), and prints the median CPU milliseconds of each and a digest of
 * each format's bytes. For before/after comparisons run it in two checkouts,
 * alternately (see `replayTime.ts`).
 */
import { createHash } from 'node:crypto'
import { CsvReport, HtmlReport, JsonReport, MarkdownReport, Report } from '@docket/cli'
import * as Data from './internal/data.js'
import { stream } from './internal/measure.js'

const events = Number(process.argv[2] ?? 300_000)
const rounds = Number(process.argv[3] ?? 3)
const built = await Report.build(stream([...Data.history(events)]))
if (built._tag === 'Left') throw new Error('replay failed')
const report = built.right

const digestOf = (text: string | Iterable<string>): string => {
  const h = createHash('sha256')
  for (const piece of typeof text === 'string' ? [text] : text) h.update(piece)
  return h.digest('hex').slice(0, 16)
}

/** Median CPU ms of `rounds` calls of `f`, and the digest of what it gave. */
const cpu = (f: () => string | Iterable<string>): { readonly cpuMs: number; readonly digest: string } => {
  const times: number[] = []
  let digest = ''
  for (let i = 0; i < rounds; i++) {
    const start = process.cpuUsage()
    digest = digestOf(f())
    const used = process.cpuUsage(start)
    times.push(Math.round((used.user + used.system) / 1000))
  }
  return { cpuMs: times.sort((a, b) => a - b)[rounds >> 1]!, digest }
}

process.stdout.write(
  `${JSON.stringify({
    events,
    cases: report.stats.cases,
    md: cpu(() => MarkdownReport.render(report)),
    html: cpu(() => HtmlReport.render(report)),
    csv: cpu(() => CsvReport.pieces(report)),
    json: cpu(() => JsonReport.pieces(report)),
    refusals: cpu(() => JSON.stringify(Report.refusalsThenAuthority(report))),
  })}\n`,
)
