/**
 * A local stand-in for the EU DSA Transparency Database API, on loopback,
 * for tests and dry runs of the submitter. It applies the published rules as
 * `SorRules` reads them (fields, enumerations, cross-field rules), the
 * per-platform uniqueness of `puid`, the batch limits (1–100) and the
 * all-or-nothing storage of `POST /api/v1/statements`, and answers in the
 * shapes of the database's source (422 with validation errors keyed
 * `statement_<i>`; then, for a `puid` repeated or already held, 422 listing
 * them in `errors.existing_puids`; `existing-puid` lookups). Faults can be injected: failing requests, and a
 * lost acknowledgement (stored, then the connection dropped). Batch requests can be held
 * unanswered and then answered in the order they came, to make concurrent submitters overlap.
 *
 * It is not the database: authentication is one fixed token, and nothing is
 * persisted beyond the process.
 */
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as SorRules from '../reports/SorRules.js'

// model

/** A running test server. */
export interface TestServer {
  readonly url: string
  /** Statements stored, by `puid`. */
  readonly stored: ReadonlyMap<string, SorRules.Statement>
  /** How many times each `puid` arrived in a request body (sent, stored or not). */
  readonly received: ReadonlyMap<string, number>
  /** The next `n` batch requests answer `status` (default 503) without storing, with a `Retry-After` if given. */
  readonly failNext: (n: number, status?: number, retryAfter?: string) => void
  /** The next batch request is stored, then its connection is dropped before the answer. */
  readonly loseNextAck: () => void
  /** Holds batch requests unanswered (nothing stored) until `release`, which answers them in order. */
  readonly hold: () => Held
  readonly close: () => Promise<void>
}

/** Batch requests held by {@link TestServer.hold}. */
export interface Held {
  /** Resolves once `n` batch requests are held. */
  readonly arrived: (n: number) => Promise<void>
  /** Answers the held requests in the order they came, and stops holding. */
  readonly release: () => void
}

// constructors

/** Starts a server on 127.0.0.1 (a free port) accepting `token`. */
export const start = async (
  token: string,
  rules: SorRules.Rules = SorRules.shipped(),
): Promise<TestServer> => {
  const stored = new Map<string, SorRules.Statement>()
  const received = new Map<string, number>()
  let failures = 0
  let failStatus = 503
  let failRetryAfter: string | undefined
  let loseAck = false
  let held: Array<() => void> | undefined
  let onHeld: (() => void) | undefined
  const send = (res: http.ServerResponse, status: number, body: unknown, retryAfter?: string): void => {
    res.writeHead(status, {
      'content-type': 'application/json',
      ...(retryAfter === undefined ? {} : { 'retry-after': retryAfter }),
    })
    res.end(JSON.stringify(body))
  }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (held !== undefined && req.method === 'POST' && req.url === '/api/v1/statements') {
        held.push(answer)
        onHeld?.()
        return
      }
      answer()
    })
    const answer = () => {
      if (req.headers.authorization !== `Bearer ${token}`)
        return send(res, 401, { message: 'Unauthenticated.' })
      const url = req.url ?? ''
      const existing = /^\/api\/v1\/statement\/existing-puid\/(.+)$/.exec(url)
      if (req.method === 'GET' && existing) {
        const puid = decodeURIComponent(existing[1]!)
        return stored.has(puid)
          ? send(res, 302, { message: 'statement of reason found', puid })
          : send(res, 404, { message: 'statement of reason not found' })
      }
      if (req.method !== 'POST' || url !== '/api/v1/statements')
        return send(res, 404, { message: 'Not Found' })
      let body: { statements?: unknown }
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { statements?: unknown }
      } catch {
        return send(res, 400, { message: 'malformed JSON' })
      }
      const list = Array.isArray(body.statements) ? (body.statements as SorRules.Statement[]) : []
      for (const s of list) received.set(String(s.puid), (received.get(String(s.puid)) ?? 0) + 1)
      if (failures > 0) {
        failures--
        return send(res, failStatus, { message: 'Service Unavailable' }, failRetryAfter)
      }
      if (list.length < 1 || list.length > 100)
        return send(res, 422, {
          message: 'The statements field must have between 1 and 100 items.',
          errors: { statements: ['between 1 and 100'] },
        })
      const errors: Record<string, Record<string, string[]>> = {}
      list.forEach((s, i) => {
        const byField: Record<string, string[]> = {}
        for (const v of SorRules.validate(s, rules))
          byField[v.field] = [...(byField[v.field] ?? []), v.message]
        if (Object.keys(byField).length > 0) errors[`statement_${i}`] = byField
      })
      // the database validates every statement first, then refuses the batch if a puid repeats in
      // it or is already held, listing them (StatementMultipleAPIController, PuidNotUniqueMultipleException)
      if (Object.keys(errors).length > 0) return send(res, 422, { errors })
      const puids = list.map((s) => String(s.puid))
      const repeated = [...new Set(puids.filter((p, i) => puids.indexOf(p) !== i))]
      const duplicates = repeated.length > 0 ? repeated : puids.filter((p) => stored.has(p))
      if (duplicates.length > 0) {
        const message = 'The platform identifier(s) are not all unique within this call.'
        return send(res, 422, { message, errors: { puid: [message], existing_puids: duplicates } })
      }
      for (const s of list) stored.set(String(s.puid), s)
      if (loseAck) {
        loseAck = false
        req.socket.destroy()
        return
      }
      return send(res, 201, { statements: list.map((s) => ({ puid: s.puid })) })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    stored,
    received,
    failNext: (n, status = 503, retryAfter) => {
      failures = n
      failStatus = status
      failRetryAfter = retryAfter
    },
    loseNextAck: () => {
      loseAck = true
    },
    hold: () => {
      const queue: Array<() => void> = []
      held = queue
      return {
        arrived: (n) =>
          new Promise<void>((resolve) => {
            const check = (): void => {
              if (queue.length >= n) resolve()
            }
            onHeld = check
            check()
          }),
        release: () => {
          if (held === queue) held = undefined
          onHeld = undefined
          for (const answer of queue.splice(0)) answer()
        },
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((e) => (e ? reject(e) : resolve()))
      }),
  }
}
