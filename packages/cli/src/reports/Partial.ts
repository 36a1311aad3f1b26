/**
 * Partial reports: one partition's share of a replay, written on one machine
 * (`docket replay --partition I/N --report partial`) and merged with the other
 * partitions' (`docket merge`) into the report a replay of the whole history
 * gives, byte for byte (`Partition`: cases never interact, so a case's result
 * depends only on its own events and on `asOf`).
 *
 * The format is JSON Lines. The first line is the {@link Header}: format and
 * version, the partition, how the report was framed (asOf, knownAt, profile,
 * counterfactual, stamp) and the partition's counts (summary, stats, integrity).
 * Then one line per case of the partition as the `json` report writes it
 * (`{"caseId":…,"obligations":…,"escalations":…,"facts":…}`), in `caseId`
 * order (code units). The last line ({@link End}) holds the SHA-256 of the
 * case lines (each with its `\n`).
 *
 * Reading ({@link open}) checks the whole file before anything is merged: the
 * header's fields, each line's JSON, the cases' order, that each case belongs
 * to the partition, that the file holds as many cases as its header says, and
 * the digest of the end line (a truncated or altered copy fails). Merging ({@link merge}) checks that the partials
 * are every partition of one split exactly once, framed alike and written by
 * this version of Docket, and settles the integrity chain head (below).
 *
 * Integrity. The chain head is folded over the whole log in read order. A
 * partition read from a file sees every event, so its header carries the
 * whole history's head (`wholeLog`), the same in every partition. A partition
 * read from a store (`readAll({ partition })`) sees only its own events: its
 * header carries how many of them are sealed, and the head must be given to
 * the merge (`docket verify --store URL` prints it) unless no event is sealed.
 *
 * This module is the model and the entry point; the lines are written and recognised in
 * `PartialFormat`, a file is checked in `PartialCheck` (several at once in `PartialThreads`) and
 * partials are merged in `PartialMerge`.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as Replay from '../replay/Replay.js'
import { check, part } from './PartialCheck.js'
import type { Header } from './PartialFormat.js'

export { type Checked, check, part } from './PartialCheck.js'
export { End, Header, pieces } from './PartialFormat.js'
export { merge } from './PartialMerge.js'
export { type OpenAllOptions, openAll } from './PartialThreads.js'

// model

/** A partial report read and checked ({@link open}). */
export interface Part {
  readonly file: string
  readonly header: Header
  /** The partition's result; its cases are read from the file each time they are iterated. */
  readonly result: Replay.Result
}

/** A partial report that cannot be read or merged: what is wrong, naming the file (and line). */
export interface PartialError {
  readonly _tag: 'PartialError'
  readonly message: string
}

// operations

/** Reads a partial report and checks every line of it (see the module header). */
export const open = (file: string): E.Either<PartialError, Part> => E.map(part)(check(file))

/** A one-line explanation of a partial report's error. */
export const describe = (e: PartialError): string => e.message
