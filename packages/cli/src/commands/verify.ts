/**
 * `docket verify --store URL [--until POSITION] [--head N:DIGEST] [--checkpoint] [--format text|json]`:
 * walks the stored history and checks every case stream's hash chain and
 * every global checkpoint (`Integrity.verify`). Exit 0 with the chain head
 * when intact; exit 1 naming the first event whose content, order or
 * presence was altered, with its log position (`--until` reaches it there);
 * exit 2 on bad usage or a store that cannot be read.
 *
 * It reads one cut of the log (`Store.cut`: its end when the command starts,
 * or `--until`) and prints that position with the head: the `--until` and
 * `--head` of a report split across machines over a store still written to.
 *
 * `--head` checks the history against a chain head kept elsewhere (the
 * `integrity` of a report's stamp): it catches events removed from the end
 * of the log, which no chain inside the log can show. `--checkpoint` writes a
 * global checkpoint after a successful verification. It is not what the
 * chain proves that this command changes: see docs/security.md. SIGINT or
 * SIGTERM stops the read at the next event, closes the store and exits 130 or
 * 143 with no verdict (`internal/interrupt.ts`), saying whether the cut was
 * read whole (the signal came after its last event) or cut short; but a
 * failure found before the stop is the cut's first, which reading on cannot
 * change, so it is reported as without the signal (exit 1), the stop said.
 */
import { systemClock } from '@docket/adapters'
import { Clock, type EventStore, Integrity } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import { type Command, EXIT } from '../Command.js'
import * as Args from '../internal/args.js'
import * as Interrupt from '../internal/interrupt.js'
import * as Store from '../internal/store.js'
import * as Output from '../Output.js'
import * as HeadMismatch from '../internal/headMismatch.js'

/** An empty log's events. */
async function* noEvents(): AsyncGenerator<never> {}

/**
 * The first word of a failed check: `UNSEALED` for an event with no seal at all (nothing to check
 * it against: written around the library, or before sealing), `ALTERED` for every other problem.
 */
const headline = (failure: Integrity.Failure): string =>
  failure.problem === 'unsealed' ? 'UNSEALED' : 'ALTERED'

/** The event a failure names: its id, and its log position when known. */
const failingEvent = (f: Integrity.Failure): string =>
  `event ${f.eventId}${f.position === undefined ? '' : `, position ${f.position}`}`

const UNSEALED_HINT =
  "An unsealed event was written without Docket's seal: by a store opened unsealed (PostgresEventStore.make without seal: true, openStore with seal: false), before sealing existed, or around the library. To adopt sealing, copy the store into a new one (docs/security.md).\n"

/** Dependencies the command can be given (tests pass their own signal, and see the read). */
export interface Deps {
  /** Stops the verification, as SIGINT or SIGTERM do; by default those signals. */
  readonly signal?: AbortSignal
  /** The events of the cut as the verification reads them, from the store's (default: as they are). */
  readonly read?: (events: AsyncIterable<EventStore.StoredEvent>) => AsyncIterable<EventStore.StoredEvent>
}

/** Builds the `verify` command over the given dependencies. */
export const make = (deps: () => Deps): Command => ({
  name: 'verify',
  summary: 'Check the integrity of the stored history (hash chains and checkpoints).',
  usage: 'verify --store URL [--until POSITION] [--head N:DIGEST] [--checkpoint] [--format text|json]',
  options: [
    {
      name: 'store',
      value: 'URL',
      kind: 'string',
      description:
        'The store to check: memory:, pglite:<dir>, pglite:memory, postgres://…, esdb://…, kurrentdb://….',
    },
    {
      name: 'until',
      value: 'POSITION',
      kind: 'string',
      description:
        'Check the log no further than this position (one it printed before: an end it checked, or a failing event’s): the head of that cut.',
    },
    {
      name: 'head',
      value: 'N:DIGEST',
      kind: 'string',
      description:
        'A chain head kept elsewhere (a report stamp’s integrity: events:digest); the history must match it.',
    },
    {
      name: 'checkpoint',
      kind: 'flag',
      description: 'After a successful check, store a global checkpoint of the chain head.',
    },
    {
      name: 'format',
      value: 'text|json',
      kind: 'string',
      description: 'Output format on standard output (default text).',
    },
  ],
  examples: [
    'docket verify --store pglite:.docket',
    'docket verify --store postgres://postgres@127.0.0.1:5432/test --format json',
    'docket verify --store pglite:.docket --head 42:<digest from a report> --checkpoint',
    'docket verify --store postgres://postgres@127.0.0.1:5432/test --until 812345',
  ],
  run: async (inv) => {
    const url = Args.str(inv, 'store')
    const usage = (m: string): number => {
      Output.error(inv, `${m}\nRun docket verify --help for usage.`)
      return EXIT.usage
    }
    if (url === undefined) return usage('missing --store URL (the store to check)')
    if (inv.positionals.length > 0) return usage(`unexpected argument ${inv.positionals[0]}`)
    const format = Args.str(inv, 'format') ?? 'text'
    if (format !== 'text' && format !== 'json') {
      return usage(`--format ${JSON.stringify(format)}: expected text or json`)
    }
    const headText = Args.str(inv, 'head')
    const expect = headText === undefined ? undefined : Args.chainHead(headText)
    if (headText !== undefined && expect === undefined) {
      return usage(`--head ${JSON.stringify(headText)}: expected <events>:<64 hex digits>`)
    }
    const until = Args.str(inv, 'until')
    if (until !== undefined && Args.flag(inv, 'checkpoint'))
      return usage('--checkpoint seals the whole log: not with --until')
    const d = deps()
    // installed before the store opens: a signal meanwhile lets the open finish, then closes it
    const stopping = Interrupt.install(inv, 'verify', d.signal)
    const stopped = (what: string): number => Interrupt.stopped(inv, 'verify', stopping, what)
    // the signal cancels what the store runs (a wait for a lock): a failure after it is the interrupt's
    const failed = (message: string): number => {
      if (stopping.signal.aborted)
        return stopped('while waiting for the store: it is closed; no verdict, nothing stored')
      Output.error(inv, message)
      return EXIT.usage
    }
    const opened = await Store.open(url, inv, { existing: true, signal: stopping.signal })
    if (E.isLeft(opened)) {
      stopping.release()
      return failed(opened.left)
    }
    const store = opened.right
    try {
      const early = await Interrupt.stoppedOpening(inv, 'verify', stopping, Store.redact(url), 'verified')
      if (early !== undefined) return early
      const cut = await Store.cut(store, until)
      if (E.isLeft(cut)) return failed(until === undefined ? Store.readFailure(url, cut.left) : cut.left)
      const position = cut.right ?? null
      const counts = await Integrity.checkpointCounts(store)()
      if (E.isLeft(counts))
        return failed(`cannot read ${Store.redact(url)}: ${Store.describeError(counts.left)}`)
      // one cut: what is appended while the log is read is left for the next verification (read
      // when iterated, so that a store's failure to start it is caught below)
      const cutEvents: AsyncIterable<EventStore.StoredEvent> =
        position === null
          ? noEvents()
          : { [Symbol.asyncIterator]: () => store.readAll({ until: position })[Symbol.asyncIterator]() }
      const read = Interrupt.reading(stopping.signal, d.read === undefined ? cutEvents : d.read(cutEvents))
      let report: Integrity.Report
      try {
        report = await Integrity.verify(read.items, {
          checkpointCounts: counts.right,
          ...(expect === undefined ? {} : { expect }),
        })
      } catch (e) {
        return failed(Store.readFailure(url, e))
      }
      // the report of a read cut short says nothing of the log (a failure then may only say that the
      // unread events are missing): none is given, no checkpoint stored; a signal after the last event
      // cut nothing, but the command was still asked to stop. A failure found in a read not cut short
      // is the cut's first, which no event after it changes: it is never withheld
      if (stopping.signal.aborted) {
        if (read.cut())
          return stopped(
            `after reading ${report.events} event(s), before the end of the cut: nothing was verified and no checkpoint stored`,
          )
        if (report.ok)
          return stopped(
            `read all ${report.events} event(s) of the cut${position === null ? '' : ` (to position ${position})`}; stopped before the verdict: none is given and no checkpoint stored`,
          )
        stopped(
          `after finding a failure (${failingEvent(report.failure!)}): it stands, the first of the cut whatever follows it, and is reported as without the signal (exit ${EXIT.finding}); no checkpoint stored`,
        )
      }
      let checkpoint: Integrity.ChainHead | null = null
      if (report.ok && Args.flag(inv, 'checkpoint')) {
        const written = await Integrity.checkpoint(store, Clock.nowIso(systemClock))()
        if (E.isLeft(written)) {
          Output.error(inv, `checkpoint not written: ${Store.describeError(written.left)}`)
          return EXIT.usage
        }
        checkpoint = written.right
      }
      const given = report.failure?.expected
      const text =
        format === 'json'
          ? `${JSON.stringify({ ok: report.ok, events: report.events, streams: report.streams, head: report.head, position, failure: report.failure, checkpoint }, null, 2)}\n`
          : given !== undefined
            ? HeadMismatch.describe(given, report.head)
            : report.ok
              ? `intact: ${report.events} sealed event(s) in ${report.streams} stream(s)\nhead: ${report.head.events}:${report.head.digest}\nposition: ${position ?? 'none (empty log)'}\n${checkpoint === null ? '' : 'checkpoint stored\n'}`
              : `${headline(report.failure!)}: ${Integrity.describeFailure(report.failure!)}\n` +
                // a checkpoint mismatch may name an event its own count includes: "before it" would be off by one
                `(the ${report.events} event(s) ${report.failure!.problem === 'checkpoint_mismatch' ? 'read verify one by one' : 'before it verify'}; ` +
                `their head: ${report.head.events}:${report.head.digest})\n` +
                (report.failure!.problem === 'unsealed' ? UNSEALED_HINT : '')
      const written = await Output.emit(inv, undefined, text)
      if (E.isLeft(written)) {
        Output.error(inv, Output.describe(written.left))
        return EXIT.usage
      }
      if (!report.ok)
        Output.error(
          inv,
          given !== undefined
            ? `integrity check failed: ${HeadMismatch.summary(given, report.head)}`
            : `integrity check failed: ${Integrity.describeFailure(report.failure!)}`,
        )
      return report.ok ? EXIT.ok : EXIT.finding
    } finally {
      await store.close()
      stopping.release()
    }
  },
})

/** The `verify` command, stopped by SIGINT and SIGTERM. */
export const command: Command = make(() => ({}))
