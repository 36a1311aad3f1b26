/**
 * A worker thread of figure 5 (see `figures/partition.ts`): decodes the lines
 * it is sent, replays them with the benchmark's options, and returns its
 * result judged at the `asOf` the main thread sends once the input has ended:
 * its cases as JSON in chunks (they may be on disk: `Replay.Result.cases` is
 * an iterable, not an array to clone), then the rest of the result.
 */
import { parentPort } from 'node:worker_threads'
import type { Recorded } from '@docket/core'
import { Partition, Replay, Source } from '@docket/cli'
import * as Docket from './internal/docket.js'
import type { FromWorker, ToWorker } from './figures/partition.js'

const port = ((): NonNullable<typeof parentPort> => {
  if (parentPort === null) throw new Error('partitionWorker runs in a worker thread')
  return parentPort
})()

// decoded batches not yet read by the replay; a batch is acknowledged once read (back-pressure)
const queue: Recorded[][] = []
let ended = false
let wake: (() => void) | undefined
const late = Partition.lateAsOf({ evaluate: Replay.fromCore(Docket.options()) })

async function* events(): AsyncGenerator<Recorded> {
  for (;;) {
    const batch = queue.shift()
    if (batch !== undefined) {
      yield* batch
      port.postMessage({ kind: 'ack' } satisfies FromWorker)
    } else if (ended) return
    else await new Promise<void>((r) => (wake = r))
  }
}

const fail = (message: string): void => port.postMessage({ kind: 'error', message } satisfies FromWorker)

// waits for the main thread to take in a chunk of cases before the next is sent (back-pressure)
let taken: (() => void) | undefined

port.on('message', (m: ToWorker) => {
  if (m.kind === 'casesAck') {
    const t = taken
    taken = undefined
    t?.()
    return
  }
  if (m.kind === 'lines') {
    const batch: Recorded[] = []
    // line numbers count this worker's share of the file from the batch's first line
    let line = m.first
    for (const text of m.lines) {
      const d = Source.decodeLine(text, line++)
      if (d._tag === 'Left') return fail(`near line ${m.first}: ${JSON.stringify(d.left)}`)
      batch.push(d.right)
    }
    queue.push(batch)
  } else {
    late.set(m.asOf)
    ended = true
  }
  const w = wake
  wake = undefined
  w?.()
})

// sends a chunk of cases and waits until the main thread has taken it in
const send = (json: ReadonlyArray<string>): Promise<void> =>
  new Promise<void>((r) => {
    taken = r
    port.postMessage({ kind: 'cases', json } satisfies FromWorker)
  })

Replay.run(events(), late.options).then(
  async (r) => {
    if (r._tag === 'Left') return fail(Replay.describe(r.left))
    // the cases may be read back from disk: they travel as JSON, in case order, one acknowledged
    // chunk at a time (unacknowledged, they queued in the main thread's port: 949 MB at 1M events)
    let chunk: string[] = []
    for (const c of r.right.cases) {
      chunk.push(JSON.stringify(c))
      if (chunk.length === 1000) {
        await send(chunk)
        chunk = []
      }
    }
    if (chunk.length > 0) await send(chunk)
    port.postMessage({ kind: 'done', result: { ...r.right, cases: [] } } satisfies FromWorker)
  },
  (e: unknown) => fail(e instanceof Error ? (e.stack ?? e.message) : String(e)),
)
