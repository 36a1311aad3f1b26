/**
 * A case the escalation process manager holds in memory: its events in the engine's order with
 * their ids, read back from its stream when an event touches it or its wake comes, and marked
 * partial while that read fails. Not when a case is held or let go, nor what is raised on it: that
 * is the process manager's loop (`ProcessManager.make`); not the wake instants (`WakeQueue`).
 */
import * as E from 'fp-ts/lib/Either.js'
import type { DocketEvent } from '../Envelope.js'
import * as EventStore from '../EventStore.js'
import { compare, type Entry, entry } from './order.js'
import type * as Outage from './outage.js'

// model

/** A case in memory: its history in the engine's order, and whether it could be read back whole. */
export interface CaseState {
  /** True while the stream could not be read back: the history is incomplete, nothing is raised. */
  partial: boolean
  /** The case's events in the engine's order (`occurredAt`, `recordedAt`, `id`), as `Evaluation` sees them. */
  readonly history: DocketEvent[]
  readonly entries: Entry[]
  readonly ids: Set<string>
}

/** Inserts an event in the engine's order (almost always at the end). */
export const insert = (c: CaseState, e: DocketEvent): void => {
  const x = entry(e)
  let i = c.entries.length
  while (i > 0 && compare(x, c.entries[i - 1]!) < 0) i--
  c.entries.splice(i, 0, x)
  c.history.splice(i, 0, e)
  c.ids.add(e.id)
}

// constructors

/** A case with nothing read yet. */
export const fresh = (): CaseState => ({ partial: false, history: [], entries: [], ids: new Set() })

// operations

/** What reading a case back needs: the store, and where to say it failed. */
export interface Context {
  readonly store: EventStore.EventStore
  readonly outage: Outage.Outage
}

/** Reads a case's stream back into memory (a case not held, touched by an event or woken). */
export const loader =
  ({ store, outage }: Context): ((caseId: string, c: CaseState) => Promise<void>) =>
  async (caseId, c) => {
    const read = await store.readStream(caseId)()
    if (E.isLeft(read)) {
      outage.failed(
        caseId,
        read.left,
        `escalation: case ${caseId}: cannot read the stream back (${EventStore.describe(read.left)}); retrying`,
      )
      c.partial = true
      return
    }
    outage.answered()
    c.partial = false
    for (const s of read.right) if (!c.ids.has(s.event.id)) insert(c, s.event)
  }
