/**
 * Appends: an append checks its batch and that every event can be written as JSON, then, in up to
 * five attempts, reads the claims of its events (`esdbClaims.ts`): a claim whose event is in its
 * case stream is a repeat (no-op) or a conflict; a claim whose event never landed (an append that
 * failed after claiming) is reused by the same case and content, and taken over by anyone else
 * after the claim grace; one another append still holds makes the attempt start again. It then
 * claims the fresh ids and writes the events at the expected revision, letting the claims go when
 * nothing was written. Not the reads (`esdbReads.ts`), nor the claim streams' format.
 */
import { Envelope, EventStore, type Recorded } from '@docket/core'
import { jsonEvent, NO_STREAM, WrongExpectedVersionError } from '@eventstore/db-client'
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import { type Claim, readClaim, writeClaim } from './esdbClaims.js'
import { type Context, messageOf, readLast, readWhole, toStored } from './esdbContext.js'
import { caseStream, expectedRevision, formatPosition } from './esdbMapping.js'
import * as Uuid from './uuid.js'

// model

/** What one attempt at an append decided: its result, or to try again (a claim was raced or is held). */
type Plan =
  | { readonly _tag: 'done'; readonly result: E.Either<EventStore.StoreError, EventStore.AppendResult> }
  | { readonly _tag: 'retry' }

// internal

/** One attempt at appending `batch` to its case (see the module header). */
const attempt = async (
  ctx: Context,
  caseId: string,
  batch: ReadonlyArray<Recorded>,
  fingerprints: ReadonlyArray<string>,
  expected: EventStore.ExpectedRevision,
): Promise<Plan> => {
  const { client, namespace, clock, grace } = ctx
  const stream = caseStream(caseId, namespace)
  const claims = await Promise.all(batch.map((e) => readClaim(ctx, e.id)))
  const landedIn = new Map<string, ReadonlySet<string>>()
  const landed = async (claimCase: string, eventId: string): Promise<boolean> => {
    let ids = landedIn.get(claimCase)
    if (ids === undefined) {
      ids = new Set((await readWhole(ctx, caseStream(claimCase, namespace))).map((x) => x.id))
      landedIn.set(claimCase, ids)
    }
    return ids.has(Uuid.v5(eventId))
  }
  const fresh: Array<{ readonly event: Recorded; readonly fingerprint: string; readonly after?: Claim }> = []
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
    const last = await readLast(ctx, stream)
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
    for (const h of held)
      await writeClaim(ctx, h.event, h.fingerprint, h.revision, true).catch(() => undefined)
  }
  for (const f of fresh) {
    const revision = await writeClaim(
      ctx,
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
    const ids = await readWhole(ctx, stream).then(
      (xs) => new Set(xs.map((x) => x.id)),
      () => undefined,
    )
    if (ids !== undefined && fresh.every((f) => !ids.has(Uuid.v5(f.event.id)))) await release()
    throw err
  }
}

// constructors

/** The store's `append` over the context `ctx`. */
export const make =
  (ctx: Context): EventStore.EventStore['append'] =>
  (
    caseId: string,
    events: ReadonlyArray<Recorded>,
    expected: EventStore.ExpectedRevision,
  ): TE.TaskEither<EventStore.StoreError, EventStore.AppendResult> =>
  async () => {
    if (ctx.isClosed()) return E.left(EventStore.unavailable('the EventStoreDB store is closed'))
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
        const plan = await attempt(ctx, caseId, batch.right, fingerprints, expected)
        if (plan._tag === 'done') return plan.result
      }
      return E.left(EventStore.unavailable('EventStoreDB: too many concurrent claims of the same event ids'))
    } catch (e) {
      return E.left(EventStore.unavailable(`EventStoreDB: ${messageOf(e)}`))
    }
  }
