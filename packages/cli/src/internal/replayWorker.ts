/**
 * The code of one worker thread of `Workers.replay`: it decodes the lines it
 * is sent (or takes the events as they come, or reads its own partition of a
 * store's cut), replays its cases with the settings it was started with, and
 * sends its result back, its cases' sorted runs handed over as files
 * (protocol: `Workers.ToWorker` and `Workers.FromWorker`). It stops at its
 * first failure, reported with the item's position in the whole input.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { type CasePartition, type EventStore, Integrity, type Recorded } from '@docket/core'
import * as Source from '../Source.js'
import * as FileLines from './fileLines.js'
import type * as Keys from './keys.js'
import * as Partition from '../replay/Partition.js'
import * as Replay from '../replay/Replay.js'
import * as Settings from '../replay/Settings.js'
import * as Spill from '../replay/Spill.js'
import * as Store from './store.js'
import type * as Workers from '../replay/Workers.js'
import { BATCH, IN_FLIGHT } from '../replay/Workers.js'

const port = ((): NonNullable<typeof parentPort> => {
  if (parentPort === null) throw new Error('replayWorker runs in a worker thread')
  return parentPort
})()

const { settings, index, workers, partition, file, version, store } = workerData as {
  readonly settings: Settings.Settings
  readonly index: number
  readonly workers: number
  /** The partition of the input the workers share (`Workers.Options.partition`), if only one. */
  readonly partition?: CasePartition.Partition
  /** The file whose lines the worker is sent with their byte offsets: it reads cases back from it. */
  readonly file?: string
  /** That file's version when it was first read: reading back from another fails. */
  readonly version?: FileLines.Version
  /** The store the worker reads its share of itself (`Workers.StoreInput`), up to `until` (`null`: an empty log). */
  readonly store?: {
    readonly url: string
    readonly cwd: string
    /** The invocation's key variables (`Keys.pick`): not this thread's `process.env`. */
    readonly env: Keys.Env
    readonly until: EventStore.Position | null
  }
}

const post = (m: Workers.FromWorker): void => port.postMessage(m)

type Batch = Extract<Workers.ToWorker, { kind: 'batch' }>

/** Thrown out of the input to end the replay: a bad line, or the `stop` position reached. */
class Halt {
  constructor(readonly failed?: { readonly position: number; readonly failure: Workers.Failure }) {}
}

const queue: Batch[] = []
let ended = false
let stopAt = Number.POSITIVE_INFINITY
// aborted by a stop at position 0 (the command interrupted): the store cancels what it runs (a read waiting for a lock)
const halted = new AbortController()
// set once the outcome is posted: later batches are acknowledged unread
let finished = false
let wake: (() => void) | undefined
// the input position of the event last handed to the replay (a replay error names it, or its line),
// and its line's byte offset in `file`
let current = 0
let currentOffset = -1
// the input line of that event, when its batch has lines (0: unknown, a store's events)
let currentLine = 0

async function* events(): AsyncGenerator<Recorded> {
  for (;;) {
    const batch = queue.shift()
    if (batch === undefined) {
      if (Number.isFinite(stopAt)) throw new Halt()
      if (ended) return
      await new Promise<void>((r) => (wake = r))
      continue
    }
    post({ kind: 'ack' })
    const count = batch.positions.length
    for (let k = 0; k < count; k++) {
      const position = batch.positions[k]!
      if (position >= stopAt) throw new Halt()
      let e: Recorded
      if (batch.lines === undefined) e = batch.events![k]!
      else {
        const d = Source.decodeLine(batch.lines[k]!, batch.lineNumbers[k]!)
        if (d._tag === 'Left') throw new Halt({ position, failure: { _tag: 'BadLine', error: d.left } })
        e = d.right
      }
      if (Partition.worker(e.caseId, workers, partition) !== index)
        throw new Error(`event ${e.id} of case ${e.caseId} was routed to worker ${index}`)
      current = position
      currentLine = batch.lineNumbers[k] ?? 0
      if (batch.offsets !== undefined) currentOffset = batch.offsets[k]!
      yield e
    }
  }
}

port.on('message', (m: Workers.ToWorker) => {
  switch (m.kind) {
    case 'batch':
      if (finished) post({ kind: 'ack' })
      else queue.push(m)
      break
    case 'end':
      late.set(m.asOf)
      ended = true
      break
    case 'stop':
      stopAt = Math.min(stopAt, m.position)
      if (stopAt === 0) halted.abort()
      break
    case 'sealsAck':
      sealsInFlight--
      break
  }
  const w = wake
  wake = undefined
  w?.()
})

/** Waits, message by message, until `done()`; throws {@link Halt} once a stop is known. */
const waitUntil = async (done: () => boolean): Promise<void> => {
  while (!done()) {
    if (Number.isFinite(stopAt)) throw new Halt()
    await new Promise<void>((r) => (wake = r))
  }
}

// seals sent and not yet folded by the calling thread (back-pressure)
let sealsInFlight = 0

/** Sends seals to the calling thread, waiting while {@link Workers.IN_FLIGHT} batches are not yet folded. */
const sendSeals = async (seals: ReadonlyArray<string>, through: string): Promise<void> => {
  sealsInFlight++
  post({ kind: 'seals', seals, through })
  await waitUntil(() => sealsInFlight < IN_FLIGHT)
}

/**
 * A store's events as read, with the positions and hashes of the sealed ones sent to the
 * calling thread in batches, and the latest `occurredAt` sent once the read ends (`read`). A
 * batch goes every {@link BATCH} events read, with their seals or none: it says how far this
 * worker has read, so that the others' seals need not wait for its next one.
 */
async function* reported(
  read: AsyncIterable<EventStore.StoredEvent>,
): AsyncGenerator<EventStore.StoredEvent> {
  const last = Partition.latest(settings.knownAt)
  let seals: string[] = []
  let unsent = 0
  let through: string | undefined
  for await (const s of read) {
    through = s.position
    if (s.event.caseId !== Integrity.CHECKPOINT_CASE) {
      const seal = Integrity.sealFrom(s.event)
      if (seal !== undefined) seals.push(s.position, seal.hash)
      last.see(s.event)
    }
    if (++unsent >= BATCH) {
      await sendSeals(seals, through)
      seals = []
      unsent = 0
    }
    yield s
  }
  if (seals.length > 0) await sendSeals(seals, through!)
  post({ kind: 'read', latest: last.text() ?? null })
}

/**
 * The worker's own partition of a store's cut, read from a store it opens when the replay
 * starts (and closes with {@link closeStore}), read back by stream revision; its seals and latest
 * `occurredAt` go to the calling thread ({@link reported}).
 */
const storeShare = (share: NonNullable<typeof store>): Replay.Source => {
  const failed = (message: string): Halt => new Halt({ position: 0, failure: { _tag: 'Store', message } })
  let source: Replay.Source | undefined
  return {
    events: {
      async *[Symbol.asyncIterator]() {
        if (share.until !== null) {
          // the calling thread has said what there is to say about the store (an experimental label)
          const opened = await Store.open(
            share.url,
            { cwd: share.cwd, env: share.env, stderr: process.stderr },
            { quiet: true, signal: halted.signal },
          )
          if (opened._tag === 'Left') throw halted.signal.aborted ? new Halt() : failed(opened.left)
          const store = opened.right
          closeStore = store.close
          source = Replay.storeSource(
            { ...store, readAll: (o) => reported(store.readAll(o)) },
            {
              partition: Partition.workerPartition(index, workers, partition),
              until: share.until,
            },
          )
          try {
            for await (const e of source.events) {
              if (Number.isFinite(stopAt)) throw new Halt()
              yield e
            }
          } catch (e) {
            if (e instanceof Halt) throw e
            throw halted.signal.aborted ? new Halt() : failed(Store.readFailure(share.url, e))
          }
        } else post({ kind: 'read', latest: null })
        // the end of the input sets the asOf
        await waitUntil(() => ended)
      },
    },
    readBack: {
      handle: () => source!.readBack.handle(),
      read: (caseId, handles) => source!.readBack.read(caseId, handles),
      remote: true,
    },
  }
}

let closeStore = (): Promise<void> => Promise.resolve()
const stored = store === undefined ? undefined : storeShare(store)

const late = Partition.lateAsOf({
  ...Settings.replay(settings),
  // the calling thread takes the results' sorted runs as files
  handOffResults: true,
  onProgress: (p) =>
    post({ kind: 'progress', events: p.events, openCases: p.openCases, doneCases: p.doneCases }),
  ...(file === undefined ? {} : { readBack: FileLines.readBack(file, version!, () => currentOffset) }),
  ...(stored === undefined ? {} : { readBack: stored.readBack }),
})

/** Posts the outcome; batches still queued are let go, acknowledged, as are any sent later. */
const finish = (m: Workers.FromWorker): void => {
  finished = true
  for (const _ of queue) post({ kind: 'ack' })
  queue.length = 0
  post(m)
}

const main = async (): Promise<void> => {
  let r: Awaited<ReturnType<typeof Replay.run>> | Halt
  try {
    r = await Replay.run(stored?.events ?? events(), late.options)
  } catch (e) {
    if (!(e instanceof Halt)) throw e
    r = e
  } finally {
    await closeStore()
  }
  // said once the store is closed: the calling thread then ends this thread, its connections gone
  if (r instanceof Halt)
    return finish(r.failed === undefined ? { kind: 'stopped' } : { kind: 'failed', ...r.failed })
  if (r._tag === 'Left')
    return finish({
      kind: 'failed',
      position: current,
      failure:
        currentLine > 0
          ? { ...r.left, position: current, line: currentLine }
          : { ...r.left, position: current },
    })
  // the sorted runs of the cases change hands as files: the calling thread opens them, nothing
  // is read or written again
  const cases = Spill.detach(r.right.cases)
  if (cases === undefined) throw new Error("a replay worker's cases are not sealed runs")
  const { cases: _, casesJson: __, ...rest } = r.right
  finish({ kind: 'done', result: rest, cases })
}

// an unexpected error is the thread's 'error' event in the calling thread
void main().catch((e: unknown) => {
  setImmediate(() => {
    throw e
  })
})
