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
 *   consecutive events of one case go in one append (at most `batchSize`).
 *   What can still stop it part-way is the store failing (unreachable), or
 *   another writer storing one of the file's ids with other content between
 *   the check and the append: the append refuses it (`IdempotencyConflict`),
 *   the import stops with an error naming the line and event id, and the
 *   batches already appended stay stored.
 * - **Re-running is harmless.** An event already stored with the same content
 *   is a no-op (store idempotency), so importing a file twice, or again after
 *   a failure part-way, completes it without duplicating anything. Nothing
 *   already stored is ever changed.
 *
 * `recordedAt` is kept when a line gives it; otherwise it takes `occurredAt`
 * and `meta.recordedAtInferred: true` is set (`Envelope.withImportedRecordedAt`).
 *
 * The decoded file is held in memory until it is written (validation must see
 * every line first): plan about a kilobyte per event.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import * as DecodeError from './DecodeError.js'
import { withImportedRecordedAt } from './Envelope.js'
import * as EventStore from './EventStore.js'
import * as ImportCheck from './internal/importCheck.js'
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
  /** Every bad line, in line order; each error carries its `line`. */
  readonly errors: ReadonlyArray<DecodeError.DecodeError>
}

/**
 * The store failed (the check before writing, or an append), or refused an append: another writer
 * stored one of the file's ids with other content after the check. The batches before it are stored.
 */
export interface StoreFailed {
  readonly _tag: 'StoreFailed'
  /** The line of the event at fault (the first line of the batch, or of the checked events, when no single event is). */
  readonly line: number
  readonly eventId: string
  readonly caseId: string
  readonly error: EventStore.StoreError
  /** Events written before the failure (they stay stored). */
  readonly appended: number
  readonly duplicates: number
}

/** Why an import stopped. */
export type ImportError = BadInput | StoreFailed

// operations

const DEFAULT_BATCH = 500

/** Events per `EventStore.conflicts` call: one round trip each (SQL), bounded memory in the answer. */
const CHECK_BATCH = 1000

const message = (e: DecodeError.DecodeError): string =>
  DecodeError.format(DecodeError.make(e.issues)).split('\n').join('; ')

type Pending = ImportCheck.Pending

/** Runs of consecutive lines of one case, at most `size` long. */
const batches = (lines: ReadonlyArray<Pending>, size: number): ReadonlyArray<ReadonlyArray<Pending>> => {
  const out: Pending[][] = []
  let current: Pending[] = []
  for (const l of lines) {
    if (current.length > 0 && (current[0]!.event.caseId !== l.event.caseId || current.length >= size)) {
      out.push(current)
      current = []
    }
    current.push(l)
  }
  if (current.length > 0) out.push(current)
  return out
}

const culprit = (batch: ReadonlyArray<Pending>, error: EventStore.StoreError): Pending => {
  const id = error._tag === 'IdempotencyConflict' ? error.eventId : undefined
  return batch.find((l) => l.event.id === id) ?? batch[0]!
}

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
    const size = options.batchSize ?? DEFAULT_BATCH
    if (!Number.isInteger(size) || size < 1) throw new Error(`batchSize must be an integer ≥ 1, got ${size}`)
    const decoded = await Jsonl.decodeAll(
      input,
      options.upcasters === undefined ? {} : { upcasters: options.upcasters },
    )
    const pending = decoded.events.map(
      (l): Pending => ({ line: l.line, event: withImportedRecordedAt(l.event) }),
    )
    const checked = await ImportCheck.check(store, pending, CHECK_BATCH)
    if (E.isLeft(checked)) {
      const { at, error } = checked.left
      return E.left({
        _tag: 'StoreFailed',
        line: at.line,
        eventId: at.event.id,
        caseId: at.event.caseId,
        error,
        appended: 0,
        duplicates: 0,
      })
    }
    const errors = [...decoded.errors, ...checked.right.errors].sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
    if (errors.length > 0 && options.skipBad !== true) {
      return E.left({ _tag: 'BadInput', read: decoded.read, errors })
    }
    let appended = 0
    let duplicates = 0
    const cases = new Set<string>()
    for (const batch of batches(checked.right.ok, size)) {
      const caseId = batch[0]!.event.caseId
      const result = await store.append(
        caseId,
        batch.map((l) => l.event),
        'any',
      )()
      if (E.isLeft(result)) {
        const at = culprit(batch, result.left)
        return E.left({
          _tag: 'StoreFailed',
          line: at.line,
          eventId: at.event.id,
          caseId,
          error: result.left,
          appended,
          duplicates,
        })
      }
      cases.add(caseId)
      appended += result.right.appended
      duplicates += batch.length - result.right.appended
    }
    return E.right({
      read: decoded.read,
      appended,
      duplicates,
      cases: cases.size,
      skipped: errors.map((e) => ({ line: e.line ?? 0, message: message(e), error: e })),
    })
  }

/** Folds an import error into a value, one branch per tag. */
export const match =
  <A>(cases: { readonly BadInput: (e: BadInput) => A; readonly StoreFailed: (e: StoreFailed) => A }) =>
  (e: ImportError): A =>
    e._tag === 'BadInput' ? cases.BadInput(e) : cases.StoreFailed(e)

/**
 * A description for a person: for bad input, a first line saying nothing was
 * written, then one line per issue (`line 3: data.channel: got …, expected …`).
 */
export const describe: (e: ImportError) => string = match({
  BadInput: (e) =>
    [
      `${e.errors.length} of ${e.read} lines are bad; nothing was imported (fix them, or pass skipBad to leave them out):`,
      ...e.errors.map(DecodeError.format),
    ].join('\n'),
  StoreFailed: (e) =>
    `import stopped at line ${e.line} (event ${e.eventId}, case ${e.caseId}): ${EventStore.describe(e.error)}; ` +
    (e.appended === 0
      ? 'nothing was written'
      : `${e.appended} events written before it stay stored, and re-running the import after a fix completes it`),
})
