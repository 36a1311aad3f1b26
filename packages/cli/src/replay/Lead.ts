/**
 * The lead of a partitioned replay: what the reader of a whole history keeps for its partitions,
 * the integrity chain head folded in read order and the instant the cases are judged at unless
 * fixed (the latest `occurredAt` of the events known at `knownAt`), and replay options that take
 * that instant late, once the input has ended. Not the seals of partitions that read a store
 * themselves (`SealMerge`).
 */
import { Integrity, type Recorded, Timestamp } from '@docket/core'
import type * as Replay from './Replay.js'

// model

/** The fields of an event {@link lead} reads (a decoded event, or a line's JSON not yet decoded). */
export interface Fields {
  /** The event's id: not read by {@link lead}, but by the check of ids across cases (`GlobalIds`). */
  readonly id?: unknown
  readonly caseId?: unknown
  readonly occurredAt?: unknown
  readonly recordedAt?: unknown
  readonly meta?: unknown
}

/** What the reader of a whole history keeps for its partitions (see {@link lead}). */
export interface Lead {
  /** Takes the next event in read order. */
  readonly see: (e: Fields) => void
  /** The integrity chain head folded from the events' seals, `null` when none was sealed. */
  readonly integrity: () => Integrity.ChainHead | null
  /** The instant to judge at unless fixed: the latest `occurredAt` of an event known at `knownAt`. */
  readonly asOf: () => string
}

/** The latest `occurredAt` of a history's events as they are read (see {@link latest}). */
export interface Latest {
  /** Takes the next event (checkpoints are skipped). */
  readonly see: (e: Fields) => void
  /** The latest `occurredAt` seen, as written; `undefined` before any. */
  readonly text: () => string | undefined
  /** The instant a replay judges at unless fixed: that `occurredAt` in UTC (the epoch when none). */
  readonly asOf: () => string
}

// operations

/**
 * Replay options whose `asOf` is read late: unset while the partition runs (each drop then
 * checks that a dropped case's result is settled, as a whole replay does), and the shared
 * instant once `set` has been called, which must happen before the partition's input ends.
 */
export const lateAsOf = (
  options: Replay.Options,
): { readonly options: Replay.Options; readonly set: (asOf: string) => void } => {
  if (options.asOf !== undefined || options.knownAt !== undefined) return { options, set: () => undefined }
  let late: string | undefined
  const withLate = Object.create(options, {
    asOf: { get: () => late, enumerable: true },
  }) as Replay.Options
  return {
    options: withLate,
    set: (asOf) => {
      late = asOf
    },
  }
}

/**
 * The reader's share of a partitioned replay, as `Replay.run` keeps it for a whole one: the
 * seals of case events folded in read order into `sealed`, and the latest `occurredAt` among the
 * events recorded by `knownAt` ({@link latest}). Checkpoints are skipped, as a replay skips them.
 */
export const lead = (knownAt: string | undefined, sealed: Integrity.Chain = Integrity.chain()): Lead => {
  const last = latest(knownAt)
  return {
    see: (e) => {
      if (e.caseId === Integrity.CHECKPOINT_CASE) return
      const seal = Integrity.sealFrom(e as Recorded)
      if (seal !== undefined) sealed.fold(seal)
      last.see(e)
    },
    integrity: sealed.head,
    asOf: last.asOf,
  }
}

/**
 * The latest `occurredAt` among the events recorded by `knownAt` (all when undefined). An event
 * whose instants do not parse is left out: its decoder reports it.
 */
export const latest = (knownAt: string | undefined): Latest => {
  const known = knownAt === undefined ? undefined : Timestamp.toMillis(knownAt)
  let ms = Number.NEGATIVE_INFINITY
  let text: string | undefined
  return {
    see: (e) => {
      if (e.caseId === Integrity.CHECKPOINT_CASE || typeof e.occurredAt !== 'string') return
      const recorded = typeof e.recordedAt === 'string' ? e.recordedAt : e.occurredAt
      try {
        if (known !== undefined && Timestamp.toMillis(recorded) > known) return
        const occ = Timestamp.toMillis(e.occurredAt)
        if (occ > ms) {
          ms = occ
          text = e.occurredAt
        }
      } catch {
        return
      }
    },
    text: () => text,
    asOf: () => latestOf([text]),
  }
}

/** The latest of several partitions' latest `occurredAt` ({@link Latest}`.text`), as the instant a replay judges at. */
export const latestOf = (texts: Iterable<string | undefined>): string => {
  let ms = Number.NEGATIVE_INFINITY
  for (const t of texts) if (t !== undefined) ms = Math.max(ms, Timestamp.toMillis(t))
  return Timestamp.format(Number.isFinite(ms) ? ms : 0)
}
