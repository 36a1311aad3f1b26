/**
 * One figure of the benchmark, run in a process of its own by `run.ts` (so
 * that each figure's memory and garbage are its own):
 * `node bench/dist/figure.js <name> '<json options>'`. Prints `RESULT {…}`.
 * Figures 1b (`jsonl`) and 2 (`postgres`, `pglite`) run one phase per
 * process, named by the `phase` option (1b: `baseline`, `replay`; 2: `load`,
 * `baseline`, `read`, `replay`, `drop`; figure 5's `machines` runs on
 * PostgreSQL's loaded table before `drop`). Each process
 * sizes its heap as the `docket` executable does (`Heap.tighten`), Docket and
 * baselines alike.
 */
import { Heap } from '@docket/cli'
import { emit } from './internal/measure.js'
import * as Decode from './figures/decode.js'
import * as Escalation from './figures/escalation.js'
import * as Machines from './figures/machines.js'
import * as Partition from './figures/partition.js'
import * as Replay from './figures/replay.js'

Heap.tighten()
const [name, json] = process.argv.slice(2)
const o = JSON.parse(json ?? '{}') as Record<string, unknown>
const num = (k: string): number => Number(o[k])
const str = (k: string): string => String(o[k])
const phase = (): Replay.Phase => str('phase') as Replay.Phase

const main = async (): Promise<void> => {
  switch (name) {
    case 'memory':
      return emit(await Replay.memory(num('events')))
    case 'jsonl':
      return emit([], await Replay.jsonl(phase(), str('file')))
    case 'postgres':
      return emit([], await Replay.postgres(phase(), str('url'), str('schema'), num('events')))
    case 'pglite':
      return emit([], await Replay.pglite(phase(), str('dir'), num('events')))
    case 'emmett': {
      // loaded only here: Emmett is a dev dependency of the benchmark alone
      const Emmett = await import('./figures/emmett.js')
      return emit(await Emmett.run(o as unknown as import('./figures/emmett.js').Options))
    }
    case 'machines':
      return emit([], await Machines.measure(str('url'), str('schema'), num('events'), str('dir')))
    case 'partition':
      return emit([], await Partition.measure(str('file'), num('workers')))
    case 'decode':
      return emit(await Decode.run(str('file'), o.rounds === undefined ? 5 : num('rounds')))
    case 'escalation':
      return emit(Escalation.run(num('obligations'), num('crossing')))
    default:
      throw new Error(`unknown figure ${name}`)
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
    process.exit(1)
  },
)
