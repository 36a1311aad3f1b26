/**
 * What the parts of one EventStoreDB store share: the client, the namespace and its case-stream
 * prefix, the options with their defaults, and whether the store is closed; with the shapes the
 * client's events are read as and the reads of one stream every part uses (all of it, or its last
 * event). `EsdbEventStore.ts` makes the context once, when the store opens, and hands it to each
 * part's factory (the appends, the reads, the subscriptions, the checkpoints). It is not a store
 * and holds no mutable state: the subscriptions keep their own, and the store alone sets `closed`.
 */
import type { Clock, EventStore, Recorded } from '@docket/core'
import {
  BACKWARDS,
  type Position as EsdbPosition,
  type EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
} from '@eventstore/db-client'
import { formatPosition } from './esdbMapping.js'

// model

/** The shared, read-only context of one EventStoreDB store. */
export interface Context {
  readonly client: EventStoreDBClient
  /** The prefix of every stream the store writes, if any (`Options.namespace`). */
  readonly namespace: string | undefined
  /** The prefix of the store's case streams: the namespace's, then `case-`. */
  readonly casePrefix: string
  /** How long a claim whose event never landed blocks another case from using the id, in ms. */
  readonly grace: number
  /** The clock that ages claims. */
  readonly clock: Clock.Clock
  /** Events per page when reading `$all`. */
  readonly pageSize: number
  /** Whether the store has been closed. */
  readonly isClosed: () => boolean
}

/** An event as the client reads it. */
export interface EsdbEvent {
  readonly streamId: string
  readonly id: string
  readonly revision: bigint
  readonly type: string
  readonly created: Date
  readonly data: unknown
  readonly position?: EsdbPosition
}

// operations

/** The stored event of a server's event (whose data is the Docket envelope as given). */
export const toStored = (ev: EsdbEvent): EventStore.StoredEvent => ({
  event: ev.data as Recorded,
  revision: Number(ev.revision),
  position: ev.position === undefined ? '0/0' : formatPosition(ev.position),
})

/** The message of a thrown value. */
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/** Every event of a stream, or [] when it does not exist. */
export const readWhole = async (ctx: Context, stream: string): Promise<ReadonlyArray<EsdbEvent>> => {
  const out: EsdbEvent[] = []
  try {
    for await (const r of ctx.client.readStream(stream, { direction: FORWARDS, fromRevision: START })) {
      if (r.event !== undefined) out.push(r.event as unknown as EsdbEvent)
    }
  } catch (e) {
    if (e instanceof StreamNotFoundError) return []
    throw e
  }
  return out
}

/** The last event of a stream, or `undefined` when it does not exist. */
export const readLast = async (ctx: Context, stream: string): Promise<EsdbEvent | undefined> => {
  try {
    for await (const r of ctx.client.readStream(stream, {
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
