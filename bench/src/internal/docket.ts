/**
 * Docket as the benchmarks run it: `Replay.run` (the engine of `docket
 * replay`) with every rule the default profile runs (`Policy.forProfile`) and
 * core's escalation hook, as `docket replay` binds them.
 */
import { createHash } from 'node:crypto'
import { Escalation, type Evaluation, Profile, type Recorded } from '@docket/core'
import { Input, Partition, Replay, Source, Workers } from '@docket/cli'
import { Policy } from '@docket/policies'
import { processPeakRssMb } from './measure.js'

/** The evaluation options of every replay of the benchmark (the default profile unless given). */
export const options = (profile: Profile.Resolved = Profile.DEFAULTS): Evaluation.Options => {
  return { rules: Policy.forProfile(profile), profile, escalate: Escalation.escalate }
}

/**
 * Replays a stream of decoded events, or a source that reads its events back (`Replay.Source`);
 * throws on a replay error (the generated input has none).
 */
export const replay = async (source: AsyncIterable<Recorded> | Replay.Source): Promise<Replay.Result> => {
  const r =
    Symbol.asyncIterator in source
      ? await Replay.run(source, { evaluate: Replay.fromCore(options()) })
      : await Replay.run(source.events, { evaluate: Replay.fromCore(options()), readBack: source.readBack })
  if (r._tag === 'Left') throw new Error(Replay.describe(r.left))
  return r.right
}

/**
 * Replays on `n` worker threads as `docket replay --workers n` does (the same options as
 * {@link replay}); throws on a failure (the generated input has none).
 */
export const onWorkers = async (
  input: Workers.Input,
  n: number,
  checkOrder = true,
): Promise<Replay.Result> => {
  const r = await Workers.replay(input, { profile: Profile.DEFAULTS, workers: n, checkOrder })
  if (r._tag === 'Left') throw new Error(`replay failed: ${JSON.stringify(r.left)}`)
  return r.right
}

/**
 * Replays a JSON Lines file as `docket replay FILE` reads it (`Input.open`: each line decoded as
 * it is read, cases read back by their lines' byte offsets; with `readBack` false, archived as
 * from standard input instead, and its ids checked across cases, `Input.ids`, as the command does);
 * throws on a bad line, a replay error or an id in two cases.
 */
export const replayFile = async (file: string, readBack = true): Promise<Replay.Result> => {
  const input = await Input.open({ stdin: process.stdin, cwd: process.cwd() }, { _tag: 'File', path: file })
  if (input._tag === 'Left') throw new Error(Source.describe(input.left))
  const { events } = input.right
  const back = readBack ? input.right.readBack : undefined
  try {
    const result = await replay(back === undefined ? events : { events, readBack: back })
    const failure = input.right.failure()
    if (failure !== undefined) throw new Error(Source.describe(failure))
    const twice = input.right.ids?.check()
    if (twice !== undefined) throw new Error(`event id in two cases: ${JSON.stringify(twice)}`)
    return result
  } finally {
    await input.right.close()
  }
}

/** A digest of the bytes a partitioned replay must reproduce (`Partition.canonical`). */
export const digest = (r: Replay.Result): string => {
  const h = createHash('sha256')
  for (const piece of Partition.canonical(r)) h.update(piece)
  return h.digest('hex').slice(0, 16)
}

/** Prints one timed replay as a JSON line: `fields`, then its events, wall and CPU ms, digest and the process's peak RSS. */
export const printTimed = (
  fields: object,
  { result, ms, cpuMs }: { readonly result: Replay.Result; readonly ms: number; readonly cpuMs: number },
): void => {
  process.stdout.write(
    `${JSON.stringify({ ...fields, events: result.stats.events, ms, cpuMs, digest: digest(result), peakRssMb: processPeakRssMb() })}\n`,
  )
}
