import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as E from 'fp-ts/lib/Either.js'
import { afterEach, describe, expect, it } from 'vitest'
import * as WebhookSignature from './WebhookSignature.js'
import { closeServers, notification, servers } from './internal/webhookTest.js'
import * as WebhookSink from './WebhookSink.js'

afterEach(closeServers)

interface Request {
  readonly headers: http.IncomingHttpHeaders
  readonly body: Buffer
}

/** A real server on loopback recording the raw bytes and headers of every request, answering `answer`. */
const listen = async (
  answer: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_q, r) => r.end(),
): Promise<{ readonly url: string; readonly requests: Request[] }> => {
  const requests: Request[] = []
  const s = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks) })
      answer(req, res)
    })
  })
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  servers.push(s)
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/hook`, requests }
}

const secret = 'whsec-test-0123456789abcdef'
const NOW = Date.parse('2026-11-27T10:00:00Z')

describe('WebhookSignature', () => {
  it('signs the exact bytes sent, with a timestamp; verify accepts them and nothing else', async () => {
    const hook = await listen()
    const sink = WebhookSink.make({ url: hook.url, secret, now: () => NOW, sleep: () => Promise.resolve() })
    expect(E.isRight(await sink.deliver(notification))).toBe(true)
    const { headers, body } = hook.requests[0]!
    const header = headers[WebhookSignature.HEADER] as string
    expect(header).toMatch(/^t=1795773600,v1=[0-9a-f]{64}$/)
    const check = (o: Partial<WebhookSignature.VerifyOptions>) =>
      WebhookSignature.verify({ secret, header, body, now: NOW + 1_000, ...o })
    expect(check({})).toEqual(E.right(undefined))
    const tampered = Buffer.from(body.toString('utf8').replace('"level":2', '"level":3'))
    expect(check({ body: tampered })).toMatchObject({ _tag: 'Left', left: { _tag: 'SignatureMismatch' } })
    expect(check({ secret: 'another secret' })).toMatchObject({ left: { _tag: 'SignatureMismatch' } })
    // a request captured and replayed later
    expect(check({ now: NOW + 6 * 60_000 })).toMatchObject({ left: { _tag: 'SignatureStale' } })
    expect(check({ header: undefined })).toMatchObject({ left: { _tag: 'SignatureMissing' } })
    expect(check({ header: 't=abc,v1=00' })).toMatchObject({ left: { _tag: 'SignatureMalformed' } })
    // a timestamp changed to look fresh breaks the signature
    expect(
      check({ header: header.replace('t=1795773600', 't=1795773900'), now: NOW + 300_000 }),
    ).toMatchObject({ left: { _tag: 'SignatureMismatch' } })
  })

  it('signs every attempt afresh, so a retry after a long backoff is not stale', async () => {
    let calls = 0
    const hook = await listen((_q, r) => {
      r.statusCode = calls++ === 0 ? 503 : 200
      r.end()
    })
    let now = NOW
    const sink = WebhookSink.make({
      url: hook.url,
      secret,
      now: () => now,
      sleep: async (ms) => {
        now += ms + 600_000
      },
    })
    expect(E.isRight(await sink.deliver(notification))).toBe(true)
    const last = hook.requests[1]!
    const header = last.headers[WebhookSignature.HEADER] as string
    expect(WebhookSignature.verify({ secret, header, body: last.body, now })).toEqual(E.right(undefined))
  })

  it('sends no signature without a secret, and never puts the secret in a message', async () => {
    const hook = await listen((_q, r) => {
      r.statusCode = 400
      r.end()
    })
    const lines: string[] = []
    const plain = WebhookSink.make({ url: hook.url, sleep: () => Promise.resolve() })
    await plain.deliver(notification)
    expect(hook.requests[0]!.headers[WebhookSignature.HEADER]).toBeUndefined()
    const signed = WebhookSink.make({ url: hook.url, secret, log: (l) => lines.push(l) })
    const r = await signed.deliver(notification)
    expect(JSON.stringify([r, lines])).not.toContain(secret)
  })
})

describe('WebhookSink redirects', () => {
  it('follows no redirect: the page and its headers go to the configured URL only', async () => {
    const elsewhere = await listen()
    const hook = await listen((_q, r) => {
      r.writeHead(307, { location: elsewhere.url.replace('127.0.0.1', 'localhost') }).end()
    })
    const sink = WebhookSink.make({
      url: hook.url,
      secret,
      headers: { 'x-api-key': 'key-123' },
      sleep: () => Promise.resolve(),
    })
    const r = await sink.deliver(notification)
    expect(r).toMatchObject({ _tag: 'Left', left: { _tag: 'Permanent' } })
    expect(E.isLeft(r) && r.left.message).toMatch(/HTTP 307.*redirect.*not followed/)
    expect(hook.requests).toHaveLength(1)
    expect(elsewhere.requests).toHaveLength(0)
  })
})
