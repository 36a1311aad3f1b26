/**
 * `docket watch --store URL [--config FILE] [--custom-policy FILE]… [--webhook URL]… [--once] [--rebuild]`: the
 * escalation process manager. It resumes from its own checkpoint (or, without
 * a usable one, rebuilds every case from the whole log), raises
 * the escalations due (appended as `EscalationRaised` events with ids derived
 * from their causes, so a restart never raises one twice), sleeps until the
 * next one can fall due or a new event arrives, and hands every page to the
 * webhooks through the outbox (at-least-once, `Idempotency-Key` header;
 * signed with the secret in `DOCKET_WEBHOOK_SECRET` when it is set).
 * `--once` does one pass and exits, for a cron job or a queue worker; with `--fail-on undelivered`,
 * 1 when a webhook left a page for the next pass (nobody was paged for it yet).
 * Either stops cleanly on SIGINT or SIGTERM: where it is, closing the store, with exit 0; a signal
 * while the store is opening lets the open finish, then closes it.
 */
import { createHash } from 'node:crypto'
import { systemClock, WebhookSink } from '@docket/adapters'
import { type Outbox, ProcessManager, Timer } from '@docket/core'
import { Policy } from '@docket/policies'
import * as E from 'fp-ts/lib/Either.js'
import { type Command, EXIT, type Invocation } from '../Command.js'
import * as Config from '../Config.js'
import * as Args from '../internal/args.js'
import * as Evaluation from '../internal/evaluation.js'
import * as Interrupt from '../internal/interrupt.js'
import * as Store from '../internal/store.js'
import * as StoreFailure from '../internal/storeFailure.js'
import * as Output from '../Output.js'

/** The environment variable holding the secret every webhook request is signed with (`Docket-Signature`). */
export const SECRET_ENV = 'DOCKET_WEBHOOK_SECRET'

/**
 * The name (and so the outbox checkpoint) of the webhook `url` among `all`: `webhook:<host>` for
 * the first one of its host, as before, and for each later one of the same host
 * `webhook:<host>/<12 hex digits of the URL's SHA-256>`, so that each keeps its own checkpoint
 * (sharing one, a webhook added later resumed from the other's and got no page), and no name
 * shows a path, which can hold a token.
 */
const sinkName = (url: string, all: ReadonlyArray<string>): string => {
  const host = new URL(url).host
  const first = all.find((u) => new URL(u).host === host)
  return first === url
    ? `webhook:${host}`
    : `webhook:${host}/${createHash('sha256').update(url).digest('hex').slice(0, 12)}`
}

/** Dependencies the command can be given (tests pass their own clock and signal). */
export interface Deps {
  readonly timer: Timer.Timer
  /** Aborts a running watch or pass; by default SIGINT and SIGTERM. */
  readonly signal?: AbortSignal
}

const usage = (inv: Invocation, message: string): number => {
  Output.error(inv, `${message}\nRun docket watch --help for usage.`)
  return EXIT.usage
}

/** Builds the `watch` command over the given dependencies. */
export const make = (deps: () => Deps): Command => ({
  name: 'watch',
  summary: 'Run the escalation process manager: raise escalations as they fall due and notify the ladder.',
  usage:
    'watch --store URL [--config FILE] [--custom-policy FILE]... [--webhook URL]... [--name NAME] [--once [--fail-on undelivered]] [--rebuild]',
  options: [
    {
      name: 'store',
      value: 'URL',
      kind: 'string',
      description:
        'The store to watch: memory:, pglite:<dir>, pglite:memory, postgres://…, esdb://…, kurrentdb://….',
    },
    {
      name: 'config',
      value: 'FILE',
      kind: 'string',
      description:
        'The platform profile (JSON or YAML) with the escalation ladder; default: the built-in ladder.',
    },
    Evaluation.CUSTOM_POLICY,
    {
      name: 'webhook',
      value: 'URL',
      kind: 'string',
      multiple: true,
      description:
        'POST every page to this URL (retries with backoff, Idempotency-Key header; signed with DOCKET_WEBHOOK_SECRET when set; redirects not followed).',
    },
    {
      name: 'name',
      value: 'NAME',
      kind: 'string',
      default: 'docket-escalation',
      description: 'Subscriber name of the checkpoints (one per process manager sharing a store).',
    },
    {
      name: 'once',
      kind: 'flag',
      description: 'One pass: raise what is due now, deliver, and exit (for cron).',
    },
    {
      name: 'fail-on',
      value: 'undelivered',
      kind: 'string',
      description:
        'With --once: exit 1 when a webhook could not take a page, left for the next pass (the only value: undelivered).',
    },
    {
      name: 'rebuild',
      kind: 'flag',
      description:
        'Ignore the stored checkpoint of the cases to watch and rebuild every case from the whole log (a new checkpoint is saved).',
    },
  ],
  examples: [
    'docket watch --store postgres://postgres@127.0.0.1:5432/test --config profile.yaml --webhook https://pager.example.com/hooks/docket',
    'docket watch --store pglite:.docket --once',
    'docket watch --store pglite:.docket --once --webhook https://pager.example.com/hooks/docket --fail-on undelivered',
    'docket watch --store pglite:.docket --once --custom-policy acme-trust-safety.yaml',
  ],
  run: async (inv) => {
    const url = Args.str(inv, 'store')
    if (url === undefined) return usage(inv, 'missing --store URL (the store to watch)')
    if (inv.positionals.length > 0) return usage(inv, `unexpected argument ${inv.positionals[0]}`)
    const failOn = Args.str(inv, 'fail-on')
    if (failOn !== undefined && failOn !== 'undelivered')
      return usage(inv, `--fail-on ${JSON.stringify(failOn)}: expected undelivered`)
    if (failOn !== undefined && !Args.flag(inv, 'once'))
      return usage(
        inv,
        '--fail-on undelivered needs --once (a watch that keeps running delivers the page on a later pass)',
      )
    const name = Args.str(inv, 'name') ?? 'docket-escalation'
    const badName = ProcessManager.nameProblem(name)
    if (badName !== undefined) return usage(inv, `--name: ${badName}`)
    const policies = Evaluation.customPolicies(inv)
    if (E.isLeft(policies)) {
      Output.error(inv, policies.left)
      return EXIT.usage
    }
    const { pack } = policies.right
    const profile = Config.load(inv.cwd, Args.str(inv, 'config'), pack)
    if (E.isLeft(profile)) {
      Output.error(inv, profile.left.message)
      return EXIT.usage
    }
    const sinks: Outbox.Sink[] = []
    // from the environment, never an argument (other users of the machine can read those)
    const secret = inv.env[SECRET_ENV]
    // a URL given twice is one webhook
    const hooks = [...new Set(Args.list(inv, 'webhook') ?? [])]
    for (const hook of hooks) {
      try {
        new URL(hook)
      } catch {
        return usage(inv, `--webhook ${hook} is not a URL`)
      }
    }
    for (const hook of hooks) {
      sinks.push(
        WebhookSink.make({
          url: hook,
          name: sinkName(hook, hooks),
          log: (line) => Output.log(inv, line),
          ...(secret === undefined || secret === '' ? {} : { secret }),
        }),
      )
    }
    const d = deps()
    // installed before the store opens: a signal meanwhile lets the open finish, then closes the store
    const stopping = Interrupt.install(inv, 'watch', d.signal)
    try {
      // a store that is not there is created (a deployment may start the watcher before the first
      // append), but said: a typo in --store would otherwise watch an empty store in silence
      const absent = await Store.absence(Store.absolute(url, inv.cwd))
      // the signal cancels what the store runs (a wait for a lock): a failure after it is the interrupt's
      const opened = await Store.open(url, inv, { signal: stopping.signal })
      const waited =
        'watch: stopped (interrupted) while waiting for the store; nothing is lost, the next run goes on from the last checkpoint'
      if (E.isLeft(opened)) {
        if (stopping.signal.aborted) {
          Output.log(inv, waited)
          return EXIT.ok
        }
        Output.error(inv, opened.left)
        return EXIT.usage
      }
      try {
        if (absent?._tag === 'None')
          Output.warn(
            inv,
            `no store was at ${Store.redact(url)} (${absent.reason}): watch created an empty one and waits for its events; check --store if a history was expected`,
          )
        if (await Interrupt.afterOpen(stopping.signal)) {
          Output.log(
            inv,
            'watch: stopped (interrupted) while the store was opening; nothing was read, the next run goes on from the last checkpoint',
          )
          return EXIT.ok
        }
        const pm = ProcessManager.make({
          store: StoreFailure.marked(opened.right),
          timer: d.timer,
          profile: profile.right,
          sinks,
          name,
          resume: !Args.flag(inv, 'rebuild'),
          log: (line) => Output.log(inv, line),
          // time triggers: the obligations of the rules as evaluate runs them, judged at each tick
          obligations: ProcessManager.obligationsFrom({
            rules: Policy.forProfile(profile.right, pack),
            profile: profile.right,
          }),
        })
        // both modes stop the same way: the pass or the watch ends where it is, then the store closes
        const watching = async (): Promise<number> => {
          if (Args.flag(inv, 'once')) {
            const s = await pm.runOnce(stopping.signal)
            Output.log(
              inv,
              stopping.signal.aborted
                ? `watch: stopped (interrupted) during the pass after ${s.events} event(s); ${s.raised} escalation(s) raised${deliveries(s, sinks.length)}; the next pass goes on from the last checkpoint`
                : `watch: ${s.events} event(s) read${s.resumedFrom === null ? '' : ` after the checkpoint at position ${s.resumedFrom}`}, ${s.raised} escalation(s) raised, ${s.scheduled} case(s) waiting for a deadline${deliveries(s, sinks.length)}${undelivered(s)}`,
            )
            // asked for: a page nobody received is a finding a cron job can alert on
            return failOn !== undefined && !stopping.signal.aborted && s.left > 0 ? EXIT.finding : EXIT.ok
          }
          Output.log(
            inv,
            `watch: watching ${Store.redact(url)} (profile ${profile.right.name}); stop with Ctrl-C`,
          )
          await pm.run(stopping.signal)
          const s = pm.stats()
          Output.log(
            inv,
            `watch: stopped after ${s.events} event(s); ${s.raised} escalation(s) raised${deliveries(s, sinks.length)}`,
          )
          return EXIT.ok
        }
        try {
          return await watching()
        } catch (e) {
          if (!(e instanceof StoreFailure.StoreFailure)) throw e
          if (stopping.signal.aborted) {
            Output.log(inv, waited)
            return EXIT.ok
          }
          // the server went away under a read: the store's failure, not a bug (exit 2, as import's)
          Output.error(
            inv,
            `${Store.readFailure(url, e.cause)}; nothing is lost: run docket watch again once the store answers, it goes on from its last checkpoint`,
          )
          return EXIT.usage
        }
      } finally {
        await opened.right.close()
      }
    } finally {
      stopping.release()
    }
  },
})

/** What the webhooks were given, for the summary line (nothing without a webhook). */
const deliveries = (s: ProcessManager.Stats, webhooks: number): string =>
  webhooks === 0
    ? ''
    : `, ${s.delivered} page(s) delivered to ${webhooks} webhook(s)${s.rejected === 0 ? '' : `, ${s.rejected} rejected for good`}`

/** The webhooks that ended a pass at a page they could not take, for the summary line (exit 1 with `--fail-on undelivered`). */
const undelivered = (s: ProcessManager.Stats): string =>
  s.left === 0
    ? ''
    : `; ${s.left} webhook(s) could not take a page now: it and the pages after it are left for the next pass`

/** The `watch` command on the system clock. */
export const command: Command = make(() => ({ timer: Timer.real(systemClock) }))
