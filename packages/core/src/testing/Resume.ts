/**
 * Pieces for checking that a process manager resumed from its own checkpoint
 * raises what one rebuilding from the whole log raises, on any store: a store
 * that dies at its n-th operation (before it, or right after it takes effect),
 * a history appended one event at a time, and the escalations of a log.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Recorded } from '../Envelope.js'
import type * as EventStore from '../EventStore.js'

/** What a {@link crashing} store throws where the process would have died. */
export class Crash extends Error {}

/** When a {@link crashing} store dies: at its `left`-th operation from now, before it or right after it. */
export interface CrashPlan {
  left: number
  readonly after: boolean
}

/**
 * The store as a process that dies at an operation sees it: appends, stream reads and checkpoint
 * loads and saves count down `plan.left`, and the one at zero throws a {@link Crash} (after
 * taking effect when `plan.after`).
 */
export const crashing = (store: EventStore.EventStore, plan: CrashPlan): EventStore.EventStore => {
  const step = async <A>(op: () => Promise<A>): Promise<A> => {
    if (plan.left-- === 0) {
      if (plan.after) await op()
      throw new Crash('crash')
    }
    return op()
  }
  return {
    ...store,
    append: (caseId, events, expected) => () => step(() => store.append(caseId, events, expected)()),
    readStream: (caseId) => () => step(() => store.readStream(caseId)()),
    checkpoints: {
      load: (name) => step(() => store.checkpoints.load(name)),
      save: (name, position) => step(() => store.checkpoints.save(name, position)),
    },
  }
}

/** Appends each event to its case, one append each (`'any'`); throws on a refusal. */
export const appendEach = async (
  store: EventStore.EventStore,
  events: ReadonlyArray<Recorded>,
): Promise<void> => {
  for (const e of events) {
    const r = await store.append(e.caseId, [e], 'any')()
    if (E.isLeft(r)) throw new Error(JSON.stringify(r.left))
  }
}

/** Every `EscalationRaised` of the log, in log order (the events, without their positions). */
export const escalations = async (store: EventStore.EventStore): Promise<ReadonlyArray<Recorded>> => {
  const out: Recorded[] = []
  for await (const s of store.readAll()) if (s.event.type === 'EscalationRaised') out.push(s.event)
  return out
}
