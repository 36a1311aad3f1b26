/**
 * An outbox sink that POSTs each escalation notification as JSON to a URL.
 * Delivery is at-least-once: every request carries the notification's
 * idempotency key in an `Idempotency-Key` header (and in the body), so the
 * receiver can drop repeats. Network errors, timeouts, 408, 429 and 5xx are
 * retried with exponential backoff (honouring `Retry-After` up to the cap);
 * other 4xx answers are permanent (the receiver refused the message).
 *
 * With a `secret`, every request is signed (`Docket-Signature`, see
 * `WebhookSignature`), afresh at each attempt, so the receiver can check that
 * a page comes from this Docket, unchanged and recent. Redirects are not
 * followed: a 3xx answer is a permanent failure, so the page and its headers
 * (a token among them) never reach a host other than the one configured.
 * Messages name the sink (`webhook:<host>`), never the whole URL, which can
 * hold a token in its path or query.
 *
 * `fetch`, `sleep`, the clock and the timeout are injected so tests control
 * time; the defaults are Node's global `fetch`, `setTimeout` and `Date.now`.
 */
import { setTimeout as delay } from 'node:timers/promises'
import { Outbox } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import * as WebhookSignature from './WebhookSignature.js'

// model

/** Options of {@link make}. */
export interface Options {
  readonly url: string
  /** Sink name (its outbox checkpoint); default `webhook:<host>`. */
  readonly name?: string
  /** Attempts per delivery before handing back a transient failure to the outbox (default 5). */
  readonly attempts?: number
  /** First retry delay in ms; doubles each time (default 500). */
  readonly baseDelayMs?: number
  /** Cap of one retry delay in ms (default 30 000). */
  readonly maxDelayMs?: number
  /** Per-request timeout in ms (default 10 000). */
  readonly timeoutMs?: number
  /** Extra headers (an authorization token, for example). */
  readonly headers?: Readonly<Record<string, string>>
  /** Signs every request with this shared secret (`Docket-Signature`; `WebhookSignature.verify` checks it). */
  readonly secret?: WebhookSignature.Secret
  /** The clock the signatures' timestamps and `Retry-After` dates are read from, in ms (default `Date.now`). */
  readonly now?: () => number
  readonly fetch?: typeof fetch
  /** Waits `ms` between attempts, or less when `signal` aborts. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  readonly log?: (line: string) => void
}

// constructors

/** Node's own abortable timer; an abort ends the wait early (the rejection it gives is the signal's). */
const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, signal === undefined ? {} : { signal }).catch(() => undefined)

const retryable = (status: number): boolean => status === 408 || status === 429 || status >= 500

/** The wait a `Retry-After` asks for (RFC 9110 §10.2.3): seconds, or an HTTP date; `null` when absent or unreadable. */
const retryAfterMs = (header: string | null, now: number): number | null => {
  if (header === null || header.trim() === '') return null
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : null
  const date = Date.parse(header)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}

/**
 * What went wrong with a request that got no answer, for the log: Node's `fetch` says only
 * `fetch failed` and keeps the reason (`connect ECONNREFUSED 127.0.0.1:8080`,
 * `getaddrinfo ENOTFOUND pager.example.com`) in its `cause`; a timeout says how long it waited.
 * A cause names a host and port at most, never the URL's path.
 */
const failure = (error: unknown, timeoutMs: number): string => {
  if (!(error instanceof Error)) return String(error)
  if (error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`
  const cause: unknown = error.cause
  if (!(cause instanceof Error)) return error.message
  const inner = cause instanceof AggregateError ? cause.errors.filter((e) => e instanceof Error) : []
  const reason = [cause.message, ...inner.map((e: Error) => e.message)].filter((m) => m !== '')
  return reason.length === 0 ? error.message : `${error.message}: ${[...new Set(reason)].join('; ')}`
}

/** A webhook sink. */
export const make = (options: Options): Outbox.Sink => {
  const doFetch = options.fetch ?? fetch
  const sleep = options.sleep ?? defaultSleep
  const attempts = Math.max(1, options.attempts ?? 5)
  const base = options.baseDelayMs ?? 500
  const cap = options.maxDelayMs ?? 30_000
  const timeoutMs = options.timeoutMs ?? 10_000
  const name = options.name ?? `webhook:${new URL(options.url).host}`
  const now = options.now ?? Date.now
  const secret = options.secret
  if (secret !== undefined) WebhookSignature.checkSecret(secret)
  return {
    name,
    deliver: async (n, signal) => {
      // Stopping gives up at once (the outbox delivers again on the next start), so a shutdown
      // waits for no request timeout and no backoff.
      const stopped = (): E.Either<Outbox.DeliveryError, void> =>
        E.left(Outbox.transient(`${name}: stopped before an answer`))
      // a function: the signal can abort during any await below
      const aborted = (): boolean => signal?.aborted === true
      let last = ''
      // the exact bytes sent are the bytes signed
      const body = JSON.stringify(n)
      for (let attempt = 1; attempt <= attempts; attempt++) {
        if (aborted()) return stopped()
        let wait = Outbox.backoffMs(attempt, base, cap)
        const timeout = AbortSignal.timeout(timeoutMs)
        try {
          const response = await doFetch(options.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'idempotency-key': n.idempotencyKey,
              'user-agent': 'docket-escalation',
              ...options.headers,
              ...(secret === undefined
                ? {}
                : { [WebhookSignature.HEADER]: WebhookSignature.sign(secret, body, now()) }),
            },
            body,
            redirect: 'manual',
            signal: signal === undefined ? timeout : AbortSignal.any([timeout, signal]),
          })
          await response.arrayBuffer().catch(() => undefined)
          if (response.ok) return E.right(undefined)
          last = `HTTP ${response.status}`
          if (response.status >= 300 && response.status < 400)
            return E.left(
              Outbox.permanent(
                `${name} answered ${last}, a redirect: not followed (the page goes to the configured URL only); configure the URL it points to`,
              ),
            )
          if (!retryable(response.status)) return E.left(Outbox.permanent(`${name} answered ${last}`))
          wait = Math.min(cap, retryAfterMs(response.headers.get('retry-after'), now()) ?? wait)
        } catch (error) {
          if (aborted()) return stopped()
          last = failure(error, timeoutMs)
        }
        if (attempt < attempts) {
          options.log?.(
            `webhook ${name}: ${n.idempotencyKey} attempt ${attempt} failed (${last}); retry in ${wait} ms`,
          )
          await sleep(wait, signal)
        }
      }
      return E.left(Outbox.transient(`${name}: ${last} after ${attempts} attempt(s)`))
    },
  }
}
