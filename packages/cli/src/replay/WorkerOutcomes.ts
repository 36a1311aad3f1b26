/**
 * WorkerOutcomes: what the calling thread of a replay on worker threads (`Workers.replay`) takes
 * from each worker as it runs: acknowledged batches, progress, the seals and latest `occurredAt`
 * of a worker reading a store, and how the worker ends (its result with its cases read from the
 * sorted runs it handed over, its first failure, a stop, or a crash). Not what is sent to the
 * workers (`WorkerFeed`, `WorkerEnd`), nor the state it updates (`WorkerRun`).
 */
import type * as Replay from './Replay.js'
import type * as Spill from './Spill.js'
import type { Failure, FromWorker, ToWorker } from './WorkerProtocol.js'
import type { Run } from './WorkerRun.js'

// model

/**
 * How a worker ended: with its result (but its cases) and the sorted runs of its cases, not yet
 * opened (`WorkerEnd` reads every worker's as one merge), at its first failure, or stopped at
 * another's.
 */
export type Outcome =
  | {
      readonly kind: 'done'
      readonly result: Omit<Replay.Result, 'cases' | 'casesJson'>
      readonly runs: Spill.Detached
    }
  | { readonly kind: 'failed'; readonly position: number; readonly failure: Failure }
  | { readonly kind: 'stopped' }

// operations

/**
 * Listens to every worker of `run`, updating its state as their messages come; each promise
 * settles with how its worker ended, or rejects when it crashed (never unhandled).
 */
export const listen = (run: Run): ReadonlyArray<Promise<Outcome>> => {
  const { threads, inFlight, progress, latest, seals, input } = run
  const outcomes = threads.map(
    (t, i) =>
      new Promise<Outcome>((resolve, reject) => {
        t.on('message', (m: FromWorker) => {
          switch (m.kind) {
            case 'ack':
              inFlight[i]!--
              run.nudge()
              return
            case 'progress':
              progress[i] = { events: m.events, openCases: m.openCases, doneCases: m.doneCases }
              if (input._tag === 'Store') run.report(false)
              return
            case 'seals':
              seals!.push(i, m.seals, m.through, () => t.postMessage({ kind: 'sealsAck' } satisfies ToWorker))
              return
            case 'read':
              latest[i] = m.latest ?? undefined
              seals!.end(i)
              run.read++
              run.nudge()
              return
            case 'done':
              resolve({ kind: 'done', result: m.result, runs: m.cases })
              return
            case 'failed':
              run.stopAt(m.position, m.failure)
              resolve(m)
              return
            case 'stopped':
              resolve(m)
          }
        })
        t.on('error', (e) => {
          run.crash ??= e
          reject(e)
          run.nudge()
        })
        t.on('exit', (code) => {
          const e = new Error(`replay worker ${i} exited (code ${code}) before its result`)
          run.crash ??= e
          reject(e)
          run.nudge()
        })
      }),
  )
  for (const o of outcomes) o.catch(() => undefined)
  return outcomes
}
