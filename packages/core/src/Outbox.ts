/**
 * The outbox: how escalations leave Docket for the people on the ladder.
 * The event log is the outbox. An `EscalationRaised` event is committed
 * first; a dispatcher per sink then follows the log from its own stored
 * checkpoint, turns each event into a `Notification` and hands it to the
 * sink, and moves its checkpoint only after the sink accepted it. A crash
 * between the two re-delivers the notification, never loses it: sinks are
 * at-least-once and every notification carries an idempotency key (the
 * event id) so the receiver can drop repeats.
 *
 * A sink says whether a failure is transient (retry, with exponential
 * backoff, for ever; one pass ends there instead, for the next to retry) or
 * permanent (the receiver rejected it: reported through `onDeadLetter`, then
 * skipped so one bad message cannot stop the pager).
 */
import * as E from 'fp-ts/lib/Either.js'
import type { EventOf } from './Envelope.js'
import type * as Escalation from './Escalation.js'
import * as EventStore from './EventStore.js'
import * as PositionCheckpoint from './internal/positionCheckpoint.js'
import type * as Timer from './Timer.js'

// model

/** What a sink receives about one page. */
export interface Notification {
  /** Stable across re-deliveries: the `EscalationRaised` event id. Receivers drop repeats by it. */
  readonly idempotencyKey: string
  readonly caseId: string
  readonly escalationId: string
  readonly level: number
  /** The ladder level's name, when the ladder has that level. */
  readonly levelName: string | null
  /** Who the level notifies (the ladder's `notify`). */
  readonly notify: ReadonlyArray<string>
  readonly reason: string
  readonly obligationId: string | null
  /** When the page fell due (`occurredAt`). */
  readonly at: string
  /** 0 for the first page of a level, then 1, 2, … for repeats. */
  readonly repeat: number
  readonly missedObligation: boolean
}

/** A delivery failure: retry later, or give up on this notification. */
export type DeliveryError =
  | { readonly _tag: 'Transient'; readonly message: string }
  | { readonly _tag: 'Permanent'; readonly message: string }

/** Somewhere notifications go (a webhook, a pager, a queue). */
export interface Sink {
  /** Names the sink's checkpoint: keep it stable across restarts. */
  readonly name: string
  /**
   * Delivers one notification; may be called again with the same one (at-least-once). `signal`
   * aborts when the dispatcher stops: give up promptly (a transient failure), the notification is
   * delivered again on the next start.
   */
  readonly deliver: (n: Notification, signal?: AbortSignal) => Promise<E.Either<DeliveryError, void>>
}

/** Options of {@link dispatch}. */
export interface Options {
  readonly store: EventStore.EventStore
  readonly sink: Sink
  readonly config: Escalation.Config
  readonly timer: Timer.Timer
  /** Checkpoint name prefix; the sink's own checkpoint is `<name>/outbox/<sink>`. Default `docket-escalation`. */
  readonly name?: string
  /** Backoff between failed deliveries: `base · 2^(n−1)` ms, capped at `max`. Default 1 s to 5 min. */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number }
  /**
   * Follow the log live (default), or stop at its current head (one pass, for cron); one pass also
   * stops at a transient failure, its checkpoint before that page, rather than wait for the receiver.
   */
  readonly follow?: boolean
  readonly onDelivered?: (n: Notification) => void
  readonly onDeadLetter?: (n: Notification, error: DeliveryError) => void
  /** One pass only: told of the page a transient failure left for the next pass (the sink's pass ends there). */
  readonly onLeft?: (n: Notification, error: DeliveryError) => void
  readonly log?: (line: string) => void
}

// constructors

/** A transient failure (retry). */
export const transient = (message: string): DeliveryError => ({ _tag: 'Transient', message })
/** A permanent failure (do not retry). */
export const permanent = (message: string): DeliveryError => ({ _tag: 'Permanent', message })

/** The notification of one `EscalationRaised` event under a ladder. */
export const notification = (e: EventOf<'EscalationRaised'>, config: Escalation.Config): Notification => {
  // the rung whose timing `Escalation.configOf` uses: the later of two of one level (a profile refuses both)
  const rung = config.ladder.findLast((l) => l.level === e.data.level)
  return {
    idempotencyKey: e.id,
    caseId: e.caseId,
    escalationId: e.data.escalationId,
    level: e.data.level,
    levelName: rung?.name ?? null,
    notify: rung?.notify ?? [],
    reason: e.data.reason,
    obligationId: e.data.obligationId ?? null,
    at: e.occurredAt,
    repeat: e.data.repeat ?? 0,
    missedObligation: e.data.missedObligation === true,
  }
}

// operations

/** The delay before retry `attempt` (1-based): exponential, capped. */
export const backoffMs = (attempt: number, baseMs: number, maxMs: number): number =>
  Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1))

/** The checkpoint name a sink's dispatcher uses. */
export const checkpointName = (name: string, sink: string): string => `${name}/outbox/${sink}`

/**
 * Follows the log from the sink's checkpoint and delivers every
 * `EscalationRaised` to the sink, at least once, until `signal` aborts (or,
 * with `follow: false`, until the head of the log).
 */
export const dispatch = async (options: Options, signal: AbortSignal): Promise<void> => {
  const { store, sink, config, timer } = options
  const name = checkpointName(options.name ?? 'docket-escalation', sink.name)
  const { baseMs, maxMs } = options.backoff ?? { baseMs: 1000, maxMs: 300_000 }
  const after = await PositionCheckpoint.load(store, name)
  const read = { ...(after === undefined ? {} : { after }), types: ['EscalationRaised'] }
  const events = options.follow === false ? store.readAll(read) : store.subscribe({ ...read, signal })
  for await (const s of events) {
    if (signal.aborted) return
    if (s.event.type !== 'EscalationRaised') continue
    const n = notification(s.event, config)
    for (let attempt = 1; ; attempt++) {
      const result = await sink.deliver(n, signal)
      // stopped mid-delivery: the next start delivers it again
      if (result._tag === 'Left' && signal.aborted) return
      if (result._tag === 'Right') {
        options.onDelivered?.(n)
        break
      }
      if (result.left._tag === 'Permanent') {
        options.log?.(`outbox ${sink.name}: ${n.idempotencyKey} rejected for good: ${result.left.message}`)
        options.onDeadLetter?.(n, result.left)
        break
      }
      // One pass (cron) does not wait for the receiver: its checkpoint stays before this page,
      // which the next pass delivers first.
      if (options.follow === false) {
        options.log?.(
          `outbox ${sink.name}: ${n.idempotencyKey} failed (${result.left.message}); left for the next pass`,
        )
        options.onLeft?.(n, result.left)
        return
      }
      const delay = backoffMs(attempt, baseMs, maxMs)
      options.log?.(
        `outbox ${sink.name}: ${n.idempotencyKey} failed (${result.left.message}); retry in ${delay} ms`,
      )
      await timer.sleepUntil(timer.clock.now() + delay, signal)
      if (signal.aborted) return
    }
    const saved = await PositionCheckpoint.save(store, name, s.position)
    // not saving is safe: a restart delivers the pages since the last saved one again, with the
    // same idempotency keys (at least once)
    if (E.isLeft(saved))
      options.log?.(
        `outbox ${sink.name}: cannot save the checkpoint at position ${s.position} (${EventStore.describe(saved.left)}); a restart would deliver again from the last one saved`,
      )
  }
}

/** A sink that keeps what it receives, in order (tests, dry runs, `docket watch` without a webhook). */
export const memorySink = (name = 'memory'): Sink & { readonly received: ReadonlyArray<Notification> } => {
  const received: Notification[] = []
  return {
    name,
    received,
    deliver: (n) => {
      received.push(n)
      return Promise.resolve({ _tag: 'Right', right: undefined })
    },
  }
}
