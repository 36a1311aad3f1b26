import * as fs from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as DsaSor from '../reports/DsaSor.js'
import * as Report from '../reports/Report.js'
import type * as SorRules from '../reports/SorRules.js'
import * as Fixtures from '../testing/ReplayFixtures.js'
import * as Submitter from './Submitter.js'
import * as TestServer from './TestServer.js'

const TOKEN = 'test-token'
const noSleep = async (): Promise<void> => {}

let statements: ReadonlyArray<SorRules.Statement> = []
let server: TestServer.TestServer
let dir: string

beforeEach(async () => {
  if (statements.length === 0) {
    const r = await Report.build(Fixtures.withSorFacts(3_000))
    if (E.isLeft(r)) throw new Error('replay failed')
    // the replay's statements, repeated under fresh puids to make a few batches' worth
    const built = DsaSor.build(r.right).statements
    statements = Array.from({ length: 250 }, (_, i) => ({
      ...built[i % built.length]!,
      puid: `${String(built[i % built.length]!.puid)}-${i}`,
    }))
  }
  server = await TestServer.start(TOKEN)
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-submit-'))
})
afterEach(async () => {
  await server.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const options = (o: Partial<Submitter.Options> = {}): Submitter.Options => ({
  url: server.url,
  token: TOKEN,
  sleep: noSleep,
  journal: path.join(dir, 'journal'),
  ...o,
})

describe('Submitter.submit against the loopback Transparency Database', () => {
  it('sends batches of at most 100, each statement once, all stored', async () => {
    expect(statements.length).toBe(250)
    const sizes: number[] = []
    const r = await Submitter.submit(statements, options({ onBatch: (b) => sizes.push(b.sent) }))
    expect(r).toMatchObject({ rejected: [], unsent: [], stopped: null, alreadyStored: [] })
    expect(r.stored).toHaveLength(statements.length)
    expect(Math.max(...sizes)).toBe(100)
    expect(r.requests).toBe(Math.ceil(statements.length / 100))
    expect(server.stored.size).toBe(statements.length)
    expect([...server.received.values()].every((n) => n === 1)).toBe(true)
  })

  it('a rerun with the journal sends nothing again', async () => {
    await Submitter.submit(statements, options())
    const before = new Map(server.received)
    const again = await Submitter.submit(statements, options())
    expect(again.stored).toEqual([])
    expect(again.alreadyStored).toHaveLength(statements.length)
    expect(again.requests).toBe(0)
    expect(server.received).toEqual(before)
  })

  it('after a crash between storing and acknowledging, nothing is stored twice', async () => {
    server.loseNextAck()
    const first = await Submitter.submit(statements.slice(0, 100), options({ attempts: 1 }))
    expect(first.stopped).toContain('no answer')
    expect(first.unsent).toHaveLength(100)
    expect(server.stored.size).toBe(100) // the database did store them
    // the rerun: the database answers "not unique" for the 100, which count as already stored
    const second = await Submitter.submit(statements, options())
    expect(second.alreadyStored).toHaveLength(100)
    expect(second.stored).toHaveLength(statements.length - 100)
    expect(second.rejected).toEqual([])
    expect(server.stored.size).toBe(statements.length)
    // a third run sends nothing at all: the journal now has every puid
    const third = await Submitter.submit(statements, options())
    expect(third.requests).toBe(0)
  })

  it('keeps when each statement was acknowledged across a crash, so that no publication event is lost', async () => {
    const clock = (at: string) => () => at
    const journal = path.join(dir, 'journal')
    await Submitter.submit(statements.slice(0, 100), options({ now: clock('2026-01-01T10:00:00.000Z') }))
    server.loseNextAck() // the next batch is stored, then the process dies before journalling it
    const crashed = await Submitter.submit(
      statements.slice(0, 200),
      options({ attempts: 1, now: clock('2026-01-01T11:00:00.000Z') }),
    )
    expect(crashed.unsent).toHaveLength(100)
    const rerun = await Submitter.submit(statements, options({ now: clock('2026-01-01T12:00:00.000Z') }))
    expect(rerun.stored).toHaveLength(50)
    expect(rerun.alreadyStored).toHaveLength(200)
    const at = (i: number): string | undefined => rerun.acknowledgedAt.get(String(statements[i]!.puid))
    expect([at(0), at(99), at(100), at(199), at(200), at(249)]).toEqual([
      '2026-01-01T10:00:00.000Z', // from the journal of the first run
      '2026-01-01T10:00:00.000Z',
      '2026-01-01T12:00:00.000Z', // the database said it held them: when the rerun learnt it
      '2026-01-01T12:00:00.000Z',
      '2026-01-01T12:00:00.000Z', // stored by the rerun
      '2026-01-01T12:00:00.000Z',
    ])
    expect(rerun.acknowledgedAt.size).toBe(statements.length)
    // a later run reads the same instants back from the journal
    const later = await Submitter.submit(statements, options({ now: clock('2026-02-01T00:00:00.000Z') }))
    expect(later.requests).toBe(0)
    expect(later.acknowledgedAt).toEqual(rerun.acknowledgedAt)
    expect([...server.received.values()].filter((n) => n > 1)).toHaveLength(100) // only the lost batch, refused
    expect(
      fs
        .readFileSync(journal, 'utf8')
        .split('\n')
        .filter((l) => l !== ''),
    ).toHaveLength(250)
  })

  it('takes no torn last journal line, and writes the next line after it, not into it', async () => {
    const journal = path.join(dir, 'journal')
    const [a, b] = [String(statements[0]!.puid), String(statements[1]!.puid)]
    fs.writeFileSync(journal, `${a}\t2026-01-01T10:00:00.000Z\n${b.slice(0, 5)}`)
    const r = await Submitter.submit(statements.slice(0, 3), options())
    expect(r.alreadyStored).toEqual([a])
    expect(r.stored).toEqual([b, String(statements[2]!.puid)])
    const lines = fs.readFileSync(journal, 'utf8').split('\n')
    expect(lines.slice(2).map((l) => l.split('\t')[0])).toEqual([b, String(statements[2]!.puid), ''])
    expect(Submitter.readJournal(fs.readFileSync(journal, 'utf8')).acknowledged.has(b)).toBe(true)
  })

  it('waits at least what Retry-After asks on 429, up to maxRetryAfterMs', async () => {
    server.failNext(2, 429, '7')
    const waits: number[] = []
    const r = await Submitter.submit(
      statements.slice(0, 10),
      options({ sleep: async (ms) => void waits.push(ms), backoffMs: 100, maxRetryAfterMs: 5_000 }),
    )
    expect(waits).toEqual([5_000, 5_000])
    expect(r.stored).toHaveLength(10)
    server.failNext(1, 429, '3')
    waits.length = 0
    await Submitter.submit(
      statements.slice(10, 20),
      options({ sleep: async (ms) => void waits.push(ms), backoffMs: 100 }),
    )
    expect(waits).toEqual([3_000])
  })

  it('retries with backoff on 503, then succeeds', async () => {
    server.failNext(2)
    const waits: number[] = []
    const r = await Submitter.submit(
      statements.slice(0, 10),
      options({ sleep: async (ms) => void waits.push(ms), backoffMs: 100 }),
    )
    expect(waits).toEqual([100, 200])
    expect(r.stored).toHaveLength(10)
    expect(r.requests).toBe(3)
  })

  it('gives up after the last attempt, reporting what was not sent', async () => {
    server.failNext(10)
    const r = await Submitter.submit(statements.slice(0, 150), options({ attempts: 3 }))
    expect(r.stopped).toContain('no answer after 3 attempts')
    expect(r.unsent).toHaveLength(150)
    expect(server.stored.size).toBe(0)
  })

  it('reports per-statement errors and stores the rest of the batch', async () => {
    const bad: SorRules.Statement = { ...statements[1]!, category: 'STATEMENT_CATEGORY_NOT_A_CATEGORY' }
    const batch = [statements[0]!, bad, statements[2]!]
    const r = await Submitter.submit(batch, options())
    expect(r.rejected).toEqual([{ puid: bad.puid, errors: [expect.stringContaining('category')] }])
    expect(r.stored).toEqual([statements[0]!.puid, statements[2]!.puid])
    expect(server.stored.has(String(bad.puid))).toBe(false)
    expect(server.received.get(String(statements[0]!.puid))).toBe(2) // refused batch, then the resend
  })

  it('stops on a refused token', async () => {
    const r = await Submitter.submit(statements.slice(0, 5), options({ token: 'wrong' }))
    expect(r.stopped).toContain('401')
    expect(r.unsent).toHaveLength(5)
  })

  it('follows no redirect: the statements (personal fields among them) go to the configured URL only', async () => {
    const seen: string[] = []
    const elsewhere = http.createServer((req, res) => {
      seen.push(req.url ?? '')
      res.writeHead(201).end('{}')
    })
    await new Promise<void>((r) => elsewhere.listen(0, '127.0.0.1', r))
    const to = `http://localhost:${(elsewhere.address() as AddressInfo).port}/api/v1/statements`
    const redirecting = http.createServer((_req, res) => res.writeHead(307, { location: to }).end())
    await new Promise<void>((r) => redirecting.listen(0, '127.0.0.1', r))
    try {
      const url = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`
      const r = await Submitter.submit(statements.slice(0, 5), options({ url }))
      expect(seen).toEqual([])
      expect(r.stored).toEqual([])
      expect(r.unsent).toHaveLength(5)
      expect(r.stopped).toMatch(/HTTP 307.*redirect.*not followed/)
    } finally {
      await Promise.all([elsewhere, redirecting].map((s) => new Promise((r) => s.close(r))))
    }
  })

  it('gives up on a request that does not answer within timeoutMs, as on a network failure, retrying first', async () => {
    let requests = 0
    const silent = http.createServer(() => {
      requests++
    })
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
      const r = await Submitter.submit(statements.slice(0, 5), options({ url, timeoutMs: 200, attempts: 2 }))
      expect(requests).toBe(2)
      expect(r.stored).toEqual([])
      expect(r.unsent).toHaveLength(5)
      expect(r.stopped).toMatch(/timeout|aborted/i)
    } finally {
      silent.closeAllConnections()
      await new Promise((r) => silent.close(r))
    }
  })

  it('refuses a URL that would send the token and the statements in clear (http:// other than loopback)', async () => {
    await expect(
      Submitter.submit(statements.slice(0, 5), options({ url: 'http://transparency.example.eu' })),
    ).rejects.toThrow(/https/)
    expect(Submitter.urlProblem('http://transparency.example.eu')).toMatch(/https/)
    expect(Submitter.urlProblem('not a url')).toMatch(/not a URL/)
    expect(Submitter.urlProblem('https://transparency.dsa.ec.europa.eu')).toBeUndefined()
    expect(Submitter.urlProblem('http://127.0.0.1:8080')).toBeUndefined()
    expect(Submitter.urlProblem('http://[::1]:8080')).toBeUndefined()
    expect(Submitter.urlProblem('http://localhost:8080')).toBeUndefined()
  })

  it('reads the puids a 422 says the platform already holds (errors.existing_puids)', () => {
    expect(
      Submitter.existingPuids({
        message: 'The platform identifier(s) are not all unique within this call.',
        errors: {
          puid: ['The platform identifier(s) are not all unique within this call.'],
          existing_puids: ['a', 'b'],
        },
      }),
    ).toEqual(['a', 'b'])
    expect(Submitter.existingPuids({ errors: { statement_0: { puid: ['x'] } } })).toEqual([])
    expect(Submitter.retryAfterMs('12', 0)).toBe(12_000)
    expect(Submitter.retryAfterMs('Thu, 01 Jan 1970 00:00:10 GMT', 4_000)).toBe(6_000)
    expect(Submitter.retryAfterMs(null, 0)).toBeUndefined()
  })

  it('reads per-statement errors keyed statement_<i>, nested or dotted', () => {
    const m = Submitter.errorsByIndex({
      errors: {
        statement_0: { puid: ['not unique'] },
        'statement_2.category': ['invalid'],
        statements: ['x'],
      },
    })
    expect([...m.entries()]).toEqual([
      [0, ['puid: not unique']],
      [2, ['category: invalid']],
    ])
  })
})
