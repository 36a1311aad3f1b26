/**
 * `docket import <file> --store URL [--skip-bad]`: core's `Import` from the
 * command line. A regular file is read twice (`Import.runTwice`: checked in
 * the first read, written in the second, in memory bounded by its distinct
 * ids; a file whose size or mtime changes between the reads stops the
 * import, exit 2). Standard input or a named pipe, which can be read only
 * once, is first copied to a private file (`internal/spool.ts`), then read
 * the same way. The whole input is decoded and checked
 * against the store before anything is written, so a file with a bad line
 * (an event id already stored with other content, an `IdempotencyConflict`,
 * included) stores nothing, unless `--skip-bad`, which reports every skipped
 * line; then events are appended case by case, each append atomic, the
 * import as a whole not: a store failure part-way (or another writer storing
 * one of the ids after the check) leaves the earlier batches stored. Appends
 * are idempotent: importing the same file again stores nothing twice, and
 * completes an import that stopped. A store keeping personal data encrypted
 * (a key store in its schema) is refused without `DOCKET_KEYS` (exit 2):
 * without the keys every stored event with personal fields would look like a
 * conflict, and new personal fields would be stored in clear. SIGINT or SIGTERM
 * stops it at the next safe point (once the store has opened; between appends,
 * those in flight finished), closes the store, says how far it got, and exits
 * 130 or 143 (`internal/interrupt.ts`).
 */
import { Import } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import { type Command, EXIT, type Invocation } from '../Command.js'
import * as Args from '../internal/args.js'
import * as BadLines from '../internal/badLines.js'
import * as Interrupt from '../internal/interrupt.js'
import * as Spool from '../internal/spool.js'
import * as Store from '../internal/store.js'
import * as Output from '../Output.js'
import * as Progress from '../replay/Progress.js'
import * as Source from '../Source.js'

/** Why import needs the key store of a store that keeps personal data encrypted. */
const KEYS_NEEDED =
  "import needs its subjects' keys to compare each line's personal fields with the stored ones, " +
  'which are encrypted, and to store new ones encrypted; nothing was stored'

/** What is imported: a regular file, read as it is, or an input read once, copied first. */
type Input = ({ readonly file: Source.Rereadable } | { readonly once: NodeJS.ReadableStream }) & {
  /** What errors name the input by: its path, or standard input. */
  readonly source: Source.Source
}

/** The `import` command. */
export const command: Command = {
  name: 'import',
  summary:
    'Store the events of a JSON Lines file. Every line is checked, against the file and the store, before the first write: a bad line, such as an event id already stored with other content (IdempotencyConflict), stores nothing. Appends of different cases run several at once, each case in file order. A store failure part-way leaves the earlier batches stored, and re-running completes the import (already stored events are no-ops). The input is read twice, checked then written, in memory bounded by its distinct event ids: a regular file as it is (it must not change in between), standard input or a named pipe from a private copy on disk, removed when the command ends.',
  usage: 'import <file|-> --store URL [--skip-bad] [--spill-dir DIR] [--quiet]',
  options: [
    {
      name: 'store',
      value: 'URL',
      kind: 'string',
      description:
        'Where to store: memory:, pglite:<dir>, pglite:memory, postgres://…, esdb://…, kurrentdb://….',
    },
    {
      name: 'spill-dir',
      value: 'DIR',
      kind: 'string',
      description:
        "Directory for the copy of standard input or a named pipe, read twice as a file is; it must exist (default: the system's temporary directory).",
    },
    {
      name: 'skip-bad',
      kind: 'flag',
      description:
        'Skip bad lines, those conflicting with stored events included (each is reported on stderr), instead of storing nothing.',
    },
    {
      name: 'quiet',
      kind: 'flag',
      description:
        'No progress on standard error (by default each read, checking then storing, reports how far it got: a line redrawn on a terminal, else a JSON line every 2 seconds).',
    },
  ],
  examples: [
    'docket import events.jsonl --store pglite:.docket',
    'cat events.jsonl | docket import - --store postgres://postgres@127.0.0.1:5432/test',
    'docket import events.jsonl --store pglite:.docket --skip-bad',
  ],
  run: async (inv) => {
    const url = Args.str(inv, 'store')
    if (url === undefined) {
      Output.error(inv, 'missing --store URL (where to import to)\nRun docket import --help for usage.')
      return EXIT.usage
    }
    if (inv.positionals.length !== 1) {
      Output.error(
        inv,
        'give exactly one file to import (or - for stdin)\nRun docket import --help for usage.',
      )
      return EXIT.usage
    }
    const spillDir = Args.spillDir(inv)
    if (E.isLeft(spillDir)) {
      Output.error(inv, spillDir.left)
      return EXIT.usage
    }
    // a regular file is read twice as it is; standard input or a pipe, read once, is copied first
    const input = E.chain(
      (s: Source.Source): E.Either<Source.SourceError, Input> =>
        s._tag === 'File' && Source.isRegularFile(inv.cwd, s.path)
          ? E.map((f: Source.Rereadable) => ({ file: f, source: s }))(Source.rereadable(inv.cwd, s.path))
          : E.map((once: NodeJS.ReadableStream) => ({ once, source: s }))(Source.readable(inv, s)),
    )(Source.fromArgs(inv.positionals[0], undefined))
    if (E.isLeft(input)) {
      Output.error(inv, Source.describe(input.left))
      return EXIT.usage
    }
    // installed before the store opens: a signal meanwhile lets the open finish, then closes it
    const stopping = Interrupt.install(inv, 'import')
    try {
      return await importInto(inv, url, input.right, spillDir.right, stopping)
    } finally {
      stopping.release()
    }
  },
}

/**
 * What an import did, for a person: the new events and where they went, or that every event was
 * already stored (the file imported before); then the bad lines skipped.
 */
const summary = (r: Import.Summary, store: string): string => {
  const skipped = r.skipped.length > 0 ? `; ${r.skipped.length} bad line(s) skipped` : ''
  if (r.appended > 0)
    return `imported ${r.appended} new event(s) into ${store} (${r.cases} case(s) in the input); ${r.duplicates} already stored${skipped}`
  if (r.duplicates > 0)
    return `imported 0 new event(s): all ${r.duplicates} already stored in ${store} (${r.cases} case(s))${skipped}`
  return `imported 0 new event(s) into ${store}: the input has no events to store${skipped}`
}

/**
 * Opens the store, imports `input` and closes the store; interrupted, it stops at the next safe
 * point (after the open, between appends) and says how far it got.
 */
const importInto = async (
  inv: Invocation,
  url: string,
  input: Input,
  spillDir: string | undefined,
  stopping: Interrupt.Interrupt,
): Promise<number> => {
  const stopped = (what: string): number => Interrupt.stopped(inv, 'import', stopping, what)
  // the signal cancels what the store runs (a wait for a lock): a failure after it is the interrupt's
  const opened = await Store.open(url, inv, { keysNeeded: KEYS_NEEDED, signal: stopping.signal })
  if (E.isLeft(opened)) {
    if (stopping.signal.aborted) return stopped(`while ${Store.redact(url)} was opening: nothing was stored`)
    Output.error(inv, opened.left)
    return EXIT.usage
  }
  let spooled: Spool.Spooled | undefined
  try {
    const early = await Interrupt.stoppedOpening(inv, 'import', stopping, Store.redact(url), 'stored')
    if (early !== undefined) return early
    let file: Source.Rereadable
    if ('file' in input) file = input.file
    else {
      const copy = await Spool.spool(input.once, spillDir, stopping.signal)
      if (E.isLeft(copy)) {
        if (stopping.signal.aborted) return stopped('while copying the input: nothing was stored')
        Output.error(inv, `${copy.left}; nothing was stored`)
        return EXIT.usage
      }
      file = spooled = copy.right
    }
    const result = await Import.runTwice(opened.right, file.open, {
      skipBad: Args.flag(inv, 'skip-bad'),
      // the first bad lines are listed, the others counted (with --skip-bad, each is reported)
      maxErrors: BadLines.SHOWN,
      changed: file.changed,
      signal: stopping.signal,
      ...(Args.flag(inv, 'quiet')
        ? {}
        : {
            onProgress: Progress.forImport({
              write: (s) => inv.stderr.write(s),
              tty: inv.stderr.isTTY === true,
            }),
          }),
    })()
    if (E.isLeft(result)) {
      const e = result.left
      if (e._tag === 'Interrupted')
        return stopped(
          e.line === 0
            ? 'while checking the input: nothing was stored'
            : `before line ${e.line}: ${e.appended} new event(s) stored (${e.duplicates} already there), the lines from ${e.line} on not; importing the same input again completes it`,
        )
      // its statement cancelled (waiting for a lock): the batch's transaction rolled back
      if (e._tag === 'StoreFailed' && stopping.signal.aborted)
        return stopped(
          `at line ${e.line}, waiting for the store: ${e.appended} new event(s) stored (${e.duplicates} already there), the batch of line ${e.line} rolled back and the lines after it not read; importing the same input again completes it`,
        )
      Output.error(
        inv,
        e._tag === 'BadInput'
          ? `${Source.describe({ _tag: 'BadInput', errors: e.errors, bad: e.bad }, input.source)}\n${e.bad} of ${e.read} line(s) are bad. Nothing was stored. Fix them, or pass --skip-bad to leave them out.`
          : Import.describe(e),
      )
      return EXIT.usage
    }
    const r = result.right
    for (const bad of r.skipped) Output.warn(inv, `skipped ${Source.badLines([bad.error], input.source)}`)
    Output.log(inv, summary(r, Store.redact(url)))
    if (url === 'memory:') Output.warn(inv, 'memory: keeps nothing after the command ends (a dry run)')
    // a signal after the last append: the import is whole, the exit still says it was interrupted
    return stopping.signal.aborted ? stopped('after the last append: the import is complete') : EXIT.ok
  } finally {
    spooled?.remove()
    await opened.right.close()
  }
}
