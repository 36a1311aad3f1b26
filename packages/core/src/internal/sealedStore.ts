/**
 * The sealing decorator of `Integrity`: an `EventStore` whose every append is
 * sealed onto its stream's chain, remembering recent streams' heads so that an
 * append after a read is one round trip. It seals; it does not verify (that is
 * `Integrity.verify`), and the SQL stores can seal inside their own append
 * instead.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { fingerprint, type Recorded } from '../Envelope.js'
import {
  type AppendResult,
  checkBatch,
  type EventStore,
  type ExpectedRevision,
  type StoredEvent,
  type StoreError,
} from '../EventStore.js'
import { seal, sealFrom } from './seals.js'

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
