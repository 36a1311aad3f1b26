/**
 * The `EventStore` on EventStoreDB / KurrentDB (`@eventstore/db-client`).
 * EXPERIMENTAL until a run of the conformance suite against a real server is
 * recorded (it runs when `DOCKET_ESDB_URL` is set).
 *
 * Mapping:
 * - a case is the stream `EventStore.streamName(caseId)` (`case-<escaped id>`,
 *   which can never start with `$`); Docket revisions are the stream's
 *   revisions; a position is the server's `commit/prepare` pair written
 *   `<commit>/<prepare>` in decimal and ordered by commit, then prepare;
 * - each event is stored as JSON whose data is the Docket envelope exactly as
 *   given, under the UUIDv5 of its Docket id (metadata keeps the Docket id);
 * - expected revisions map to `no_stream` / `any` / an exact revision, and the
 *   server's wrong-expected-version error becomes `WrongExpectedRevision`.
 *
 * Idempotency: the server only de-duplicates recent appends to the same
 * stream, so the adapter keeps a claim stream per Docket id
 * (`docket-id-<uuid>`, first event written with expected revision
 * `no_stream`) holding the case and content fingerprint. An append reads the
 * claims of its events: a claim whose event is in its case stream is a repeat
 * (no-op) or a conflict; a claim whose event never landed (an append that
 * failed after claiming) is reused by the same case and content, and taken
 * over by anyone else after `claimGraceMs`.
 *
 * `$all` reads page through the log and keep Docket's case streams (this
 * client's `readAll` has no server-side filter), and a partitioned read keeps
 * its partition's cases the same way, client-side; subscriptions use the
 * server-side stream-name prefix filter `case-`. Checkpoints are the last
 * event of `docket-checkpoint-<subscriber>`. It has no `casesOfSubject`
 * (no index of data subjects): erasure reads `PersonalData.TYPES` from `$all`.
 */
import { CasePartition, type Clock, Envelope, EventStore, Observability, type Recorded } from '@docket/core'
import {
  ANY,
  type AppendExpectedRevision,
  BACKWARDS,
  type Position as EsdbPosition,
  EventStoreDBClient,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  type ReadPosition,
  START,
  StreamNotFoundError,
  streamNameFilter,
  WrongExpectedVersionError,
} from '@eventstore/db-client'
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import * as Uuid from '../internal/uuid.js'
import { systemClock } from '../SystemClock.js'

// model

/** Options of the EventStoreDB store. */
export interface Options {
  /** Use this client instead of creating one (the caller then disposes of it). */
  readonly client?: EventStoreDBClient
  /** How long a claim whose event never landed blocks another case from using the id (default 30 s). */
  readonly claimGraceMs?: number
  /** Events per page when reading `$all` (default 1000). */
  readonly pageSize?: number
  /**
   * Prefix of every stream this store writes (`<namespace>.case-…`), so that
   * several stores (tenants, test runs) share one server; letters, digits, `_`, `-`.
   */
  readonly namespace?: string
  /** The clock that ages claims (default `systemClock`). */
  readonly clock?: Clock.Clock
  /** Unused (subscriptions are pushed by the server); accepted for a uniform `openStore`. */
  readonly pollMs?: number
}

interface Claim {
  readonly caseId: string
  readonly fingerprint: string
  /** Let go by an append that failed before writing its events. */
  readonly released: boolean
  readonly revision: bigint
  readonly created: number
}

interface EsdbEvent {
  readonly streamId: string
  readonly id: string
  readonly revision: bigint
  readonly type: string
  readonly created: Date
  readonly data: unknown
  readonly position?: EsdbPosition
}

const CASE_PREFIX = 'case-'

/** Claim streams read at once by `conflicts`. */
const CHECK_READS = 32

// operations

/** Writes a server position as `<commit>/<prepare>`. */
export const formatPosition = (p: EsdbPosition): EventStore.Position => `${p.commit}/${p.prepare}`

/** Reads a position written by {@link formatPosition}. */
export const parsePosition = (p: EventStore.Position): EsdbPosition => {
  const m = /^(\d+)\/(\d+)$/.exec(p)
  if (m === null) throw new Error(`not an EventStoreDB position: ${JSON.stringify(p)}`)
  return { commit: BigInt(m[1]!), prepare: BigInt(m[2]!) }
}

/** Orders two positions: by commit, then prepare. */
export const comparePositions = (a: EventStore.Position, b: EventStore.Position): number => {
  const x = parsePosition(a)
  const y = parsePosition(b)
  if (x.commit !== y.commit) return x.commit < y.commit ? -1 : 1
  return x.prepare === y.prepare ? 0 : x.prepare < y.prepare ? -1 : 1
}

const ns = (namespace: string | undefined): string => (namespace === undefined ? '' : `${namespace}.`)

/** The stream of a case: `EventStore.streamName`, after the namespace if any. */
export const caseStream = (caseId: string, namespace?: string): string =>
  `${ns(namespace)}${EventStore.streamName(caseId)}`

/** The claim stream of a Docket event id. */
export const claimStream = (eventId: string, namespace?: string): string =>
  `${ns(namespace)}docket-id-${Uuid.v5(eventId)}`

/** The checkpoint stream of a subscriber. */
export const checkpointStream = (subscriber: string, namespace?: string): string =>
  `${ns(namespace)}docket-checkpoint-${EventStore.streamName(subscriber).slice(CASE_PREFIX.length)}`

/** The server's expected revision for a Docket one. */
export const expectedRevision = (e: EventStore.ExpectedRevision): AppendExpectedRevision =>
  e === 'no_stream' ? NO_STREAM : e === 'any' ? ANY : BigInt(e)

/** Accepts `kurrentdb://` (and `kurrent://`) as `esdb://`. */
export const normaliseUrl = (url: string): string =>
  url.replace(
    /^(kurrentdb|kurrent)(\+discover)?:\/\//i,
    (_, _k, d: string | undefined) => `esdb${d ?? ''}://`,
  )

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/** Opens a store on the EventStoreDB/KurrentDB node or cluster at `url` (`esdb://…`, `kurrentdb://…`). */
export const make = async (url: string, options: Options = {}): Promise<EventStore.EventStore> => {
  const client = options.client ?? EventStoreDBClient.connectionString(normaliseUrl(url))
  const owned = options.client === undefined
  const namespace = options.namespace
  if (namespace !== undefined && !/^[A-Za-z0-9_-]+$/.test(namespace)) {
    throw new Error(
      `invalid EventStoreDB namespace ${JSON.stringify(namespace)}: letters, digits, _ and - only`,
    )
  }
  const casePrefix = `${ns(namespace)}${CASE_PREFIX}`
  const grace = options.claimGraceMs ?? 30_000
  const clock = options.clock ?? systemClock
  const pageSize = options.pageSize ?? 1000
  let closed = false
  const live = new Set<{ unsubscribe: () => Promise<void> }>()

  const toStored = (ev: EsdbEvent): EventStore.StoredEvent => ({
    event: ev.data as Recorded,
    revision: Number(ev.revision),
    position: ev.position === undefined ? '0/0' : formatPosition(ev.position),
  })

  /** Every event of a stream, or [] when it does not exist. */
  const readWhole = async (stream: string): Promise<ReadonlyArray<EsdbEvent>> => {
    const out: EsdbEvent[] = []
    try {
      for await (const r of client.readStream(stream, { direction: FORWARDS, fromRevision: START })) {
        if (r.event !== undefined) out.push(r.event as unknown as EsdbEvent)
      }
    } catch (e) {
      if (e instanceof StreamNotFoundError) return []
      throw e
    }
    return out
  }

  const readLast = async (stream: string): Promise<EsdbEvent | undefined> => {
    try {
      for await (const r of client.readStream(stream, {
        direction: BACKWARDS,
        fromRevision: 'end',
        maxCount: 1,
      })) {
        if (r.event !== undefined) return r.event as unknown as EsdbEvent
      }
    } catch (e) {
      if (e instanceof StreamNotFoundError) return undefined
      throw e
    }
    return undefined
  }

  const readClaim = async (eventId: string): Promise<Claim | undefined> => {
    const last = await readLast(claimStream(eventId, namespace))
    if (last === undefined) return undefined
    const d = last.data as { caseId: string; fingerprint: string; released?: boolean }
    return {
      caseId: d.caseId,
      fingerprint: d.fingerprint,
      released: d.released === true,
      revision: last.revision,
      created: last.created.getTime(),
    }
  }

  /** Writes a claim (or its release) at exactly the expected revision of the claim stream; false when raced. */
  const writeClaim = async (
    e: Recorded,
    fingerprint: string,
    expected: AppendExpectedRevision,
    released: boolean,
  ): Promise<bigint | undefined> => {
    try {
      const r = await client.appendToStream(
        claimStream(e.id, namespace),
        jsonEvent({
          type: released ? 'docket-id-released' : 'docket-id-claim',
          data: { eventId: e.id, caseId: e.caseId, fingerprint, released },
        }),
        { expectedRevision: expected },
      )
      return r.nextExpectedRevision
    } catch (err) {
      if (err instanceof WrongExpectedVersionError) return undefined
      throw err
    }
  }

  type Plan =
    | { readonly _tag: 'done'; readonly result: E.Either<EventStore.StoreError, EventStore.AppendResult> }
    | { readonly _tag: 'retry' }

  const attempt = async (
    caseId: string,
    batch: ReadonlyArray<Recorded>,
    fingerprints: ReadonlyArray<string>,
    expected: EventStore.ExpectedRevision,
  ): Promise<Plan> => {
    const stream = caseStream(caseId, namespace)
    const claims = await Promise.all(batch.map((e) => readClaim(e.id)))
    const landedIn = new Map<string, ReadonlySet<string>>()
    const landed = async (claimCase: string, eventId: string): Promise<boolean> => {
      let ids = landedIn.get(claimCase)
      if (ids === undefined) {
        ids = new Set((await readWhole(caseStream(claimCase, namespace))).map((x) => x.id))
        landedIn.set(claimCase, ids)
      }
      return ids.has(Uuid.v5(eventId))
    }
    const fresh: Array<{ readonly event: Recorded; readonly fingerprint: string; readonly after?: Claim }> =
      []
    for (const [i, e] of batch.entries()) {
      const c = claims[i]
      const fp = fingerprints[i]!
      if (c === undefined) {
        fresh.push({ event: e, fingerprint: fp })
        continue
      }
      if (await landed(c.caseId, e.id)) {
        if (c.caseId !== caseId || c.fingerprint !== fp) {
          return { _tag: 'done', result: E.left(EventStore.idempotencyConflict(e.id, caseId, c.caseId)) }
        }
        continue
      }
      // released by a failed append, or left by a writer that died: take it over
      if (c.released || clock.now() - c.created >= grace) fresh.push({ event: e, fingerprint: fp, after: c })
      // another append holds it and has not landed yet: wait for it to land or let go
      else return { _tag: 'retry' }
    }
    if (fresh.length === 0) {
      const last = await readLast(stream)
      if (last !== undefined) {
        return {
          _tag: 'done',
          result: E.right({
            revision: Number(last.revision),
            appended: 0,
            position: toStored(last).position,
          }),
        }
      }
    }
    const held: Array<{ readonly event: Recorded; readonly fingerprint: string; readonly revision: bigint }> =
      []
    const release = async (): Promise<void> => {
      for (const h of held) await writeClaim(h.event, h.fingerprint, h.revision, true).catch(() => undefined)
    }
    for (const f of fresh) {
      const revision = await writeClaim(
        f.event,
        f.fingerprint,
        f.after === undefined ? NO_STREAM : f.after.revision,
        false,
      )
      if (revision === undefined) {
        await release()
        return { _tag: 'retry' }
      }
      held.push({ event: f.event, fingerprint: f.fingerprint, revision })
    }
    try {
      const r = await client.appendToStream(
        stream,
        fresh.map((f) =>
          jsonEvent({
            id: Uuid.v5(f.event.id),
            type: f.event.type,
            data: f.event as unknown as Record<string, unknown>,
            metadata: { docketId: f.event.id },
          }),
        ),
        { expectedRevision: expectedRevision(expected) },
      )
      return {
        _tag: 'done',
        result: E.right({
          revision: Number(r.nextExpectedRevision),
          appended: fresh.length,
          position: r.position === undefined ? '0/0' : formatPosition(r.position),
        }),
      }
    } catch (err) {
      if (err instanceof WrongExpectedVersionError) {
        // nothing was written: let the ids go, so a corrected append can claim them at once
        await release()
        const actual = err.actualVersion === NO_STREAM ? 'no_stream' : Number(err.actualVersion)
        return { _tag: 'done', result: E.left(EventStore.wrongExpectedRevision(caseId, expected, actual)) }
      }
      // the reply is lost: release only what certainly did not land (else the claim ages out)
      const ids = await readWhole(stream).then(
        (xs) => new Set(xs.map((x) => x.id)),
        () => undefined,
      )
      if (ids !== undefined && fresh.every((f) => !ids.has(Uuid.v5(f.event.id)))) await release()
      throw err
    }
  }

  const append =
    (
      caseId: string,
      events: ReadonlyArray<Recorded>,
      expected: EventStore.ExpectedRevision,
    ): TE.TaskEither<EventStore.StoreError, EventStore.AppendResult> =>
    async () => {
      if (closed) return E.left(EventStore.unavailable('the EventStoreDB store is closed'))
      const batch = EventStore.checkBatch(caseId, events)
      if (E.isLeft(batch)) return batch
      // what the client and the claims will write, checked before anything is claimed or sent, and
      // the fingerprints every attempt compares with the claims
      let fingerprints: ReadonlyArray<string>
      try {
        fingerprints = batch.right.map((e) => {
          JSON.stringify(e)
          return Envelope.fingerprint(e)
        })
      } catch (e) {
        return E.left(EventStore.notJson(caseId, e))
      }
      try {
        for (let i = 0; i < 5; i++) {
          const plan = await attempt(caseId, batch.right, fingerprints, expected)
          if (plan._tag === 'done') return plan.result
        }
        return E.left(
          EventStore.unavailable('EventStoreDB: too many concurrent claims of the same event ids'),
        )
      } catch (e) {
        return E.left(EventStore.unavailable(`EventStoreDB: ${messageOf(e)}`))
      }
    }

  const readStream =
    (caseId: string): TE.TaskEither<EventStore.StoreError, ReadonlyArray<EventStore.StoredEvent>> =>
    async () => {
      try {
        return E.right((await readWhole(caseStream(caseId, namespace))).map(toStored))
      } catch (e) {
        return E.left(EventStore.unavailable(`EventStoreDB: ${messageOf(e)}`))
      }
    }

  /**
   * No index by id on the server: each id's claim stream is read (at most `CHECK_READS` at a time),
   * then, once per case a claim names, that case's stream, where the claimed event must have landed to
   * be stored (a claim whose append failed or is still in flight is no event), and is compared.
   */
  const conflicts =
    (
      events: ReadonlyArray<Recorded>,
    ): TE.TaskEither<EventStore.StoreError, ReadonlyArray<EventStore.IdempotencyConflict>> =>
    async () => {
      if (closed) return E.left(EventStore.unavailable('the EventStoreDB store is closed'))
      const ids = [...new Set(events.map((e) => e.id))]
      const streams = new Map<string, Promise<ReadonlyMap<string, EsdbEvent>>>()
      const streamOf = (claimCase: string): Promise<ReadonlyMap<string, EsdbEvent>> => {
        let read = streams.get(claimCase)
        if (read === undefined) {
          read = readWhole(caseStream(claimCase, namespace)).then((xs) => new Map(xs.map((x) => [x.id, x])))
          streams.set(claimCase, read)
        }
        return read
      }
      const stored = new Map<string, EventStore.StoredEvent>()
      let next = 0
      const reader = async (): Promise<void> => {
        while (next < ids.length) {
          const id = ids[next++]!
          const claim = await readClaim(id)
          if (claim === undefined) continue
          const landed = (await streamOf(claim.caseId)).get(Uuid.v5(id))
          if (landed !== undefined) stored.set(id, toStored(landed))
        }
      }
      try {
        await Promise.all(Array.from({ length: Math.min(CHECK_READS, ids.length) }, reader))
      } catch (e) {
        return E.left(EventStore.unavailable(`EventStoreDB: ${messageOf(e)}`))
      }
      return E.right(
        events.flatMap((e) => {
          const c = EventStore.conflict(e, stored.get(e.id))
          return c === undefined ? [] : [c]
        }),
      )
    }

  const head = async (): Promise<EsdbPosition | undefined> => {
    for await (const r of client.readAll({ direction: BACKWARDS, fromPosition: 'end', maxCount: 1 })) {
      if (r.event?.position !== undefined) return r.event.position
    }
    return undefined
  }

  const readAll = async function* (
    options: EventStore.ReadAllOptions = {},
  ): AsyncGenerator<EventStore.StoredEvent> {
    const partition = CasePartition.option(options.partition)
    const end = await head()
    if (end === undefined) return
    const last = formatPosition(end)
    const endText =
      options.until === undefined || comparePositions(last, options.until) <= 0 ? last : options.until
    const types = options.types === undefined ? undefined : new Set(options.types)
    let from: ReadPosition = options.after === undefined ? START : parsePosition(options.after)
    let skip = options.after
    for (;;) {
      let n = 0
      let last: EsdbPosition | undefined
      for await (const r of client.readAll({ direction: FORWARDS, fromPosition: from, maxCount: pageSize })) {
        n++
        const ev = r.event as unknown as EsdbEvent | undefined
        if (ev?.position === undefined) continue
        last = ev.position
        const p = formatPosition(ev.position)
        if (skip !== undefined && comparePositions(p, skip) <= 0) continue
        if (comparePositions(p, endText) > 0) return
        if (!ev.streamId.startsWith(casePrefix)) continue
        if (types !== undefined && !types.has(ev.type)) continue
        // client-side: the server has no filter on the case's hash, so every event still crosses the wire
        if (partition !== undefined && !CasePartition.includes(partition, (ev.data as Recorded).caseId))
          continue
        yield toStored(ev)
      }
      if (n < pageSize || last === undefined) return
      from = last
      skip = formatPosition(last)
    }
  }

  const subscribe = async function* (
    options: EventStore.SubscribeOptions = {},
  ): AsyncGenerator<EventStore.StoredEvent> {
    const signal = options.signal
    if (closed || signal?.aborted) return
    const types = options.types === undefined ? undefined : new Set(options.types)
    const sub = client.subscribeToAll({
      fromPosition: options.after === undefined ? START : parsePosition(options.after),
      filter: streamNameFilter({ prefixes: [casePrefix] }),
    })
    live.add(sub)
    const stop = (): void => {
      void sub.unsubscribe().catch(() => undefined)
    }
    signal?.addEventListener('abort', stop, { once: true })
    try {
      for await (const r of sub) {
        if (closed || signal?.aborted) return
        const ev = r.event as unknown as EsdbEvent | undefined
        if (ev === undefined || !ev.streamId.startsWith(casePrefix)) continue
        if (types !== undefined && !types.has(ev.type)) continue
        yield toStored(ev)
        if (closed || signal?.aborted) return
      }
    } catch (e) {
      if (!(closed || signal?.aborted)) throw e
    } finally {
      signal?.removeEventListener('abort', stop)
      live.delete(sub)
      await sub.unsubscribe().catch(() => undefined)
    }
  }

  return Observability.traceStore({
    append,
    readStream,
    conflicts,
    readAll,
    head: async () => {
      const end = await head()
      return end === undefined ? undefined : formatPosition(end)
    },
    subscribe,
    comparePositions,
    checkpoints: {
      load: async (subscriber) => {
        const last = await readLast(checkpointStream(subscriber, namespace))
        return last === undefined ? undefined : (last.data as { position: string }).position
      },
      save: async (subscriber, position) => {
        const r = await client.appendToStream(
          checkpointStream(subscriber, namespace),
          jsonEvent({ type: 'docket-checkpoint', data: { subscriber, position } }),
          { expectedRevision: ANY },
        )
        // keep only recent checkpoints: set once, when the stream is created
        if (r.nextExpectedRevision === 0n) {
          await client
            .setStreamMetadata(checkpointStream(subscriber, namespace), { maxCount: 10 })
            .catch(() => undefined)
        }
      },
    },
    close: async () => {
      if (closed) return
      closed = true
      for (const sub of live) await sub.unsubscribe().catch(() => undefined)
      if (owned) await client.dispose()
    },
  })
}
