/**
 * Claims: the server only de-duplicates recent appends to the same stream, so the store keeps a
 * claim stream per Docket id (`docket-id-<uuid>`, first event written with expected revision
 * `no_stream`) holding the case and content fingerprint of the event that uses the id. A claim
 * is read, written at exactly the revision expected, or let go (released) by an append that
 * failed before writing its events. Not what an append decides from the claims
 * (`esdbAppend.ts`), nor the conflict check that reads them (`esdbReads.ts`).
 */
import type { Recorded } from '@docket/core'
import { type AppendExpectedRevision, jsonEvent, WrongExpectedVersionError } from '@eventstore/db-client'
import { type Context, readLast } from './esdbContext.js'
import { claimStream } from './esdbMapping.js'

// model

/** The latest event of a Docket id's claim stream. */
export interface Claim {
  readonly caseId: string
  readonly fingerprint: string
  /** Let go by an append that failed before writing its events. */
  readonly released: boolean
  readonly revision: bigint
  readonly created: number
}

// operations

/** The claim of a Docket event id, or `undefined` when none was written. */
export const readClaim = async (ctx: Context, eventId: string): Promise<Claim | undefined> => {
  const last = await readLast(ctx, claimStream(eventId, ctx.namespace))
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

/** Writes a claim (or its release) at exactly the expected revision of the claim stream; undefined when raced. */
export const writeClaim = async (
  ctx: Context,
  e: Recorded,
  fingerprint: string,
  expected: AppendExpectedRevision,
  released: boolean,
): Promise<bigint | undefined> => {
  try {
    const r = await ctx.client.appendToStream(
      claimStream(e.id, ctx.namespace),
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
