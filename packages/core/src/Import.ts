/**
 * Importing a JSON Lines file of events into a store, all or nothing as far
 * as input is concerned (`shared/spec/events.md`, "Bad input").
 *
 * What is atomic, exactly:
 * - **The whole file is checked before the first write.** Every line is
 *   decoded, then checked against the store and the other lines: an event
 *   id's content is the stored event's when the id is stored (a line with
 *   another, which the append would refuse as an `IdempotencyConflict`, is
 *   bad), else its first line's (a later line with another is bad); a line
 *   with that content is a retry, never bad (`internal/importCheck.ts`; the
 *   store answers `EventStore.conflicts` for `CHECK_BATCH` events per call).
 *   If any line is bad and `skipBad` is off, nothing is written and every bad
 *   line is reported. With `skipBad`, the bad lines are left out and each is
 *   listed in the summary.
 * - **Each append is atomic, the import as a whole is not.** Events are
 *   appended per case, in file order, with expected revision `'any'`;
 *   consecutive events of one case go in one append (at most `batchSize`),
 *   and up to 64 appends of other cases are in flight at once (the SQL stores
 *   join them into one transaction), issued in file order: each case's events
 *   are stored in file order, and the memory, PGlite and PostgreSQL stores
 *   store the whole file in its order (`internal/importWrite.ts`).
 *   What can still stop it part-way is the store failing (unreachable), or
 *   another writer storing one of the file's ids with other content between
 *   the check and the append: the append refuses it (`IdempotencyConflict`),
 *   nothing more is issued, the appends in flight finish, the import stops
 *   with an error naming the earliest such line and its event id, and the
 *   batches appended stay stored.
 * - **Re-running is harmless.** An event already stored with the same content
 *   is a no-op (store idempotency), so importing a file twice, or again after
 *   a failure part-way, completes it without duplicating anything. Nothing
 *   already stored is ever changed.
 *
 * `recordedAt` is kept when a line gives it; otherwise it takes `occurredAt`
 * and `meta.recordedAtInferred: true` is set (`Envelope.withImportedRecordedAt`).
 *
 * Memory: {@link run} holds the decoded input until it is written (validation must see every
 * line first), about 1.3 KB of peak RSS per event. {@link runTwice} reads an input that can be
 * read again (a file) twice, checking in the first read and writing in the second, and holds
 * per distinct event id only its contents: about 230 bytes per id (0.7 KB of peak RSS).
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import * as DecodeError from './DecodeError.js'
import { withImportedRecordedAt } from './Envelope.js'
import * as EventStore from './EventStore.js'
import * as ImportCheck from './internal/importCheck.js'
import * as ImportTwice from './internal/importTwice.js'
import * as ImportWrite from './internal/importWrite.js'
import * as Jsonl from './Jsonl.js'
import type * as Upcaster from './Upcaster.js'

// model

/** Options for {@link run}. */
export interface Options {
  /** Leave bad lines out (each listed in the summary) instead of writing nothing. Default false. */
  readonly skipBad?: boolean
  /** Upcasters for history written by older schema versions. */
  readonly upcasters?: Upcaster.Registry
  /** Most events per append. Default 500. */
  readonly batchSize?: number
  /**
   * Most bad lines a `BadInput` lists, the first in line order; the others are only counted
   * (`bad`), so that a huge file of bad lines does not fill memory. Default: every one. Lines
   * left out by `skipBad` are always all listed.
   */
  readonly maxErrors?: number
}

/** A line left out by `skipBad`. */
export interface Skipped {
  readonly line: number
  /** Every issue of the line, as `path: got …, expected …`, separated by `; `. */
  readonly message: string
  readonly error: DecodeError.DecodeError
}

/** What an import did. */
export interface Summary {
  /** Non-blank lines read. */
  readonly read: number
  /** Events written. */
  readonly appended: number
  /** Events that were already stored with the same content (or repeated in the file): no-ops. */
  readonly duplicates: number
  /** Cases the imported events belong to. */
  readonly cases: number
  /** Bad lines left out, in line order (empty unless `skipBad`). */
  readonly skipped: ReadonlyArray<Skipped>
}

/** The file has bad lines and `skipBad` is off: nothing was written. */
export interface BadInput {
  readonly _tag: 'BadInput'
  readonly read: number
  /** The bad lines, in line order (the first `maxErrors` of them); each error carries its `line`. */
  readonly errors: ReadonlyArray<DecodeError.DecodeError>
  /** Bad lines in all, those listed included. */
  readonly bad: number
}

/**
 * The store failed (the check before writing, or an append), or refused an append: another writer
 * stored one of the file's ids with other content after the check. The batches before it are
 * stored, and so are any of the appends in flight beside it that succeeded.
 */
export interface StoreFailed {
  readonly _tag: 'StoreFailed'
  /** The line of the event at fault (the first line of the batch, or of the checked events, when no single event is). */
  readonly line: number
  readonly eventId: string
  readonly caseId: string
  readonly error: EventStore.StoreError
  /** Events written, counted once every append in flight finished (they stay stored). */
  readonly appended: number
  readonly duplicates: number
}

/** Why an import stopped. */
export type ImportError = BadInput | StoreFailed

/**
 * The second read of {@link runTwice} did not find what the first checked (or `changed` said
 * so): the import stopped before writing the batch of `line` and any after it.
 */
export interface InputChanged {
  readonly _tag: 'InputChanged'
  /** The line where the difference was found (0: before the second read). */
  readonly line: number
  readonly reason: string
  /** Events written before it (they stay stored). */
  readonly appended: number
  readonly duplicates: number
}

/**
 * {@link TwiceOptions.signal} was aborted: the import stopped at the next safe point, before
 * writing the batch of `line` and any after it (while checking: before writing anything), once
 * the appends in flight had finished. Importing the input again completes it.
 */
export interface Interrupted {
  readonly _tag: 'Interrupted'
  /** The first line not written (0: stopped while checking, before the second read). */
  readonly line: number
  /** Events written before it (they stay stored). */
  readonly appended: number
  readonly duplicates: number
}

/** Why an import read twice stopped. */
export type TwiceError = ImportError | InputChanged | Interrupted

/**
 * How far {@link runTwice} got: reported every `progressEvery` lines of each read, and once at the
 * end of each (`done`). The first read is `checking`, the second `storing`.
 */
export interface Progress {
  readonly phase: 'checking' | 'storing'
  /** Non-blank lines of this read so far. */
  readonly lines: number
  /** Lines of the whole input: null while checking, the first read's count while storing. */
  readonly total: number | null
  /** Events written so far (appends finished), and already stored: 0 while checking. */
  readonly appended: number
  readonly duplicates: number
  /** The last report of this read. */
  readonly done: boolean
}

/** Options for {@link runTwice}. */
export interface TwiceOptions extends Options {
  /**
   * Why the input is no longer what the first read found (for a file: another size or
   * modification time), or undefined; asked before the second read and before each append.
   */
  readonly changed?: () => string | undefined
  /** Events per `EventStore.conflicts` call. Default 1000. */
  readonly checkBatch?: number
  /**
   * Stops the import when aborted (a command on SIGINT): at the next line while checking, else
   * before the next append is issued, never inside one; it then ends with `Interrupted`.
   */
  readonly signal?: AbortSignal
  /** Called with how far the import got (progress for a person; never part of the result). */
  readonly onProgress?: (p: Progress) => void
  /** Lines between two {@link Progress} reports. Default 10,000. */
  readonly progressEvery?: number
}

// operations

const DEFAULT_BATCH = 500

/** Events per `EventStore.conflicts` call: one round trip each (SQL), bounded memory in the answer. */
const CHECK_BATCH = 1000

/** Lines between two progress reports (replay's cadence in events). */
const PROGRESS_EVERY = 10_000

const message = (e: DecodeError.DecodeError): string =>
  DecodeError.format(DecodeError.make(e.issues)).split('\n').join('; ')

const positive = (name: string, n: number): number => {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be an integer ≥ 1, got ${n}`)
  return n
}

const batchSize = (options: Options): number => positive('batchSize', options.batchSize ?? DEFAULT_BATCH)

const maxErrors = (options: Options): number =>
  options.maxErrors === undefined ? Number.POSITIVE_INFINITY : positive('maxErrors', options.maxErrors)

const decodeOptions = (options: Options): Jsonl.DecodeOptions =>
  options.upcasters === undefined ? {} : { upcasters: options.upcasters }

const summary = (
  read: number,
  written: ImportWrite.Written,
  errors: ReadonlyArray<DecodeError.DecodeError>,
): Summary => ({
  read,
  ...written,
  skipped: errors.map((e) => ({ line: e.line ?? 0, message: message(e), error: e })),
})

/**
 * Imports JSON Lines (a whole text, lines, async lines, or async batches of
 * lines such as `Jsonl.lineBatchesOf(stream)`, which reads a file with one
 * asynchronous step per chunk rather than per line) into `store`: validates
 * every line first, against the file and against what the store holds, then
 * appends per case in file order. See the module notes for what is atomic.
 *
 * @example
 * const result = await Import.run(store, Jsonl.lineBatchesOf(fs.createReadStream(path)), { skipBad: true })()
 */
export const run =
  (
    store: EventStore.EventStore,
    input: Jsonl.Input,
    options: Options = {},
  ): TE.TaskEither<ImportError, Summary> =>
  async () => {
    const size = batchSize(options)
    const max = maxErrors(options)
    const decoded = await Jsonl.decodeAll(input, decodeOptions(options))
    const pending = decoded.events.map(
      (l): ImportCheck.Pending => ({ line: l.line, event: withImportedRecordedAt(l.event) }),
    )
    const checked = await ImportCheck.check(store, pending, CHECK_BATCH)
    if (E.isLeft(checked)) return E.left(ImportCheck.storeFailed(checked.left))
    const errors = [...decoded.errors, ...checked.right.errors].sort(DecodeError.byLine)
    if (errors.length > 0 && options.skipBad !== true) {
      return E.left({
        _tag: 'BadInput',
        read: decoded.read,
        errors: errors.slice(0, max),
        bad: errors.length,
      })
    }
    const w = ImportWrite.writer(store, size)
    for (const l of checked.right.ok) {
      const added = await w.add(l)
      if (E.isLeft(added)) return added
    }
    const last = await w.finish()
    return E.isLeft(last) ? last : E.right(summary(decoded.read, w.written(), errors))
  }

/**
 * Imports a JSON Lines input that can be read twice (`open` gives a fresh read each time, such as
 * `() => Jsonl.lineBatchesOf(fs.createReadStream(path))`), with the result, errors and atomicity
 * of {@link run}, in memory bounded by the number of distinct event ids rather than events:
 * about 230 bytes per id held (its contents as keys; plus the bad lines' errors and one batch
 * of events), about 0.7 KB per id of peak RSS (`bench/src/importMemory.ts`).
 * The first read checks every line (against the file and the store), the second writes the
 * good ones. If the second read does not find the lines the first checked (a line decoding
 * otherwise, lines added, removed or moved), or `changed` gives a reason, it stops with
 * `InputChanged` before writing that line's batch or any after it; the batches before stay.
 *
 * @example
 * const result = await Import.runTwice(store, () => Jsonl.lineBatchesOf(fs.createReadStream(path)))()
 */
export const runTwice =
  (
    store: EventStore.EventStore,
    open: () => Jsonl.Input,
    options: TwiceOptions = {},
  ): TE.TaskEither<TwiceError, Summary> =>
  async () => {
    const done = await ImportTwice.run(store, {
      open,
      decode: decodeOptions(options),
      skipBad: options.skipBad === true,
      maxErrors: maxErrors(options),
      batchSize: batchSize(options),
      checkBatch: positive('checkBatch', options.checkBatch ?? CHECK_BATCH),
      changed: options.changed ?? (() => undefined),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      progressEvery: positive('progressEvery', options.progressEvery ?? PROGRESS_EVERY),
    })
    return E.map((d: ImportTwice.Done) => summary(d.read, d.written, d.errors))(done)
  }

/**
 * The error of a line giving an event id other content than an earlier line of the same input
 * (`line` and `first`): what an import reports, for readers that check a file's ids themselves.
 */
export const idReused: (id: string, line: number, first: number) => DecodeError.DecodeError =
  ImportCheck.reused

/** Folds an import error into a value, one branch per tag. */
export const match =
  <A>(cases: { readonly BadInput: (e: BadInput) => A; readonly StoreFailed: (e: StoreFailed) => A }) =>
  (e: ImportError): A =>
    e._tag === 'BadInput' ? cases.BadInput(e) : cases.StoreFailed(e)

/**
 * A description for a person: for bad input, a first line saying nothing was
 * written, then one line per issue (`line 3: data.channel: got …, expected …`).
 */
const describeImport: (e: ImportError) => string = match({
  BadInput: (e) =>
    [
      `${e.bad} of ${e.read} lines are bad; nothing was imported (fix them, or pass skipBad to leave them out):`,
      ...e.errors.map(DecodeError.format),
      ...(e.bad > e.errors.length ? [`${e.bad - e.errors.length} more bad line(s) not listed`] : []),
    ].join('\n'),
  StoreFailed: (e) =>
    `import stopped at line ${e.line} (event ${e.eventId}, case ${e.caseId}): ${EventStore.describe(e.error)}; ` +
    (e.appended === 0
      ? 'nothing was written'
      : `${e.appended} events written stay stored, and re-running the import after a fix completes it`),
})

/** A description for a person of why an import stopped (see `describeImport` above for the tags). */
export const describe = (e: TwiceError): string =>
  e._tag === 'InputChanged'
    ? `the input changed while it was imported (${e.reason}): import stopped at line ${e.line}; ` +
      (e.appended === 0
        ? 'nothing was written'
        : `${e.appended} events written before it stay stored, and importing the file again completes it`)
    : e._tag === 'Interrupted'
      ? e.line === 0
        ? 'import interrupted while checking the input: nothing was written'
        : `import interrupted before line ${e.line}: ${e.appended} new event(s) written stay stored, ` +
          'the lines from there on were not; importing the input again completes it'
      : describeImport(e)
