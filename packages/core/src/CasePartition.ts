/**
 * A case's partition: which of `count` shares of the global log a case falls
 * in, so that a history can be read and replayed as independent parts (each
 * case wholly in one part; cases never interact). It is the one definition of
 * that assignment: `EventStore.readAll({ partition })` filters by it in every
 * store (the SQL stores keep {@link key} in a column), and the CLI's
 * `Partition.of` gives the same answer for every case.
 *
 * The key of a case is the 32-bit FNV-1a hash of its id over UTF-16 code
 * units, stable across runs, machines and engines; its partition is the key
 * modulo `count`. One exception: the integrity checkpoints
 * (`Integrity.CHECKPOINT_CASE`) have key 0, so they belong to partition 0 of
 * every split, and reading every partition still reads every event once.
 *
 * It is not a placement of data: every partition of a store lives in the same
 * tables; a partitioned read only leaves the other partitions' events out.
 */
import { CHECKPOINT_CASE } from './Integrity.js'

// model

/** One share of the log: partition `index` (0 ≤ index < count) of `count`. */
export interface Partition {
  readonly index: number
  readonly count: number
}

// operations

/** The 32-bit FNV-1a hash of a text over its UTF-16 code units, as an unsigned integer. */
export const hash = (text: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** The partition key of a case (0 ≤ key < 2³²): {@link hash} of its id, 0 for the integrity checkpoints. */
export const key = (caseId: string): number => (caseId === CHECKPOINT_CASE ? 0 : hash(caseId))

/** The partition (0 ≤ p < count) of a case: its {@link key} modulo `count`. */
export const of = (caseId: string, count: number): number => key(caseId) % count

/** Whether a case falls in a partition. */
export const includes = (partition: Partition, caseId: string): boolean =>
  key(caseId) % partition.count === partition.index

/**
 * Checks a partition option and returns it; throws an `Error` naming the field
 * when `count` is not a safe integer ≥ 1 or `index` not an integer with
 * 0 ≤ index < count (a bad argument is a bug of the caller, as a bad position is).
 */
export const check = (partition: Partition, where = 'readAll'): Partition => {
  const p = partition as { readonly index?: unknown; readonly count?: unknown } | null
  if (typeof p !== 'object' || p === null)
    throw new Error(`${where}: partition must be { index, count }, got ${String(p)}`)
  const { index, count } = p
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1)
    throw new Error(`${where}: partition.count must be an integer ≥ 1, got ${describe(count)}`)
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0 || index >= count)
    throw new Error(
      `${where}: partition.index must be an integer with 0 ≤ index < count (${count}), got ${describe(index)}`,
    )
  return partition
}

/** A read's `partition` option checked as {@link check} does; `undefined` when absent. */
export const option = (partition: Partition | undefined, where = 'readAll'): Partition | undefined =>
  partition === undefined ? undefined : check(partition, where)

const describe = (u: unknown): string => (typeof u === 'string' ? JSON.stringify(u) : String(u))
