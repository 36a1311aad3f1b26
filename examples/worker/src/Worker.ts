/**
 * The escalation process manager inside a platform's own long-running worker:
 * it watches the store, raises escalations as they fall due (event triggers
 * such as a refused child-safety report, and time triggers from the
 * obligations of the profile's default rules), and sends every page to a
 * webhook through the outbox (at-least-once, `Idempotency-Key` header).
 *
 * The worker owns its lifecycle: `stop()` aborts the process manager, waits
 * for the current step to finish and resolves; the store is closed by whoever
 * opened it. Restarting is safe at any moment: escalation ids derive from
 * their causes, so nothing is raised twice.
 */
import { WebhookSink } from '@docket/adapters'
import { type EventStore, Observability, ProcessManager, type Profile, type Timer } from '@docket/core'
import { Policy } from '@docket/policies'

// model

/** What the worker needs. */
export interface Options {
  readonly store: EventStore.EventStore
  readonly profile: Profile.Resolved
  /** Where pages are POSTed. */
  readonly webhookUrl: string
  readonly timer: Timer.Timer
  readonly logger?: Observability.Logger
  /** Checkpoint name; keep it stable across restarts (default `docket-escalation`). */
  readonly name?: string
}

/** A running worker. */
export interface Worker {
  /** Stops after the current step; resolves once the process manager has returned. */
  readonly stop: () => Promise<ProcessManager.Stats>
  /** Settles when the process manager returns (after `stop`, or on a bug). */
  readonly done: Promise<void>
  readonly stats: () => ProcessManager.Stats
}

// constructors

/** Starts the process manager; it runs until `stop()`. */
export const start = (options: Options): Worker => {
  const logger = options.logger ?? Observability.noop
  const log = (line: string): void => Observability.info(logger, line)
  const pm = ProcessManager.make({
    store: options.store,
    timer: options.timer,
    profile: options.profile,
    name: options.name ?? 'docket-escalation',
    sinks: [WebhookSink.make({ url: options.webhookUrl, log })],
    obligations: ProcessManager.obligationsFrom({
      rules: Policy.defaultRules(options.profile),
      profile: options.profile,
    }),
    log,
    onDeadLetter: (n, error) =>
      Observability.error(logger, 'worker: page not delivered', {
        idempotencyKey: n.idempotencyKey,
        ...error,
      }),
  })
  const ac = new AbortController()
  const done = pm.run(ac.signal)
  return {
    stop: async () => {
      ac.abort()
      await done
      return pm.stats()
    },
    done,
    stats: pm.stats,
  }
}
