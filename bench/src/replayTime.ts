/**
 * One replay of N generated events, decoded in memory beforehand (figure 1a's
 * input and options), timed alone: `node bench/dist/replayTime.js [events]
 * [--archive]` prints the wall and CPU milliseconds of `Replay.run` and the
 * digest of its result. The events are read back from memory by their index
 * (`Replay.fromEvents`), as figure 1a does; `--archive` replays them as a
 * plain stream instead, whose cases leaving memory have their histories
 * archived on disk (as a replay of standard input does). For before/after
 * comparisons, run it alternately in two checkouts: on a machine whose speed
 * drifts, pairs of runs minutes apart compare where single runs do not.
 */
import { Heap, Replay } from '@docket/cli'
import * as Data from './internal/data.js'
import * as Docket from './internal/docket.js'
import { cpuTimed, stream } from './internal/measure.js'

Heap.tighten()
const args = process.argv.slice(2)
const events = Number(args.find((a) => !a.startsWith('--')) ?? 300_000)
const all = [...Data.history(events)]
const { result, ms, cpuMs } = await cpuTimed(() =>
  Docket.replay(args.includes('--archive') ? stream(all) : Replay.fromEvents(all)),
)
process.stdout.write(
  `${JSON.stringify({ events, ms, cpuMs, cases: result.stats.cases, digest: Docket.digest(result) })}\n`,
)
