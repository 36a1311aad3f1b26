import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Clock, MemoryEventStore, Outbox, ProcessManager, Profile, type Recorded, Timer } from '@docket/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { closeServers, notification, servers } from './internal/webhookTest.js'
import * as WebhookSink from './WebhookSink.js'

interface Received {
  readonly key: string | undefined
  readonly body: Outbox.Notification
}

/** A real HTTP server on loopback that answers `fail` with the given statuses first, then 200. */
const server = async (fail: ReadonlyArray<number>) => {
  const received: Received[] = []
  let calls = 0
  const s = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => {
      body += c
    })
    req.on('end', () => {
      const status = fail[calls++] ?? 200
      if (status === 200) {
        received.push({ key: req.headers['idempotency-key'] as string | undefined, body: JSON.parse(body) })
      }
      res.writeHead(status, status === 429 ? { 'retry-after': '2' } : {})
      res.end()
    })
  })
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/hook`
  servers.push(s)
  return { url, received, calls: () => calls }
}
afterEach(closeServers)

/** A guarded frontline refusal: the refusal guard pages level 2 at 09:14. */
const guarded = [
  {
    id: 'r1',
    type: 'ContentReported',
    caseId: 'c1',
    occurredAt: '2020-01-21T10:00:00-08:00',
    recordedAt: '2020-01-21T10:00:00-08:00',
    data: {
      reportId: 'r1',
      channel: 'in_app',
      category: 'csam',
      content: { ref: 'v1', kind: 'video' },
      jurisdictions: ['US'],
      claims: { depictsMinor: true },
    },
  },
  {
    id: 'd1',
    type: 'ReviewDecided',
    caseId: 'c1',
    occurredAt: '2020-01-28T09:14:00-08:00',
    recordedAt: '2020-01-28T09:14:00-08:00',
    data: { reviewId: 'd1', outcome: 'no_violation', tier: 'frontline', automation: 'not' },
  },
] as unknown as Recorded[]

describe('WebhookSink', () => {
  it('retries a real server that fails the first attempts, with exponential backoff and one idempotency key', async () => {
    const hook = await server([503, 500, 429])
    const delays: number[] = []
    const sink = WebhookSink.make({
      url: hook.url,
      baseDelayMs: 100,
      sleep: (ms) => {
        delays.push(ms)
        return Promise.resolve()
      },
    })
    const result = await sink.deliver(notification)
    expect(result._tag).toBe('Right')
    expect(hook.calls()).toBe(4)
    // 100, 200, then Retry-After: 2 s
    expect(delays).toEqual([100, 200, 2000])
    expect(hook.received).toEqual([{ key: 'esc-1/L2', body: notification }])
  })

  it('honours a Retry-After given as an HTTP date (RFC 9110), not only in seconds', async () => {
    const s = http.createServer((_req, res) => {
      res.writeHead(429, { 'retry-after': new Date(Date.now() + 5000).toUTCString() }).end()
    })
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
    servers.push(s)
    const delays: number[] = []
    const sink = WebhookSink.make({
      url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/hook`,
      attempts: 2,
      baseDelayMs: 100,
      sleep: (ms) => {
        delays.push(ms)
        return Promise.resolve()
      },
    })
    expect(await sink.deliver(notification)).toMatchObject({ _tag: 'Left', left: { _tag: 'Transient' } })
    // the date has whole seconds: between 4 and 5 s from the answer
    expect(delays).toHaveLength(1)
    expect(delays[0]).toBeGreaterThan(3000)
    expect(delays[0]).toBeLessThanOrEqual(5000)
  })

  it('gives a transient failure back to the outbox when every attempt fails', async () => {
    const hook = await server([503, 503, 503])
    const sink = WebhookSink.make({ url: hook.url, attempts: 3, sleep: () => Promise.resolve() })
    const result = await sink.deliver(notification)
    expect(result).toMatchObject({ _tag: 'Left', left: { _tag: 'Transient' } })
    expect(hook.calls()).toBe(3)
  })

  it('treats a 4xx refusal as permanent and does not retry it', async () => {
    const hook = await server([400])
    const sink = WebhookSink.make({ url: hook.url, sleep: () => Promise.resolve() })
    expect(await sink.deliver(notification)).toMatchObject({ _tag: 'Left', left: { _tag: 'Permanent' } })
    expect(hook.calls()).toBe(1)
  })

  it('retries when nothing listens (connection refused)', async () => {
    const hook = await server([])
    await new Promise((r) => servers.pop()?.close(r))
    const delays: number[] = []
    const sink = WebhookSink.make({
      url: hook.url,
      attempts: 3,
      baseDelayMs: 10,
      sleep: (ms) => {
        delays.push(ms)
        return Promise.resolve()
      },
    })
    const result = await sink.deliver(notification)
    expect(result).toMatchObject({ _tag: 'Left', left: { _tag: 'Transient' } })
    expect(delays).toEqual([10, 20])
    // the reason, not only undici's `fetch failed`: what an on-call engineer needs to act
    const port = new URL(hook.url).port
    expect(result).toMatchObject({
      left: { message: expect.stringContaining(`fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`) },
    })
  })

  it('says how long it waited when a request times out', async () => {
    const lines: string[] = []
    const sink = WebhookSink.make({
      url: 'http://127.0.0.1:9/hook',
      attempts: 2,
      timeoutMs: 1234,
      sleep: () => Promise.resolve(),
      log: (line) => lines.push(line),
      // what fetch rejects with when its AbortSignal.timeout fires
      fetch: () =>
        Promise.reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    })
    expect(await sink.deliver(notification)).toMatchObject({
      _tag: 'Left',
      left: {
        _tag: 'Transient',
        message: expect.stringContaining('no answer within 1234 ms after 2 attempt(s)'),
      },
    })
    expect(lines[0]).toContain('attempt 1 failed (no answer within 1234 ms)')
  })

  it('gives up at once when the process manager stops, in a request or between attempts', async () => {
    // a receiver that never answers, and one that asks to be retried in 30 s
    const silent = http.createServer(() => undefined)
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    servers.push(silent)
    const later = http.createServer((_req, res) => res.writeHead(503, { 'retry-after': '30' }).end())
    await new Promise<void>((resolve) => later.listen(0, '127.0.0.1', resolve))
    servers.push(later)
    for (const s of [silent, later]) {
      const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/hook`
      const sink = WebhookSink.make({ url, timeoutMs: 60_000 })
      const ac = new AbortController()
      const delivering = sink.deliver(notification, ac.signal)
      await new Promise((r) => setTimeout(r, 300))
      const stoppedAt = Date.now()
      ac.abort()
      expect(await delivering).toMatchObject({ _tag: 'Left', left: { _tag: 'Transient' } })
      expect(Date.now() - stoppedAt).toBeLessThan(1000)
    }
  }, 10_000)

  it('lets run return promptly on abort while a page is being retried, its checkpoint unmoved', async () => {
    const later = http.createServer((_req, res) => res.writeHead(503, { 'retry-after': '30' }).end())
    await new Promise<void>((resolve) => later.listen(0, '127.0.0.1', resolve))
    servers.push(later)
    let hits = 0
    later.on('request', () => hits++)
    const store = MemoryEventStore.make({ initial: guarded })
    const timer = Timer.manual(Clock.manual(Date.parse('2020-01-28T17:14:00Z')))
    const sink = WebhookSink.make({ url: `http://127.0.0.1:${(later.address() as AddressInfo).port}/hook` })
    const pm = ProcessManager.make({ store, timer, profile: Profile.DEFAULTS, sinks: [sink] })
    const ac = new AbortController()
    const running = pm.run(ac.signal)
    await vi.waitFor(() => expect(hits).toBe(1))
    const stoppedAt = Date.now()
    ac.abort()
    await running
    expect(Date.now() - stoppedAt).toBeLessThan(1000)
    expect(
      await store.checkpoints.load(Outbox.checkpointName('docket-escalation', sink.name)),
    ).toBeUndefined()
  }, 10_000)

  it('delivers the process manager’s pages end to end through the outbox', async () => {
    const hook = await server([502, 502])
    const t0 = Date.parse('2020-01-28T17:14:00Z')
    const store = MemoryEventStore.make({ initial: guarded })
    const timer = Timer.manual(Clock.manual(t0))
    const sink = WebhookSink.make({ url: hook.url, sleep: () => Promise.resolve() })
    const pm = ProcessManager.make({ store, timer, profile: Profile.DEFAULTS, sinks: [sink] })
    const ac = new AbortController()
    const running = pm.run(ac.signal)
    // a real server on loopback and two refused deliveries: more than waitFor's default second under load
    await vi.waitFor(() => expect(hook.received).toHaveLength(1), { timeout: 10_000 })
    ac.abort()
    await running
    expect(hook.received[0]).toMatchObject({ body: { reason: 'refusal_guard', level: 2, caseId: 'c1' } })
    expect(hook.received[0]?.key).toBe(hook.received[0]?.body.idempotencyKey)
    expect(await store.checkpoints.load(Outbox.checkpointName('docket-escalation', sink.name))).toBeDefined()
  }, 15_000)
})
