/**
 * Partition: replay one history as several independent replays, each over the
 * cases whose id hashes to it, and merge their results into what one replay
 * of the whole history gives. Cases never interact (every clock belongs to one
 * case), so a case's result depends only on its own events and on `asOf`.
 *
 * The partitions may run anywhere: in this process ({@link replay}), in worker
 * threads (`Workers`, `docket replay --workers`), or on several
 * machines (`docket replay --partition I/N`), each reading one partition of a
 * shared store (`Replay.storeSource(store, partition)`) or keeping its share of
 * a history it reads whole ({@link only}); their results travel as partial
 * reports (`reports/Partial.ts`, `docket merge`) and are merged here.
 * Two things must be shared: the instant the cases are judged at (`asOf`:
 * the latest `occurredAt` of the whole history unless fixed, which only the
 * reader of the whole input knows at its end; {@link lateAsOf} hands it to a
 * partition then), and the integrity chain head, folded over the whole log in
 * read order by the reader (`Integrity.sealFrom` and `fold`).
 *
 * What is identical: everything {@link canonical} keeps, that is the report
 * (asOf, knownAt, cases, summary, integrity) and the event and case counts.
 * What is not: the memory counters (cases dropped, reopened, most held at
 * once), which describe each process's own evictions; merged, they are sums.
 */
import { CasePartition, type EventStore, Integrity, type Recorded, Timestamp } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import { mergeSorted } from '../internal/merge.js'
import * as Replay from './Replay.js'

// model

/** Options of a partitioned replay: a replay's options and the number of partitions. */
export interface Options extends Replay.Options {
  readonly partitions: number
}

// operations

/**
 * The partition (0 ≤ p < n) of a case: FNV-1a of its id (UTF-16 code units), stable across runs
 * and machines; the assignment of `EventStore.readAll({ partition })` (`CasePartition`).
 */
export const of = (caseId: string, n: number): number => CasePartition.hash(caseId) % n

/**
 * The worker (0 ≤ w < n) of a case among `n` worker threads, or `undefined` when the threads
 * share only partition `within` of the cases (`docket replay --partition I/N --workers n`) and the
 * case is outside it. The cases of partition I of N are spread evenly over the workers (their
 * hash modulo N·n, which is I + N·w for exactly one w), where the plain {@link of}`(caseId, n)`
 * would leave workers idle whenever N and n share a factor (and use only one when n divides N).
 */
export const worker = (caseId: string, n: number, within?: CasePartition.Partition): number | undefined => {
  const h = CasePartition.hash(caseId)
  if (within === undefined) return h % n
  if (h % within.count !== within.index) return undefined
  return Math.floor((h % (within.count * n)) / within.count)
}

/**
 * The cases {@link worker} gives worker `w` of `n` (within partition `within`, if any), as the
 * partition of a store that worker reads itself (`readAll({ partition })`): I + N·w of N·n.
 */
export const workerPartition = (
  w: number,
  n: number,
  within: CasePartition.Partition = { index: 0, count: 1 },
): CasePartition.Partition => ({ index: within.index + within.count * w, count: within.count * n })

/**
 * Replay options whose `asOf` is read late: unset while the partition runs (each drop then
 * checks that a dropped case's result is settled, as a whole replay does), and the shared
 * instant once `set` has been called, which must happen before the partition's input ends.
 */
export const lateAsOf = (
  options: Replay.Options,
): { readonly options: Replay.Options; readonly set: (asOf: string) => void } => {
  if (options.asOf !== undefined || options.knownAt !== undefined) return { options, set: () => undefined }
  let late: string | undefined
  const withLate = Object.create(options, {
    asOf: { get: () => late, enumerable: true },
  }) as Replay.Options
  return {
    options: withLate,
    set: (asOf) => {
      late = asOf
    },
  }
}

/**
 * Merges the results of the partitions of one history (each judged at the same `asOf`, no
 * case in two of them). The cases are merged lazily, in `caseId` order, each time they are read.
 */
export const merge = (
  parts: ReadonlyArray<Replay.Result>,
  integrity: Integrity.ChainHead | null,
): Replay.Result => {
  const first = parts[0]
  if (first === undefined) throw new Error('merge needs at least one partition')
  for (const p of parts) {
    if (p.asOf !== first.asOf || p.knownAt !== first.knownAt)
      throw new Error(`partitions judged at different instants: ${p.asOf} and ${first.asOf}`)
  }
  // each part is in caseId order and no case is in two parts: merge them as they are read
  const cases: Iterable<Replay.CaseResult> = merged(
    parts.map((p) => p.cases),
    (c) => c.caseId,
  )
  const casesJson: Iterable<readonly [string, string]> = merged(
    parts.map((p) => p.casesJson),
    (c) => c[0],
  )
  const sum = (k: keyof Replay.Stats): number => parts.reduce((s, p) => s + p.stats[k], 0)
  return {
    asOf: first.asOf,
    knownAt: first.knownAt,
    cases,
    casesJson,
    summary: Replay.sumSummaries(parts.map((p) => p.summary)),
    stats: {
      events: sum('events'),
      unknownAtKnownAt: sum('unknownAtKnownAt'),
      cases: sum('cases'),
      dropped: sum('dropped'),
      reopened: sum('reopened'),
      maxOpenCases: sum('maxOpenCases'),
    },
    integrity,
  }
}

/** Sorted sequences of cases merged by case id, lazily, each time they are read. */
const merged = <A>(sources: ReadonlyArray<Iterable<A>>, key: (a: A) => string): Iterable<A> => ({
  *[Symbol.iterator]() {
    for (const x of mergeSorted(sources, (a, b) => compareIds(key(a), key(b)))) yield x.item
  },
})

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The result as JSON without the per-process memory counters: equal bytes for a whole and a
 * partitioned replay. In pieces (one per case), since a large history's report outgrows a string.
 */
export function* canonical(r: Replay.Result): Generator<string> {
  yield `{"asOf":${JSON.stringify(r.asOf)},"knownAt":${JSON.stringify(r.knownAt)},"cases":[`
  let first = true
  for (const c of r.cases) {
    yield first ? JSON.stringify(c) : `,${JSON.stringify(c)}`
    first = false
  }
  yield `],"summary":${JSON.stringify(r.summary)},"events":${r.stats.events},"unknownAtKnownAt":${r.stats.unknownAtKnownAt},"integrity":${JSON.stringify(r.integrity)}}`
}

/** The fields of an event {@link lead} reads (a decoded event, or a line's JSON not yet decoded). */
export interface Fields {
  readonly caseId?: unknown
  readonly occurredAt?: unknown
  readonly recordedAt?: unknown
  readonly meta?: unknown
}

/** What the reader of a whole history keeps for its partitions (see {@link lead}). */
export interface Lead {
  /** Takes the next event in read order. */
  readonly see: (e: Fields) => void
  /** The integrity chain head folded from the events' seals, `null` when none was sealed. */
  readonly integrity: () => Integrity.ChainHead | null
  /** The instant to judge at unless fixed: the latest `occurredAt` of an event known at `knownAt`. */
  readonly asOf: () => string
}

/**
 * The reader's share of a partitioned replay, as `Replay.run` keeps it for a whole one: the
 * seals of case events folded in read order into `sealed`, and the latest `occurredAt` among the
 * events recorded by `knownAt` ({@link latest}). Checkpoints are skipped, as a replay skips them.
 */
export const lead = (knownAt: string | undefined, sealed: Integrity.Chain = Integrity.chain()): Lead => {
  const last = latest(knownAt)
  return {
    see: (e) => {
      if (e.caseId === Integrity.CHECKPOINT_CASE) return
      const seal = Integrity.sealFrom(e as Recorded)
      if (seal !== undefined) sealed.fold(seal)
      last.see(e)
    },
    integrity: sealed.head,
    asOf: last.asOf,
  }
}

/** The latest `occurredAt` of a history's events as they are read (see {@link latest}). */
export interface Latest {
  /** Takes the next event (checkpoints are skipped). */
  readonly see: (e: Fields) => void
  /** The latest `occurredAt` seen, as written; `undefined` before any. */
  readonly text: () => string | undefined
  /** The instant a replay judges at unless fixed: that `occurredAt` in UTC (the epoch when none). */
  readonly asOf: () => string
}

/**
 * The latest `occurredAt` among the events recorded by `knownAt` (all when undefined). An event
 * whose instants do not parse is left out: its decoder reports it.
 */
export const latest = (knownAt: string | undefined): Latest => {
  const known = knownAt === undefined ? undefined : Timestamp.toMillis(knownAt)
  let ms = Number.NEGATIVE_INFINITY
  let text: string | undefined
  return {
    see: (e) => {
      if (e.caseId === Integrity.CHECKPOINT_CASE || typeof e.occurredAt !== 'string') return
      const recorded = typeof e.recordedAt === 'string' ? e.recordedAt : e.occurredAt
      try {
        if (known !== undefined && Timestamp.toMillis(recorded) > known) return
        const occ = Timestamp.toMillis(e.occurredAt)
        if (occ > ms) {
          ms = occ
          text = e.occurredAt
        }
      } catch {
        return
      }
    },
    text: () => text,
    asOf: () => latestOf([text]),
  }
}

/** The latest of several partitions' latest `occurredAt` ({@link Latest}`.text`), as the instant a replay judges at. */
export const latestOf = (texts: Iterable<string | undefined>): string => {
  let ms = Number.NEGATIVE_INFINITY
  for (const t of texts) if (t !== undefined) ms = Math.max(ms, Timestamp.toMillis(t))
  return Timestamp.format(Number.isFinite(ms) ? ms : 0)
}

/**
 * Folds the seals of several partitions of one log into one chain (`Integrity.chain`) in log order, each
 * partition's seals coming in its own log order, in batches of positions and hashes
 * (`[position, hash, position, hash, …]`), each batch with the position of the last event its
 * partition had read (`through`: its seals up to there are in this batch or earlier ones). The
 * smallest position among the partitions' next seals is folded as soon as every partition still
 * reading either has a seal waiting or has read past it (a batch with no seals says how far a
 * partition with no sealed events has read, so that it holds no other back), and a batch's
 * `consumed` is called once all of it is folded (the sender may then send another).
 */
export const sealMerge = (
  parts: number,
  compare: (a: EventStore.Position, b: EventStore.Position) => number,
  into: Integrity.Chain,
) => {
  const queues = Array.from({ length: parts }, () => ({
    batches: [] as Array<{
      readonly seals: ReadonlyArray<string>
      at: number
      readonly consumed: () => void
    }>,
    through: undefined as EventStore.Position | undefined,
    ended: false,
  }))
  const drain = (): void => {
    for (;;) {
      let next: (typeof queues)[number] | undefined
      let nextPosition = ''
      for (const q of queues) {
        const head = q.batches[0]
        if (head === undefined) continue
        const position = head.seals[head.at]!
        if (next === undefined || compare(position, nextPosition) < 0) {
          next = q
          nextPosition = position
        }
      }
      if (next === undefined) return
      // a partition still reading with nothing waiting may yet send an earlier seal, unless it has read past
      for (const q of queues)
        if (
          q.batches.length === 0 &&
          !q.ended &&
          (q.through === undefined || compare(q.through, nextPosition) < 0)
        )
          return
      const b = next.batches[0]!
      into.fold({ hash: b.seals[b.at + 1]! })
      b.at += 2
      if (b.at >= b.seals.length) {
        next.batches.shift()
        b.consumed()
      }
    }
  }
  return {
    /** Partition `i`'s next seals, read up to position `through`. */
    push: (
      i: number,
      seals: ReadonlyArray<string>,
      through: EventStore.Position | undefined,
      consumed: () => void,
    ): void => {
      const q = queues[i]!
      if (through !== undefined) q.through = through
      if (seals.length === 0) consumed()
      else q.batches.push({ seals, at: 0, consumed })
      drain()
    },
    /** Partition `i` has sent all its seals. */
    end: (i: number): void => {
      queues[i]!.ended = true
      drain()
    },
    /** Whether every partition has ended and every seal is folded. */
    done: (): boolean => queues.every((q) => q.ended && q.batches.length === 0),
  }
}

/**
 * Replays one partition of a history read whole (every machine reads the same file and keeps
 * its share): the events of the other partitions are skipped, but the reader still sees every
 * event, so the result's `integrity` is the whole history's chain head and, unless fixed, its
 * `asOf` the latest `occurredAt` of the whole history, as in every other partition. {@link merge}
 * the partitions' results (`docket merge`) to get what a replay of the whole history gives.
 */
export const only = async (
  source: AsyncIterable<Recorded>,
  partition: CasePartition.Partition,
  options: Replay.Options,
): Promise<E.Either<Replay.ReplayError, Replay.Result>> => {
  const { index, count } = CasePartition.check(partition, 'Partition.only')
  const late = lateAsOf(options)
  const reader = lead(options.knownAt)
  const mine: AsyncIterable<Recorded> = {
    async *[Symbol.asyncIterator]() {
      for await (const e of source) {
        reader.see(e)
        if (e.caseId !== Integrity.CHECKPOINT_CASE && of(e.caseId, count) === index) yield e
      }
      late.set(reader.asOf())
    },
  }
  const result = await Replay.run(mine, late.options)
  return E.map((r: Replay.Result) => ({ ...r, integrity: reader.integrity() }))(result)
}

// internal: a bounded single-consumer channel

interface Channel<A> {
  readonly push: (a: A) => Promise<void>
  readonly end: () => void
  readonly items: AsyncIterable<A>
}

const channel = <A>(high = 10_000): Channel<A> => {
  let buffer: A[] = []
  let ended = false
  let wakeConsumer: (() => void) | undefined
  let wakeProducer: (() => void) | undefined
  return {
    push: async (a) => {
      buffer.push(a)
      wakeConsumer?.()
      if (buffer.length >= high) await new Promise<void>((r) => (wakeProducer = r))
    },
    end: () => {
      ended = true
      wakeConsumer?.()
    },
    items: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          if (buffer.length > 0) {
            const taken = buffer
            buffer = []
            const w = wakeProducer
            wakeProducer = undefined
            w?.()
            yield* taken
          } else if (ended) return
          else await new Promise<void>((r) => (wakeConsumer = r))
          wakeConsumer = undefined
        }
      },
    },
  }
}

/**
 * Replays `source` as `partitions` replays in this process, routing each event by
 * {@link of}, and merges them: the reference for other transports (threads, machines).
 */
export const replay = async (
  source: AsyncIterable<Recorded>,
  options: Options,
): Promise<E.Either<Replay.ReplayError, Replay.Result>> => {
  const n = options.partitions
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`partitions must be a positive integer, got ${n}`)
  const late = lateAsOf(options)
  const channels = Array.from({ length: n }, () => channel<Recorded>())
  const runs = channels.map((c) => Replay.run(c.items, late.options))
  const reader = lead(options.knownAt)
  for await (const e of source) {
    reader.see(e)
    // checkpoints are not cases (the replays would skip them)
    if (e.caseId !== Integrity.CHECKPOINT_CASE) await channels[of(e.caseId, n)]!.push(e)
  }
  late.set(reader.asOf())
  for (const c of channels) c.end()
  const results = await Promise.all(runs)
  const parts: Replay.Result[] = []
  for (const r of results) {
    if (E.isLeft(r)) return r
    parts.push(r.right)
  }
  return E.right(merge(parts, reader.integrity()))
}
