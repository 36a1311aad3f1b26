/**
 * `docket replay <source> [options] --report json|csv|md|html|dsa-sor|dsa-transparency`:
 * what was owed, when, and whether it was delivered, from the event history
 * of a file or a store, streamed case by case (`replay/Replay.ts`), written
 * in one of the report formats (`reports/`), written as `merge` writes them
 * (`internal/reportOutput.ts`: the stamp beside csv and dsa-sor rows, the
 * submission of statements of reasons). With `--partition I/N --report
 * partial`, only one partition's share of the cases is replayed and written as
 * a partial report (`reports/Partial.ts`) for `docket merge`: one machine per
 * partition, each reading its cases from a shared store or the whole file.
 * SIGINT or SIGTERM while a store is read stops the read at the next event
 * (on this thread, or on every worker reading its share of a server's store:
 * `Workers.Options.signal`), closes the store (each worker's first) and exits
 * 130 or 143 with no report written and the temporary files removed.
 * A file's or standard input's event ids are checked across cases once the
 * input is read (`replay/GlobalIds.ts`), before anything is written.
 */
import { type CasePartition, Timestamp } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import { type Command, EXIT } from '../Command.js'
import * as Args from '../internal/args.js'
import * as Evaluation from '../internal/evaluation.js'
import * as FileLines from '../internal/fileLines.js'
import * as Interrupt from '../internal/interrupt.js'
import * as ReportOutput from '../internal/reportOutput.js'
import type * as Store from '../internal/store.js'
import * as Output from '../Output.js'
import * as GlobalIds from '../replay/GlobalIds.js'
import * as Input from '../replay/Input.js'
import * as Progress from '../replay/Progress.js'
import * as Replay from '../replay/Replay.js'
import * as Spill from '../replay/Spill.js'
import * as Report from '../reports/Report.js'
import * as Source from '../Source.js'

/** The `--report` values of `replay`: every report format, and one partition's share for `docket merge`. */
const FORMATS: ReadonlyArray<string> = [...Report.FORMATS, 'partial']

/**
 * How a store keeping personal data encrypted is read without `DOCKET_KEYS`: statements of reasons
 * quote a personal field (`ReviewDecided.data.explanation`), and the json, html and partial
 * reports the events' notes (a report's text, a decision's explanation), so they say it is shown
 * encrypted; statements are not submitted so (the Transparency Database would publish
 * ciphertext). csv, md and dsa-transparency show no personal field.
 */
const withoutKeys = (settings: ReportOutput.Settings): Store.OpenOptions => {
  if (NOTES.includes(settings.format))
    return {
      shows:
        "the report's event notes (a report's data.text, a decision's data.explanation: personal fields)",
    }
  if (settings.format !== 'dsa-sor') return {}
  if (settings.submit !== undefined) return { keysNeeded: SUBMIT_NEEDS_KEYS }
  return { shows: "the statements' explanations (ReviewDecided.data.explanation, a personal field)" }
}

/** The report formats quoting events' notes (`Facts.Fact.note`), which may hold personal fields. */
const NOTES: ReadonlyArray<string> = ['json', 'html', 'partial']

/** Why `replay --submit` needs the key store of a store that keeps personal data encrypted. */
const SUBMIT_NEEDS_KEYS =
  "replay --submit needs its subjects' keys to send the statements' explanations, which are encrypted, " +
  'as they were written; nothing was submitted'

/** The most worker threads `--workers` takes. */
const MAX_WORKERS = 64

const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : Timestamp.format(ms)

/** `--partition I/N` read: partition I of N, or `undefined` when the text is not one. */
const parsePartition = (text: string): CasePartition.Partition | undefined => {
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(text)
  if (m === null) return undefined
  const index = Number(m[1])
  const count = Number(m[2])
  return count >= 1 && index < count ? { index, count } : undefined
}

/** What building the report gives: the report, or the replay's failure. */
type Built = Awaited<ReturnType<typeof Report.build | typeof Report.buildOnWorkers>>

/** The `replay` command. */
export const command: Command = {
  name: 'replay',
  summary:
    'Replay an event history into a compliance report (json, csv, md, html, dsa-sor, dsa-transparency), or one partition of it for docket merge.',
  usage: 'replay <file|-> [options] | replay --store URL [options]',
  options: [
    {
      name: 'store',
      value: 'URL',
      kind: 'string',
      description:
        'Read the events of this store (global order) instead of a file: memory:, pglite:<dir>, pglite:memory, postgres://…, esdb://…, kurrentdb://….',
    },
    ...Evaluation.OPTIONS,
    { name: 'config', value: 'FILE', kind: 'string', description: 'The platform profile (JSON or YAML).' },
    ReportOutput.reportOption(FORMATS),
    ...ReportOutput.OPTIONS,
    {
      name: 'sort',
      kind: 'flag',
      description:
        'Sort the input by recordedAt within each case first (spills to disk). Without it, a file out of that order is replayed again sorted, and standard input out of order is refused.',
    },
    {
      name: 'spill-dir',
      value: 'DIR',
      kind: 'string',
      description:
        "Directory for temporary files (sort runs, dropped cases, finished cases' results, the event ids checked across cases); it must exist (default: the system's temporary directory).",
    },
    {
      name: 'max-open-cases',
      value: 'N',
      kind: 'string',
      description:
        'Memory budget in open cases: past it, the least recently active leave memory, closed cases with a final result dropped and the others moved to disk (default 10000).',
    },
    {
      name: 'workers',
      value: 'N',
      kind: 'string',
      description:
        'Replay on this many worker threads, cases partitioned among them (default 1: in this thread); the report is the same, byte for byte. Memory budgets apply to each worker. From a PostgreSQL or KurrentDB store each worker reads its own partition of one cut of the log.',
    },
    {
      name: 'partition',
      value: 'I/N',
      kind: 'string',
      description:
        'Replay only partition I of N (0 ≤ I < N) of the cases, with --report partial, for docket merge: a store sends only its cases (give --as-of or --known-at, the same on every machine), a file is read whole.',
    },
    {
      name: 'until',
      value: 'POSITION',
      kind: 'string',
      description:
        'With --store: read the log no further than this position (default: its end when the replay starts; the report states it), so that every machine of a --partition split, or a later replay, reads the same cut of a store still being written to (docket verify prints one).',
    },
    {
      name: 'quiet',
      kind: 'flag',
      description:
        'No progress on standard error, nor the note that a file out of recordedAt order is replayed again sorted.',
    },
    ReportOutput.FAIL_ON,
  ],
  examples: [
    'docket replay examples/seed-case/events.jsonl --report md',
    'docket replay --store pglite:.docket --report html --out report.html',
    'docket replay events.jsonl --known-at 2020-01-28T12:00:00-08:00 --report json',
    'docket replay events.jsonl --what-if us-take-it-down --report csv --out what-if.csv',
    'docket replay events.jsonl --report dsa-sor --out statements.jsonl',
    'DOCKET_DSA_TOKEN=… docket replay events.jsonl --report dsa-sor --submit https://transparency.dsa.ec.europa.eu --journal sor.journal',
    'docket replay unsorted.jsonl --sort --report dsa-transparency --period half-year',
    'docket replay events.jsonl --workers 4 --report json --out report.json',
    'docket replay events.jsonl --custom-policy acme-trust-safety.yaml --report md',
    'docket replay --store postgres://db/docket --partition 0/4 --as-of 2026-07-01T00:00:00Z --report partial --out part-0.jsonl',
    'docket replay --store postgres://db/docket --partition 0/4 --until 812345 --as-of 2026-07-01T00:00:00Z --report partial --out part-0.jsonl',
  ],
  run: async (inv) => {
    const settings = ReportOutput.check(inv, FORMATS)
    if (E.isLeft(settings)) {
      Output.error(inv, settings.left)
      return EXIT.usage
    }
    const format = settings.right.format
    const maxOpenText = Args.str(inv, 'max-open-cases')
    const maxOpen = maxOpenText === undefined ? undefined : Number(maxOpenText)
    if (maxOpen !== undefined && !(Number.isInteger(maxOpen) && maxOpen > 0)) {
      Output.error(inv, `--max-open-cases ${JSON.stringify(maxOpenText)}: expected a positive integer`)
      return EXIT.usage
    }
    const workersText = Args.str(inv, 'workers')
    const workers = workersText === undefined ? 1 : Number(workersText)
    if (!(Number.isInteger(workers) && workers > 0 && workers <= MAX_WORKERS)) {
      Output.error(
        inv,
        `--workers ${JSON.stringify(workersText)}: expected an integer from 1 to ${MAX_WORKERS}`,
      )
      return EXIT.usage
    }
    const partitionText = Args.str(inv, 'partition')
    const partition = partitionText === undefined ? undefined : parsePartition(partitionText)
    if (partitionText !== undefined && partition === undefined) {
      Output.error(
        inv,
        `--partition ${JSON.stringify(partitionText)}: expected I/N with 0 ≤ I < N, such as 0/4 (partition 0 of 4)`,
      )
      return EXIT.usage
    }
    if (partition !== undefined && format !== 'partial') {
      Output.error(
        inv,
        '--partition replays one share of the cases: write it with --report partial, then merge the partitions with docket merge',
      )
      return EXIT.usage
    }
    const source = Source.ofInvocation(inv, 'replay')
    if (E.isLeft(source)) {
      Output.error(inv, source.left)
      return EXIT.usage
    }
    const until = Args.str(inv, 'until')
    if (until !== undefined && source.right._tag !== 'Store') {
      Output.error(inv, '--until cuts the log of a store: give --store URL (a file is read whole)')
      return EXIT.usage
    }
    const setup = Evaluation.setup(inv)
    if (E.isLeft(setup)) {
      Output.error(inv, setup.left)
      return EXIT.usage
    }
    const { options: o, profile, custom } = setup.right
    const fromStore = source.right._tag === 'Store'
    if (partition !== undefined && partition.count > 1) {
      if (fromStore && o.asOf === undefined && o.knownAt === undefined) {
        Output.error(
          inv,
          '--partition of a store: give --as-of or --known-at, the same for every partition (each machine reads only its own cases, so none knows the latest occurredAt of the whole store)',
        )
        return EXIT.usage
      }
    }
    const refused = ReportOutput.refusal(format, o.whatIf ?? [])
    if (refused !== undefined) {
      Output.error(inv, refused)
      return EXIT.usage
    }
    const spillDir = Args.spillDir(inv)
    if (E.isLeft(spillDir)) {
      Output.error(inv, spillDir.left)
      return EXIT.usage
    }
    const options: Report.BuildOptions = {
      profile,
      ...(custom.length === 0 ? {} : { custom }),
      ...(o.asOf === undefined ? {} : { asOf: iso(o.asOf)! }),
      ...(o.knownAt === undefined ? {} : { knownAt: iso(o.knownAt)! }),
      ...(o.from === undefined ? {} : { from: iso(o.from)! }),
      ...(o.to === undefined ? {} : { to: iso(o.to)! }),
      ...(o.policies === undefined ? {} : { policies: o.policies }),
      ...(o.whatIf === undefined ? {} : { whatIf: o.whatIf }),
      ...(spillDir.right === undefined ? {} : { spillDir: spillDir.right }),
      ...(maxOpen === undefined ? {} : { maxOpenCases: maxOpen }),
      // a store's global order is the order; a file must be in recordedAt order per case
      checkOrder: !fromStore,
    }
    // Installed before a store opens: a store read on this thread (a PGlite directory holds a lock)
    // stops at the next event and is closed; workers reading a server's store are told to stop, and
    // each closes its connection before its thread ends. A file is left to end by the signal.
    const stopping = fromStore ? Interrupt.install(inv, 'replay') : undefined
    // one thread keeps its partition of a source read whole (a store sent only its own); workers
    // are always told it, to spread the partition's cases over them
    const share = partition === undefined ? {} : { partition }
    /**
     * Opens the source and builds the report, with whether the source can be read again (a regular
     * file: `Input` reads only those by their lines, `fileLines`); Left: the source's failure.
     */
    const attempt = async (
      sorted: boolean,
    ): Promise<E.Either<string, { readonly built: Built; readonly rereadable: boolean }>> => {
      const input = await Input.open(inv, source.right, {
        ...(partition === undefined ? {} : { storePartition: partition }),
        ...(until === undefined ? {} : { storeUntil: until }),
        ...(spillDir.right === undefined ? {} : { spillDir: spillDir.right }),
        withoutKeys: withoutKeys(settings.right),
        ...(stopping === undefined ? {} : { signal: stopping.signal }),
      })
      if (E.isLeft(input)) return E.left(Source.describe(input.left))
      // sorted, an event keeps its input line (a replay error names it, not its rank in the sort)
      const inputLine = input.right.line
      const sortedEvents =
        sorted && inputLine !== undefined
          ? Spill.sortLined(
              input.right.events,
              inputLine,
              spillDir.right === undefined ? {} : { dir: spillDir.right },
            )
          : undefined
      const events =
        sortedEvents ??
        (sorted
          ? Spill.sort(input.right.events, spillDir.right === undefined ? {} : { dir: spillDir.right })
          : input.right.events)
      const line = sorted ? sortedEvents?.line : inputLine
      const onProgress = Args.flag(inv, 'quiet')
        ? undefined
        : Progress.make({
            write: (s) => inv.stderr.write(s),
            tty: inv.stderr.isTTY === true,
            position: input.right.position,
          })
      const run: Report.BuildOptions = {
        ...options,
        ...(input.right.cut === undefined ? {} : { until: input.right.cut }),
        ...(onProgress === undefined ? {} : { onProgress }),
      }
      // on workers, a file's lines are decoded by the workers (which read cases back from the file), a
      // server's store is read by each worker (its partition of one cut); sorted or stored events go decoded
      const sharedStore = sorted ? undefined : input.right.sharedStore
      const lines = sorted ? undefined : input.right.lines
      const fileLines = sorted ? undefined : input.right.fileLines
      // the reading thread of workers notes the lines' ids, as `events` notes the events it yields
      const ids = input.right.ids === undefined ? {} : { ids: input.right.ids }
      // sorted events come from the spill files, which cannot be read back by the source's handles
      const readBack = sorted ? undefined : input.right.readBack
      let built: Built
      try {
        built =
          workers === 1
            ? await Report.build(events, {
                ...run,
                ...(fromStore ? {} : share),
                ...(readBack === undefined ? {} : { readBack }),
                ...(line === undefined ? {} : { line }),
              })
            : await Report.buildOnWorkers(
                sharedStore ??
                  (fileLines !== undefined
                    ? { _tag: 'FileLines', ...fileLines, ...ids }
                    : lines === undefined
                      ? { _tag: 'Events', events, ...(line === undefined ? {} : { line }) }
                      : { _tag: 'Lines', batches: lines, ...ids }),
                { ...run, ...share, workers, ...(stopping === undefined ? {} : { signal: stopping.signal }) },
              )
        // once the whole input is read and replayed, before any report is written: an id in two
        // cases (a replay stopped early has not read every line, and its own failure comes first)
        const twice =
          E.isRight(built) && input.right.failure() === undefined ? input.right.ids?.check() : undefined
        if (twice !== undefined) return E.left(`${Source.label(source.right)}: ${GlobalIds.describe(twice)}`)
      } catch (e) {
        // a case read back from a file written since it was opened (in this thread or a worker's):
        // bad input, as a bad line is, not a bug
        if (FileLines.isChanged(e))
          return E.left(`${e.message}: replay a copy that nothing writes to\nNothing was written.`)
        throw e
      } finally {
        await input.right.close()
      }
      const failure = input.right.failure()
      return failure === undefined
        ? E.right({ built, rereadable: input.right.fileLines !== undefined })
        : E.left(`${Source.describe(failure, source.right)}\nNothing was written.`)
    }
    const sortAsked = Args.flag(inv, 'sort')
    let attempted: Awaited<ReturnType<typeof attempt>>
    try {
      attempted = await attempt(sortAsked)
      // any file of events.md is a source: a regular file out of order is read again, sorted
      const first = E.isRight(attempted) ? attempted.right : undefined
      const unordered = first !== undefined && E.isLeft(first.built) ? first.built.left : undefined
      if (unordered?._tag === 'OutOfOrder' && !sortAsked && first?.rereadable === true) {
        if (!Args.flag(inv, 'quiet'))
          inv.stderr.write(
            `${Source.label(source.right)}: event ${unordered.eventId} (${Replay.where(unordered)}) of case ${unordered.caseId} was recorded before the previous event of that case; replaying the file sorted, as --sort does (give --sort to skip this first pass)\n`,
          )
        attempted = await attempt(true)
      }
    } finally {
      stopping?.release()
    }
    // the store is closed: a report of a read cut short is not written
    if (stopping?.signal.aborted === true)
      return Interrupt.stopped(inv, 'replay', stopping, 'the store is closed; no report was written')
    if (E.isLeft(attempted)) {
      Output.error(inv, attempted.left)
      return EXIT.usage
    }
    const built = attempted.right.built
    if (E.isLeft(built)) {
      const f = built.left
      Output.error(
        inv,
        f._tag === 'OutOfOrder' || f._tag === 'DuplicateId'
          ? `${Source.label(source.right)}: ${Replay.describe(f)}`
          : `${f._tag === 'BadLine' ? await Input.everyBadLine(inv, source.right, f.error) : Source.describe(f, source.right)}\nNothing was written.`,
      )
      return EXIT.usage
    }
    const report = built.right
    const undated = Evaluation.undated(Source.label(source.right), report.asOf, o)
    // a warning, not progress: --quiet keeps it (a scripted replay would otherwise get a 1970 report in silence)
    if (undated !== undefined) Output.warn(inv, undated)
    return ReportOutput.write(inv, report, settings.right, {
      providerType: profile.providerType?.kind ?? null,
      // a store read by partition sees only its cases' events; a file (or a whole store) sees all
      share: {
        partition: partition ?? { index: 0, count: 1 },
        wholeLog: !(fromStore && partition !== undefined && partition.count > 1),
      },
    })
  },
}
