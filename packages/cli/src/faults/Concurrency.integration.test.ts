/**
 * Fault suite — concurrency: 32 writers through core's CommandHandler on
 * sealed PostgreSQL stores (several store instances, each with its own pool,
 * as separate processes would have), on one case and on many cases. Every
 * command either appends or meets a `WrongExpectedRevision` that the handler
 * retries; every command is also sent twice (a lost reply retried). Nothing
 * may be lost or duplicated, and the hash chains must verify.
 */
import { Clock, CommandHandler, type CaseCommand, type EventStore, Integrity } from '@docket/core'
import { collect, ok, Services, testEvent } from '@docket/core/testing'
import { PostgresEventStore } from '@docket/adapters/postgres'
import * as E from 'fp-ts/lib/Either.js'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the fault suite (32 concurrent writers)',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

const WRITERS = 32
const at = '2026-06-01T22:30:00-04:00'
const clock = Clock.fixed(Date.UTC(2026, 5, 2, 3, 0, 0))

const report = (caseId: string): CaseCommand.CaseCommand =>
  ({
    type: 'ReportContent',
    caseId,
    eventId: `${caseId}-report`,
    occurredAt: at,
    data: {
      reportId: `r-${caseId}`,
      channel: 'web_form',
      category: 'csam',
      content: { ref: `post-${caseId}`, kind: 'video' },
      jurisdictions: ['US'],
    },
  }) as unknown as CaseCommand.CaseCommand

const exposure = (caseId: string, eventId: string, views: number): CaseCommand.CaseCommand =>
  ({
    type: 'ObserveExposure',
    caseId,
    eventId,
    occurredAt: at,
    data: { views, shares: 1 },
  }) as unknown as CaseCommand.CaseCommand

describe.skipIf(!run)('fault suite: 32 concurrent writers on PostgreSQL', { timeout: 120_000 }, () => {
  const admin = new pg.Pool({ connectionString: url, max: 1 })
  const schemas: string[] = []
  afterAll(async () => {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
    await admin.end()
  })

  /** Eight sealed store instances on one fresh schema (32 writers share them, 4 each). */
  const open = async (): Promise<{ stores: EventStore.EventStore[]; raw: EventStore.EventStore[] }> => {
    const schema = `docket_faults_conc_${process.pid}_${schemas.length}`
    schemas.push(schema)
    const raw: EventStore.EventStore[] = []
    for (let i = 0; i < 8; i++) raw.push(await PostgresEventStore.make(url, { schema, max: 3, pollMs: 100 }))
    return { raw, stores: raw.map((s) => Integrity.sealed(s)) }
  }

  const handle = async (store: EventStore.EventStore, command: CaseCommand.CaseCommand): Promise<number> => {
    const r = await CommandHandler.handle(store, clock, command.caseId, command, { maxRetries: 200 })()
    if (E.isLeft(r)) throw new Error(CommandHandler.describe(r.left))
    return r.right.appended
  }

  it('one case: every command appended exactly once, the chain intact', async () => {
    const { stores, raw } = await open()
    await handle(stores[0]!, report('hot'))
    const appended = await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        const store = stores[w % stores.length]!
        const command = exposure('hot', `hot-w${w}`, w)
        const first = await handle(store, command)
        const again = await handle(stores[(w + 1) % stores.length]!, command) // the lost reply, retried
        return [first, again] as const
      }),
    )
    expect(appended.map(([a]) => a)).toEqual(Array(WRITERS).fill(1))
    expect(appended.map(([, b]) => b)).toEqual(Array(WRITERS).fill(0))
    const stream = await ok(raw[0]!.readStream('hot'))
    expect(stream.length).toBe(WRITERS + 1)
    expect(new Set(stream.map((s) => s.event.id)).size).toBe(WRITERS + 1)
    expect(stream.map((s) => s.revision)).toEqual(stream.map((_, i) => i))
    const verified = await Integrity.verify(raw[0]!.readAll())
    expect(verified.failure).toBeNull()
    expect(verified.events).toBe(WRITERS + 1)
    for (const s of raw) await s.close()
  })

  it("one case, appends with 'any' (as import and the process manager do): none fails, the chain intact", async () => {
    const { stores, raw } = await open()
    const results = await Promise.all(
      Array.from({ length: WRITERS }, (_, w) =>
        stores[w % stores.length]!.append(
          'any-case',
          [{ ...testEvent('any-case', w), id: `any-${w}` }],
          'any',
        )(),
      ),
    )
    expect(results.filter(E.isLeft)).toEqual([])
    const stream = await ok(raw[0]!.readStream('any-case'))
    expect(stream.map((s) => s.revision)).toEqual(stream.map((_, i) => i))
    expect(new Set(stream.map((s) => s.event.id)).size).toBe(WRITERS)
    expect((await Integrity.verify(raw[0]!.readAll())).failure).toBeNull()
    for (const s of raw) await s.close()
  })

  it('many cases: 32 writers × 10 commands over 8 cases, nothing lost or doubled', async () => {
    const { stores, raw } = await open()
    const cases = Array.from({ length: 8 }, (_, i) => `case-${i}`)
    await Promise.all(cases.map((c, i) => handle(stores[i]!, report(c))))
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let k = 0; k < 10; k++) {
          const caseId = cases[(w * 7 + k * 3) % cases.length]!
          const command = exposure(caseId, `w${w}-k${k}`, k)
          await handle(stores[w % stores.length]!, command)
          if (k % 3 === 0) expect(await handle(stores[(w + 3) % stores.length]!, command)).toBe(0)
        }
      }),
    )
    const all = await collect(raw[0]!.readAll())
    expect(all.length).toBe(cases.length + WRITERS * 10)
    expect(new Set(all.map((s) => s.event.id)).size).toBe(all.length)
    const verified = await Integrity.verify(raw[0]!.readAll())
    expect(verified.failure).toBeNull()
    expect(verified.streams).toBe(cases.length)
    for (const s of raw) await s.close()
  })
})
