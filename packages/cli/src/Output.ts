/**
 * Where a command's output goes: machine-readable output to standard output
 * or to `--out FILE`; progress, warnings and errors to standard error, so a
 * pipe never mixes the two. Writing to a file creates its directory and
 * replaces the file only when everything was written (a temporary file
 * renamed at the end), so a failed run never leaves half a report behind.
 *
 * This is not a formatter: commands build their text (JSON, tables, reports)
 * and hand it here.
 */
import { randomBytes } from 'node:crypto'
import { createWriteStream, mkdirSync, renameSync, rmSync, type Stats, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import type { Invocation } from './Command.js'
import * as Style from './internal/style.js'
import * as Temporary from './internal/temporary.js'
import * as Utf8 from './internal/utf8.js'

// model

/** A place to write a command's output to, chunk by chunk. */
export interface Sink {
  /** Writes a chunk (text, or UTF-8 bytes); resolves when the stream can take more (backpressure). */
  readonly write: (chunk: string | Uint8Array) => Promise<void>
  /** Finishes the output (for a file: flushes and renames it into place). */
  readonly end: () => Promise<void>
  /** Abandons the output (for a file: removes the temporary file). */
  readonly abort: () => Promise<void>
  /** True when writing to an interactive terminal (tables may use colour). */
  readonly isTTY: boolean
}

/** The output file could not be written. */
export interface OutputError {
  readonly _tag: 'OutputError'
  readonly path: string
  readonly message: string
  /** The text itself failed while it was written (a report's input, read as it is written), not the writing. */
  readonly producing?: true
}

// constructors

const writeTo =
  (stream: NodeJS.WritableStream) =>
  (chunk: string | Uint8Array): Promise<void> =>
    new Promise((done, fail) => {
      const ok = stream.write(chunk, (err) => {
        if (err) fail(err)
      })
      if (ok) done()
      else stream.once('drain', () => done())
    })

/** Standard output of the invocation, as a sink. */
export const stdout = (inv: Pick<Invocation, 'stdout'>): Sink => ({
  write: writeTo(inv.stdout),
  end: async () => {},
  abort: async () => {},
  isTTY: inv.stdout.isTTY === true,
})

/**
 * A sink for `--out FILE` (relative to the invocation's cwd), or standard
 * output when `path` is undefined or `-`. The file is written as a temporary file beside it
 * (`<file>.<pid>.<random>.tmp`, created exclusively, mode 0600) renamed into place at the end, so
 * it is readable by its owner only (a link at `path` is replaced, not followed: one planted in a
 * shared directory does not redirect the report). What is not a file (`/dev/null`, a named pipe,
 * `/dev/fd/N` of a process substitution) is written in place, as a shell's `>` would: renaming onto
 * it would replace the device or the pipe with a file.
 */
export const open = (
  inv: Pick<Invocation, 'stdout' | 'cwd'>,
  path: string | undefined,
): E.Either<OutputError, Sink> => {
  if (path === undefined || path === '-') return E.right(stdout(inv))
  const target = resolve(inv.cwd, path)
  const existing = statOf(target)
  if (existing?.isDirectory() === true)
    return E.left({ _tag: 'OutputError', path: target, message: 'it is a directory' })
  if (existing !== undefined && !existing.isFile()) return E.right(inPlace(target))
  // A name no one can guess, created only if nothing is there (O_EXCL: a link planted in a shared
  // directory is not followed), readable by its owner only: reports and exports can hold
  // personal data, and the file keeps the mode when renamed into place.
  const temp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  try {
    mkdirSync(dirname(target), { recursive: true })
    const file = createWriteStream(Temporary.hold(temp), { encoding: 'utf8', flags: 'wx', mode: 0o600 })
    const closed = new Promise<void>((done, fail) => {
      file.once('close', () => done())
      file.once('error', fail)
    })
    return E.right({
      write: writeTo(file),
      end: async () => {
        file.end()
        await closed
        renameSync(temp, target)
        Temporary.release(temp)
      },
      abort: async () => {
        file.destroy()
        await closed.catch(() => undefined)
        rmSync(temp, { force: true })
        Temporary.release(temp)
      },
      isTTY: false,
    })
  } catch (e) {
    Temporary.release(temp)
    return E.left({ _tag: 'OutputError', path: target, message: e instanceof Error ? e.message : String(e) })
  }
}

/** What is at `path` (a link followed), or `undefined` when nothing is. */
const statOf = (path: string): Stats | undefined => {
  try {
    return statSync(path)
  } catch {
    return undefined
  }
}

/** A sink writing straight into what is at `path` (a device, a pipe): nothing to rename or remove. */
const inPlace = (path: string): Sink => {
  const stream = createWriteStream(path, { encoding: 'utf8', flags: 'w' })
  const closed = new Promise<void>((done, fail) => {
    stream.once('close', () => done())
    stream.once('error', fail)
  })
  return {
    write: writeTo(stream),
    end: async () => {
      stream.end()
      await closed
    },
    abort: async () => {
      stream.destroy()
      await closed.catch(() => undefined)
    },
    isTTY: false,
  }
}

// operations

/** Writes a whole text to `--out FILE` or standard output. Left when the file cannot be written. */
export const emit = (
  inv: Pick<Invocation, 'stdout' | 'cwd'>,
  path: string | undefined,
  text: string,
): Promise<E.Either<OutputError, void>> => emitPieces(inv, path, [text])

/**
 * As {@link emit}, for a text given in pieces (a report written case by case): pieces are encoded
 * as they come into buffers of about 1 MiB, one write per buffer, so the whole text is never held
 * at once, and no piece is copied into a joined string first.
 */
export const emitPieces = async (
  inv: Pick<Invocation, 'stdout' | 'cwd'>,
  path: string | undefined,
  pieces: Iterable<string>,
): Promise<E.Either<OutputError, void>> => {
  const sink = open(inv, path)
  if (E.isLeft(sink)) return sink
  // a fresh buffer after each write: the stream may still hold the last one
  let buf = Buffer.allocUnsafe(CHUNK_BYTES)
  let used = 0
  // whether a failure is the sink's (it cannot be written) rather than the pieces'
  let writing = false
  const put = async (chunk: Buffer | string): Promise<void> => {
    writing = true
    await sink.right.write(chunk)
    writing = false
  }
  try {
    for (const p of pieces) {
      if (used + Utf8.maxBytes(p) > buf.length && used > 0) {
        await put(buf.subarray(0, used))
        buf = Buffer.allocUnsafe(CHUNK_BYTES)
        used = 0
      }
      if (Utf8.maxBytes(p) > buf.length) await put(p)
      else used += buf.write(p, used)
    }
    if (used > 0) await put(buf.subarray(0, used))
    writing = true
    await sink.right.end()
    return E.right(undefined)
  } catch (e) {
    await sink.right.abort()
    return E.left({
      _tag: 'OutputError',
      path: path ?? '-',
      message: e instanceof Error ? e.message : String(e),
      ...(writing ? {} : { producing: true as const }),
    })
  }
}

const CHUNK_BYTES = 1 << 20

/** A progress or log line on standard error. */
export const log = (inv: Pick<Invocation, 'stderr'>, message: string): void => {
  inv.stderr.write(`${message}\n`)
}

/** A warning line on standard error (`docket: warning: …`). */
export const warn = (inv: Pick<Invocation, 'stderr' | 'env'>, message: string): void => {
  const s = Style.forStream(inv.stderr, inv.env)
  inv.stderr.write(`${s.yellow('docket: warning:')} ${message}\n`)
}

/** An error on standard error (`docket: error: …`); multi-line messages are indented. */
export const error = (inv: Pick<Invocation, 'stderr' | 'env'>, message: string): void => {
  const s = Style.forStream(inv.stderr, inv.env)
  inv.stderr.write(`${s.red('docket: error:')} ${message.split('\n').join('\n  ')}\n`)
}

/** The message of an output error. */
export const describe = (e: OutputError): string =>
  e.producing !== true
    ? `cannot write ${e.path}: ${e.message}`
    : e.path === '-'
      ? `${e.message}: the report on standard output stops there, incomplete`
      : `${e.message}: nothing was written to ${e.path}`
