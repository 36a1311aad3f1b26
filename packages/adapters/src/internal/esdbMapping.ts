/**
 * How Docket's names map onto an EventStoreDB / KurrentDB server: a position is the server's
 * `commit/prepare` pair written `<commit>/<prepare>` in decimal and ordered by commit, then
 * prepare; a case is the stream `EventStore.streamName(caseId)`, a Docket id's claim the stream
 * `docket-id-<uuid>`, a subscriber's checkpoint `docket-checkpoint-<subscriber>`, each after the
 * store's namespace; expected revisions map to `no_stream` / `any` / an exact revision. Pure
 * functions only: not the client's reads or writes (`esdbContext.ts` and the parts).
 */
import { EventStore } from '@docket/core'
import {
  ANY,
  type AppendExpectedRevision,
  type Position as EsdbPosition,
  NO_STREAM,
} from '@eventstore/db-client'
import * as Uuid from './uuid.js'

// model

/** The prefix of every case stream (`EventStore.streamName`), after the namespace if any. */
export const CASE_PREFIX = 'case-'

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

/** The prefix a namespace gives every stream (`<namespace>.`), or none. */
export const ns = (namespace: string | undefined): string => (namespace === undefined ? '' : `${namespace}.`)

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
