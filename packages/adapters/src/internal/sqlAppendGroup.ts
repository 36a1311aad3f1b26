/**
 * An append group: the appends that arrive while an earlier group commits, written together in one
 * transaction under the store's lock (see `sqlGroupCommit.ts` for how they are gathered). This module
 * holds what a queued append is (`Pending`) and the checked writer, which reads the state the group
 * needs in one statement, checks each append in order in memory (revision, idempotency, sealing onto
 * its stream's head) and inserts the accepted events in one more. It is not the usual path: most
 * groups are written by one call of the database function (`sqlAppendFast.ts`), and this writer runs
 * when that one declines.
 */
import { CasePartition, Envelope, EventStore, Integrity, type Recorded } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import * as Migrations from './migrations.js'
import { instantText, type Queryable } from './sql.js'
import type { Context } from './sqlContext.js'

// model

/** An append waiting in the queue to be written with its group. */
export interface Pending {
  readonly caseId: string
  readonly batch: ReadonlyArray<Recorded>
  /**
   * Each event's text, written when the append is queued (while an earlier group commits): its JSON,
   * or when sealing, the parts its sealed JSON is made of once its stream's head is known.
   */
  readonly texts: ReadonlyArray<string | Integrity.Sealable>
  readonly expected: EventStore.ExpectedRevision
  readonly resolve: (r: E.Either<EventStore.StoreError, EventStore.AppendResult>) => void
}

/** What an append is answered: its result, or why it was refused. */
export type Outcome = E.Either<EventStore.StoreError, EventStore.AppendResult>

// internal

/**
 * The hash of a stream's last seal, from what the head query read: its `seal_hash`, or its whole body
 * when it was stored without one (before migration 4, or unsealed); `null` when it has no seal.
 */
const hashOf = (read: string | null): string | null => {
  if (read === null || /^[0-9a-f]{64}$/.test(read)) return read
  return Integrity.sealFrom(JSON.parse(read) as Recorded)?.hash ?? null
}

// constructors

/**
 * Appends a group inside one transaction holding the lock, in two statements whatever its size: one
 * reads the head, the last event of every case of the group and the group's ids already stored; the
 * appends are then checked in order in memory (each sees the ones before it, exactly as if run one by
 * one); one statement inserts every accepted event and sends the NOTIFY.
 */
export const checked = (
  ctx: Context,
): ((q: Queryable, group: ReadonlyArray<Pending>) => Promise<ReadonlyArray<Outcome>>) => {
  const { s, seal, appendKey, channel } = ctx
  const appendGroup = async (
    q: Queryable,
    group: ReadonlyArray<Pending>,
  ): Promise<ReadonlyArray<E.Either<EventStore.StoreError, EventStore.AppendResult>>> => {
    await q.query('SELECT pg_advisory_xact_lock($1::bigint)', [appendKey])
    const cases = [...new Set(group.map((p) => p.caseId))]
    const ids = [...new Set(group.flatMap((p) => p.batch.map((e) => e.id)))]
    const state = await q.query<{ head: string; streams: string; existing: string }>(
      `SELECT (SELECT coalesce(max(position), 0)::text FROM ${s}.events) AS head,
              (SELECT coalesce(json_agg(json_build_array(c.stream, l.revision, l.position::text, l.seal)), '[]')::text
                 FROM unnest($1::text[]) AS c(stream)
                 CROSS JOIN LATERAL (SELECT revision, position,
                                            ${seal ? 'coalesce(seal_hash, body)' : 'NULL'} AS seal
                                     FROM ${s}.events WHERE stream = c.stream ORDER BY revision DESC LIMIT 1) l) AS streams,
              (SELECT coalesce(json_agg(json_build_array(x.event_id, x.stream, x.body)), '[]')::text
                 FROM ${s}.events x WHERE x.event_id = ANY($2::text[])) AS existing`,
      [cases, ids],
    )
    const row = state[0]!
    let head = BigInt(row.head)
    const streams = new Map(
      (JSON.parse(row.streams) as Array<[string, number, string, string | null]>).map(
        ([c, revision, position, last]) => [c, { revision, position, hash: hashOf(last) }],
      ),
    )
    const stored = new Map<string, { readonly stream: string; readonly fingerprint: () => string }>(
      (JSON.parse(row.existing) as Array<[string, string, string]>).map(([id, stream, body]) => [
        id,
        { stream, fingerprint: () => Envelope.fingerprint(JSON.parse(body) as Recorded) },
      ]),
    )
    const rows = {
      position: [] as string[],
      stream: [] as string[],
      revision: [] as number[],
      id: [] as string[],
      type: [] as string[],
      occurredAt: [] as string[],
      recordedAt: [] as string[],
      body: [] as string[],
      partitionKey: [] as number[],
      sealHash: [] as Array<string | null>,
      subjects: [] as Array<string | null>,
    }
    const results = group.map((p): E.Either<EventStore.StoreError, EventStore.AppendResult> => {
      const fresh: number[] = []
      for (const [k, e] of p.batch.entries()) {
        const r = stored.get(e.id)
        if (r === undefined) fresh.push(k)
        else if (r.stream !== p.caseId || r.fingerprint() !== Envelope.fingerprint(e)) {
          return E.left(EventStore.idempotencyConflict(e.id, p.caseId, r.stream))
        }
      }
      const last = streams.get(p.caseId)
      if (fresh.length === 0 && last !== undefined) {
        return E.right({ revision: last.revision, appended: 0, position: last.position })
      }
      const check = EventStore.checkExpected(p.caseId, p.expected, last?.revision)
      if (E.isLeft(check)) return check
      let revision = last?.revision ?? -1
      let position = ''
      let hash = last?.hash ?? null
      const key = CasePartition.key(p.caseId)
      for (const k of fresh) {
        const e = p.batch[k]!
        head += 1n
        revision += 1
        position = head.toString()
        stored.set(e.id, { stream: p.caseId, fingerprint: () => Envelope.fingerprint(e) })
        rows.position.push(position)
        rows.stream.push(p.caseId)
        rows.revision.push(revision)
        rows.id.push(e.id)
        rows.type.push(e.type)
        rows.occurredAt.push(instantText(e.occurredAt))
        rows.recordedAt.push(instantText(e.recordedAt))
        const text = p.texts[k]!
        let body: string
        if (typeof text === 'string') body = text
        else {
          const sealed = Integrity.sealedBody(text, hash)
          body = sealed.body
          hash = sealed.hash
        }
        rows.body.push(body)
        rows.subjects.push(Migrations.subjectsColumn(e.type, body, e))
        rows.sealHash.push(seal ? hash : null)
        rows.partitionKey.push(key)
      }
      streams.set(p.caseId, { revision, position, hash })
      return E.right({ revision, appended: fresh.length, position })
    })
    if (rows.position.length > 0) {
      // the insert and the NOTIFY (delivered at commit) in one statement
      await q.query(
        `WITH ins AS (
           INSERT INTO ${s}.events (position, stream, revision, event_id, type, occurred_at, recorded_at, body,
                                    partition_key, seal_hash, subjects)
           SELECT p, st, r, id, t, oa, ra, b, k, h, sj::text[]
             FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::text[], $5::text[],
                         $6::timestamptz[], $7::timestamptz[], $8::text[], $9::bigint[], $10::text[], $13::text[])
                  AS u(p, st, r, id, t, oa, ra, b, k, h, sj)
           RETURNING 1)
         SELECT pg_notify($11, $12) FROM (SELECT count(*) FROM ins) c`,
        [
          rows.position,
          rows.stream,
          rows.revision,
          rows.id,
          rows.type,
          rows.occurredAt,
          rows.recordedAt,
          rows.body,
          rows.partitionKey,
          rows.sealHash,
          channel,
          head.toString(),
          rows.subjects,
        ],
      )
    }
    return results
  }
  return appendGroup
}
