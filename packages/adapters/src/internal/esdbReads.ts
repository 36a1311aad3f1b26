/**
 * The store's reads that end: one case stream, the stored events an append's ids would conflict
 * with (read through their claims, `esdbClaims.ts`), the head of the log, and the log itself (or
 * some types of it, or one partition) up to the head as it was when the read began. `$all` reads
 * page through the log and keep Docket's case streams (this client's `readAll` has no server-side
 * filter), and a partitioned read keeps its partition's cases the same way, client-side. It is not
 * the reading of new events as they are appended (`esdbSubscribe.ts`).
 */
import { CasePartition, EventStore, type Recorded } from '@docket/core'
import {
  BACKWARDS,
  type Position as EsdbPosition,
  FORWARDS,
  type ReadPosition,
  START,
} from '@eventstore/db-client'
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import { readClaim } from './esdbClaims.js'
import { type Context, type EsdbEvent, messageOf, readWhole, toStored } from './esdbContext.js'
import { caseStream, comparePositions, formatPosition, parsePosition } from './esdbMapping.js'
import * as Uuid from './uuid.js'

// model

/** The reads of the store, as `EventStore` names them. */
export type Reads = Pick<EventStore.EventStore, 'readStream' | 'conflicts' | 'readAll' | 'head'>

/** Claim streams read at once by `conflicts`. */
const CHECK_READS = 32

// constructors

/** The reads of the store of `ctx`. */
export const make = (ctx: Context): Reads => {
  const { client, namespace, casePrefix, pageSize } = ctx
  const readStream =
    (caseId: string): TE.TaskEither<EventStore.StoreError, ReadonlyArray<EventStore.StoredEvent>> =>
    async () => {
      try {
        return E.right((await readWhole(ctx, caseStream(caseId, namespace))).map(toStored))
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
      if (ctx.isClosed()) return E.left(EventStore.unavailable('the EventStoreDB store is closed'))
      const ids = [...new Set(events.map((e) => e.id))]
      const streams = new Map<string, Promise<ReadonlyMap<string, EsdbEvent>>>()
      const streamOf = (claimCase: string): Promise<ReadonlyMap<string, EsdbEvent>> => {
        let read = streams.get(claimCase)
        if (read === undefined) {
          read = readWhole(ctx, caseStream(claimCase, namespace)).then(
            (xs) => new Map(xs.map((x) => [x.id, x])),
          )
          streams.set(claimCase, read)
        }
        return read
      }
      const stored = new Map<string, EventStore.StoredEvent>()
      let next = 0
      const reader = async (): Promise<void> => {
        while (next < ids.length) {
          const id = ids[next++]!
          const claim = await readClaim(ctx, id)
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

  return {
    readStream,
    conflicts,
    readAll,
    head: async () => {
      const end = await head()
      return end === undefined ? undefined : formatPosition(end)
    },
  }
}
