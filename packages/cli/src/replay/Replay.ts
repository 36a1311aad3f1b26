/**
 * Replay: the streaming engine behind `docket replay`. It reads an event
 * history once, groups it by case, evaluates each case's obligations with the
 * core engine and extracts the facts reports need, holding in memory a bounded
 * number of open cases (the rest waits on disk).
 *
 * Order. A store is read in its global log order, which is taken as it comes
 * (`checkOrder: false`: an import may record old events after newer ones). A
 * JSON Lines file must be in
 * `recordedAt` order within each case (file order breaks ties, and events
 * without a `recordedAt` of their own are taken in file order); an event
 * recorded before the previous event of its case is an `OutOfOrder` error
 * naming both, unless the caller sorts the input first (`Spill.sort`, spill
 * to disk). An event id is stored once, with one content (events.md), so an
 * event repeating an earlier one of its case is left out, as a store's append
 * leaves it, and one giving its id another content is a `DuplicateId` error.
 *
 * Making room. When more than `maxOpenCases` cases are held, the least
 * recently active leave memory until half of them remain. A closed case (its
 * last life-cycle event is `CaseClosed`) whose result is final is dropped:
 * judged at the current instant (the fixed `asOf` or `knownAt`, or the latest
 * `occurredAt` read so far), its result is kept and its history moves to a disk
 * archive (`Spill.archive`), or, when the source can read its events back
 * (`Options.readBack`), only their handles do. Final means, when `asOf` is not fixed, no
 * obligation `pending` or `paused` and, if an escalation was raised, the same
 * result judged ten years later (no escalation still climbing its ladder;
 * `CaseEvaluation.wakeAt` usually answers without that second judgment). Any
 * other case is parked: its history moves to the archive. A closed case with a
 * clock still running (a six-month appeal window) is parked with the result it
 * was judged to have as it left, recorded like a final one and holding until
 * its `wakeAt`; other parked cases are not judged as they leave. Most cases are
 * thus judged once: when they leave memory closed, or at the end; a case is
 * judged twice only when its recorded result no longer holds at the end (a
 * clock fell due in between, or no `wakeAt` was given). Judging a case only
 * once it is idle, rather than as soon as it closes, keeps it to once: just
 * after closing, most cases are still within their short deadlines.
 *
 * Coming back. A later event of a parked case brings it back as it left (no
 * reopening counted; a result recorded as it left is taken back, counts
 * included); a parked case with no later event is judged at the end from the
 * archive, unless its recorded result still holds. A later event of a dropped
 * case (a `CaseReopened`, a late appeal, an authority's request) brings its
 * history back too: the case is open again, is evaluated anew, and the report
 * counts the reopening.
 * `stats.maxOpenCases` counts the cases held in memory.
 *
 * Finished cases. The result of a dropped case (obligations, escalations,
 * facts) is not kept in memory either: results are held up to `maxDoneCases`,
 * then written to disk in runs sorted by case id (`Spill.runs`), which
 * `Result.cases` merges each time it is read. Memory is therefore bounded by
 * the open cases and these budgets, not by the number of cases; the summary
 * and counts are kept exact as results come and go (a reopened case takes its
 * earlier result's counts back).
 *
 * Not here: the rules (`@docket/policies`), the clocks (`@docket/core`), the
 * formats (`reports/`).
 */
import type { DocketEvent, Obligation, Recorded } from '@docket/core'
import {
  Escalation as CoreEscalation,
  Envelope,
  EventStore,
  Evaluation,
  Integrity,
  ObligationQuery,
  Timestamp,
} from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import * as Facts from './Facts.js'
import * as Spill from './Spill.js'

// model

/** An escalation in a case's evaluation (`evaluate --format json`). */
export interface Escalation {
  readonly escalationId: string
  readonly level: number
  readonly reason: string
  readonly at: string
  readonly obligationId: string | null
}

/** What the core engine says about one case at `asOf`. */
export interface CaseEvaluation {
  readonly obligations: ReadonlyArray<Obligation.Obligation>
  readonly escalations: ReadonlyArray<Escalation>
  /**
   * The first instant (epoch ms) after `asOf` at which judging the same history could give a
   * different evaluation (a clock falls due, a warning or target passes, an escalation climbs,
   * an event of the history becomes visible), or `null` when only a new event can change it.
   * Absent when unknown: the replay then judges the case ten years later to learn whether its
   * result is final. It is never part of a report.
   */
  readonly wakeAt?: () => number | null
}

/**
 * Evaluates one case's history (stream order) at `asOf`. The command binds
 * rules, profile, `knownAt`, policies and `whatIf` into it; `null` means the
 * case is outside the report (for example outside `--from/--to`).
 */
export type EvaluateCase = (
  caseId: string,
  history: ReadonlyArray<DocketEvent>,
  asOf: string,
) => CaseEvaluation | null

/** One case in the report. */
export interface CaseResult extends CaseEvaluation {
  readonly caseId: string
  readonly facts: Facts.Facts
}

/** Counts of `evaluate --format json`'s `summary` (the core's). */
export type Summary = Evaluation.Summary

/** How the replay went (deterministic: no timings). */
export interface Stats {
  readonly events: number
  /** Events left out by `--known-at` (recorded after it). */
  readonly unknownAtKnownAt: number
  readonly cases: number
  /** Cases whose state was dropped after closing with no open clock. */
  readonly dropped: number
  /** Dropped cases brought back by a later event. */
  readonly reopened: number
  /** The most cases held in memory at once. */
  readonly maxOpenCases: number
}

/** The replay's result, before any format. */
export interface Result {
  readonly asOf: string
  readonly knownAt: string | null
  /**
   * Every case in the report, in `caseId` order (code units), `stats.cases` of them. Not an
   * array: a large replay reads them back from disk each time they are iterated (see the
   * module header), so iterate rather than spread them.
   */
  readonly cases: Iterable<CaseResult>
  /**
   * The same cases, each its id and its JSON text (`JSON.stringify` of the case), in the same
   * order: for a reader that passes cases on without parsing them (worker threads).
   */
  readonly casesJson: Iterable<readonly [string, string]>
  readonly summary: Summary
  readonly stats: Stats
  /** The integrity chain head folded from the events' seals, in read order; `null` when no event is sealed. */
  readonly integrity: Integrity.ChainHead | null
}

/** Progress of a replay, reported every `progressEvery` events and at the end. */
export interface Progress {
  readonly events: number
  /** Cases in memory, or parked on disk with no result recorded. */
  readonly openCases: number
  /** Cases whose result is recorded. */
  readonly doneCases: number
  readonly done: boolean
}

/** Options of {@link run}. */
export interface Options {
  readonly evaluate: EvaluateCase
  /** Judge at this instant; default: the latest `occurredAt` read. */
  readonly asOf?: string
  /** Use only events recorded at or before this instant. */
  readonly knownAt?: string
  /** Directory for the temporary files: the dropped-case archive and the sorted runs of results. */
  readonly spillDir?: string
  readonly onProgress?: (p: Progress) => void
  /**
   * Check that each case's events come in `recordedAt` order (default true). A store's global
   * order is authoritative (an import may record old events after newer ones): pass false.
   */
  readonly checkOrder?: boolean
  readonly progressEvery?: number
  /**
   * Memory budget in open cases (default 10,000): when more are held, the least recently
   * active leave memory until half the budget is held (closed cases whose result is final are
   * dropped, the others parked on disk; see the module header).
   */
  readonly maxOpenCases?: number
  /**
   * Memory budget in finished cases' results (default 5,000; or 8 MiB of their JSON, whichever
   * comes first): when more are held, they are written to disk as a run sorted by case id,
   * merged when `Result.cases` is read.
   */
  readonly maxDoneCases?: number
  /**
   * Seal the results' runs so that another thread can take them (`Spill.detach` of
   * `Result.cases`, then `Spill.adopt`; a replay worker's): default false.
   */
  readonly handOffResults?: boolean
  /**
   * How the source reads its events back, when it can ({@link Source}): a case leaving memory
   * then keeps only its events' handles on disk, and its history is read back from the source
   * when the case returns (a later event, or judging a parked case at the end), instead of being
   * written to disk as JSON each time it leaves (a `remote` source: only the dropped cases).
   */
  readonly readBack?: ReadBack
}

/**
 * A source's way to read its events back. Most cases that leave memory never return, so keeping
 * their handles (numbers) instead of their histories saves writing every history to disk.
 */
export interface ReadBack {
  /** The handle of the event the source yielded last: a number it can read that event back by. */
  readonly handle: () => number
  /**
   * The events of `caseId` with these handles, in the order given, equal to those yielded.
   * Rejects when they cannot be read back (the source changed since, or a store failed).
   */
  readonly read: (caseId: string, handles: ReadonlyArray<number>) => Promise<ReadonlyArray<Recorded>>
  /**
   * Each read is a round trip to a server (a store). The replay then keeps only the handles of
   * dropped cases, which seldom return, and archives the histories of parked cases, which often
   * do (reading each of those back cost more than archiving it: docs/performance.md).
   */
  readonly remote?: boolean
}

/** A replay source that can read its events back: `events` for `Replay.run`, `readBack` for its options. */
export interface Source {
  readonly events: AsyncIterable<Recorded>
  readonly readBack: ReadBack
}

/** An event recorded before the previous event of its case. */
export interface OutOfOrder {
  readonly _tag: 'OutOfOrder'
  /** 1-based position of the event in the input. */
  readonly position: number
  readonly caseId: string
  readonly eventId: string
  readonly recordedAt: string
  readonly previousEventId: string
  readonly previousRecordedAt: string
}

/** An event giving the id of an earlier event of its case another content (events.md: an `IdempotencyConflict`). */
export interface DuplicateId {
  readonly _tag: 'DuplicateId'
  /** 1-based position of the event in the input. */
  readonly position: number
  readonly caseId: string
  readonly eventId: string
}

/** A replay's expected failure. */
export type ReplayError = OutOfOrder | DuplicateId

// operations

/** The events of a store in its global order, as a replay source. */
export const fromStore = (store: EventStore.EventStore): AsyncIterable<Recorded> => storeSource(store).events

/**
 * The events of a store in its global order, read back by their stream revision
 * (`EventStore.readAll` with `read`: a `partition` reads only its cases' events, `until` no
 * further than a cut; `EventStore.readStream` reads back, one round trip per case read: a
 * `remote` read-back). The store must stay open until the replay ends.
 */
export const storeSource = (
  store: EventStore.EventStore,
  read: Pick<EventStore.ReadAllOptions, 'partition' | 'until'> = {},
): Source => {
  let revision = -1
  return {
    events: {
      async *[Symbol.asyncIterator]() {
        for await (const s of store.readAll(read)) {
          revision = s.revision
          yield s.event
        }
      },
    },
    readBack: {
      handle: () => revision,
      read: async (caseId, revisions) => {
        const read = await store.readStream(caseId)()
        if (read._tag === 'Left')
          throw new Error(`reading case ${caseId} back from the store: ${EventStore.describe(read.left)}`)
        const byRevision = new Map(read.right.map((s) => [s.revision, s.event]))
        return revisions.map((r) => {
          const e = byRevision.get(r)
          if (e === undefined)
            throw new Error(`reading case ${caseId} back from the store: its event at revision ${r} is gone`)
          return e
        })
      },
      remote: true,
    },
  }
}

/** Events already in memory, as a replay source read back by their index: nothing is archived. */
export const fromEvents = (events: ReadonlyArray<Recorded>): Source => {
  let index = -1
  return {
    events: {
      async *[Symbol.asyncIterator]() {
        for (index = 0; index < events.length; index++) yield events[index]!
      },
    },
    readBack: {
      handle: () => index,
      read: async (_caseId, handles) => handles.map((i) => events[i]!),
    },
  }
}

/** A one-line explanation of a replay error. */
export const describe = (e: ReplayError): string =>
  e._tag === 'DuplicateId'
    ? `event ${e.eventId} (input position ${e.position}) of case ${e.caseId} gives the id of an earlier event of that ` +
      'case other content: an event id is stored once, with one content (an IdempotencyConflict, as an import ' +
      'of the input would refuse it). Nothing was written.'
    : describeOrder(e)

const describeOrder = (e: OutOfOrder): string =>
  `event ${e.eventId} (input position ${e.position}) of case ${e.caseId} was recorded at ${e.recordedAt}, ` +
  `before the previous event of that case (${e.previousEventId}, ${e.previousRecordedAt}): the input must be in ` +
  'recordedAt order within each case. Sort it with --sort (spills to disk), or export it from a store.'

/** The `summary` of a set of obligations, as `evaluate --format json` counts it. */
export const summarize = (obligations: Iterable<Obligation.Obligation>): Summary =>
  Evaluation.summarise(obligations)

/**
 * The core engine as an {@link EvaluateCase}: `Evaluation.evaluateCase` with the
 * given options at each `asOf`, and `from`/`to` applied to the first event
 * visible at `asOf` (as `Evaluation.evaluate` does). One `Evaluation.judge`
 * reads each event's instants once per judgment.
 */
export const fromCore = (options: Evaluation.Options): EvaluateCase => {
  const hook = options.escalate
  // The escalations are computed when first read: a drop reads only the obligations of a
  // case whose clocks still run. The hook's input is the engine's own snapshot (a fresh array
  // of the visible events and the obligations), so reading later gives the same answer; it is
  // taken, and cleared, after each judgment, which sets it (the engine calls its hook once per case). The
  // options are bound once: `{ ...options, asOf }` per case cost 1–3 µs on Node 20 (a new key after a spread).
  let input: Evaluation.EscalationInput | undefined
  const judge = Evaluation.judge(
    hook === undefined
      ? options
      : {
          ...options,
          escalate: (i) => {
            input = i
            return []
          },
        },
  )
  return (caseId, history, asOf) => {
    const j = judge(caseId, history, asOf)
    if (j === null) return null
    const r = j.report
    // the next instant the evaluation could change: an event becomes visible, a clock or a
    // warning falls due, or (`escalates`) an escalation climbs
    const wakeOf = (
      obligations: ReadonlyArray<Obligation.Obligation>,
      escalates: () => number | null = () => null,
    ): (() => number | null) =>
      once(() =>
        orNull(
          Math.min(
            j.nextVisibleMs() ?? Infinity,
            ObligationQuery.nextWakeAt(obligations, j.asOfMs) ?? Infinity,
            escalates() ?? Infinity,
          ),
        ),
      )
    if (hook === undefined)
      return { obligations: r.obligations, escalations: r.escalations, wakeAt: wakeOf(r.obligations) }
    const seen = input
    input = undefined
    if (hook !== CoreEscalation.escalate || seen === undefined)
      return new Lazy(
        r.obligations,
        once(() => (seen === undefined ? [] : hook(seen))),
      )
    // core's own hook: its summary and its next wake-up from one plan (`Escalation.outlook`),
    // as `Escalation.escalate` would build its input
    const look = once(() => CoreEscalation.outlook(CoreEscalation.inputOf(seen), seen.asOfMs))
    return new Lazy(
      r.obligations,
      () => look().summary,
      wakeOf(r.obligations, () => look().nextWakeAt),
    )
  }
}

/**
 * An evaluation whose escalations are computed when first read. A class, not an object literal
 * with a getter: such a literal gets a hidden class of its own, allocated in the old generation,
 * whose accessor keeps the case's closures (and its whole evaluation) alive through every young
 * collection, so each case's garbage was promoted and the replay spent a third of its time in
 * the scavenger.
 */
class Lazy implements CaseEvaluation {
  readonly #escalations: () => ReadonlyArray<Escalation>
  readonly wakeAt: (() => number | null) | undefined
  constructor(
    readonly obligations: ReadonlyArray<Obligation.Obligation>,
    escalations: () => ReadonlyArray<Escalation>,
    wakeAt?: () => number | null,
  ) {
    this.#escalations = escalations
    this.wakeAt = wakeAt
  }
  get escalations(): ReadonlyArray<Escalation> {
    return this.#escalations()
  }
}

const once = <A>(f: () => A): (() => A) => {
  let done = false
  let value: A
  return () => {
    if (!done) {
      value = f()
      done = true
    }
    return value
  }
}

const orNull = (ms: number): number | null => (ms === Number.POSITIVE_INFINITY ? null : ms)

/** How long a case's history grows before its ids are kept in a `Set` (scanned below it). */
const ID_SET_FROM = 16

/** Whether the case already holds an event of id `id`. */
const holdsId = (c: OpenCase, id: string): boolean => {
  if (c.ids !== undefined) return c.ids.has(id)
  for (const x of c.history) if (x.id === id) return true
  return false
}

/** Notes that the case now holds an event of id `id` (before it joins the history). */
const noteId = (c: OpenCase, id: string): void => {
  if (c.ids !== undefined) c.ids.add(id)
  else if (c.history.length + 1 >= ID_SET_FROM) c.ids = new Set([...c.history.map((x) => x.id), id])
}

/** A case held in memory: its history so far and the order check's state. */
interface OpenCase {
  history: DocketEvent[]
  /**
   * The ids of `history`'s events once it holds {@link ID_SET_FROM} or more (a repeated id is then
   * looked up in the history only); a shorter history, most cases', is scanned instead.
   */
  ids: Set<string> | undefined
  /** The source's handles of `history`'s events, when it reads them back (`Options.readBack`). */
  handles: number[] | undefined
  last: number
  lastId: string
  lastText: string
  closed: boolean
  /** Input position of the case's latest event (the least recently active leave memory first). */
  seen: number
}

/** What a parked case keeps beside its history in the archive: the order check's state, and whether it was judged as it left. */
interface Parked {
  readonly last: number | null
  readonly lastId: string
  readonly lastText: string
  readonly closed: boolean
  /**
   * Set when the case was judged as it left memory: that result is recorded (these are its
   * counts), and `parked` holds the instant until which it holds.
   */
  readonly judged?: { readonly own: Summary | null }
  /** The source's handles of the archived history (a `remote` read-back: the history is archived, and so are they). */
  readonly handles?: ReadonlyArray<number>
}

/** A case's history as kept while it is out of memory: its events, and their handles when the source reads them back. */
interface Kept {
  readonly history: ReadonlyArray<DocketEvent>
  readonly handles: ReadonlyArray<number> | undefined
}

const NOTHING_KEPT: Kept = { history: [], handles: undefined }

/** The order check's state of a case with no event yet. */
const NEW_CASE: Parked = { last: null, lastId: '', lastText: '', closed: false }

/** The report's line for a case (built field by field: an evaluation's `wakeAt` stays out). */
const caseResult = (caseId: string, ev: CaseEvaluation, history: ReadonlyArray<DocketEvent>): CaseResult => ({
  caseId,
  obligations: ev.obligations,
  escalations: ev.escalations,
  facts: Facts.extract(caseId, history),
})

/**
 * The events of a history that occurred by `cutMs` (`--as-of`: the report uses "the events that
 * occurred by T", its facts as its obligations); the history itself when all of them did.
 */
const occurredBy = (history: ReadonlyArray<DocketEvent>, cutMs: number): ReadonlyArray<DocketEvent> =>
  history.some((e) => Timestamp.toMillis(e.occurredAt) > cutMs)
    ? history.filter((e) => Timestamp.toMillis(e.occurredAt) <= cutMs)
    : history

const isOpen = (e: CaseEvaluation | null): boolean =>
  e?.obligations.some((o) => o.status === 'pending' || o.status === 'paused') === true

/** How far ahead `settled` looks: past any escalation ladder or legal period. */
const LATER_MS = 10 * 366 * 24 * 3_600_000

const recordedMs = (e: DocketEvent): number => Timestamp.toMillis(e.recordedAt ?? e.occurredAt)

/** Replays a history (see the module header for order and memory). */
export const run = async (
  source: AsyncIterable<Recorded>,
  options: Options,
): Promise<E.Either<ReplayError, Result>> => {
  const knownAt = options.knownAt === undefined ? undefined : Timestamp.toMillis(options.knownAt)
  // a fixed instant (`asOf`, else `knownAt`) cuts the facts too; the latest occurredAt cuts nothing
  const factsCut = options.asOf !== undefined ? Timestamp.toMillis(options.asOf) : knownAt
  const every = options.progressEvery ?? 10_000
  const budget = options.maxOpenCases ?? 10_000
  const open = new Map<string, OpenCase>()
  // open cases whose history waits in the archive (see `park`), each with the instant until
  // which the result recorded as it left holds (-Infinity when none was)
  const parked = new Map<string, number>()
  // parked cases whose result is recorded (counted done, not open)
  let parkedDone = 0
  const results = Spill.runs<CaseResult>({
    ...(options.spillDir === undefined ? {} : { dir: options.spillDir }),
    ...(options.maxDoneCases === undefined ? {} : { runSize: options.maxDoneCases }),
    ...(options.handOffResults === true ? { handOff: true } : {}),
  })
  // A case leaving memory keeps its history on disk, or only its events' handles when the source
  // reads them back (most cases never return); a remote source's parked cases, which often do,
  // keep their history (and their handles in their note).
  const readBack = options.readBack
  const archive = Spill.archive<DocketEvent | number>(options.spillDir)
  const byHandles = (parkedCase: boolean): boolean =>
    readBack !== undefined && !(parkedCase && readBack.remote === true)
  const keep = (caseId: string, state: OpenCase, note: string, parkedCase: boolean): void =>
    archive.put(caseId, byHandles(parkedCase) ? state.handles! : state.history, note)
  /** The history (and handles) of a case taken back from the archive, with its note when it was parked. */
  const historyOf = async (
    caseId: string,
    back: Spill.Archived<DocketEvent | number>,
    parkedNote: Parked | undefined,
  ): Promise<Kept> => {
    if (!byHandles(parkedNote !== undefined))
      return { history: back.history as ReadonlyArray<DocketEvent>, handles: parkedNote?.handles }
    const handles = back.history as ReadonlyArray<number>
    return { history: await readBack!.read(caseId, handles), handles }
  }
  // the summary and case count of the results put, less those of cases reopened since
  const summary = counts()
  let caseCount = 0
  let doneCases = 0
  /** Records a finished case's result (it replaces any earlier one); returns its counts, `null` when outside the report. */
  const finish = (
    caseId: string,
    history: ReadonlyArray<DocketEvent>,
    ev: CaseEvaluation | null,
  ): Summary | null => {
    const r =
      ev === null
        ? null
        : caseResult(caseId, ev, factsCut === undefined ? history : occurredBy(history, factsCut))
    results.put(caseId, r)
    doneCases++
    if (r === null) return null
    const own = Evaluation.summarise(r.obligations)
    add(summary, own, 1)
    caseCount++
    return own
  }
  /** Takes back the counts of a result recorded earlier, which will be recorded again. */
  const unfinish = (own: Summary | null): void => {
    doneCases--
    if (own === null) return
    add(summary, own, -1)
    caseCount--
  }
  let events = 0
  let unknown = 0
  let dropped = 0
  let reopened = 0
  let maxOpen = 0
  let latest = Number.NEGATIVE_INFINITY
  let latestText: string | undefined
  const sealed = Integrity.chain()
  let position = 0
  const progress = (final: boolean): void =>
    options.onProgress?.({
      events: position,
      openCases: open.size + parked.size - parkedDone,
      doneCases,
      done: final,
    })
  // A case back in memory at the current input position, with its order check's state.
  const openCase = ({ history, handles }: Kept, p: Parked): OpenCase => ({
    history: [...history],
    ids: history.length >= ID_SET_FROM ? new Set(history.map((x) => x.id)) : undefined,
    handles: readBack === undefined ? undefined : [...(handles ?? [])],
    last: p.last ?? Number.NEGATIVE_INFINITY,
    lastId: p.lastId,
    lastText: p.lastText,
    closed: p.closed,
    seen: position,
  })
  // Archives a case's history with the order check's state (and the counts of its result, when
  // it was judged as it left); the case comes back on its next event, or is judged at the end.
  const park = (
    caseId: string,
    state: OpenCase,
    judgment?: Parked['judged'],
    until = Number.NEGATIVE_INFINITY,
  ): void => {
    const p: Parked = {
      last: Number.isFinite(state.last) ? state.last : null,
      lastId: state.lastId,
      lastText: state.lastText,
      closed: state.closed,
      ...(judgment === undefined ? {} : { judged: judgment }),
      ...(byHandles(true) || state.handles === undefined ? {} : { handles: state.handles }),
    }
    keep(caseId, state, JSON.stringify(p), true)
    parked.set(caseId, until)
    if (judgment !== undefined) parkedDone++
  }
  // A closed case leaving memory is judged at `now`. Its result is final: it is recorded and the
  // case dropped, its history archived in case it reopens. Or it may still change: the result is
  // recorded all the same and the case parked; the end keeps that result if it comes before the
  // result's `wakeAt`, and a later event or a later judgment replaces it.
  const leaveClosed = (caseId: string, state: OpenCase, now: string): void => {
    const history = state.history
    const ev = options.evaluate(caseId, history, now)
    // judged at a fixed instant, a result changes only with a new event (a reopening)
    const fixed = options.asOf !== undefined || options.knownAt !== undefined
    const final = fixed || (!isOpen(ev) && settled(caseId, history, now, ev))
    if (final) {
      keep(caseId, state, JSON.stringify(finish(caseId, history, ev)), false)
      dropped++
    } else if (ev?.wakeAt === undefined) park(caseId, state)
    else park(caseId, state, { own: finish(caseId, history, ev) }, ev.wakeAt() ?? Number.POSITIVE_INFINITY)
  }
  // Makes room (see the module header): the least recently active cases leave memory until half
  // the budget is held; a closed case whose result is final is dropped, any other is parked.
  const evict = (): void => {
    const keep = Math.floor(budget / 2)
    if (open.size <= keep) return
    const now = options.asOf ?? options.knownAt ?? latestText
    const idle = [...open.entries()].sort((a, b) => a[1].seen - b[1].seen)
    for (const [caseId, state] of idle.slice(0, open.size - keep)) {
      open.delete(caseId)
      if (state.closed && now !== undefined) leaveClosed(caseId, state, now)
      else park(caseId, state)
    }
  }
  // A result is settled when judging it much later changes nothing: no clock runs and no
  // escalation is still climbing its ladder.
  const settled = (
    caseId: string,
    history: ReadonlyArray<DocketEvent>,
    asOf: string,
    now: CaseEvaluation | null,
  ): boolean => {
    // With no clock running and no escalation raised, time alone raises none: escalations start
    // from events or from running clocks (core's Escalation rules); the tests compare with the
    // batch engine to keep this true.
    if (now === null || now.escalations.length === 0) return true
    // nothing left to wake for: only an event can change the result
    if (now.wakeAt?.() === null) return true
    const later = options.evaluate(caseId, history, Timestamp.format(Timestamp.toMillis(asOf) + LATER_MS))
    return (
      JSON.stringify(later?.obligations ?? null) === JSON.stringify(now.obligations) &&
      JSON.stringify(later?.escalations ?? null) === JSON.stringify(now.escalations)
    )
  }
  try {
    for await (const e of source) {
      position++
      if (position % every === 0) progress(false)
      if (e.caseId === Integrity.CHECKPOINT_CASE) continue
      const seal = Integrity.sealFrom(e)
      if (seal !== undefined) sealed.fold(seal)
      const rec = recordedMs(e)
      if (knownAt !== undefined && rec > knownAt) {
        unknown++
        continue
      }
      let state = open.get(e.caseId)
      if (state === undefined) {
        const back = archive.take(e.caseId)
        if (back !== undefined && parked.delete(e.caseId)) {
          // a parked case comes back as it left; a result recorded as it left will be replaced
          const p = JSON.parse(back.note) as Parked
          if (p.judged !== undefined) {
            unfinish(p.judged.own)
            parkedDone--
          }
          state = openCase(await historyOf(e.caseId, back, p), p)
        } else if (back !== undefined) {
          reopened++
          // its result will be put again (dropped anew, or judged at the end): its counts go
          unfinish(JSON.parse(back.note) as Summary | null)
          const kept = await historyOf(e.caseId, back, undefined)
          const stamped = kept.history.filter((x) => x.meta?.recordedAtInferred !== true)
          const last = stamped.reduce<DocketEvent | undefined>(
            (m, x) => (m === undefined || recordedMs(x) >= recordedMs(m) ? x : m),
            undefined,
          )
          state = openCase(kept, {
            last: last === undefined ? null : recordedMs(last),
            lastId: last?.id ?? '',
            lastText: last === undefined ? '' : (last.recordedAt ?? last.occurredAt),
            closed: false,
          })
        } else {
          state = openCase(NOTHING_KEPT, NEW_CASE)
        }
        open.set(e.caseId, state)
        if (open.size > maxOpen) maxOpen = open.size
      }
      if (holdsId(state, e.id)) {
        // a repeat is a no-op, as a store's append is; another content is a conflict
        const earlier = state.history.find((x) => x.id === e.id)!
        if (Envelope.fingerprint(earlier) === Envelope.fingerprint(e)) continue
        return E.left({ _tag: 'DuplicateId', position, caseId: e.caseId, eventId: e.id })
      }
      noteId(state, e.id)
      events++
      // an imported event without recordedAt (inferred from occurredAt) is taken in file order
      const inferred = e.meta?.recordedAtInferred === true
      if (options.checkOrder !== false && !inferred && rec < state.last) {
        return E.left({
          _tag: 'OutOfOrder',
          position,
          caseId: e.caseId,
          eventId: e.id,
          recordedAt: e.recordedAt ?? e.occurredAt,
          previousEventId: state.lastId,
          previousRecordedAt: state.lastText,
        })
      }
      if (!inferred && rec >= state.last) {
        state.last = rec
        state.lastId = e.id
        state.lastText = e.recordedAt ?? e.occurredAt
      }
      state.history.push(e)
      state.handles?.push(readBack!.handle())
      const occ = Timestamp.toMillis(e.occurredAt)
      if (occ > latest) {
        latest = occ
        latestText = e.occurredAt
      }
      if (e.type === 'CaseClosed') state.closed = true
      else if (e.type === 'CaseReopened') state.closed = false
      state.seen = position
      if (open.size > budget) evict()
    }
    const asOf = Timestamp.format(
      Timestamp.toMillis(options.asOf ?? options.knownAt ?? latestText ?? '1970-01-01T00:00:00.000Z'),
    )
    const asOfMs = Timestamp.toMillis(asOf)
    for (const [caseId, until] of parked) {
      // judged as it left, at an instant no later than asOf: its recorded result holds until `until`
      if (asOfMs < until) continue
      const back = archive.take(caseId)!
      const p = JSON.parse(back.note) as Parked
      if (p.judged !== undefined) unfinish(p.judged.own)
      const { history } = await historyOf(caseId, back, p)
      finish(caseId, history, options.evaluate(caseId, history, asOf))
    }
    parked.clear()
    parkedDone = 0
    for (const [caseId, state] of open) {
      finish(caseId, state.history, options.evaluate(caseId, state.history, asOf))
      open.delete(caseId)
    }
    const cases = results.seal()
    progress(true)
    return E.right({
      asOf,
      knownAt: options.knownAt === undefined ? null : Timestamp.format(Timestamp.toMillis(options.knownAt)),
      cases,
      casesJson: cases.texts,
      summary: { ...summary },
      stats: {
        events,
        unknownAtKnownAt: unknown,
        cases: caseCount,
        dropped,
        reopened,
        maxOpenCases: maxOpen,
      },
      integrity: sealed.head(),
    })
  } finally {
    archive.close()
    results.close()
  }
}

/** A summary with every count at zero, keys in `Evaluation.summarise`'s order. */
const counts = (): Record<keyof Summary, number> => ({ ...Evaluation.summarise([]) })

/** Adds (`sign` 1) or takes away (`sign` -1) the counts of `b` to `a`. */
const add = (a: Record<keyof Summary, number>, b: Summary, sign: 1 | -1): void => {
  for (const k of Object.keys(a) as Array<keyof Summary>) a[k] += sign * b[k]
}

/**
 * The summary of several disjoint sets of cases (partitions, runs): the sum of their counts,
 * equal to {@link summarize} over all their obligations.
 */
export const sumSummaries = (parts: Iterable<Summary>): Summary => {
  const s = counts()
  for (const p of parts) add(s, p, 1)
  return s
}
