/**
 * The HTTP intake: a Fastify app that turns JSON requests into case commands,
 * decodes them with Docket's io-ts codecs (a bad body is answered 400 with
 * the path of every bad field), and hands them to the `CommandHandler`, which
 * applies the case rules and appends to whatever `EventStore` it is given
 * (PostgreSQL in `main.ts`, the memory store in unit tests).
 *
 * It is an example of the platform's side of the boundary, not part of the
 * library: authentication, rate limits and request size policy are the
 * platform's own and are left out.
 */
import { CaseCommand, type Clock, CommandHandler, type EventStore, Observability } from '@docket/core'
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify'
import * as E from 'fp-ts/lib/Either.js'

// model

/** What the app needs. */
export interface Options {
  readonly store: EventStore.EventStore
  readonly clock: Clock.Clock
  readonly logger?: Observability.Logger
  /** Largest accepted body in bytes (default 1 MiB). */
  readonly bodyLimit?: number
}

/** The body of a 400 answer. */
export interface BadRequest {
  readonly error: 'invalid_json' | 'invalid_body'
  readonly message: string
  readonly issues: ReadonlyArray<{ readonly path: string; readonly expected: string }>
}

// operations

/** HTTP status for each way a command can fail. */
const status = (e: CommandHandler.HandlerError): number => {
  switch (e._tag) {
    case 'Rejected':
    case 'WrongExpectedRevision':
    case 'IdempotencyConflict':
      return 409
    case 'CaseMismatch':
    case 'InvalidAppend':
      return 400
    case 'StoreUnavailable':
      return 503
  }
}

const badBody = (reply: FastifyReply, issues: BadRequest['issues'], message: string): FastifyReply =>
  reply.code(400).send({ error: 'invalid_body', message, issues } satisfies BadRequest)

/**
 * Builds the app (not yet listening). Routes:
 * - `POST /cases/:caseId/reports` — a report (`ReportContent`: `eventId`, `occurredAt`, `data` of `ContentReported`);
 * - `POST /cases/:caseId/decisions` — a moderator decision (`DecideReview`: `data` of `ReviewDecided`);
 * - `POST /cases/:caseId/commands` — any case command, named by `type`;
 * - `GET /cases/:caseId/events` — the case's stored events, in order;
 * - `GET /health`.
 */
export const make = (options: Options): FastifyInstance => {
  const logger = options.logger ?? Observability.noop
  const app = Fastify({ logger: false, bodyLimit: options.bodyLimit ?? 1024 * 1024 })

  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    if (error.statusCode !== undefined && error.statusCode < 500) {
      return reply
        .code(error.statusCode)
        .send({ error: 'invalid_json', message: error.message, issues: [] } satisfies BadRequest)
    }
    Observability.error(logger, 'intake: unexpected error', { message: error.message })
    return reply.code(500).send({ error: 'internal', message: 'unexpected error' })
  })

  const submit = async (
    caseId: string,
    body: unknown,
    type: CaseCommand.CommandType | undefined,
    reply: FastifyReply,
  ): Promise<FastifyReply> => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return badBody(reply, [{ path: '', expected: 'a JSON object' }], 'the body must be a JSON object')
    }
    const decoded = CaseCommand.decode({ caseId, ...body, ...(type === undefined ? {} : { type }) })
    if (E.isLeft(decoded)) {
      const issues = decoded.left.issues.map((i) => ({ path: i.path, expected: i.expected }))
      return badBody(
        reply,
        issues,
        `${issues.length} invalid field(s): ${issues.map((i) => i.path).join(', ')}`,
      )
    }
    const result = await CommandHandler.handle(options.store, options.clock, caseId, decoded.right)()
    if (E.isLeft(result)) {
      const e = result.left
      Observability.warn(logger, 'intake: command refused', { caseId, reason: e._tag })
      return reply.code(status(e)).send({
        error: e._tag === 'Rejected' ? e.error._tag : e._tag,
        message: CommandHandler.describe(e),
      })
    }
    const r = result.right
    Observability.info(logger, 'intake: recorded', { caseId, appended: r.appended, revision: r.revision })
    return reply.code(r.appended > 0 ? 201 : 200).send({
      caseId,
      eventIds: r.events.map((e) => e.id),
      appended: r.appended,
      revision: r.revision,
    })
  }

  app.get('/health', async () => ({ ok: true }))
  app.post<{ Params: { caseId: string } }>('/cases/:caseId/reports', (req, reply) =>
    submit(req.params.caseId, req.body, 'ReportContent', reply),
  )
  app.post<{ Params: { caseId: string } }>('/cases/:caseId/decisions', (req, reply) =>
    submit(req.params.caseId, req.body, 'DecideReview', reply),
  )
  app.post<{ Params: { caseId: string } }>('/cases/:caseId/commands', (req, reply) =>
    submit(req.params.caseId, req.body, undefined, reply),
  )
  app.get<{ Params: { caseId: string } }>('/cases/:caseId/events', async (req, reply) => {
    const stream = await options.store.readStream(req.params.caseId)()
    if (E.isLeft(stream)) return reply.code(status(stream.left)).send({ error: stream.left._tag })
    return reply.send({ caseId: req.params.caseId, events: stream.right.map((s) => s.event) })
  })
  return app
}
