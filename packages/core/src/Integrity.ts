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
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { Recorded } from './Envelope.js'
import type { EventStore, Position, StoredEvent, StoreError } from './EventStore.js'
import { fold, GENESIS, sealFrom, sealOf, withoutSeal } from './internal/seals.js'

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
  /**
   * The event's position in the global log, where `--until` (`readAll`'s `until`) reaches it;
   * absent only when no event could be named (a head expecting events of an empty history).
   */
  readonly position?: Position
  readonly problem: 'unsealed' | 'content_altered' | 'order_or_presence_altered' | 'checkpoint_mismatch'
  readonly detail: string
  /**
   * The head given to check against ({@link VerifyOptions.expect}), set only when the failure is
   * that head's: the history's own events all verify, it is the given head that does not match
   * them (mistyped, of another history or cut, or the history rewritten consistently since).
   */
  readonly expected?: ChainHead
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

// operations

export {
  type Chain,
  chain,
  fold,
  type Sealable,
  seal,
  sealable,
  sealedBody,
  sealFrom,
  sealOf,
} from './internal/seals.js'
export { type SealOptions, sealed } from './internal/sealedStore.js'

/** The digest of an empty history. */
export const EMPTY_HEAD: ChainHead = { events: 0, digest: GENESIS }

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
  `case ${f.caseId} revision ${f.revision} (event ${f.eventId}${f.position === undefined ? '' : `, position ${f.position}`}): ${f.problem.replaceAll('_', ' ')}: ${f.detail}`

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
  const fail = (
    s: StoredEvent | undefined,
    problem: Failure['problem'],
    detail: string,
    expected?: ChainHead,
  ): Report => {
    const given = expected === undefined ? {} : { expected }
    return result(
      s === undefined
        ? { eventId: '(none)', caseId: '(none)', revision: -1, problem, detail, ...given }
        : {
            eventId: s.event.id,
            caseId: s.event.caseId,
            revision: s.revision,
            position: s.position,
            problem,
            detail,
            ...given,
          },
    )
  }
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
        position: s.position,
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
        expect,
      )
    }
  }
  if (expect !== undefined && count < expect.events) {
    return fail(
      last,
      'checkpoint_mismatch',
      `the expected head covers ${expect.events} events but only ${count} remain: events were removed, or the head is of a longer history`,
      expect,
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
