/**
 * One viral case, timed alone: `node bench/dist/viralTime.js [reports…] [--per-rule]` builds, for each count
 * (default 1,000, 2,000, 4,000, 8,000), a case reported once, refused by the frontline, then
 * reported again that many times a minute apart (guarded: a minor is alleged), and prints the
 * milliseconds of `Escalation.triggers` on it and of judging it whole as `docket replay` does
 * (obligations of every policy, then its escalations), with the counts of each. For before/after
 * comparisons run it in two checkouts (see `replayTime.ts`). `--per-rule` judges it under a profile
 * whose deadlines of one rule page as one (`escalation.timePages: perRule`).
 */
import { Escalation, Profile } from '@docket/core'
import { History } from '@docket/core/testing'
import * as Docket from './internal/docket.js'
import { Replay } from '@docket/cli'

const args = process.argv.slice(2)
const given = args.filter((a) => !a.startsWith('--')).map(Number)
const counts = given.length > 0 ? given : [1_000, 2_000, 4_000, 8_000]
const profile: Profile.Resolved = args.includes('--per-rule')
  ? { ...Profile.DEFAULTS, escalation: { ...Profile.DEFAULTS.escalation, timePages: 'perRule' } }
  : Profile.DEFAULTS
const evaluate = Replay.fromCore(Docket.options(profile))
const config = Escalation.configOf(profile)
for (const n of counts) {
  const history = History.viral(n)
  const asOf = new Date(Date.UTC(2025, 0, 1) + 10 * 86_400_000).toISOString()
  const t0 = performance.now()
  const triggers = Escalation.triggers({ caseId: 'viral', history, config }, Date.parse(asOf)).length
  const t1 = performance.now()
  const judged = evaluate('viral', history, asOf)
  const escalations = judged?.escalations.length ?? 0
  const t2 = performance.now()
  process.stdout.write(
    `${JSON.stringify({
      reports: n,
      triggers,
      triggersMs: Math.round(t1 - t0),
      obligations: judged?.obligations.length ?? 0,
      escalations,
      judgedMs: Math.round(t2 - t1),
    })}\n`,
  )
}
