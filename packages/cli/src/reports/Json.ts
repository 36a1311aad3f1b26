/**
 * The `json` report: the full model (stamp, every case with its obligations,
 * escalations and facts, summary, replay statistics). Keys appear in a fixed
 * order and nothing depends on the time of writing, so the same events and
 * options give the same bytes.
 */
import * as Report from './Report.js'

/** Renders the full model as indented JSON, ending with a newline. */
export const render = (r: Report.Report): string =>
  `${JSON.stringify(
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
      cases: r.cases,
    },
    null,
    2,
  )}\n`
