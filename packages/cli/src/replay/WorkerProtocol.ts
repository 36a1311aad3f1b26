/**
 * The replay workers' protocol: what the calling thread and a worker send each other (batches
 * of lines or events, the instant to judge at, a stop; acks, progress, seals, results,
 * failures), the failures a replay on workers ends with, and how much travels at once. Not the
 * calling thread's side (`Workers.replay`) nor the worker's (`internal/replayWorker.ts`).
 */
import type { DecodeError, Recorded } from '@docket/core'
import type * as Replay from './Replay.js'
import type * as Spill from './Spill.js'

// model

/** A line that is not a valid event (the first of the input). */
export interface BadLine {
  readonly _tag: 'BadLine'
  readonly error: DecodeError.DecodeError
}

/** A store could not be read (by the calling thread or a worker); nothing was written. */
export interface StoreFailure {
  readonly _tag: 'Store'
  readonly message: string
}

/** A replay's failure on workers: a replay's own, a bad line, or a store's. */
export type Failure = Replay.ReplayError | BadLine | StoreFailure

/** What the calling thread sends a worker. */
export type ToWorker =
  | {
      readonly kind: 'batch'
      /** Lines to decode (`Lines` input), or decoded events. */
      readonly lines?: ReadonlyArray<string>
      readonly events?: ReadonlyArray<Recorded>
      /** Each item's 1-based position among the input's events (blank lines not counted). */
      readonly positions: ReadonlyArray<number>
      /** Each item's 1-based input line (`Lines` and `FileLines` input, and `Events` with lines; else empty). */
      readonly lineNumbers: ReadonlyArray<number>
      /** Each line's byte offset in the file (`FileLines` input only). */
      readonly offsets?: ReadonlyArray<number>
    }
  /** The input has ended: judge at `asOf` (unless fixed by the settings). */
  | { readonly kind: 'end'; readonly asOf: string }
  /**
   * A failure was met at `position` (sent once every batch has been): take the items before it,
   * then stop without judging; sent instead of `end`, or after it.
   */
  | { readonly kind: 'stop'; readonly position: number }
  /** A batch of seals was folded: send the next (a store read by the workers). */
  | { readonly kind: 'sealsAck' }

/** What a worker sends back. */
export type FromWorker =
  /** A batch was taken from the worker's queue (it may be sent another). */
  | { readonly kind: 'ack' }
  | {
      readonly kind: 'progress'
      /** Events the worker has replayed. */
      readonly events: number
      readonly openCases: number
      readonly doneCases: number
    }
  /**
   * The positions and hashes of the worker's next sealed events, in log order (`[position, hash,
   * …]`; a store read by the workers), and the position of the last event it has read (none
   * sealed, as far as it has read, beyond these): the calling thread folds every worker's into one
   * chain (`Partition.sealMerge`).
   */
  | { readonly kind: 'seals'; readonly seals: ReadonlyArray<string>; readonly through: string }
  /** The worker's share of a store is read: the latest `occurredAt` it saw (`Partition.Latest`). */
  | { readonly kind: 'read'; readonly latest: string | null }
  | {
      readonly kind: 'done'
      readonly result: Omit<Replay.Result, 'cases' | 'casesJson'>
      /** The worker's cases: its sealed runs, read from here on by the calling thread (`Spill.detach`). */
      readonly cases: Spill.Detached
    }
  /** The worker's first failure, at an input position. */
  | { readonly kind: 'failed'; readonly position: number; readonly failure: Failure }
  /** The worker reached the position of a `stop` without a failure of its own. */
  | { readonly kind: 'stopped' }

/** Items in a batch sent to a worker. */
export const BATCH = 2000

/** Batches travelling to one worker at a time. */
export const IN_FLIGHT = 8
