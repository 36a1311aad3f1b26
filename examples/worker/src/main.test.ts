/**
 * The worker end to end, as a real process: events in an embedded PGlite
 * store, the built worker started on it with a webhook on a loopback port,
 * the refused child-safety report paged at once, SIGTERM, a clean exit 0, and
 * the escalation stored in the log; a bad DOCKET_PROFILE exits 2 with one
 * line. Needs `tsc -b` first (pnpm test does).
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openStore } from '@docket/adapters'
import { Envelope, type DocketEvent } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { main as run } from './main.js'

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url))

const events: ReadonlyArray<DocketEvent> = [
  {
    id: 'w-1',
    type: 'ContentReported',
    caseId: 'case-w',
    occurredAt: '2026-03-02T21:14:00-05:00',
    actor: { kind: 'guardian' },
    data: {
      reportId: 'r-1',
      channel: 'in_app',
      category: 'csam',
      content: { ref: 'video-1', kind: 'video' },
      jurisdictions: ['US'],
      claims: { depictsMinor: true },
    },
  },
  {
    id: 'w-2',
    type: 'ReviewDecided',
    caseId: 'case-w',
    occurredAt: '2026-03-02T21:40:00-05:00',
    actor: { kind: 'moderator' },
    data: {
      reviewId: 'rv-1',
      outcome: 'no_violation',
      tier: 'frontline',
      automation: 'not',
      reportId: 'r-1',
    },
  },
]

interface Received {
  readonly headers: IncomingHttpHeaders
  readonly body: { readonly reason: string; readonly caseId: string; readonly idempotencyKey: string }
}

describe('worker example (a real process on PGlite, webhook on loopback)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-worker-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('exits 2 on a profile naming a rule that does not exist, before opening the store', async () => {
    const profile = join(dir, 'bad-profile.json')
    writeFileSync(profile, JSON.stringify({ enabledRules: ['bogus/rule'] }))
    const logged: string[] = []
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      logged.push(String(chunk))
      return true
    })
    try {
      expect(await run({ WEBHOOK_URL: 'http://127.0.0.1:9/', DOCKET_PROFILE: profile })).toBe(2)
    } finally {
      stderr.mockRestore()
    }
    expect(logged.join('')).toContain('worker: bad DOCKET_PROFILE')
    expect(logged.join('')).toContain('enabledRules.0: got \\"bogus/rule\\"')
  })

  it('exits 2 with one line on a WEBHOOK_URL that is not an http(s) URL, before opening the store', async () => {
    const store = join(dir, 'never-opened')
    for (const url of ['not-a-url', 'ftp://127.0.0.1/hooks']) {
      const logged: string[] = []
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
        logged.push(String(chunk))
        return true
      })
      try {
        expect(await run({ WEBHOOK_URL: url, DOCKET_STORE: `pglite:${store}` })).toBe(2)
      } finally {
        stderr.mockRestore()
      }
      expect(logged).toHaveLength(1)
      expect(logged.join('')).toContain('worker: WEBHOOK_URL must be an http:// or https:// URL')
    }
    expect(existsSync(store)).toBe(false)
  })

  it('pages the refused report to the webhook, stops on SIGTERM with exit 0, and the escalation is stored', async () => {
    expect(existsSync(main), `${main} is missing: run tsc -b first`).toBe(true)
    const url = `pglite:${dir}`
    const seeded = await openStore(url)()
    if (E.isLeft(seeded)) throw new Error(JSON.stringify(seeded.left))
    const appended = await seeded.right.append(
      'case-w',
      events.map((e) => Envelope.withImportedRecordedAt(e)),
      'no_stream',
    )()
    expect(E.isRight(appended)).toBe(true)
    await seeded.right.close()

    const received: Received[] = []
    let paged: () => void = () => undefined
    const firstPage = new Promise<void>((resolve) => {
      paged = resolve
    })
    const server = createServer((req, res) => {
      let body = ''
      req.on('data', (d: Buffer) => {
        body += d.toString('utf8')
      })
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(body) as Received['body'] })
        res.writeHead(204).end()
        paged()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port

    const child = spawn(process.execPath, [main], {
      env: { ...process.env, DOCKET_STORE: url, WEBHOOK_URL: `http://127.0.0.1:${port}/hooks/docket` },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
    })
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    try {
      await Promise.race([
        firstPage,
        exited.then(() => {
          throw new Error(`worker exited early:\n${stderr}`)
        }),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`no page within 60 s:\n${stderr}`)), 60_000),
        ),
      ])
      child.kill('SIGTERM')
      expect(await exited, stderr).toBe(0)
    } finally {
      child.kill('SIGKILL')
      server.close()
    }

    const guard = received.find((r) => r.body.reason === 'refusal_guard')
    expect(guard, JSON.stringify(received.map((r) => r.body))).toBeDefined()
    expect(guard!.body.caseId).toBe('case-w')
    expect(guard!.headers['idempotency-key']).toBe(guard!.body.idempotencyKey)
    expect(stderr).toContain('"message":"worker: stopped"')

    const reopened = await openStore(url)()
    if (E.isLeft(reopened)) throw new Error(JSON.stringify(reopened.left))
    const stream = await reopened.right.readStream('case-w')()
    await reopened.right.close()
    const raised = E.isRight(stream) ? stream.right.filter((s) => s.event.type === 'EscalationRaised') : []
    expect(raised.map((s) => s.event.id)).toContain(guard!.body.idempotencyKey)
  }, 120_000)

  it.each([
    ['a DOCKET_PROFILE file that does not exist', 'missing.json', 'missing.json: no such file'],
    ['a DOCKET_PROFILE file that is not JSON', 'broken.json', 'broken.json: not valid JSON'],
    ['a DOCKET_PROFILE with a bad field', 'bad-field.json', 'bad-field.json: '],
  ])(
    'exits 2 with one line on standard error for %s',
    async (_what, name, expected) => {
      expect(existsSync(main), `${main} is missing: run tsc -b first`).toBe(true)
      writeFileSync(join(dir, 'broken.json'), '{"timeZone": ')
      writeFileSync(join(dir, 'bad-field.json'), '{"timeZone": 42}')
      const child = spawn(process.execPath, [main], {
        env: {
          ...process.env,
          DOCKET_STORE: `pglite:${join(dir, 'unused')}`,
          WEBHOOK_URL: 'http://127.0.0.1:9/hooks/docket',
          DOCKET_PROFILE: join(dir, name),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stderr = ''
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d
      })
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
      expect(code, stderr).toBe(2)
      const lines = stderr.trimEnd().split('\n')
      expect(lines, stderr).toHaveLength(1)
      expect(JSON.parse(lines[0]!).message).toContain(`worker: bad DOCKET_PROFILE: ${join(dir, expected)}`)
    },
    30_000,
  )
})
