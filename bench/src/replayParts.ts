/**
 * Where one replay's time goes, from outside the replay: `node bench/dist/replayParts.js
 * [events]` replays N generated events decoded in memory (figure 1a's input and options) with
 * the evaluation wrapped, and prints the wall milliseconds of the whole replay, of judging cases
 * (obligations), of their escalations (computed when first read), of their `wakeAt`, and of the
 * rest: reading the input, facts, writing results to their files (the cases leaving memory are
 * read back from memory, as in figure 1a, not archived), and the collector's share of those.
 */
import { Heap, Replay } from '@docket/cli'
import * as Data from './internal/data.js'
import * as Docket from './internal/docket.js'

Heap.tighten()
const events = Number(process.argv[2] ?? 300_000)
const all = [...Data.history(events)]
const evaluate = Replay.fromCore(Docket.options())
const spent = { judge: 0, escalations: 0, wakeAt: 0 }
const timed = (caseId: string, history: Parameters<Replay.EvaluateCase>[1], asOf: string) => {
  let t = performance.now()
  const r = evaluate(caseId, history, asOf)
  spent.judge += performance.now() - t
  if (r === null) return r
  t = performance.now()
  void r.escalations
  spent.escalations += performance.now() - t
  t = performance.now()
  r.wakeAt?.()
  spent.wakeAt += performance.now() - t
  return r
}
const started = performance.now()
const source = Replay.fromEvents(all)
const result = await Replay.run(source.events, { evaluate: timed, readBack: source.readBack })
const ms = performance.now() - started
if (result._tag === 'Left') throw new Error(Replay.describe(result.left))
const round = (x: number): number => Math.round(x)
process.stdout.write(
  `${JSON.stringify({
    events,
    cases: result.right.stats.cases,
    ms: round(ms),
    judgeMs: round(spent.judge),
    escalationsMs: round(spent.escalations),
    wakeAtMs: round(spent.wakeAt),
    restMs: round(ms - spent.judge - spent.escalations - spent.wakeAt),
  })}\n`,
)
