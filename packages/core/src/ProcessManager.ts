/**
 * The escalation process manager: a thin host that runs the pure engine
 * (`Escalation.tick`) over a live event store. It keeps every case that can
 * still change in a `WakeQueue` ordered by its next wake instant, sleeps until
 * the earliest one or until a new event arrives (never a fixed polling loop),
 * and appends the escalations due. Their ids are derived from their causes and
 * the store's appends are idempotent, so a crash at any point followed by a
 * restart raises each escalation exactly once. Notifications leave through the
 * `Outbox`, one dispatcher per sink, each resuming from its own stored
 * checkpoint.
 *
 * At safe points (every case ticked after its last event) it saves its own
 * checkpoint: its position and the cases to watch with their wake instants. A
 * start resumes from it, reading only the log after the position and each
 * case's history from its stream when an event touches it or its wake comes;
 * without a usable one (none, unreadable, another version, another profile or
 * other rules) it rebuilds every case from the whole log.
 *
 * Run it with `docket watch`, or inside a platform's own worker:
 * `ProcessManager.make({ store, timer, profile, sinks }).run(signal)`.
 *
 * This module is the loop and the state it shares; a case held in memory is
 * `internal/heldCase`, the fingerprint a checkpoint is trusted under
 * `internal/fingerprint`, and whether a stored one is usable
 * `internal/watchResume`.
 */
import * as E from 'fp-ts/lib/Either.js'
import { type DocketEvent, type Recorded, withRecordedAt } from './Envelope.js'
import * as Escalation from './Escalation.js'
import * as EventStore from './EventStore.js'
import { watchFingerprint } from './internal/fingerprint.js'
import { type CaseState, fresh, insert, loader } from './internal/heldCase.js'
import * as PositionCheckpoint from './internal/positionCheckpoint.js'
import * as WatchResume from './internal/watchResume.js'
import * as WatchState from './internal/watchState.js'
import type * as Obligation from './Obligation.js'
import * as Outage from './internal/outage.js'
import * as Outbox from './Outbox.js'
import type * as Profile from './Profile.js'
import type * as Timer from './Timer.js'
import * as Timestamp from './Timestamp.js'
import * as WakeQueue from './WakeQueue.js'

export { fingerprintOf, obligationsFrom } from './internal/fingerprint.js'

// model

/** The obligations of a case at an instant (the obligation engine's `evaluateCase`, adapted). */
export type Obligations = (
  caseId: string,
  history: ReadonlyArray<DocketEvent>,
  now: number,
) => ReadonlyArray<Obligation.Obligation>

/** Options of {@link make}. */
export interface Options {
  readonly store: EventStore.EventStore
  /** Its clock is the process manager's `now`; it sleeps until the next wake. */
  readonly timer: Timer.Timer
  readonly profile: Pick<Profile.Resolved, 'escalation'>
  /** Time triggers need obligations; without this only event triggers run. */
  readonly obligations?: Obligations
  readonly sinks?: ReadonlyArray<Outbox.Sink>
  /**
   * Subscriber name for checkpoints. Default `docket-escalation`. Its checkpoints are saved under
   * it and under `<name>/state…` and `<name>/outbox/…`, so a name with a segment `state` or
   * `outbox` (`x/state`) is refused: it would overwrite another process manager's.
   */
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
  /**
   * Resume from the stored checkpoint of the cases to watch (default true). False rebuilds
   * every case from the whole log at start (a checkpoint is still saved for the next one).
   */
  readonly resume?: boolean
  /**
   * What `obligations` depend on besides a case's history (see {@link fingerprintOf}); those of
   * {@link obligationsFrom} carry theirs. With other `obligations` and no fingerprint, no
   * checkpoint of the cases to watch is saved or used.
   */
  readonly fingerprint?: string
  /** Least time on the timer's clock between two checkpoints of the cases to watch while live. Default 60 s. */
  readonly checkpointEveryMs?: number
  readonly log?: (line: string) => void
  readonly onDeadLetter?: (n: Outbox.Notification, error: Outbox.DeliveryError) => void
}

/** What the process manager has done so far. */
export interface Stats {
  /** Events applied from the log (catch-up and live), after the checkpoint when it resumed from one. */
  readonly events: number
  /** Cases held in memory (those that can still change without a new event, and those in hand). */
  readonly cases: number
  /** Cases waiting for a wake instant. */
  readonly scheduled: number
  /** `EscalationRaised` events this process appended (idempotent repeats not counted). */
  readonly raised: number
  /** Pages the sinks accepted from this process (at least once: a page can be delivered again after a crash). */
  readonly delivered: number
  /** Pages a sink rejected for good (dead-lettered: `onDeadLetter` is told of each). */
  readonly rejected: number
  /**
   * Sinks whose pass (`runOnce`) ended at a page they could not take now, left for the next pass
   * with every page after it: nobody was paged for those yet. Always 0 for `run`, which retries.
   */
  readonly left: number
  /** True once the catch-up is over and the live subscription runs. */
  readonly live: boolean
  /** Position of the last event applied (or of the checkpoint it resumed from). */
  readonly position: EventStore.Position | null
  /** The position of the checkpoint this process resumed from, `null` after a full rebuild. */
  readonly resumedFrom: EventStore.Position | null
  /** The next wake instant (epoch ms), or `null`. */
  readonly nextWakeAt: number | null
}

/** A process manager instance. */
export interface ProcessManager {
  /** Runs until `signal` aborts (resolves then); rejects only on a bug. */
  readonly run: (signal: AbortSignal) => Promise<void>
  /**
   * One pass, for a cron job or a queue worker: catch up with the log, raise
   * everything due now, deliver the outbox up to the head of the log (or up to a page a sink
   * cannot take now, left for the next pass), return.
   */
  readonly runOnce: (signal?: AbortSignal) => Promise<Stats>
  readonly stats: () => Stats
}

type Step =
  | { readonly kind: 'event'; readonly r: IteratorResult<EventStore.StoredEvent> }
  | { readonly kind: 'wake' }

// constructors

/** The names of the checkpoints a process manager derives from its own (`<name>/state`, `<name>/outbox/…`). */
const RESERVED_SEGMENTS: ReadonlySet<string> = new Set(['state', 'outbox'])

/**
 * What is wrong with a process manager's `name` (`undefined`: nothing): empty, or with a segment
 * `state` or `outbox`, which would share the checkpoints of another process manager.
 */
export const nameProblem = (name: string): string | undefined =>
  name === '' || name.split('/').some((segment) => RESERVED_SEGMENTS.has(segment))
    ? `process manager name ${JSON.stringify(name)}: expected a non-empty name without a segment ` +
      `"state" or "outbox" (its checkpoints are saved under <name>/state and <name>/outbox/…, and ` +
      `another process manager's would be overwritten)`
    : undefined

/** `name` when no checkpoint of another process manager can share it; throws otherwise. */
const checkName = (name: string): string => {
  const problem = nameProblem(name)
  if (problem !== undefined) throw new TypeError(problem)
  return name
}

/** A process manager over a store. */
export const make = (options: Options): ProcessManager => {
  const { store, timer } = options
  const config = Escalation.configOf(options.profile)
  const name = checkName(options.name ?? 'docket-escalation')
  const log = options.log ?? (() => undefined)
  const cases = new Map<string, CaseState>()
  const queue = WakeQueue.make()
  const failed = new Set<string>()
  const evict = options.evict ?? true
  const checkpointEveryMs = options.checkpointEveryMs ?? 60_000
  /** Ids this process appended whose echo from the subscription has not come back yet. */
  const mine = new Set<string>()
  /** Cases with an event applied (or a wake popped) and not ticked since: no checkpoint while any is. */
  const unticked = new Set<string>()
  /** What wake instants depend on besides the histories; `null`: no checkpoint of the cases can be trusted. */
  const fingerprint = watchFingerprint(options)
  let events = 0
  let raised = 0
  let delivered = 0
  let rejected = 0
  let left = 0
  let live = false
  let started = false
  /** True while folding the whole log from its start: every case's history is then in memory. */
  let folding = false
  /** The queue or the position changed since the last checkpoint of the cases. */
  let dirty = false
  let stateSavedAt = Number.NEGATIVE_INFINITY
  let position: EventStore.Position | null = null
  let resumedFrom: EventStore.Position | null = null
  let saved: EventStore.Position | null = null

  const retryMs = options.retryMs ?? 1000
  /** One line when the store stops answering and one when it answers again, not one per case. */
  const outage = Outage.make(log, retryMs)
  const load = loader({ store, outage })

  /** Folds one event into its case; unless folding the whole log, a case not held is read back from its stream first. */
  const apply = async (s: EventStore.StoredEvent): Promise<string | null> => {
    const e = s.event
    position = s.position
    events++
    dirty = true
    let c = cases.get(e.caseId)
    // The echo of our own append on a case already let go: nothing new to see.
    if (mine.delete(e.id) && c === undefined) return null
    unticked.add(e.caseId)
    if (c === undefined) {
      c = fresh()
      cases.set(e.caseId, c)
      if (!folding) await load(e.caseId, c)
    }
    if (!c.ids.has(e.id)) insert(c, e)
    return e.caseId
  }

  /** Ticks one case (read back from its stream when not held): appends what is due, reschedules it. */
  const process = async (caseId: string): Promise<void> => {
    unticked.delete(caseId)
    dirty = true
    let c = cases.get(caseId)
    if (c === undefined) {
      c = fresh()
      cases.set(caseId, c)
      await load(caseId, c)
    }
    const now = timer.clock.now()
    if (c.partial) {
      await load(caseId, c)
      if (c.partial) {
        queue.set(caseId, now + retryMs)
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
    const unfailed = due.filter((e) => !failed.has(e.id))
    if (unfailed.length > 0) {
      const stamp = Timestamp.format(now, 0)
      const batch: Recorded[] = unfailed.map((e) => withRecordedAt(e, stamp))
      const result = await store.append(caseId, batch, 'any')()
      if (E.isLeft(result)) {
        outage.failed(caseId, result.left, `escalation: case ${caseId}: ${EventStore.describe(result.left)}`)
        if (result.left._tag === 'IdempotencyConflict') {
          failed.add(result.left.eventId)
          queue.set(caseId, now)
        } else {
          queue.set(caseId, now + retryMs)
        }
        return
      }
      outage.answered()
      const { appended } = result.right
      raised += appended
      if (appended === batch.length) for (const e of batch) mine.add(e.id)
      // Another process manager on the store (or an earlier run) may have stored some already: the
      // store wrote only `appended` of them, so "raised" is said only when it wrote them all.
      const verb =
        appended === batch.length
          ? 'raised'
          : appended === 0
            ? 'found already stored (raised by another process manager or an earlier run)'
            : `raised or found already stored (${appended} of ${batch.length} written)`
      for (const e of batch) {
        if (c.ids.has(e.id)) continue
        insert(c, e)
        log(
          `escalation: ${verb} ${e.type === 'EscalationRaised' ? `${e.data.reason} level ${e.data.level}` : e.type} on case ${caseId} (${e.id})`,
        )
      }
    }
    queue.set(caseId, nextWakeAt)
    // Nothing can change without a new event: let the case go; a new event reads it back.
    if (nextWakeAt === null && evict) cases.delete(caseId)
  }

  /** Saves the position; a store that fails to is told (once per outage) and asked again next time. */
  const checkpoint = async (): Promise<void> => {
    if (position === null || position === saved) return
    const at = position
    const result = await PositionCheckpoint.save(store, name, at)
    // Not saving is always safe: the next start reads more of the log. Before, the store's error
    // ended `docket watch` as an internal error when the server restarted while events came in.
    if (E.isLeft(result))
      return outage.failed(
        undefined,
        result.left,
        `escalation: cannot save the checkpoint at position ${at} (${EventStore.describe(result.left)})`,
      )
    outage.answered()
    saved = at
  }

  /**
   * Saves the checkpoint of the cases to watch, at a safe point only: every event up to `position`
   * applied and its case ticked since, so the queue holds every case that can still change.
   */
  const saveState = async (): Promise<void> => {
    if (fingerprint === null || position === null || !dirty || unticked.size > 0) return
    const wakes = queue.entries().map((e) => [e.key, e.at] as const)
    try {
      await WatchState.save(store.checkpoints, name, fingerprint, { position, wakes })
      dirty = false
      stateSavedAt = timer.clock.now()
    } catch (e) {
      // Not saving is always safe: the next start reads more of the log.
      log(
        `escalation: cannot save the checkpoint of the cases to watch (${e instanceof Error ? e.message : String(e)})`,
      )
    }
  }

  /** Resumes from the stored checkpoint of the cases to watch, when there is a usable one. */
  const restore = async (): Promise<void> => {
    const loaded = await WatchResume.usable({ store, name, fingerprint, resume: options.resume, log })
    if (loaded === undefined) return
    position = loaded.position
    saved = position
    resumedFrom = position
    for (const [caseId, at] of loaded.wakes) queue.set(caseId, at)
    log(
      `escalation: resuming from the checkpoint at position ${position}: ${loaded.wakes.length} case(s) to watch`,
    )
  }

  /** Applies the log after the position; false when aborted. */
  const drain = async (signal: AbortSignal): Promise<boolean> => {
    const from = position
    folding = from === null
    try {
      for await (const s of store.readAll(from === null ? {} : { after: from })) {
        if (signal.aborted) return false
        await apply(s)
      }
    } finally {
      folding = false
    }
    return true
  }

  /** Ticks every case touched or due, in case id order; false when aborted. */
  const tickAll = async (signal: AbortSignal): Promise<boolean> => {
    for (const { key } of queue.popDue(timer.clock.now())) unticked.add(key)
    for (const caseId of [...unticked].sort()) {
      if (signal.aborted) return false
      await process(caseId)
    }
    for (const { key } of queue.popDue(timer.clock.now())) await process(key)
    return true
  }

  /**
   * Reads the log after the position (the whole log the first time, without a usable checkpoint),
   * ticks every case touched or due, reads back what that appended (so the checkpoint is past its
   * own escalations), and saves the checkpoints.
   */
  const catchUp = async (signal: AbortSignal): Promise<void> => {
    const previous = started ? undefined : await store.checkpoints.load(name)
    if (!started) {
      started = true
      await restore()
    }
    const from = position
    const before = events
    if (!(await drain(signal))) return
    log(
      from === null
        ? `escalation: rebuilt ${cases.size} case(s) from ${events} event(s)${previous === undefined ? '' : `; the last run had reached position ${previous}`}`
        : `escalation: read ${events - before} event(s) after position ${from}; ${unticked.size} case(s) touched`,
    )
    const raisedBefore = raised
    if (!(await tickAll(signal))) return
    if (raised > raisedBefore && !((await drain(signal)) && (await tickAll(signal)))) return
    await checkpoint()
    await saveState()
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
      if (timer.clock.now() - stateSavedAt >= checkpointEveryMs) await saveState()
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
      const caseId = await apply(step.r.value)
      if (caseId !== null) await process(caseId)
    }
    await checkpoint()
    await saveState()
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
          onDelivered: () => {
            delivered++
          },
          onDeadLetter: (n, error) => {
            rejected++
            options.onDeadLetter?.(n, error)
          },
          onLeft: () => {
            left++
          },
        },
        signal,
      ),
    )

  const stats = (): Stats => ({
    events,
    cases: cases.size,
    scheduled: queue.size(),
    raised,
    delivered,
    rejected,
    left,
    live,
    position,
    resumedFrom,
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
