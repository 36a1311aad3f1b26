/**
 * Figure 5: a replay of a JSON Lines file partitioned across worker threads,
 * as `docket replay --workers N` runs it (`Workers.replay` of `@docket/cli`):
 * the main thread reads the file and routes each line by case, with its byte
 * offset; each worker decodes its lines, replays its cases (reading those that
 * return to memory back from the file) and sends them back, judged at the
 * `asOf` the main thread sends at the end; `Partition.merge` joins them. The
 * figure checks the merged bytes against the single-process replay's (1b).
 */
import { Input, type Replay } from '@docket/cli'
import * as Docket from '../internal/docket.js'
import * as Measure from '../internal/measure.js'

/** Replays `file` on `n` workers as `docket replay FILE --workers n` does (`Input.fileLines`); returns the merged result. */
export const replayFile = async (file: string, n: number): Promise<Replay.Result> => {
  const input = await Input.open({ stdin: process.stdin, cwd: process.cwd() }, { _tag: 'File', path: file })
  if (input._tag === 'Left' || input.right.fileLines === undefined) throw new Error(`cannot read ${file}`)
  return Docket.onWorkers({ _tag: 'FileLines', ...input.right.fileLines }, n)
}

/** What a run of figure 5 reports: its measurement (its process's peak RSS), the events replayed, the digest of the merged bytes. */
export interface Measured extends Measure.Measured {
  readonly events: number
  readonly digest: string
}

/**
 * Times a partitioned replay of `file` on `n` workers, all its process does (`run.ts` runs each
 * in a child of its own; the workers are threads of that process, so its peak RSS includes
 * theirs); the digest of its canonical bytes is taken after the peak is read.
 */
export const measure = async (file: string, n: number): Promise<Measured> => {
  const { result, ...m } = await Measure.timedAlone(() => replayFile(file, n))
  return { ...m, events: result.stats.events, digest: Docket.digest(result) }
}
