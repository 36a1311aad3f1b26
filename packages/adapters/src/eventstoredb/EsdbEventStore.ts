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
 *
 * This module opens the store and assembles it from its parts, each given the
 * store's read-only context (`internal/esdbContext.ts`, over the names and
 * positions of `internal/esdbMapping.ts`): the appends (`esdbAppend.ts`, over
 * the claims of `esdbClaims.ts`), the reads (`esdbReads.ts`), the
 * subscriptions (`esdbSubscribe.ts`) and the checkpoints (`esdbCheckpoints.ts`).
 */
import { type Clock, type EventStore, Observability } from '@docket/core'
import { EventStoreDBClient } from '@eventstore/db-client'
import * as Append from '../internal/esdbAppend.js'
import * as Checkpoints from '../internal/esdbCheckpoints.js'
import type { Context } from '../internal/esdbContext.js'
import { CASE_PREFIX, comparePositions, ns } from '../internal/esdbMapping.js'
import * as Reads from '../internal/esdbReads.js'
import * as Subscribe from '../internal/esdbSubscribe.js'
import { systemClock } from '../SystemClock.js'

export {
  caseStream,
  checkpointStream,
  claimStream,
  comparePositions,
  expectedRevision,
  formatPosition,
  parsePosition,
} from '../internal/esdbMapping.js'

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

// operations

/** Accepts `kurrentdb://` (and `kurrent://`) as `esdb://`. */
export const normaliseUrl = (url: string): string =>
  url.replace(
    /^(kurrentdb|kurrent)(\+discover)?:\/\//i,
    (_, _k, d: string | undefined) => `esdb${d ?? ''}://`,
  )

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
  const ctx: Context = {
    client,
    namespace,
    casePrefix,
    grace,
    clock,
    pageSize,
    isClosed: () => closed,
  }
  const subscriptions = Subscribe.make(ctx)

  return Observability.traceStore({
    append: Append.make(ctx),
    ...Reads.make(ctx),
    subscribe: subscriptions.subscribe,
    comparePositions,
    checkpoints: Checkpoints.make(ctx),
    close: async () => {
      if (closed) return
      closed = true
      await subscriptions.close()
      if (owned) await client.dispose()
    },
  })
}
