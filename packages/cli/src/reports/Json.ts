/**
 * The `json` report: the full model (stamp, every case with its obligations,
 * escalations and facts, summary, replay statistics). Keys appear in a fixed
 * order and nothing depends on the time of writing, so the same events and
 * options give the same bytes.
 */
import * as Report from './Report.js'

/**
 * The indented JSON of one case as an element of the top-level `cases` array: the case inside
 * the same nesting (`{"cases": [c]}`), stringified once with the report's indentation and cut
 * out, rather than stringified alone and re-indented (a second pass over every line).
 */
const element = (c: unknown): string => {
  const nested = JSON.stringify({ cases: [c] }, null, 2)
  return nested.slice(NESTED_HEAD, nested.length - NESTED_TAIL)
}
// `{\n  "cases": [\n` before the element, `\n  ]\n}` after it
const NESTED_HEAD = '{\n  "cases": [\n'.length
const NESTED_TAIL = '\n  ]\n}'.length

/**
 * The report in pieces (one per case after the head), whose concatenation is {@link render}'s
 * text: what a writer streams, since a large replay's report outgrows a string.
 */
export function* pieces(r: Report.Report): Generator<string> {
  const head = JSON.stringify(
    {
      report: 'docket-replay',
      label: Report.counterfactualLabel(r),
      counterfactual: r.counterfactual,
      whatIf: r.whatIf,
      asOf: r.asOf,
      knownAt: r.knownAt,
      profile: r.profile,
      stamp: r.stamp,
      summary: r.summary,
      stats: r.stats,
      refusalsThenAuthority: Report.refusalsThenAuthority(r),
      cases: [],
    },
    null,
    2,
  )
  // `cases` is the last key: the head ends with `"cases": []\n}`
  const open = head.slice(0, head.length - '[]\n}'.length)
  let first = true
  for (const c of r.cases) {
    yield first ? `${open}[\n${element(c)}` : `,\n${element(c)}`
    first = false
  }
  yield first ? `${open}[]\n}\n` : '\n  ]\n}\n'
}

/** Renders the full model as indented JSON, ending with a newline. */
export const render = (r: Report.Report): string => [...pieces(r)].join('')
