import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { WebhookSignature } from '@docket/adapters'
import { Clock, type DocketEvent, Timer, Timestamp } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, describe, expect, it, vi } from 'vitest'
import * as Seed from '../internal/seed.js'
import { docket } from '../internal/testing.js'
import { command, make } from './watch.js'

const dir = mkdtempSync(join(tmpdir(), 'docket-watch-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const exported = async (store: string): Promise<DocketEvent[]> => {
  const out = await docket(['export', '--store', store])
  expect(out.code, out.stderr).toBe(0)
  return out.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as DocketEvent)
}
const raised = (events: ReadonlyArray<DocketEvent>) =>
  events.flatMap((e) => (e.type === 'EscalationRaised' ? [{ ...e.data, at: e.occurredAt }] : []))

describe('docket watch', () => {
  it('--once on a store that is not there creates it, saying so (a typo in --store would watch in silence)', async () => {
    const store = `pglite:${join(dir, 'not-there')}`
    const first = await docket(['watch', '--store', store, '--once'])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stderr).toContain(
      `no store was at ${store} (the directory does not exist): watch created an empty one and waits for its events`,
    )
    const again = await docket(['watch', '--store', store, '--once'])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stderr).not.toContain('no store was at')
  })

  it('--once raises the seed case’s escalations into the store, and a second pass adds nothing', async () => {
    const store = `pglite:${join(dir, 'once')}`
    const seed = Seed.eventsPath()
    expect(seed).toBeDefined()
    expect((await docket(['import', seed!, '--store', store])).code).toBe(0)
    const first = await docket(['watch', '--store', store, '--once'])
    expect(first.code, first.stderr).toBe(0)
    const after = raised(await exported(store))
    // the summary counts what was read (the seed's events and its own escalations read back) and raised
    expect(first.stderr).toContain(
      `watch: ${12 + after.length} event(s) read, ${after.length} escalation(s) raised`,
    )
    expect(first.stderr).toContain(
      'no checkpoint of the cases to watch; rebuilding every case from the whole log',
    )
    expect(after).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: 'refusal_guard', level: 2, at: '2020-01-28T09:14:00.000-08:00' }),
        expect.objectContaining({
          reason: 'authority_after_refusal',
          level: 4,
          missedObligation: true,
          at: '2020-01-29T11:00:00.000-08:00',
        }),
      ]),
    )
    // the second pass resumes from the checkpoint: nothing after it to read
    const second = await docket(['watch', '--store', store, '--once'])
    expect(second.code, second.stderr).toBe(0)
    expect(second.stderr).toMatch(
      /watch: 0 event\(s\) read after the checkpoint at position \d+, 0 escalation\(s\) raised/,
    )
    expect(raised(await exported(store))).toHaveLength(after.length)
    // --rebuild reads the whole log again, and raises nothing new either
    const rebuilt = await docket(['watch', '--store', store, '--once', '--rebuild'])
    expect(rebuilt.code, rebuilt.stderr).toBe(0)
    expect(rebuilt.stderr).toContain('not resuming from a checkpoint (asked)')
    expect(rebuilt.stderr).toContain(`watch: ${12 + after.length} event(s) read, 0 escalation(s) raised`)
  }, 60_000)

  it('runs until stopped, posting each page to a webhook, signed with DOCKET_WEBHOOK_SECRET', async () => {
    const bodies: Array<{ key: string | undefined; body: { reason: string; level: number } }> = []
    const signatures: Array<E.Either<WebhookSignature.VerifyError, void>> = []
    const secret = 'whsec-watch-test'
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const raw = Buffer.concat(chunks)
        const header = req.headers[WebhookSignature.HEADER] as string | undefined
        signatures.push(WebhookSignature.verify({ secret, header, body: raw, now: Date.now() }))
        bodies.push({ key: req.headers['idempotency-key'] as string | undefined, body: JSON.parse(`${raw}`) })
        res.writeHead(200).end()
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
    const store = `pglite:${join(dir, 'live')}`
    expect((await docket(['import', Seed.eventsPath()!, '--store', store])).code).toBe(0)
    // the clock stands at the refusal: only the guard's first page is due
    const timer = Timer.manual(Clock.manual(Timestamp.toMillis('2020-01-28T09:14:00-08:00')))
    const stop = new AbortController()
    const watch = make(() => ({ timer, signal: stop.signal }))
    const running = docket(['watch', '--store', store, '--webhook', hook], {
      commands: [watch],
      env: { DOCKET_WEBHOOK_SECRET: secret },
    })
    await vi.waitFor(() => expect(bodies.map((b) => b.body.reason)).toContain('refusal_guard'), {
      timeout: 20_000,
    })
    stop.abort()
    const ran = await running
    server.close()
    expect(ran.code, ran.stderr).toBe(0)
    const guard = bodies.find((b) => b.body.reason === 'refusal_guard')
    expect(guard?.body.level).toBe(2)
    expect(guard?.key).toMatch(/^esc-[0-9a-f]{32}\/L2$/)
    expect(signatures.length).toBeGreaterThan(0)
    expect(signatures.every(E.isRight)).toBe(true)
    expect(ran.stderr).not.toContain(secret)
  }, 60_000)

  it('a second webhook on the same host has a checkpoint of its own: added later, it still gets every page', async () => {
    const paths: string[] = []
    const server = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        paths.push(req.url ?? '')
        res.writeHead(200).end()
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const store = `pglite:${join(dir, 'two-hooks')}`
      expect((await docket(['import', Seed.eventsPath()!, '--store', store])).code).toBe(0)
      const first = await docket(['watch', '--store', store, '--once', '--webhook', `${base}/a`])
      expect(first.code, first.stderr).toBe(0)
      const pages = paths.length
      expect(pages).toBeGreaterThan(0)
      expect(first.stderr).toContain(`, ${pages} page(s) delivered to 1 webhook(s)`)
      const second = await docket([
        'watch',
        '--store',
        store,
        '--once',
        '--webhook',
        `${base}/a`,
        '--webhook',
        `${base}/secret-token-b`,
      ])
      expect(second.code, second.stderr).toBe(0)
      expect(paths.filter((p) => p === '/a')).toHaveLength(pages)
      expect(paths.filter((p) => p === '/secret-token-b')).toHaveLength(pages)
      expect(second.stderr).not.toContain('secret-token-b')
      // only the new webhook had pages to catch up on
      expect(second.stderr).toContain(`, ${pages} page(s) delivered to 2 webhook(s)`)
    } finally {
      server.close()
    }
  }, 60_000)

  it('--once --fail-on undelivered exits 1 when a webhook could not take a page, so a cron job can alert on a pass nobody was paged by', async () => {
    let down = true
    const keys: string[] = []
    const server = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        if (!down) keys.push(String(req.headers['idempotency-key']))
        // Retry-After: 0 keeps the sink's own retries immediate
        res.writeHead(down ? 503 : 200, { 'retry-after': '0' }).end()
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
      const store = `pglite:${join(dir, 'hook-down')}`
      expect((await docket(['import', Seed.eventsPath()!, '--store', store])).code).toBe(0)
      const left =
        ', 0 page(s) delivered to 1 webhook(s); 1 webhook(s) could not take a page now: it and the pages after it are left for the next pass'
      // not asked to fail: the pass is said, and exits 0 (the exit codes' contract: 1 is a finding asked for)
      const told = await docket(['watch', '--store', store, '--once', '--webhook', hook])
      expect(told.code, told.stderr).toBe(0)
      expect(told.stderr).toContain(left)
      const failing = ['watch', '--store', store, '--once', '--webhook', hook, '--fail-on', 'undelivered']
      const failed = await docket(failing)
      expect(failed.code, failed.stderr).toBe(1)
      expect(failed.stderr).toContain(left)
      expect((await docket(['watch', '--store', store, '--fail-on', 'undelivered'])).code).toBe(2)
      expect((await docket(['watch', '--store', store, '--once', '--fail-on', 'breached'])).code).toBe(2)
      down = false
      const next = await docket(failing)
      expect(next.code, next.stderr).toBe(0)
      expect(next.stderr).not.toContain('could not take a page')
      // every page once, in log order, none lost to the failed pass
      const ids = (await exported(store)).flatMap((e) => (e.type === 'EscalationRaised' ? [e.id] : []))
      expect(ids.length).toBeGreaterThan(0)
      expect(keys).toEqual(ids)
    } finally {
      server.close()
    }
  }, 60_000)

  it('stops at once when its signal is already aborted', async () => {
    const store = `pglite:${join(dir, 'aborted')}`
    expect((await docket(['import', Seed.eventsPath()!, '--store', store])).code).toBe(0)
    const timer = Timer.manual(Clock.manual(Timestamp.toMillis('2020-01-28T09:14:00-08:00')))
    const watch = make(() => ({ timer, signal: AbortSignal.abort() }))
    const ran = await Promise.race([
      docket(['watch', '--store', store], { commands: [watch] }),
      new Promise<'still running'>((r) => setTimeout(() => r('still running'), 15_000)),
    ])
    expect(ran === 'still running' ? ran : ran.code).toBe(0)
    // --once too: aborted before the store was open, it reads nothing, says so, and raises nothing
    const once = await docket(['watch', '--store', store, '--once'], { commands: [watch] })
    expect(once.code, once.stderr).toBe(0)
    expect(once.stderr).toContain(
      'watch: stopped (interrupted) while the store was opening; nothing was read, the next run goes on from the last checkpoint',
    )
    expect(raised(await exported(store))).toEqual([])
  }, 60_000)

  it('rejects a missing store and a bad webhook URL as usage errors', async () => {
    expect((await docket(['watch'])).code).toBe(2)
    const bad = await docket(['watch', '--store', 'memory:', '--webhook', 'not a url'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--webhook')
    // a name whose checkpoints would be another process manager's (x/state is x's state manifest)
    const shared = await docket(['watch', '--store', 'memory:', '--name', 'x/state'])
    expect(shared.code).toBe(2)
    expect(shared.stderr).toContain(
      '--name: process manager name "x/state": expected a non-empty name without',
    )
    expect(command.options.map((o) => o.name)).toEqual([
      'store',
      'config',
      'custom-policy',
      'webhook',
      'name',
      'once',
      'fail-on',
      'rebuild',
    ])
  })

  it('--custom-policy watches the document’s clocks too, and a changed document is not trusted to resume', async () => {
    const store = `pglite:${join(dir, 'custom')}`
    const acme = fileURLToPath(
      new URL('../../../../examples/custom-policy/acme-trust-safety.yaml', import.meta.url),
    )
    expect((await docket(['import', Seed.eventsPath()!, '--store', store])).code).toBe(0)
    const first = await docket(['watch', '--store', store, '--once', '--custom-policy', acme])
    expect(first.code, first.stderr).toBe(0)
    const custom = raised(await exported(store)).filter((r) =>
      String((r as { obligationId?: string }).obligationId).includes('/acme-trust-safety/csam-triage/'),
    )
    // the first report's one-hour triage clock: warnings, then its target missed at 19:30
    expect(custom).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: 'internal_target_missed', at: '2019-12-25T19:30:00.000-08:00' }),
      ]),
    )
    const again = await docket(['watch', '--store', store, '--once', '--custom-policy', acme])
    expect(again.stderr).toMatch(/0 event\(s\) read after the checkpoint/)
    // a rule cancelled by another event is another rule, though only a condition differs (which the
    // rule's data does not spell out): the checkpoint is not trusted
    const cancelledBy = (event: string): string => {
      const path = join(dir, `cancelled-by-${event}.yaml`)
      writeFileSync(
        path,
        readFileSync(acme, 'utf8').replace(
          '    per: report\n',
          `    per: report\n    cancel: { event: ${event} }\n`,
        ),
      )
      return path
    }
    const closed = await docket([
      'watch',
      '--store',
      store,
      '--once',
      '--custom-policy',
      cancelledBy('CaseClosed'),
    ])
    expect(closed.code, closed.stderr).toBe(0)
    const changed = await docket([
      'watch',
      '--store',
      store,
      '--once',
      '--custom-policy',
      cancelledBy('CaseReopened'),
    ])
    expect(changed.code, changed.stderr).toBe(0)
    expect(changed.stderr).toContain('saved under another profile or other rules')
    const bad = await docket(['watch', '--store', store, '--once', '--custom-policy', join(dir, 'nope.yaml')])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('nope.yaml: no such file')
  }, 60_000)
})
