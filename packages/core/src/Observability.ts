/**
 * How Docket tells its host what it is doing: a structured-logging hook and
 * OpenTelemetry spans. Library code never calls `console`; it calls the
 * `Logger` it was given (the default, {@link noop}, drops everything), so the
 * host decides where records go and how they look. Spans go through
 * `@opentelemetry/api` only: without an SDK installed and registered by the
 * host they are no-ops that cost a function call.
 *
 * This is not a logging library or a telemetry SDK: no transports, no
 * sampling, no exporters.
 */
import { type Attributes as OtelAttributes, SpanStatusCode, type Span, trace } from '@opentelemetry/api'
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type * as EventStore from './EventStore.js'

// model

/** Severity of a log record. */
export type Level = 'debug' | 'info' | 'warn' | 'error'

/** One structured log record: a fixed message plus machine-readable fields. */
export interface LogRecord {
  readonly level: Level
  readonly message: string
  readonly fields: Readonly<Record<string, unknown>>
}

/** The logging hook a host passes to Docket (adapt it to pino, winston, console…). */
export interface Logger {
  readonly log: (record: LogRecord) => void
}

/** Span attributes: flat keys (`docket.stream`) with primitive or string-array values. */
export type Attributes = Readonly<
  Record<string, string | number | boolean | ReadonlyArray<string> | undefined>
>

// constants

/** The instrumentation scope name of every Docket span. */
export const TRACER = '@docket/core'

/** Span names Docket emits, so hosts can filter on them. */
export const SPANS = {
  append: 'docket.append',
  evaluate: 'docket.evaluate',
  escalationTick: 'docket.escalation.tick',
} as const

// constructors

/** A logger that drops every record (the default everywhere). */
export const noop: Logger = { log: () => undefined }

/**
 * A logger writing one JSON object per line (`{"level","message",…fields}`)
 * through `write`, keeping records at or above `min` (default `info`).
 *
 * @example
 * const logger = Observability.json((line) => process.stderr.write(line))
 */
export const json = (write: (line: string) => void, min: Level = 'info'): Logger => ({
  log: (r) => {
    if (RANK[r.level] < RANK[min]) return
    write(`${JSON.stringify({ level: r.level, message: r.message, ...r.fields })}\n`)
  },
})

// operations

const RANK: Readonly<Record<Level, number>> = { debug: 10, info: 20, warn: 30, error: 40 }

/** A logger that adds `fields` to every record (record fields win on conflict). */
export const child = (logger: Logger, fields: Readonly<Record<string, unknown>>): Logger => ({
  log: (r) => logger.log({ ...r, fields: { ...fields, ...r.fields } }),
})

/** Logs at `debug`. */
export const debug = (
  logger: Logger,
  message: string,
  fields: Readonly<Record<string, unknown>> = {},
): void => logger.log({ level: 'debug', message, fields })

/** Logs at `info`. */
export const info = (logger: Logger, message: string, fields: Readonly<Record<string, unknown>> = {}): void =>
  logger.log({ level: 'info', message, fields })

/** Logs at `warn`. */
export const warn = (logger: Logger, message: string, fields: Readonly<Record<string, unknown>> = {}): void =>
  logger.log({ level: 'warn', message, fields })

/** Logs at `error`. */
export const error = (
  logger: Logger,
  message: string,
  fields: Readonly<Record<string, unknown>> = {},
): void => logger.log({ level: 'error', message, fields })

const otelAttributes = (attributes: Attributes): OtelAttributes => {
  const out: Record<string, string | number | boolean | Array<string>> = {}
  for (const [k, v] of Object.entries(attributes)) {
    if (v === undefined) continue
    out[k] = typeof v === 'object' ? [...v] : v
  }
  return out
}

const fail = (span: Span, e: unknown): void => {
  span.recordException(e instanceof Error ? e : String(e))
  span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.message : String(e) })
}

const isPromise = (a: unknown): a is PromiseLike<unknown> =>
  typeof a === 'object' && a !== null && typeof (a as { then?: unknown }).then === 'function'

/**
 * Runs `fn` inside an active span named `name`: the span ends when `fn`
 * returns or, for a promise, settles; a throw or rejection is recorded on the
 * span and rethrown. Without an OpenTelemetry SDK it just calls `fn`.
 */
export const withSpan = <A>(name: string, attributes: Attributes, fn: (span: Span) => A): A =>
  trace.getTracer(TRACER).startActiveSpan(name, { attributes: otelAttributes(attributes) }, (span) => {
    let result: A
    try {
      result = fn(span)
    } catch (e) {
      fail(span, e)
      span.end()
      throw e
    }
    if (!isPromise(result)) {
      span.end()
      return result
    }
    return result.then(
      (a) => {
        span.end()
        return a
      },
      (e: unknown) => {
        fail(span, e)
        span.end()
        throw e
      },
    ) as A
  })

/**
 * Wraps a `TaskEither` in a span: a `Left` (an expected failure) marks the
 * span as an error with the failure's `_tag`, and is returned unchanged.
 */
export const traced =
  (name: string, attributes: Attributes) =>
  <L, A>(task: TE.TaskEither<L, A>): TE.TaskEither<L, A> =>
  () =>
    withSpan(name, attributes, async (span) => {
      const result = await task()
      if (E.isLeft(result)) {
        const left = result.left as { readonly _tag?: unknown }
        const tag =
          typeof left === 'object' && left !== null && typeof left._tag === 'string' ? left._tag : 'Left'
        span.setAttribute('docket.error', tag)
        span.setStatus({ code: SpanStatusCode.ERROR, message: tag })
      }
      return result
    })

const TRACED = Symbol.for('@docket/core/Observability.traced')

/**
 * The same store with a `docket.append` span around every append (attributes
 * `docket.case_id`, `docket.events`, `docket.expected_revision`; an expected
 * failure marks the span with its tag). Stores built by Docket are already
 * traced; use this for a store of your own.
 */
export const traceStore = (store: EventStore.EventStore): EventStore.EventStore =>
  (store as { readonly [TRACED]?: true })[TRACED] === true
    ? store
    : ({
        ...store,
        [TRACED]: true,
        append: (caseId, events, expected) =>
          traced(SPANS.append, {
            'docket.case_id': caseId,
            'docket.events': events.length,
            'docket.expected_revision': String(expected),
          })(store.append(caseId, events, expected)),
      } as EventStore.EventStore)
