/**
 * Streaming input for a replay: the events of a JSON Lines file (or standard
 * input) decoded line by line as they are read, or of a store in its global
 * order, without collecting them. A bad line stops the stream of events; the rest of the input
 * is then only checked, and `failure()` names the first `BadLines.SHOWN` bad lines (line number,
 * field path, what was expected) and counts the others. `position()`
 * gives bytes read and the file's size for a progress bar's time left. A file
 * reads its events back by each line's byte offset (`readBack`), so a replay
 * need not archive the histories of cases leaving memory; a store by stream
 * revision, one round trip per case (`Replay.storeSource`, a remote
 * read-back: only dropped cases are read back). Standard input cannot.
 *
 * A file or standard input may give one event id in two cases, which no store can hold: each
 * event decoded here is noted in the input's check of ids across cases (`ids`, `GlobalIds`),
 * and a reader of the raw lines notes them itself; the caller asks it once the replay is over,
 * before writing anything. A store needs no check (its ids are unique).
 *
 * Not `Source.read`, which loads a whole source for commands that need it.
 */
import * as fs from 'node:fs'
import { type CasePartition, type DecodeError, type EventStore, Jsonl, type Recorded } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import * as BadLines from '../internal/badLines.js'
import * as FileLines from '../internal/fileLines.js'
import * as Interrupt from '../internal/interrupt.js'
import * as Keys from '../internal/keys.js'
import * as Store from '../internal/store.js'
import * as Source from '../Source.js'
import * as GlobalIds from './GlobalIds.js'
import * as Replay from './Replay.js'
import type * as Workers from './Workers.js'

// model

/** A stream of events and what went wrong reading it. */
export interface Input {
  readonly events: AsyncIterable<Recorded>
  /**
   * The same input as raw lines in batches, for a reader that decodes them itself (a replay on
   * worker threads); only standard input and a file that is not a regular file (a pipe) have
   * them, a regular file has `fileLines`. Read either this or `events`.
   */
  readonly lines?: AsyncIterable<ReadonlyArray<string>>
  /**
   * A file's lines in batches with each line's byte offset, and the file's path: for worker
   * threads that decode their own lines and read cases back from the file (`Workers.Input`
   * `FileLines`); only a file has them. Read this, `lines` or `events`.
   */
  readonly fileLines?: {
    readonly file: string
    /** The file's version when it was opened: reading back from another version fails. */
    readonly version: FileLines.Version
    readonly batches: AsyncIterable<FileLines.Batch>
  }
  /** Why the stream stopped early, once it has. */
  readonly failure: () => Source.SourceError | undefined
  /** Bytes read so far and the total, when the source has a size. */
  readonly position: () => { readonly done: number; readonly total: number | null }
  /**
   * A store's cut: the position it is read to (`storeUntil`, or its end when opened), which a
   * report states (`stamp.options.until`); absent for files, standard input and an empty store.
   */
  readonly cut?: EventStore.Position
  /**
   * A store that worker threads can each open again and read their own partition of
   * (`Workers.StoreInput`): a server's (PostgreSQL, KurrentDB), not an embedded one (PGlite,
   * memory), which one process holds. Read this or `events`.
   */
  readonly sharedStore?: Workers.StoreInput
  /**
   * The check that no event id is in two cases (a file's or standard input's; a store's ids are
   * unique): `events` notes each event it yields; a reader of `lines` or `fileLines` notes each
   * line (`GlobalIds.note`). Ask it (`check`) once the input has been read to its end, before
   * writing a report; `close` removes its files.
   */
  readonly ids?: GlobalIds.GlobalIds
  /**
   * The line (1-based) of the event `events` yielded last, for a file or standard input
   * (`Replay.Options.line`); absent for a store.
   */
  readonly line?: () => number
  /** How a replay of `events` reads them back (`Replay.Options.readBack`); absent for standard input. */
  readonly readBack?: Replay.ReadBack
  /** Releases the source (a store's connections): call it once the replay, reading back included, is over. */
  readonly close: () => Promise<void>
}

/** Options of {@link open}. */
export interface OpenOptions {
  /** Read only this partition's cases from a store (`EventStore.readAll({ partition })`); files and standard input are read whole. */
  readonly storePartition?: CasePartition.Partition
  /**
   * Read a store no further than this position (`EventStore.readAll({ until })`: one cut of a
   * live log for several machines), checked against the store (`Store.cut`); by default, its end
   * when it is opened. Files and standard input are read whole.
   */
  readonly storeUntil?: EventStore.Position
  /**
   * How a store that keeps personal data encrypted is opened without `DOCKET_KEYS`
   * (`Store.OpenOptions`): refused (`keysNeeded`), or with a warning that the personal fields the
   * report shows are shown encrypted (`shows`).
   */
  readonly withoutKeys?: Pick<Store.OpenOptions, 'keysNeeded' | 'shows'>
  /**
   * Stops reading a store when aborted (a command on SIGINT): once it has opened (closed again,
   * Left) or at the next event (the events end, `failure` says so). Files are read whole.
   */
  readonly signal?: AbortSignal
  /** Directory for the files of the check of ids across cases (`Input.ids`; default: the OS temporary directory). */
  readonly spillDir?: string
}

// internal

/** The stream's chunks, counting their bytes as they pass (for the progress bar). */
async function* counted(
  stream: AsyncIterable<string | Uint8Array>,
  count: (n: number) => void,
): AsyncGenerator<string | Uint8Array> {
  for await (const chunk of stream) {
    count(typeof chunk === 'string' ? Buffer.byteLength(chunk, 'utf8') : chunk.byteLength)
    yield chunk
  }
}

/** The lines of a stream in batches, one per chunk read, its bytes counted as they pass. */
const batchesOf = (
  stream: NodeJS.ReadableStream,
  count: (n: number) => void,
): AsyncIterable<ReadonlyArray<string>> =>
  Jsonl.lineBatchesOf(counted(stream as AsyncIterable<string | Uint8Array>, count))

/**
 * The events of batches of lines, decoded, each noted in `ids`; `at` is told the line (1-based)
 * of each event about to be yielded, and its byte offset when its batch has offsets (a file's
 * reader keeps it).
 */
const decoded = (
  batches: AsyncIterable<FileLines.Lines>,
  fail: (e: Source.SourceError) => void,
  ids: GlobalIds.GlobalIds,
  at: (line: number, offset: number | undefined) => void,
): AsyncIterable<Recorded> => ({
  async *[Symbol.asyncIterator]() {
    let line = 0
    // one iterator, so that the check of the rest after a bad line goes on where this loop stopped
    const iterator = batches[Symbol.asyncIterator]()
    const once: AsyncIterable<FileLines.Lines> = { [Symbol.asyncIterator]: () => iterator }
    // a batch of lines per chunk read, decoded synchronously: no asynchronous step per line
    for await (const { lines, offsets } of once) {
      for (let i = 0; i < lines.length; i++) {
        const text = lines[i]!
        line++
        if (text.trim() === '') continue
        const decoded = Source.decodeLine(text, line)
        if (E.isLeft(decoded)) {
          // nothing will be written: the rest of the input is only checked, to list every bad line
          const rest = await BadLines.scan(restOf(lines, i + 1, once), {
            firstLine: line + 1,
            already: [decoded.left],
          })
          fail({ _tag: 'BadInput', ...rest })
          return
        }
        ids.note(decoded.right.id, decoded.right.caseId, line)
        at(line, offsets?.[i])
        yield decoded.right
      }
    }
  },
})

/** The lines of `batches` from line `from` of the current batch `lines` on. */
async function* restOf(
  lines: ReadonlyArray<string>,
  from: number,
  batches: AsyncIterable<FileLines.Lines>,
): AsyncGenerator<ReadonlyArray<string>> {
  yield lines.slice(from)
  for await (const batch of batches) yield batch.lines
}

/** Why a store's events ended early: {@link OpenOptions.signal} aborted. */
const INTERRUPTED: Source.SourceError = { _tag: 'Store', message: 'interrupted' }

/**
 * A file's input: its lines decoded as they are read with their byte offsets, read back by those
 * offsets from the same version of the file (written since, it is refused as changed).
 */
const ofFile = (
  file: string,
  fail: (e: Source.SourceError) => void,
  count: (n: number) => void,
  ids: GlobalIds.GlobalIds,
): Pick<Input, 'events' | 'fileLines' | 'readBack' | 'ids' | 'line'> => {
  let offset = -1
  let last = 0
  // the file as it is now, before its first byte is read: a replay reads back only from it
  const version = FileLines.versionOf(file)
  const batches: AsyncIterable<FileLines.Batch> = {
    [Symbol.asyncIterator]: () => FileLines.batches(file, count),
  }
  return {
    events: decoded(batches, fail, ids, (line, at) => {
      last = line
      offset = at!
    }),
    line: () => last,
    fileLines: { file, version, batches },
    ids,
    readBack: FileLines.readBack(file, version, () => offset),
  }
}

/** A stream's input: its lines decoded as they are read, or (`lines`) as they are. */
const ofStream = (
  stream: NodeJS.ReadableStream,
  fail: (e: Source.SourceError) => void,
  count: (n: number) => void,
  ids: GlobalIds.GlobalIds,
): Pick<Input, 'events' | 'lines' | 'ids' | 'line'> => {
  const lines = batchesOf(stream, count)
  let last = 0
  const events = decoded(FileLines.withoutOffsets(lines), fail, ids, (line) => {
    last = line
  })
  return { events, lines, ids, line: () => last }
}

// constructors

/**
 * Opens a source for streaming; a store with the key store `inv.env` names (the process's
 * environment when not given).
 */
export const open = async (
  inv: { readonly stdin: NodeJS.ReadableStream; readonly cwd: string } & Partial<Omit<Store.Context, 'cwd'>>,
  source: Source.Source,
  options: OpenOptions = {},
): Promise<E.Either<Source.SourceError, Input>> => {
  let failure: Source.SourceError | undefined
  let done = 0
  const fail = (e: Source.SourceError): void => {
    failure = e
  }
  const count = (n: number): void => {
    done += n
  }
  // a file's or standard input's check of ids across cases (a store's ids are unique already)
  const newIds = (): GlobalIds.GlobalIds =>
    GlobalIds.make(options.spillDir === undefined ? {} : { dir: options.spillDir })
  switch (source._tag) {
    case 'Stdin': {
      const noted = newIds()
      return E.right({
        ...ofStream(inv.stdin, fail, count, noted),
        failure: () => failure,
        position: () => ({ done, total: null }),
        close: async () => noted.close(),
      })
    }
    case 'File': {
      const checked = Source.filePath(inv.cwd, source.path)
      if (E.isLeft(checked)) return checked
      const file = checked.right
      const stat = fs.statSync(file)
      const total = stat.size
      const noted = newIds()
      return E.right({
        // a pipe or a device (`<(zcat events.gz)`) is read as a stream: it cannot be read back
        ...(stat.isFile()
          ? ofFile(file, fail, count, noted)
          : ofStream(fs.createReadStream(file), fail, count, noted)),
        failure: () => failure,
        position: () => ({ done: Math.min(done, total), total }),
        close: async () => noted.close(),
      })
    }
    case 'Store': {
      const ctx = Store.context(inv)
      // the signal cancels what the store runs: a failure after it is the interrupt's, not the store's
      const stopped = (): boolean => options.signal?.aborted === true
      const opened = await Store.open(source.url, ctx, {
        ...options.withoutKeys,
        existing: true,
        signal: options.signal,
      })
      if (E.isLeft(opened)) return E.left(stopped() ? INTERRUPTED : { _tag: 'Store', message: opened.left })
      const store = opened.right
      if (await Interrupt.afterOpen(options.signal)) {
        await store.close()
        return E.left(INTERRUPTED)
      }
      // one cut, given or the end now: what is appended during the replay is left for the next
      const until = await Store.cut(store, options.storeUntil)
      if (E.isLeft(until)) {
        await store.close()
        if (stopped()) return E.left(INTERRUPTED)
        return E.left({
          _tag: 'Store',
          message: options.storeUntil === undefined ? Store.readFailure(source.url, until.left) : until.left,
        })
      }
      // an empty log has no cut: read as it is
      const cut = until.right === undefined ? {} : { until: until.right }
      const stored = Replay.storeSource(store, {
        ...(options.storePartition === undefined ? {} : { partition: options.storePartition }),
        ...cut,
      })
      return E.right({
        events: {
          async *[Symbol.asyncIterator]() {
            try {
              for await (const e of stored.events) {
                if (options.signal?.aborted === true) return fail(INTERRUPTED)
                done++
                yield e
              }
            } catch (e) {
              fail(stopped() ? INTERRUPTED : { _tag: 'Store', message: Store.readFailure(source.url, e) })
            }
          },
        },
        readBack: stored.readBack,
        ...(until.right === undefined ? {} : { cut: until.right }),
        ...(Store.servesThreads(source.url)
          ? {
              sharedStore: {
                _tag: 'Store',
                url: source.url,
                cwd: inv.cwd,
                env: Keys.pick(ctx.env),
                store,
                ...cut,
              },
            }
          : {}),
        failure: () => failure,
        position: () => ({ done, total: null }),
        close: () => store.close(),
      })
    }
  }
}

/**
 * The bad lines of a source whose first bad line a worker thread found: workers stop at the first,
 * so a file is read again, only checked, to list every bad line (`BadLines`); standard input,
 * read once, cannot be, and the error says so. The error path only: a good input never comes here.
 */
export const everyBadLine = async (
  inv: { readonly stdin: NodeJS.ReadableStream; readonly cwd: string },
  source: Source.Source,
  first: DecodeError.DecodeError,
): Promise<string> => {
  const only = `${Source.describe({ _tag: 'BadInput', errors: [first] }, source)}`
  if (source._tag !== 'File')
    return `${only}\n${Source.label(source)}: with --workers, the input is not checked past its first bad line: replay it without --workers to list every bad line`
  const stream = Source.readable(inv, source)
  if (E.isLeft(stream)) return only
  try {
    const all = await BadLines.scan(Jsonl.lineBatchesOf(stream.right as AsyncIterable<Uint8Array>))
    // the file changed since (its bad line is gone): what the worker found is what there is to say
    return all.bad === 0 ? only : Source.describe({ _tag: 'BadInput', ...all }, source)
  } catch {
    return only
  }
}
