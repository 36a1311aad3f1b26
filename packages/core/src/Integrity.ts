/**
 * Tamper evidence for stored history. Each event carries a seal in
 * `meta.integrity`: a SHA-256 hash over its stored form (canonical JSON,
 * without the seal itself) chained to the previous event of its case stream.
 * A global digest folds every seal in log order, and periodic checkpoints of
 * that digest are written to a dedicated stream, so that removing the last
 * events of a stream, or a whole stream, is caught as well.
 *
 * `sealed(store)` wraps any `EventStore` so that every append is sealed;
 * `verify(events)` walks the history and names the first event whose content,
 * order or presence was altered. What the chain proves, and what it does not
 * (a writer with database access can rewrite a whole chain consistently unless
 * a checkpoint head was kept elsewhere, e.g. in a report), is in docs/security.md.
 */
import { createHash } from 'node:crypto'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { canonical, fingerprint, type Recorded } from './Envelope.js'
import {
  type AppendResult,
  checkBatch,
  type EventStore,
  type ExpectedRevision,
  type StoredEvent,
  type StoreError,
} from './EventStore.js'

// model

/** The seal of one stored event. */
export interface Seal {
  readonly alg: 'sha256'
  /** Hash of this event's stored form chained to `prev`. */
  readonly hash: string
  /** Hash of the previous event of the same stream, `null` for the first. */
  readonly prev: string | null
}

/** A checkpoint over the global log, stored as an event of the checkpoint stream. */
export interface Checkpoint {
  /** Number of sealed case events folded so far. */
  readonly count: number
  /** The global digest after them. */
  readonly head: string
}

/** Where a verification stopped, and why. */
export interface Failure {
  readonly eventId: string
  readonly caseId: string
  readonly revision: number
  readonly problem: 'unsealed' | 'content_altered' | 'order_or_presence_altered' | 'checkpoint_mismatch'
  readonly detail: string
}

/** The outcome of walking a history. */
export interface Report {
  readonly ok: boolean
  readonly events: number
  readonly streams: number
  /** The global digest of the history walked: reports quote it so an auditor can match them to the data. */
  readonly head: ChainHead
  readonly failure: Failure | null
}

/** A history's identity: how many sealed events and their global digest. */
export interface ChainHead {
  readonly events: number
  readonly digest: string
}

/** Case id of the stream holding global checkpoints. */
export const CHECKPOINT_CASE = 'docket-integrity-checkpoints'
/** Event type of a global checkpoint. */
export const CHECKPOINT_TYPE = 'x-docket.IntegrityCheckpoint'

const GENESIS = '0'.repeat(64)

// operations

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex')

const withoutSeal = (e: Recorded): Recorded => {
  if (e.meta === undefined || !('integrity' in e.meta)) return e
  const { integrity: _drop, ...meta } = e.meta
  return { ...e, meta: Object.keys(meta).length === 0 ? undefined : meta } as Recorded
}

/** A seal's hash: of the canonical JSON of the unsealed event, after the previous seal's hash. */
const chained = (prev: string | null, hashed: string): string => sha256(`${prev ?? ''}\n${hashed}`)

/** The seal an event gets after `prev` (the stored form is hashed, so encrypted fields are hashed encrypted). */
export const sealOf = (e: Recorded, prev: string | null): Seal => ({
  alg: 'sha256',
  prev,
  hash: chained(prev, canonical(withoutSeal(e))),
})

/** The seal stored on an event, if any. */
export const sealFrom = (e: Recorded): Seal | undefined => {
  const s = e.meta?.integrity as Seal | undefined
  return s !== undefined && typeof s === 'object' && typeof s.hash === 'string' ? s : undefined
}

/**
 * The event with its seal after `prev`. `meta` is its last key, so that its JSON ends with the seal:
 * `JSON.stringify(seal(e, prev))` is the `body` {@link sealedBody} gives (what a store sealing inside
 * its own append writes).
 */
export const seal = (e: Recorded, prev: string | null): Recorded => {
  const bare = withoutSeal(e)
  const { meta, ...rest } = bare
  return { ...rest, meta: { ...meta, integrity: sealOf(bare, prev) } } as Recorded
}

/**
 * What a store needs to seal an event inside its own append, once it holds the stream's head under
 * its lock (the SQL stores do, in SQL): the seal's hash is the SHA-256 hex of the UTF-8 bytes of
 * `${prev ?? ''}\n${hashed}`, and the stored JSON is `${bodyHead}${JSON.stringify(seal)}}}`.
 */
export interface Sealable {
  /** The canonical JSON of the event without a seal: what its seal hashes after `prev`. */
  readonly hashed: string
  /** The JSON of the sealed event up to its seal (`meta` last, `integrity` last in it). */
  readonly bodyHead: string
}

/** The parts of `e` a store seals it from (any seal it carries is dropped). */
export const sealable = (e: Recorded): Sealable => {
  const bare = withoutSeal(e)
  const { meta, ...rest } = bare
  const json = JSON.stringify({ ...rest, meta: { ...meta, integrity: 0 } })
  // the JSON ends with `"integrity":0}}`
  return { hashed: canonical(bare), bodyHead: json.slice(0, -3) }
}

/** The stored JSON of a {@link sealable} event sealed after `prev`, and its seal's hash (equal to `seal`'s). */
export const sealedBody = (
  e: Sealable,
  prev: string | null,
): { readonly body: string; readonly hash: string } => {
  const hash = chained(prev, e.hashed)
  return { body: `${e.bodyHead}${JSON.stringify({ alg: 'sha256', prev, hash })}}}`, hash }
}

/** Folds one seal into the global digest. */
export const fold = (digest: string, s: Pick<Seal, 'hash'>): string => sha256(`${digest}\n${s.hash}`)

/** The digest of an empty history. */
export const EMPTY_HEAD: ChainHead = { events: 0, digest: GENESIS }

/** The chain head of seals folded one by one in log order ({@link chain}). */
export interface Chain {
  /** Folds the next seal (its hash). */
  readonly fold: (seal: Pick<Seal, 'hash'>) => void
  /** The head so far, `null` when nothing was folded. */
  readonly head: () => ChainHead | null
}

/** A chain head with nothing folded yet: a reader of the log folds each sealed case event's seal into it. */
export const chain = (): Chain => {
  let digest = GENESIS
  let events = 0
  return {
    fold: (seal) => {
      digest = fold(digest, seal)
      events++
    },
    head: () => (events === 0 ? null : { events, digest }),
  }
}

/** Options of {@link sealed}. */
export interface SealOptions {
  /** Retries at most this many times when a concurrent writer moved the stream under an `any` append (default 100). */
  readonly maxRetries?: number
  /**
   * Streams whose head (revision, last seal, event ids) is remembered after an append or a
   * stream read through this wrapper (default 1,000; 0 remembers none): the next append to such
   * a stream seals against that head without reading the stream first.
   */
  readonly rememberedStreams?: number
}

/** A stream's head as this wrapper last saw it: enough to seal the next append without reading the stream. */
interface Head {
  /** Revision of the last event, -1 for no stream. */
  readonly revision: number
  /** The last event's seal, `null` when it has none (or no stream). */
  readonly hash: string | null
  /**
   * Ids of every event of the stream (an append repeating one is checked against the stored
   * events). The wrapper's own: a successful append adds its ids in place rather than copying.
   */
  readonly ids: Set<string>
}

const headOf = (stored: ReadonlyArray<StoredEvent>): Head => {
  const last = stored[stored.length - 1]
  return {
    revision: last === undefined ? -1 : last.revision,
    hash: last === undefined ? null : (sealFrom(last.event)?.hash ?? null),
    ids: new Set(stored.map((s) => s.event.id)),
  }
}

/** Streams' heads, the least recently appended to or read forgotten first beyond `max` (a Map keeps insertion order). */
const heads = (max: number) => {
  const known = new Map<string, Head>()
  return {
    get: (caseId: string): Head | undefined => known.get(caseId),
    set: (caseId: string, head: Head): void => {
      if (max <= 0) return
      known.delete(caseId)
      known.set(caseId, head)
      if (known.size > max) known.delete(known.keys().next().value as string)
    },
    /** Forgets `head` for `caseId`, unless another append has remembered a newer one since. */
    forget: (caseId: string, head: Head): void => {
      if (known.get(caseId) === head) known.delete(caseId)
    },
  }
}

/**
 * Wraps a store so that every append is sealed onto its stream's chain. An
 * `any` append is turned into an exact one at the head it sealed against, and
 * retried if another writer got there first; idempotent repeats (of stored
 * events, or within the batch) are dropped before sealing, so a retried batch
 * keeps the chain intact. The SQL stores can seal inside their own append
 * instead (their `seal` option, as `Store.open` opens them), with the same
 * seals and no read of the stream.
 *
 * The head of a stream appended to or read through the wrapper is remembered
 * (`rememberedStreams`), so the next append to it is one round trip, not a
 * read and then an append (a command handler reads the stream to decide, then
 * appends at that revision). A remembered head can be stale (another process
 * appended since): the exact revision makes the store refuse that append, and
 * the wrapper reads the stream and seals again. An append naming an event id
 * the stream already holds is always checked against the stored events.
 */
export const sealed = (store: EventStore, options: SealOptions = {}): EventStore => {
  // each lost round means another writer's append went in: with W concurrent writers, W - 1 rounds at worst
  const maxRetries = options.maxRetries ?? 100
  const remembered = heads(options.rememberedStreams ?? 1_000)
  const attempt = (
    caseId: string,
    events: ReadonlyArray<Recorded>,
    expected: ExpectedRevision,
    left: number,
  ): TE.TaskEither<StoreError, AppendResult> => {
    const known = remembered.get(caseId)
    const usable =
      known !== undefined &&
      (expected === 'any' || expected === known.revision) &&
      events.every((e) => !known.ids.has(e.id))
    if (usable) return append(caseId, events, events, known, expected, left)
    return TE.flatMap(store.readStream(caseId), (stored) => {
      const byId = new Map(stored.map((s) => [s.event.id, fingerprint(s.event)]))
      const fresh = events.filter((e) => byId.get(e.id) !== fingerprint(e))
      // everything is a repeat: let the store answer (no-op, whatever the expectation)
      if (fresh.length === 0) return store.append(caseId, events, expected)
      return append(caseId, events, fresh, headOf(stored), expected, left)
    })
  }
  /** Seals `fresh` (of `events`) after `head` and appends them at exactly that head, remembering the new one. */
  const append =
    (
      caseId: string,
      events: ReadonlyArray<Recorded>,
      fresh: ReadonlyArray<Recorded>,
      head: Head,
      expected: ExpectedRevision,
      left: number,
    ): TE.TaskEither<StoreError, AppendResult> =>
    async () => {
      let prev = head.hash
      const out = fresh.map((e) => {
        const s = seal(e, prev)
        prev = sealFrom(s)!.hash
        return s
      })
      const exact: ExpectedRevision =
        expected === 'any' ? (head.revision === -1 ? 'no_stream' : head.revision) : expected
      const r = await store.append(caseId, out, exact)()
      if (E.isRight(r) && r.right.appended === out.length) {
        for (const e of out) head.ids.add(e.id)
        remembered.set(caseId, { revision: r.right.revision, hash: prev, ids: head.ids })
        return r
      }
      remembered.forget(caseId, head)
      if (E.isLeft(r) && r.left._tag === 'WrongExpectedRevision' && expected === 'any' && left > 0)
        return attempt(caseId, events, expected, left - 1)()
      return r
    }
  return {
    ...store,
    // in-batch repeats go before sealing, as the store drops them: sealed, each would move the chain
    append: (caseId, events, expected) =>
      pipe(
        TE.fromEither(checkBatch(caseId, events)),
        TE.flatMap((batch) => attempt(caseId, batch, expected, maxRetries)),
      ),
    // a reader about to append (a command handler deciding on the stream) hands the head over
    readStream: (caseId) =>
      pipe(
        store.readStream(caseId),
        TE.tap((stored) => TE.fromIO(() => remembered.set(caseId, headOf(stored)))),
      ),
  }
}

/**
 * Writes a checkpoint of the global digest of `store` into the checkpoint
 * stream. Skipped when the last checkpoint already covers the same history;
 * refused (`InvalidAppend`) when the history does not verify, so that a
 * checkpoint never vouches for altered data.
 */
export const checkpoint = (store: EventStore, at: string): TE.TaskEither<StoreError, ChainHead> =>
  pipe(
    checkpointCounts(store),
    TE.flatMap((counts) =>
      TE.tryCatch(
        () => verify(store.readAll(), { checkpointCounts: counts }),
        (e): StoreError => ({ _tag: 'StoreUnavailable', message: String(e) }),
      ),
    ),
    TE.flatMap((report) =>
      report.ok
        ? TE.right(report.head)
        : TE.left<StoreError, ChainHead>({
            _tag: 'InvalidAppend',
            caseId: CHECKPOINT_CASE,
            message: `no checkpoint written: the history does not verify (${describeFailure(report.failure!)})`,
          }),
    ),
    TE.flatMap((h) =>
      pipe(
        store.readStream(CHECKPOINT_CASE),
        TE.flatMap((cps) => {
          const last = cps[cps.length - 1]?.event.data as unknown as Checkpoint | undefined
          if (last !== undefined && last.count === h.events && last.head === h.digest) return TE.right(h)
          return pipe(
            store.append(CHECKPOINT_CASE, [checkpointEvent(h, at)], 'any'),
            TE.map(() => h),
          )
        }),
      ),
    ),
  )

/** One line naming the first altered event and the problem. */
export const describeFailure = (f: Failure): string =>
  `case ${f.caseId} revision ${f.revision} (event ${f.eventId}): ${f.problem.replaceAll('_', ' ')}: ${f.detail}`

const checkpointEvent = (h: ChainHead, at: string): Recorded =>
  ({
    id: `checkpoint-${h.events}-${h.digest.slice(0, 16)}`,
    type: CHECKPOINT_TYPE,
    caseId: CHECKPOINT_CASE,
    occurredAt: at,
    recordedAt: at,
    data: { count: h.events, head: h.digest },
  }) as unknown as Recorded

/** The chain head of a history (sealed case events only, in log order). */
export const head = async (events: AsyncIterable<StoredEvent>): Promise<ChainHead> =>
  (await verify(events)).head

/** Options of {@link verify}. */
export interface VerifyOptions {
  /**
   * A chain head kept elsewhere (quoted by a report, or an external
   * checkpoint): the history must have exactly this digest after its first
   * `events` sealed events, else verification fails (`checkpoint_mismatch`).
   */
  readonly expect?: ChainHead
  /**
   * The `count` of every checkpoint in the history, read beforehand (see
   * {@link checkpointCounts}): only the digests at those counts are kept, so
   * that memory stays flat however long the log is between checkpoints.
   */
  readonly checkpointCounts?: ReadonlySet<number>
}

/** The counts the checkpoints of a store cover (for {@link VerifyOptions.checkpointCounts}). */
export const checkpointCounts = (store: EventStore): TE.TaskEither<StoreError, ReadonlySet<number>> =>
  TE.map((cps: ReadonlyArray<StoredEvent>) => {
    const out = new Set<number>()
    for (const c of cps) {
      const n = (c.event.data as unknown as Partial<Checkpoint> | undefined)?.count
      if (typeof n === 'number') out.add(n)
    }
    return out
  })(store.readStream(CHECKPOINT_CASE))

/**
 * Walks a history in log order and checks every stream's chain and every
 * checkpoint. Stops at the first failure, naming the event and the problem.
 * Memory: one hash per stream plus the digests since the last checkpoint.
 */
export const verify = async (
  events: AsyncIterable<StoredEvent>,
  options: VerifyOptions = {},
): Promise<Report> => {
  const expect = options.expect
  const heads = new Map<string, { hash: string; revision: number }>()
  let digest = GENESIS
  let count = 0
  // digests after each event since `base`, to check checkpoints that arrive after later events;
  // with `checkpointCounts`, only the digests at those counts (flat memory)
  const keep = options.checkpointCounts
  let base = 0
  let recent: string[] = [GENESIS]
  const kept = new Map<number, string>([[0, GENESIS]])
  const pending: Array<{ stored: StoredEvent; cp: Checkpoint }> = []
  const result = (failure: Failure | null): Report => ({
    ok: failure === null,
    events: count,
    streams: heads.size,
    head: { events: count, digest },
    failure,
  })
  const fail = (s: StoredEvent, problem: Failure['problem'], detail: string): Report =>
    result({ eventId: s.event.id, caseId: s.event.caseId, revision: s.revision, problem, detail })
  const mismatch = (c: { stored: StoredEvent; cp: Checkpoint }): Report =>
    fail(c.stored, 'checkpoint_mismatch', `the digest after ${c.cp.count} events differs from the checkpoint`)

  let last: StoredEvent | undefined
  for await (const s of events) {
    let e: Recorded
    try {
      // the stored text when the store keeps it: what is at rest, even through a decrypting decorator
      e = s.json === undefined ? s.event : (JSON.parse(s.json) as Recorded)
    } catch (err) {
      return result({
        eventId: '(unreadable)',
        caseId: '(unreadable)',
        revision: s.revision,
        problem: 'content_altered',
        detail: `the stored event at position ${s.position} cannot be read: ${err instanceof Error ? err.message : String(err)}`,
      })
    }
    last = s
    if (e.caseId === CHECKPOINT_CASE) {
      const cp = e.data as unknown as Checkpoint
      if (cp.count > count) pending.push({ stored: s, cp })
      else {
        const at = keep === undefined ? recent[cp.count - base] : kept.get(cp.count)
        if (at !== undefined && at !== cp.head) return mismatch({ stored: s, cp })
        if (at !== undefined) {
          recent = recent.slice(cp.count - base)
          base = cp.count
        }
      }
      continue
    }
    const stored = sealFrom(e)
    if (stored === undefined) return fail(s, 'unsealed', 'the event carries no meta.integrity seal')
    const before = heads.get(e.caseId)
    const expectedPrev = before?.hash ?? null
    if (stored.prev !== expectedPrev || s.revision !== (before === undefined ? 0 : before.revision + 1)) {
      return fail(
        s,
        'order_or_presence_altered',
        `seal links to ${stored.prev ?? 'nothing'} at revision ${s.revision}; the stream's previous event is ${expectedPrev ?? 'nothing'}${before === undefined ? '' : ` at revision ${before.revision}`}`,
      )
    }
    if (sealOf(withoutSeal(e), stored.prev).hash !== stored.hash) {
      return fail(s, 'content_altered', 'the stored content no longer matches its seal')
    }
    heads.set(e.caseId, { hash: stored.hash, revision: s.revision })
    digest = fold(digest, stored)
    count++
    if (keep === undefined) recent.push(digest)
    else if (keep.has(count)) kept.set(count, digest)
    for (const c of pending.filter((p) => p.cp.count === count)) {
      if (c.cp.head !== digest) return mismatch(c)
    }
    if (expect !== undefined && count === expect.events && digest !== expect.digest) {
      return fail(
        s,
        'checkpoint_mismatch',
        `the digest after ${count} events is ${digest}, the expected head is ${expect.digest}`,
      )
    }
  }
  if (expect !== undefined && count < expect.events) {
    const at = last ?? { event: { id: '(none)', caseId: '(none)' } as Recorded, revision: -1, position: '0' }
    return fail(
      at,
      'checkpoint_mismatch',
      `the expected head covers ${expect.events} events but only ${count} remain: events were removed`,
    )
  }
  const missing = pending.find((p) => p.cp.count > count)
  if (missing !== undefined) {
    return fail(
      missing.stored,
      'checkpoint_mismatch',
      `a checkpoint covers ${missing.cp.count} events but only ${count} remain: events were removed`,
    )
  }
  return result(null)
}
