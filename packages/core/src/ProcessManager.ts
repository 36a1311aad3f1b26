/**
 * The escalation process manager: a thin host that runs the pure engine
 * (`Escalation.tick`) over a live event store. It rebuilds each case from
 * the log, keeps every case that can still change in a `WakeQueue` ordered by
 * its next wake instant, sleeps until the earliest one or until a new event
 * arrives (never a fixed polling loop), and appends the escalations due. Their
 * ids are derived from their causes and the store's appends are idempotent,
 * so a crash at any point followed by a restart raises each escalation
 * exactly once. Notifications leave through the `Outbox`, one dispatcher per
 * sink, each resuming from its own stored checkpoint.
 *
 * Run it with `docket watch`, or inside a platform's own worker:
 * `ProcessManager.make({ store, timer, profile, sinks }).run(signal)`.
 */
import * as E from 'fp-ts/lib/Either.js'
import { type DocketEvent, type Recorded, withRecordedAt } from './Envelope.js'
import * as Escalation from './Escalation.js'
import * as Evaluation from './Evaluation.js'
import * as EventStore from './EventStore.js'
import { compare, type Entry, entry } from './internal/order.js'
import type * as Obligation from './Obligation.js'
import * as Outbox from './Outbox.js'
import type * as Profile from './Profile.js'
import type * as Timer from './Timer.js'
import * as Timestamp from './Timestamp.js'
import * as WakeQueue from './WakeQueue.js'

// model

/** The obligations of a case at an instant (the obligation engine's `evaluateCase`, adapted). */
export type Obligations = (
  caseId: string,
  history: ReadonlyArray<DocketEvent>,
  now: number,
) => ReadonlyArray<Obligation.Obligation>

/**
 * Obligations from the obligation engine with these rules, judged at each tick's `now`: those
 * of `Evaluation.evaluateCase` at `now`, through `Evaluation.judge` (the rules prepared once,
 * and no options object copied per case).
 */
export const obligationsFrom = (
  options: Pick<Evaluation.Options, 'rules' | 'profile' | 'policies'>,
): Obligations => {
  const judge = Evaluation.judge(options)
  return (caseId, history, now) => judge(caseId, history, now)?.report.obligations ?? []
}

/** Options of {@link make}. */
export interface Options {
  readonly store: EventStore.EventStore
  /** Its clock is the process manager's `now`; it sleeps until the next wake. */
  readonly timer: Timer.Timer
  readonly profile: Pick<Profile.Resolved, 'escalation'>
  /** Time triggers need obligations; without this only event triggers run. */
  readonly obligations?: Obligations
  readonly sinks?: ReadonlyArray<Outbox.Sink>
  /** Subscriber name for checkpoints. Default `docket-escalation`. */
  readonly name?: string
  /** Outbox backoff (see `Outbox.Options`). */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number }
  /**
   * Drop a case from memory once nothing can change for it without a new event
   * (default true), so memory follows the open cases, not the whole log.
   */
  readonly evict?: boolean
  /** Delay before retrying a failed append. Default 1 s. */
  readonly retryMs?: number
  readonly log?: (line: string) => void
  readonly onDeadLetter?: (n: Outbox.Notification, error: Outbox.DeliveryError) => void
}

/** What the process manager has done so far. */
export interface Stats {
  /** Events applied from the log (catch-up and live). */
  readonly events: number
  /** Cases held in memory (those that can still change without a new event, and those in hand). */
  readonly cases: number
  /** Cases waiting for a wake instant. */
  readonly scheduled: number
  /** `EscalationRaised` events this process appended (idempotent repeats not counted). */
  readonly raised: number
  /** True once the catch-up is over and the live subscription runs. */
  readonly live: boolean
  /** Position of the last event applied. */
  readonly position: EventStore.Position | null
  /** The next wake instant (epoch ms), or `null`. */
  readonly nextWakeAt: number | null
}

/** A process manager instance. */
export interface ProcessManager {
  /** Runs until `signal` aborts (resolves then); rejects only on a bug. */
  readonly run: (signal: AbortSignal) => Promise<void>
  /**
   * One pass, for a cron job or a queue worker: catch up with the log, raise
   * everything due now, deliver the outbox up to the head of the log, return.
   */
  readonly runOnce: (signal?: AbortSignal) => Promise<Stats>
  readonly stats: () => Stats
}

interface CaseState {
  /** True while the stream could not be read back: the history is incomplete, nothing is raised. */
  partial: boolean
  /** The case's events in the engine's order (`occurredAt`, `recordedAt`, `id`), as `Evaluation` sees them. */
  readonly history: DocketEvent[]
  readonly entries: Entry[]
  readonly ids: Set<string>
}

/** Inserts an event in the engine's order (almost always at the end). */
const insert = (c: CaseState, e: DocketEvent): void => {
  const x = entry(e)
  let i = c.entries.length
  while (i > 0 && compare(x, c.entries[i - 1]!) < 0) i--
  c.entries.splice(i, 0, x)
  c.history.splice(i, 0, e)
  c.ids.add(e.id)
}

type Step =
  | { readonly kind: 'event'; readonly r: IteratorResult<EventStore.StoredEvent> }
  | { readonly kind: 'wake' }

// constructors

/** A process manager over a store. */
export const make = (options: Options): ProcessManager => {
  const { store, timer } = options
  const config = Escalation.configOf(options.profile)
  const name = options.name ?? 'docket-escalation'
  const log = options.log ?? (() => undefined)
  const cases = new Map<string, CaseState>()
  const queue = WakeQueue.make()
  const failed = new Set<string>()
  const evict = options.evict ?? true
  /** Ids this process appended whose echo from the subscription has not come back yet. */
  const mine = new Set<string>()
  let events = 0
  let raised = 0
  let live = false
  let position: EventStore.Position | null = null
  let saved: EventStore.Position | null = null

  const fresh = (): CaseState => ({ partial: false, history: [], entries: [], ids: new Set() })

  /** Reads a case's stream back into memory (a live event on a case not held). */
  const load = async (caseId: string, c: CaseState): Promise<void> => {
    const read = await store.readStream(caseId)()
    if (E.isLeft(read)) {
      log(
        `escalation: case ${caseId}: cannot read the stream back (${EventStore.describe(read.left)}); retrying`,
      )
      c.partial = true
      return
    }
    c.partial = false
    for (const s of read.right) if (!c.ids.has(s.event.id)) insert(c, s.event)
  }

  /** Folds one event into its case; live, a case not held in memory is read back from its stream first. */
  const apply = async (s: EventStore.StoredEvent, isLive: boolean): Promise<string | null> => {
    const e = s.event
    position = s.position
    events++
    let c = cases.get(e.caseId)
    // The echo of our own append on a case already let go: nothing new to see.
    if (mine.delete(e.id) && c === undefined) return null
    if (c === undefined) {
      c = fresh()
      cases.set(e.caseId, c)
      if (isLive) await load(e.caseId, c)
    }
    if (!c.ids.has(e.id)) insert(c, e)
    return e.caseId
  }

  /** Ticks one case: appends what is due, reschedules it. */
  const process = async (caseId: string): Promise<void> => {
    const c = cases.get(caseId)
    if (c === undefined) return
    const now = timer.clock.now()
    if (c.partial) {
      await load(caseId, c)
      if (c.partial) {
        queue.set(caseId, now + (options.retryMs ?? 1000))
        return
      }
    }
    const input: Escalation.Input = {
      caseId,
      history: c.history,
      obligations: options.obligations?.(caseId, c.history, now) ?? [],
      config,
    }
    const { due, nextWakeAt } = Escalation.tick(input, now)
    const fresh = due.filter((e) => !failed.has(e.id))
    if (fresh.length > 0) {
      const stamp = Timestamp.format(now, 0)
      const batch: Recorded[] = fresh.map((e) => withRecordedAt(e, stamp))
      const result = await store.append(caseId, batch, 'any')()
      if (E.isLeft(result)) {
        log(`escalation: case ${caseId}: ${EventStore.describe(result.left)}`)
        if (result.left._tag === 'IdempotencyConflict') {
          failed.add(result.left.eventId)
          queue.set(caseId, now)
        } else {
          queue.set(caseId, now + (options.retryMs ?? 1000))
        }
        return
      }
      raised += result.right.appended
      if (result.right.appended === batch.length) for (const e of batch) mine.add(e.id)
      for (const e of batch) {
        if (c.ids.has(e.id)) continue
        insert(c, e)
        log(
          `escalation: raised ${e.type === 'EscalationRaised' ? `${e.data.reason} level ${e.data.level}` : e.type} on case ${caseId} (${e.id})`,
        )
      }
    }
    queue.set(caseId, nextWakeAt)
    // Nothing can change without a new event: let the case go; a new event reads it back.
    if (nextWakeAt === null && evict) cases.delete(caseId)
  }

  const checkpoint = async (): Promise<void> => {
    if (position !== null && position !== saved) {
      await store.checkpoints.save(name, position)
      saved = position
    }
  }

  /** Rebuilds every case from the log (a fold, no ticking), then ticks each once. */
  const catchUp = async (signal: AbortSignal): Promise<void> => {
    const resumed = await store.checkpoints.load(name)
    for await (const s of store.readAll({ ...(position === null ? {} : { after: position }) })) {
      if (signal.aborted) return
      await apply(s, false)
    }
    log(
      `escalation: rebuilt ${cases.size} case(s) from ${events} event(s)${resumed === undefined ? '' : `; the last run had reached position ${resumed}`}`,
    )
    for (const caseId of [...cases.keys()].sort()) {
      if (signal.aborted) return
      await process(caseId)
    }
    for (const { key } of queue.popDue(timer.clock.now())) await process(key)
    await checkpoint()
  }

  const runEngine = async (signal: AbortSignal): Promise<void> => {
    await catchUp(signal)
    if (signal.aborted) return
    live = true
    const iterator = store
      .subscribe({ ...(position === null ? {} : { after: position }), signal })
      [Symbol.asyncIterator]()
    let pending: Promise<IteratorResult<EventStore.StoredEvent>> | null = null
    while (!signal.aborted) {
      const next = queue.peek()
      if (next !== undefined && next.at <= timer.clock.now()) {
        for (const { key } of queue.popDue(timer.clock.now())) await process(key)
        continue
      }
      pending ??= iterator.next()
      await checkpoint()
      const sleep = new AbortController()
      const onAbort = (): void => sleep.abort()
      signal.addEventListener('abort', onAbort, { once: true })
      const step: Step = await Promise.race([
        pending.then((r): Step => ({ kind: 'event', r })),
        next === undefined
          ? new Promise<Step>(() => undefined)
          : timer.sleepUntil(next.at, sleep.signal).then((): Step => ({ kind: 'wake' })),
      ])
      sleep.abort()
      signal.removeEventListener('abort', onAbort)
      if (step.kind === 'wake') continue
      pending = null
      if (step.r.done === true) break
      const caseId = await apply(step.r.value, true)
      if (caseId !== null) await process(caseId)
    }
    await checkpoint()
  }

  const outbox = (signal: AbortSignal, follow: boolean): ReadonlyArray<Promise<void>> =>
    (options.sinks ?? []).map((sink) =>
      Outbox.dispatch(
        {
          store,
          sink,
          config,
          timer,
          name,
          follow,
          ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
          log,
          ...(options.onDeadLetter === undefined ? {} : { onDeadLetter: options.onDeadLetter }),
        },
        signal,
      ),
    )

  const stats = (): Stats => ({
    events,
    cases: cases.size,
    scheduled: queue.size(),
    raised,
    live,
    position,
    nextWakeAt: queue.peek()?.at ?? null,
  })

  return {
    run: async (signal) => {
      await Promise.all([runEngine(signal), ...outbox(signal, true)])
    },
    runOnce: async (signal = new AbortController().signal) => {
      await catchUp(signal)
      await Promise.all(outbox(signal, false))
      return stats()
    },
    stats,
  }
}
