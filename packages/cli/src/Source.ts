/**
 * Where a command reads events from (`shared/spec/cli.md`, "Sources of
 * events"): a JSON Lines file, `-` for standard input, or `--store URL`.
 * Files are decoded line by line with `Envelope.decode` (its fast path accepts a
 * valid event as parsed; the io-ts codecs explain a bad one); a bad line is an
 * error naming its line number and field path (or, when the caller allows
 * skipping, a reported skip). Imported events without `recordedAt` take
 * their `occurredAt` and are marked `meta.recordedAtInferred`.
 *
 * Reading is all it does: storing is `import`'s job, judging is the engine's.
 */
import { createReadStream, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { DecodeError, Envelope, type EventStore, Import, Jsonl, type Recorded } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import type { Invocation } from './Command.js'
import * as BadLines from './internal/badLines.js'
import * as Interrupt from './internal/interrupt.js'
import * as Store from './internal/store.js'

// model

/** A source of events. */
export type Source =
  | { readonly _tag: 'File'; readonly path: string }
  | { readonly _tag: 'Stdin' }
  | { readonly _tag: 'Store'; readonly url: string }

/** Why events could not be read. */
export type SourceError =
  | { readonly _tag: 'Usage'; readonly message: string }
  | { readonly _tag: 'NotFound'; readonly path: string }
  | { readonly _tag: 'NotAFile'; readonly path: string }
  | {
      readonly _tag: 'BadInput'
      /** The first bad lines, in line order (at most `BadLines.SHOWN` where the input was read to its end). */
      readonly errors: ReadonlyArray<DecodeError.DecodeError>
      /** Bad lines in all, when more than `errors` lists. */
      readonly bad?: number
    }
  | { readonly _tag: 'Store'; readonly message: string }

/** Events read from a source, and the bad lines skipped (only when skipping was asked for). */
export interface Read {
  readonly events: ReadonlyArray<Recorded>
  readonly skipped: ReadonlyArray<DecodeError.DecodeError>
}

/** Options for {@link read}. */
export interface ReadOptions {
  /** Skip bad lines (each is returned in `skipped`) instead of failing. */
  readonly skipBad?: boolean
  /** List at most this many bad lines, counting the others (default `BadLines.SHOWN`, 20). */
  readonly maxErrors?: number
  /**
   * Stops reading a store when aborted (a command on SIGINT): once it has opened, or at the next
   * event; Left `{ _tag: 'Store', message: 'interrupted' }`, the store closed. Files are read whole.
   */
  readonly signal?: AbortSignal
}

// constructors

/**
 * The source named by a command line: the positional (a path or `-`) or
 * `--store URL`, exactly one of them.
 */
/**
 * The one source a reading command was given (its positional file or `--store`),
 * or a usage message ending with where to find help.
 */
export const ofInvocation = (
  inv: { readonly positionals: ReadonlyArray<string>; readonly options: Readonly<Record<string, unknown>> },
  command: string,
): E.Either<string, Source> => {
  const help = `\nRun docket ${command} --help for usage.`
  if (inv.positionals.length > 1) return E.left(`one source at most (got ${inv.positionals.length})${help}`)
  const store = inv.options.store
  const source = fromArgs(inv.positionals[0], typeof store === 'string' ? store : undefined)
  return E.isLeft(source) ? E.left(`${describe(source.left)}${help}`) : source
}

export const fromArgs = (
  positional: string | undefined,
  store: string | undefined,
): E.Either<SourceError, Source> => {
  if (positional !== undefined && store !== undefined) {
    return E.left({ _tag: 'Usage', message: 'give either a file (or -) or --store URL, not both' })
  }
  if (store !== undefined) return E.right({ _tag: 'Store', url: store })
  if (positional === undefined) {
    return E.left({
      _tag: 'Usage',
      message: 'missing source: a JSON Lines file, - for stdin, or --store URL',
    })
  }
  return E.right(positional === '-' ? { _tag: 'Stdin' } : { _tag: 'File', path: positional })
}

// operations

/** A readable description of a source, for logs. */
export const label = (s: Source): string =>
  s._tag === 'File' ? s.path : s._tag === 'Stdin' ? 'standard input' : Store.redact(s.url)

/** Decodes one line of JSON Lines into an event (line numbers from 1, for errors); `recordedAt` inferred when absent. */
export const decodeLine = (text: string, line: number): E.Either<DecodeError.DecodeError, Recorded> => {
  const decoded = Jsonl.decodeLine(text, line)
  if (E.isLeft(decoded)) return decoded
  const event = Envelope.withImportedRecordedAt(decoded.right)
  // an event that carries its recordedAt comes back as it was: no second Right to allocate
  return event === decoded.right ? (decoded as E.Right<Recorded>) : E.right(event)
}

/**
 * The lines with each event id once, as a store holds them (events.md: idempotency is global): a
 * line repeating the content of an earlier line's id is left out, one giving it other content is
 * bad, in the words `docket import` uses.
 */
const once = (
  lines: ReadonlyArray<Jsonl.Line>,
): { readonly lines: ReadonlyArray<Jsonl.Line>; readonly errors: ReadonlyArray<DecodeError.DecodeError> } => {
  const first = new Map<string, Jsonl.Line>()
  const kept: Jsonl.Line[] = []
  const errors: DecodeError.DecodeError[] = []
  for (const l of lines) {
    const earlier = first.get(l.event.id)
    if (earlier === undefined) {
      first.set(l.event.id, l)
      kept.push(l)
    } else if (Envelope.fingerprint(earlier.event) !== Envelope.fingerprint(l.event)) {
      errors.push(Import.idReused(l.event.id, l.line, earlier.line))
    }
  }
  return kept.length === lines.length ? { lines, errors } : { lines: kept, errors }
}

/** Reads and decodes JSON Lines from a stream (core `Jsonl`); blank lines are skipped but counted. */
export const readLines = async (
  input: NodeJS.ReadableStream,
  options: ReadOptions = {},
): Promise<E.Either<SourceError, Read>> => {
  const maxErrors = options.maxErrors ?? BadLines.SHOWN
  // a batch of lines per chunk read, decoded synchronously: no asynchronous step per line
  const decoded = await Jsonl.decodeAll(lineBatches(input))
  const unique = once(decoded.events)
  const events = unique.lines.map((l) => Envelope.withImportedRecordedAt(l.event))
  const all =
    unique.errors.length === 0
      ? decoded.errors
      : [...decoded.errors, ...unique.errors].sort(DecodeError.byLine)
  const errors = options.skipBad === true ? all : all.slice(0, maxErrors)
  if (errors.length > 0 && options.skipBad !== true)
    return E.left({ _tag: 'BadInput', errors, bad: all.length })
  return E.right({ events, skipped: errors })
}

/** The lines of a readable stream (a file or standard input), for core's `Jsonl` and `Import`. */
export const lines = (input: NodeJS.ReadableStream): AsyncIterable<string> =>
  Jsonl.linesOf(input as AsyncIterable<string | Uint8Array>)

/**
 * The lines of a readable stream in batches, one per chunk read (core's `Jsonl.lineBatchesOf`):
 * what `Import.run` reads fastest, with no asynchronous step per line.
 */
export const lineBatches = (input: NodeJS.ReadableStream): AsyncIterable<ReadonlyArray<string>> =>
  Jsonl.lineBatchesOf(input as AsyncIterable<string | Uint8Array>)

/**
 * The absolute path of a file source, relative to `cwd`: Left when nothing is there
 * (`NotFound`) or a directory is (`NotAFile`), which a read stream would fail on later as a bug.
 */
export const filePath = (cwd: string, path: string): E.Either<SourceError, string> => {
  const absolute = resolve(cwd, path)
  const stat = statSync(absolute, { throwIfNoEntry: false })
  if (stat === undefined) return E.left({ _tag: 'NotFound', path })
  return stat.isDirectory() ? E.left({ _tag: 'NotAFile', path }) : E.right(absolute)
}

/** The bytes of a file or standard input source; Left when the file does not exist, or for a store. */
export const readable = (
  inv: Pick<Invocation, 'stdin' | 'cwd'>,
  source: Source,
): E.Either<SourceError, NodeJS.ReadableStream> => {
  if (source._tag === 'Stdin') return E.right(inv.stdin)
  if (source._tag === 'Store') return E.left({ _tag: 'Usage', message: 'expected a file or -, not --store' })
  return E.map((path: string) => createReadStream(path))(filePath(inv.cwd, source.path))
}

/** The lines of a file or standard input source; Left when the file does not exist. */
export const open = (
  inv: Pick<Invocation, 'stdin' | 'cwd'>,
  source: Source,
): E.Either<SourceError, AsyncIterable<string>> => E.map(lines)(readable(inv, source))

/** The lines of a file or standard input source in batches ({@link lineBatches}); Left when the file does not exist. */
export const openBatches = (
  inv: Pick<Invocation, 'stdin' | 'cwd'>,
  source: Source,
): E.Either<SourceError, AsyncIterable<ReadonlyArray<string>>> => E.map(lineBatches)(readable(inv, source))

/**
 * Whether `path` (relative to `cwd`) is a regular file, which can be read twice: not a named pipe
 * or a device such as `<(zcat events.jsonl.gz)`, whose second read would find nothing.
 */
export const isRegularFile = (cwd: string, path: string): boolean =>
  statSync(resolve(cwd, path), { throwIfNoEntry: false })?.isFile() === true

/** A file that can be read again, and whether it still is what its first read found. */
export interface Rereadable {
  /** A fresh read of the file's lines, in batches ({@link lineBatches}). */
  readonly open: () => AsyncIterable<ReadonlyArray<string>>
  /** Why the file is no longer what it was when first opened (its size or modification time), or undefined. */
  readonly changed: () => string | undefined
}

/** The file at `path` (relative to `cwd`) to read twice; Left when nothing or a directory is there. */
export const rereadable = (cwd: string, path: string): E.Either<SourceError, Rereadable> =>
  E.map((absolute: string): Rereadable => {
    const stamp = (): string => {
      const s = statSync(absolute, { throwIfNoEntry: false, bigint: true })
      return s === undefined
        ? 'no file'
        : `${s.size} bytes, modified ${new Date(Number(s.mtimeMs)).toISOString()} (${s.mtimeNs} ns)`
    }
    let first: string | undefined
    return {
      open: () => {
        first ??= stamp()
        return lineBatches(createReadStream(absolute))
      },
      changed: () => {
        const now = stamp()
        return first === undefined || now === first ? undefined : `${path} was ${first}, is now ${now}`
      },
    }
  })(filePath(cwd, path))

/** Every event of a store, in global order; those before `signal` aborted, if it does. */
export const readStore = async (
  store: EventStore.EventStore,
  signal?: AbortSignal,
): Promise<ReadonlyArray<Recorded>> => {
  const out: Recorded[] = []
  const all = store.readAll()
  for await (const s of signal === undefined ? all : Interrupt.until(signal, all)) out.push(s.event)
  return out
}

/**
 * Reads every event of a source. Store sources are opened and closed here, with the key store
 * `inv.env` names (the process's environment when not given).
 */
export const read = async (
  inv: Pick<Invocation, 'stdin' | 'cwd'> & Partial<Pick<Invocation, 'env' | 'stderr'>>,
  source: Source,
  options: ReadOptions = {},
): Promise<E.Either<SourceError, Read>> => {
  switch (source._tag) {
    case 'Stdin':
      return readLines(inv.stdin, options)
    case 'File': {
      const path = filePath(inv.cwd, source.path)
      return E.isLeft(path) ? path : readLines(createReadStream(path.right), options)
    }
    case 'Store': {
      const interrupted: SourceError = { _tag: 'Store', message: 'interrupted' }
      // the signal cancels what the store runs: a failure after it is the interrupt's, not the store's
      const stopped = (): boolean => options.signal?.aborted === true
      const opened = await Store.open(source.url, Store.context(inv), {
        existing: true,
        signal: options.signal,
      })
      if (E.isLeft(opened)) return E.left(stopped() ? interrupted : { _tag: 'Store', message: opened.left })
      try {
        if (await Interrupt.afterOpen(options.signal)) return E.left(interrupted)
        const events = await readStore(opened.right, options.signal)
        return options.signal?.aborted === true ? E.left(interrupted) : E.right({ events, skipped: [] })
      } catch (e) {
        return E.left(stopped() ? interrupted : { _tag: 'Store', message: Store.readFailure(source.url, e) })
      } finally {
        await opened.right.close()
      }
    }
  }
}

/**
 * Bad lines one per line, each with its line number and, when `source` is given, the input it is a
 * line of (`events.jsonl: line 3: data.channel: got "fax", …`), as `merge` names its files.
 */
export const badLines = (errors: ReadonlyArray<DecodeError.DecodeError>, source?: Source): string => {
  const text = errors.map(DecodeError.format).join('\n')
  if (source === undefined) return text
  const name = label(source)
  return text
    .split('\n')
    .map((line) => `${name}: ${line}`)
    .join('\n')
}

/** A readable description of a source error (bad lines one per line, with line numbers and the input named). */
export const describe = (e: SourceError, source?: Source): string => {
  switch (e._tag) {
    case 'Usage':
      return e.message
    case 'NotFound':
      return `${e.path}: no such file`
    case 'NotAFile':
      return `${e.path}: a directory, expected a JSON Lines file`
    case 'BadInput':
      return [
        badLines(e.errors, source),
        BadLines.more({ errors: e.errors, bad: e.bad ?? e.errors.length }, source && label(source)),
      ]
        .filter((part) => part !== undefined)
        .join('\n')
    case 'Store':
      return e.message
  }
}
