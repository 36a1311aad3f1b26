/**
 * A copy on disk of an input that can be read only once (standard input, a named pipe), so that
 * `docket import` reads it twice as it reads a file (`Import.runTwice`), in memory bounded by its
 * distinct event ids instead of holding every line until it is written.
 *
 * The copy holds the input as given, personal fields in clear, until it is removed: it is private
 * (a directory of its own made by `mkdtemp`, mode 0700; the file 0600, created exclusively), and
 * it is removed when the command ends, or by the `docket` process on SIGINT or SIGTERM
 * (`Temporary`).
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { pipeline } from 'node:stream/promises'
import * as E from 'fp-ts/lib/Either.js'
import * as Source from '../Source.js'
import * as Temporary from './temporary.js'

// model

/** The copy, to read as a file, and to remove once read. */
export interface Spooled extends Source.Rereadable {
  /** The directory holding the copy (inside `--spill-dir`, or the system's temporary directory). */
  readonly dir: string
  /** Removes the copy and its directory. */
  readonly remove: () => void
}

// operations

const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/**
 * Copies `input` to a private file in `dir` (default: the system's temporary directory). Left,
 * with the reason, when the copy cannot be made (no such directory, no space left) or `signal`
 * aborts it (an input that never ends, a terminal, is then left unread); nothing is left behind.
 */
export const spool = async (
  input: NodeJS.ReadableStream,
  dir?: string,
  signal?: AbortSignal,
): Promise<E.Either<string, Spooled>> => {
  let root: string
  try {
    root = Temporary.hold(fs.mkdtempSync(path.join(dir ?? os.tmpdir(), 'docket-import-')))
  } catch (e) {
    return E.left(`could not make a directory for a copy of the input: ${reason(e)}`)
  }
  const remove = (): void => {
    fs.rmSync(root, { recursive: true, force: true })
    Temporary.release(root)
  }
  try {
    await pipeline(
      input,
      fs.createWriteStream(path.join(root, 'input.jsonl'), { flags: 'wx', mode: 0o600 }),
      signal === undefined ? {} : { signal },
    )
  } catch (e) {
    remove()
    return E.left(`could not copy the input to ${root}: ${reason(e)}`)
  }
  const copy = Source.rereadable(root, 'input.jsonl')
  if (E.isLeft(copy)) {
    remove()
    return E.left(`the copy of the input in ${root} is gone: ${Source.describe(copy.left)}`)
  }
  return E.right({ ...copy.right, dir: root, remove })
}
