/**
 * WorkerFeed: how the calling thread of a replay on worker threads (`Workers.replay`) feeds the
 * workers. It reads the input once, each line or event in turn: scanned for its case id, seal
 * and instants, folded into the run's lead, its event id and case noted for the check of ids
 * across cases (a file's or standard input's lines, `Input.ids`), and routed to the worker of its case
 * (`Partition.worker`) in batches of {@link BATCH}, at most {@link IN_FLIGHT} of them travelling
 * to a worker at a time. It stops reading at the first failure or crash known; workers reading a
 * store themselves are only waited for. Not what the workers send back (`WorkerOutcomes`), nor
 * the end of the run (`WorkerEnd`).
 */
import type { Recorded } from '@docket/core'
import * as FileLines from '../internal/fileLines.js'
import * as LineFields from '../internal/lineFields.js'
import * as Partition from './Partition.js'
import { BATCH, IN_FLIGHT, type ToWorker } from './WorkerProtocol.js'
import type { Run } from './WorkerRun.js'

// model

/** The feed of one run's workers (see {@link make}). */
export interface Feed {
  /**
   * Reads the input to its end or to the first failure or crash, reporting progress every
   * `every` events; with a store, waits until every worker has read its partition (or one failed
   * or crashed).
   */
  readonly read: (every: number) => Promise<void>
  /** Sends every worker its batch not yet full. */
  readonly flush: () => Promise<void>
}

// constructors

/** The feed of `run`'s workers, with an empty batch for each. */
export const make = (run: Run): Feed => {
  const { input, n, partition, threads, inFlight, lead } = run
  const emptyBatch = () => ({
    items: [] as Array<string | Recorded>,
    positions: [] as number[],
    lineNumbers: [] as number[],
    offsets: [] as number[],
  })
  const batches = threads.map(emptyBatch)
  // a batch is sent even after a failure is known: its items may come before the failure
  const send = async (i: number): Promise<void> => {
    while (inFlight[i]! >= IN_FLIGHT && run.crash === undefined) await run.sleep()
    if (run.crash !== undefined) throw run.crash
    const b = batches[i]!
    inFlight[i]!++
    threads[i]!.postMessage({
      kind: 'batch',
      ...(input._tag === 'Events'
        ? { events: b.items as ReadonlyArray<Recorded> }
        : { lines: b.items as ReadonlyArray<string> }),
      positions: b.positions,
      lineNumbers: b.lineNumbers,
      ...(input._tag === 'FileLines' ? { offsets: b.offsets } : {}),
    } satisfies ToWorker)
    batches[i] = emptyBatch()
  }
  const route = async (
    item: string | Recorded,
    caseId: unknown,
    line: number,
    offset = -1,
  ): Promise<void> => {
    // an event with no string caseId cannot be decoded: the first worker says so; an event of
    // another partition than the one shared goes nowhere
    const i = typeof caseId === 'string' ? Partition.worker(caseId, n, partition) : 0
    if (i === undefined) return
    const b = batches[i]!
    b.items.push(item)
    b.positions.push(run.position)
    if (line > 0) b.lineNumbers.push(line)
    if (offset >= 0) b.offsets.push(offset)
    if (b.items.length >= BATCH) await send(i)
  }
  const read = async (every: number): Promise<void> => {
    if (input._tag === 'Store') {
      // the workers read; this thread folds their seals as they come
      while (run.read < n && run.failed === undefined && run.crash === undefined) await run.sleep()
    } else if (input._tag !== 'Events') {
      let line = 0
      const chunks = input._tag === 'FileLines' ? input.batches : FileLines.withoutOffsets(input.batches)
      reading: for await (const { lines, offsets } of chunks) {
        for (let k = 0; k < lines.length; k++) {
          const text = lines[k]!
          line++
          if (text.trim() === '') continue
          run.position++
          if (run.position % every === 0) run.report(false)
          // read for its case id, seal and instants: scanned, or parsed when the scan is unsure or
          // a line may go to no worker (a bad line must reach one). A line that is not JSON goes to
          // the worker of the case id the scan read, or to the first when it read none; either
          // way that worker's decoder reports it, with the same line number and message
          const e = partition === undefined ? LineFields.of(text) : LineFields.parsed(text)
          lead.see(e)
          // every line, of every partition: ids are unique across the whole input. A line without
          // a string id and case id is bad, which its worker reports
          if (typeof e.id === 'string' && typeof e.caseId === 'string') input.ids?.note(e.id, e.caseId, line)
          await route(text, e.caseId, line, offsets?.[k])
          if (run.failed !== undefined || run.crash !== undefined) break reading
        }
      }
    } else {
      for await (const e of input.events) {
        run.position++
        if (run.position % every === 0) run.report(false)
        lead.see(e)
        await route(e, e.caseId, input.line?.() ?? 0)
        if (run.failed !== undefined || run.crash !== undefined) break
      }
    }
  }
  const flush = async (): Promise<void> => {
    for (let i = 0; i < n; i++) if (batches[i]!.items.length > 0) await send(i)
  }
  return { read, flush }
}
