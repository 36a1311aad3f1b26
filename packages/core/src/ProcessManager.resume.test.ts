import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it, vi } from 'vitest'
import * as Clock from './Clock.js'
import type { Recorded } from './Envelope.js'
import type * as EventStore from './EventStore.js'
import { testRule } from './testing/Rule.js'
import * as MemoryEventStore from './MemoryEventStore.js'
import * as ProcessManager from './ProcessManager.js'
import * as Profile from './Profile.js'
import * as History from './testing/History.js'
import * as Timer from './Timer.js'
import * as Timestamp from './Timestamp.js'

/** `vi.waitFor` with room for a loaded machine (its default gives up after one second). */
const eventually = <T>(check: () => T): Promise<T> => vi.waitFor(check, { timeout: 10_000 })

const HOUR = 3_600_000
const history = [...History.generate({ seed: 7, events: 200, meanGapMinutes: 30 })]
const rules = [testRule()]
const obligations = ProcessManager.obligationsFrom({ rules, profile: Profile.DEFAULTS })

const appendAll = async (store: EventStore.EventStore, events: ReadonlyArray<Recorded>): Promise<void> => {
  for (const e of events) {
    const r = await store.append(e.caseId, [e], 'any')()
    if (E.isLeft(r)) throw new Error(JSON.stringify(r.left))
  }
}

/** The store, counting the events its log reads yield and the streams read. */
const counting = (store: EventStore.EventStore) => {
  const counts = { logEvents: 0, streams: [] as string[] }
  const counted: EventStore.EventStore = {
    ...store,
    readAll: (options) => ({
      [Symbol.asyncIterator]: async function* () {
        for await (const s of store.readAll(options)) {
          counts.logEvents++
          yield s
        }
      },
    }),
    readStream: (caseId) => {
      counts.streams.push(caseId)
      return store.readStream(caseId)
    },
  }
  return { store: counted, counts }
}

const once = (
  store: EventStore.EventStore,
  now: number,
  extra: Partial<ProcessManager.Options> = {},
): Promise<{ stats: ProcessManager.Stats; lines: string[] }> => {
  const lines: string[] = []
  const pm = ProcessManager.make({
    store,
    timer: Timer.manual(Clock.manual(now)),
    profile: Profile.DEFAULTS,
    obligations,
    log: (line) => lines.push(line),
    ...extra,
  })
  return pm.runOnce().then((stats) => ({ stats, lines }))
}

const raised = async (store: EventStore.EventStore): Promise<string[]> => {
  const out: string[] = []
  for await (const s of store.readAll()) if (s.event.type === 'EscalationRaised') out.push(s.event.id)
  return out
}

const t = (i: number): number => Timestamp.toMillis(history[i]!.recordedAt)

describe('ProcessManager checkpoint', () => {
  it('a second run reads only the log after the checkpoint, and the streams of the cases touched or due', async () => {
    const base = MemoryEventStore.make()
    await appendAll(base, history.slice(0, 150))
    const first = await once(base, t(149))
    expect(first.stats.resumedFrom).toBeNull()
    expect(first.lines[0]).toBe(
      'escalation: no checkpoint of the cases to watch; rebuilding every case from the whole log',
    )
    const logLength = (await raised(base)).length + 150
    await appendAll(base, history.slice(150, 160))
    const { store, counts } = counting(base)
    const second = await once(store, t(159) + HOUR)
    expect(second.stats.resumedFrom).toBe(first.stats.position)
    expect(second.lines[0]).toBe(
      `escalation: resuming from the checkpoint at position ${first.stats.position}: ${first.stats.scheduled} case(s) to watch`,
    )
    // the ten new events and its own escalations read back, not the whole log
    expect(counts.logEvents).toBe(10 + second.stats.raised)
    expect(second.stats.events).toBe(10 + second.stats.raised)
    const touched = new Set(history.slice(150, 160).map((e) => e.caseId))
    for (const caseId of counts.streams)
      expect(touched.has(caseId) || first.stats.nextWakeAt !== null).toBe(true)
    expect(counts.streams.length).toBeLessThan(first.stats.cases + touched.size + 1)
    expect(logLength).toBeGreaterThan(150)
  })

  it('is not trusted under another profile or other rules, nor when unreadable, nor past the end of the log', async () => {
    const store = MemoryEventStore.make()
    await appendAll(store, history.slice(0, 100))
    await once(store, t(99))
    const rebuilt = 'rebuilding every case from the whole log'
    // another ladder
    const ladder = (Profile.DEFAULTS.escalation.ladder ?? Profile.DEFAULT_LADDER).map((l) =>
      l.level === 1 ? { ...l, acknowledgeWithin: 'PT2H' } : l,
    )
    const otherProfile = await once(store, t(99), {
      profile: { escalation: { ...Profile.DEFAULTS.escalation, ladder } },
    })
    expect(otherProfile.stats.resumedFrom).toBeNull()
    expect(otherProfile.lines[0]).toBe(
      `escalation: the checkpoint of the cases to watch is not usable (saved under another profile or other rules); ${rebuilt}`,
    )
    // other rules (a 12-hour deadline)
    const otherRules = await once(store, t(99), {
      obligations: ProcessManager.obligationsFrom({
        rules: [testRule({ period: { duration: 'PT12H', clock: 'elapsed' } })],
        profile: Profile.DEFAULTS,
      }),
    })
    expect(otherRules.stats.resumedFrom).toBeNull()
    expect(otherRules.lines[0]).toMatch(/another profile or other rules/)
    // back to the first rules: the checkpoint the last run saved is of the other rules
    expect((await once(store, t(99))).stats.resumedFrom).toBeNull()
    expect((await once(store, t(99))).stats.resumedFrom).not.toBeNull()
    // unreadable
    await store.checkpoints.save('docket-escalation/state', '{"version":1,')
    const broken = await once(store, t(99))
    expect(broken.stats.resumedFrom).toBeNull()
    expect(broken.lines[0]).toMatch(
      /^escalation: the checkpoint of the cases to watch is unreadable \(manifest: /,
    )
    // valid JSON of another shape: every problem on the one log line
    await store.checkpoints.save('docket-escalation/state', '{"version":1}')
    const shape = await once(store, t(99))
    expect(shape.stats.resumedFrom).toBeNull()
    expect(shape.lines[0]).toMatch(
      /^escalation: the checkpoint of the cases to watch is unreadable \(manifest: fingerprint: got nothing, expected string; position: got nothing/,
    )
    expect(shape.lines[0]).not.toContain('\n')
    // another store, shorter than the checkpoint's position
    const short = MemoryEventStore.make()
    await appendAll(short, history.slice(0, 10))
    for (const name of [
      'docket-escalation/state',
      'docket-escalation/state/a/0',
      'docket-escalation/state/b/0',
    ]) {
      const value = await store.checkpoints.load(name)
      if (value !== undefined) await short.checkpoints.save(name, value)
    }
    const ahead = await once(short, t(9))
    expect(ahead.stats.resumedFrom).toBeNull()
    expect(ahead.lines[0]).toMatch(/past the end of the log/)
  })

  it('is not trusted when its position is no position of the store, saying so', async () => {
    const store = MemoryEventStore.make()
    await appendAll(store, history.slice(0, 20))
    await once(store, t(19))
    const manifest = JSON.parse((await store.checkpoints.load('docket-escalation/state'))!) as object
    // an EventStoreDB position, say: a checkpoint copied from another kind of store
    await store.checkpoints.save(
      'docket-escalation/state',
      JSON.stringify({ ...manifest, position: '12/34' }),
    )
    const foreign = await once(store, t(19))
    expect(foreign.stats.resumedFrom).toBeNull()
    expect(foreign.lines[0]).toBe(
      'escalation: the checkpoint of the cases to watch is not usable (its position "12/34" is not a position of this store: not a position of the memory store: "12/34"); rebuilding every case from the whole log',
    )
  })

  it('rebuilds when asked, and without a fingerprint for custom obligations', async () => {
    const store = MemoryEventStore.make()
    await appendAll(store, history.slice(0, 50))
    await once(store, t(49))
    const asked = await once(store, t(49), { resume: false })
    expect(asked.stats.resumedFrom).toBeNull()
    expect(asked.lines[0]).toMatch(/not resuming from a checkpoint \(asked\)/)
    const custom: ProcessManager.Obligations = (caseId, h, now) => obligations(caseId, h, now)
    const bare = await once(store, t(49), { obligations: custom })
    expect(bare.stats.resumedFrom).toBeNull()
    expect(bare.lines[0]).toMatch(/obligations without a fingerprint/)
    // with one given, a checkpoint is saved and then used
    const fingerprint = ProcessManager.fingerprintOf({ rules, profile: Profile.DEFAULTS })
    await once(store, t(49), { obligations: custom, fingerprint })
    expect((await once(store, t(49), { obligations: custom, fingerprint })).stats.resumedFrom).not.toBeNull()
    // the same fingerprint as obligationsFrom's: the checkpoint is shared
    expect((await once(store, t(49))).stats.resumedFrom).not.toBeNull()
  })

  it('run saves its checkpoint while live and when stopped; a restart resumes and raises what fell due meanwhile', async () => {
    const store = MemoryEventStore.make()
    await appendAll(store, history.slice(0, 60))
    const timer = Timer.manual(Clock.manual(t(59)))
    const start = () => {
      const pm = ProcessManager.make({
        store,
        timer,
        profile: Profile.DEFAULTS,
        obligations,
        checkpointEveryMs: HOUR,
      })
      const ac = new AbortController()
      const running = pm.run(ac.signal)
      return {
        pm,
        stop: async () => {
          ac.abort()
          await running
        },
      }
    }
    const first = start()
    await eventually(() => expect(first.pm.stats().live).toBe(true))
    const saved = async () =>
      JSON.parse((await store.checkpoints.load('docket-escalation/state')) ?? '{}').position as string
    expect(await saved()).toBeDefined()
    // a new event while live, then an hour on the clock: the checkpoint follows
    await appendAll(store, history.slice(60, 61))
    await eventually(async () => expect(first.pm.stats().position).toBe(await store.head()))
    const atEvent = first.pm.stats().position!
    const before61 = await saved()
    expect(store.comparePositions(before61, atEvent)).toBeLessThan(0)
    // (not saved again within the hour)
    timer.advance(HOUR)
    await eventually(async () =>
      expect(store.comparePositions(await saved(), atEvent)).toBeGreaterThanOrEqual(0),
    )
    await first.stop()
    expect(await saved()).toBe(first.pm.stats().position)
    const before = (await raised(store)).length
    // down for two days while more events come
    await appendAll(store, history.slice(61, 80))
    timer.advance(48 * HOUR)
    const second = start()
    await eventually(() => expect(second.pm.stats().live).toBe(true))
    await second.stop()
    expect(second.pm.stats().resumedFrom).not.toBeNull()
    expect(second.pm.stats().raised).toBeGreaterThan(0)
    // the same escalations as a process manager that rebuilds from the whole log
    const ids = await raised(store)
    expect(ids.length).toBe(before + second.pm.stats().raised)
    const check = await once(store, timer.clock.now(), { resume: false })
    expect(check.stats.raised).toBe(0)
    const scratch = MemoryEventStore.make()
    await appendAll(scratch, history.slice(0, 61))
    await once(scratch, t(59), { resume: false })
    await appendAll(scratch, history.slice(61, 80))
    await once(scratch, timer.clock.now(), { resume: false })
    expect(new Set(await raised(scratch))).toEqual(new Set(ids))
  })

  it('a second runOnce of the same instance reads back a case it let go before ticking it', async () => {
    const rec = (id: string, type: string, occurredAt: string, data: Record<string, unknown>): Recorded =>
      ({ id, type, caseId: 'c1', occurredAt, recordedAt: occurredAt, data }) as Recorded
    const store = MemoryEventStore.make({
      initial: [
        rec('r1', 'ContentReported', '2020-01-21T10:00:00-08:00', {
          reportId: 'r1',
          channel: 'in_app',
          category: 'csam',
          content: { ref: 'v1', kind: 'video' },
          jurisdictions: ['US'],
          claims: { depictsMinor: true, policeReference: 'PR-1' },
        }),
        rec('d1', 'ReviewDecided', '2020-01-28T09:14:00-08:00', {
          reviewId: 'd1',
          outcome: 'no_violation',
          tier: 'frontline',
          automation: 'not',
        }),
      ],
    })
    const pm = ProcessManager.make({
      store,
      timer: Timer.manual(Clock.manual(Timestamp.toMillis('2020-01-30T00:00:00-08:00'))),
      profile: Profile.DEFAULTS,
    })
    // the refusal guard climbs to the top of the ladder: nothing left to wait for, the case is let go
    expect((await pm.runOnce()).cases).toBe(0)
    await appendAll(store, [
      rec('a1', 'AuthorityRequestReceived', '2020-01-29T11:00:00-08:00', {
        requestId: 'a1',
        authority: 'DHS',
        kind: 'intervention',
        jurisdiction: 'US',
      }),
    ])
    // an authority after a refusal: seen only with the refusal, which is in the stream, not in memory
    await pm.runOnce()
    const reasons: string[] = []
    for await (const s of store.readAll())
      if (s.event.type === 'EscalationRaised') reasons.push(s.event.data.reason)
    expect(reasons).toContain('authority_after_refusal')
  })
})
