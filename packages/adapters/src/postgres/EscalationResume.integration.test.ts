/**
 * The escalation process manager's own checkpoint on PostgreSQL: its manifest and chunks live in
 * the `checkpoints` table, a resumed run reads only the log after it, and over a history appended
 * in segments, with restarts and crashes at store operations (before or after they commit), the
 * resumed process manager leaves exactly the escalations of one that rebuilds every case from the
 * whole log on every run (here the memory store, so the two logs are compared across adapters).
 */
import {
  Clock,
  type EventStore,
  MemoryEventStore,
  ProcessManager,
  Profile,
  Timer,
  Timestamp,
} from '@docket/core'
import { History, Resume, Services, testRule } from '@docket/core/testing'
import fc from 'fast-check'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import * as PostgresEventStore from './PostgresEventStore.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the escalation checkpoint tests on PostgreSQL',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

const HOUR = 3_600_000

const obligations = ProcessManager.obligationsFrom({
  rules: [testRule()],
  profile: Profile.DEFAULTS,
})

const once = (store: EventStore.EventStore, now: number, resume: boolean, lines: string[] = []) =>
  ProcessManager.make({
    store,
    timer: Timer.manual(Clock.manual(now)),
    profile: Profile.DEFAULTS,
    obligations,
    resume,
    log: (line) => lines.push(line),
  }).runOnce()

describe.skipIf(!run)('escalation checkpoint on PostgreSQL', () => {
  const prefix = `docket_pm_resume_${process.pid}`
  const admin = new pg.Pool({ connectionString: url, max: 1 })
  const schemas: string[] = []
  const opened: EventStore.EventStore[] = []
  const open = async (): Promise<EventStore.EventStore> => {
    const schema = `${prefix}_${schemas.length}`
    schemas.push(schema)
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    const store = await PostgresEventStore.make(url, { schema, max: 2 })
    opened.push(store)
    return store
  }

  afterAll(async () => {
    for (const s of opened) await s.close()
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await admin.end()
  })

  it('stores the checkpoint in the checkpoints table and resumes from it, reading only the log after it', async () => {
    const store = await open()
    const history = [...History.generate({ seed: 11, events: 300, meanGapMinutes: 20 })]
    await Resume.appendEach(store, history.slice(0, 250))
    const first = await once(store, Timestamp.toMillis(history[249]!.recordedAt), true)
    expect(first.resumedFrom).toBeNull()
    const rows = await admin.query<{ subscriber: string }>(
      `SELECT subscriber FROM "${schemas.at(-1)}".checkpoints ORDER BY subscriber`,
    )
    expect(rows.rows.map((r) => r.subscriber)).toEqual([
      'docket-escalation',
      'docket-escalation/state',
      'docket-escalation/state/a/0',
    ])
    await Resume.appendEach(store, history.slice(250))
    const lines: string[] = []
    const second = await once(store, Timestamp.toMillis(history[299]!.recordedAt) + HOUR, true, lines)
    expect(second.resumedFrom).toBe(first.position)
    expect(second.events).toBe(50 + second.raised)
    expect(lines[0]).toMatch(
      /^escalation: resuming from the checkpoint at position \d+: \d+ case\(s\) to watch$/,
    )
    // the same as a run that rebuilds from the whole log: nothing more to raise
    expect((await once(store, Timestamp.toMillis(history[299]!.recordedAt) + HOUR, false)).raised).toBe(0)
  })

  it('resumed, restarted and crashed anywhere, raises exactly what a rebuild from the whole log raises', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 1, max: 1_000_000 }),
          events: fc.integer({ min: 10, max: 80 }),
          runs: fc.array(
            fc.record({
              cut: fc.integer({ min: 0, max: 1000 }),
              later: fc.integer({ min: 0, max: 60 }),
              crash: fc.integer({ min: 0, max: 40 }),
              after: fc.boolean(),
            }),
            { minLength: 1, maxLength: 4 },
          ),
        }),
        async ({ seed, events, runs }) => {
          const history = [...History.generate({ seed, events, meanGapMinutes: 30 })]
          const scratch = MemoryEventStore.make()
          const resumed = await open()
          const sorted = [...runs].sort((a, b) => a.cut - b.cut)
          let from = 0
          let now = Number.NEGATIVE_INFINITY
          for (const r of [...sorted, { cut: 1000, later: 30 * 24, crash: 1000, after: false }]) {
            const cut = Math.max(from, Math.round((r.cut / 1000) * history.length))
            await Resume.appendEach(scratch, history.slice(from, cut))
            await Resume.appendEach(resumed, history.slice(from, cut))
            from = cut
            now = Math.max(
              now,
              Timestamp.toMillis(history[Math.max(0, cut - 1)]!.recordedAt) + r.later * HOUR,
            )
            await once(scratch, now, false)
            try {
              await once(Resume.crashing(resumed, { left: r.crash, after: r.after }), now, true)
            } catch (e) {
              if (!(e instanceof Resume.Crash)) throw e
              await once(resumed, now, true)
            }
            expect(await Resume.escalations(resumed)).toEqual(await Resume.escalations(scratch))
          }
        },
      ),
      { numRuns: 8 },
    )
  }, 120_000)
})
