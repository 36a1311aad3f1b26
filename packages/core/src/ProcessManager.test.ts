import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it, vi } from 'vitest'
import * as Clock from './Clock.js'
import type { DocketEvent, Recorded } from './Envelope.js'
import * as Escalation from './Escalation.js'
import * as Evaluation from './Evaluation.js'
import { engineRaised } from './internal/testEvents.js'
import type * as EventStore from './EventStore.js'
import * as MemoryEventStore from './MemoryEventStore.js'
import * as Outbox from './Outbox.js'
import * as ProcessManager from './ProcessManager.js'
import * as Profile from './Profile.js'
import * as Timer from './Timer.js'
import * as Timestamp from './Timestamp.js'
import { testRule } from './testing/Rule.js'
import * as History from './testing/History.js'

/** `vi.waitFor` with room for a loaded machine (its default gives up after one second). */
const eventually = <T>(check: () => T): Promise<T> => vi.waitFor(check, { timeout: 10_000 })

const at = (s: string): number => Timestamp.toMillis(s)
const M = 60_000

const rec = (
  id: string,
  type: string,
  occurredAt: string,
  data: Record<string, unknown>,
  caseId = 'c1',
): Recorded => ({ id, type, caseId, occurredAt, recordedAt: occurredAt, data }) as Recorded

const report = rec('r1', 'ContentReported', '2020-01-21T10:00:00-08:00', {
  reportId: 'r1',
  channel: 'in_app',
  category: 'csam',
  content: { ref: 'v1', kind: 'video' },
  jurisdictions: ['US'],
  claims: { depictsMinor: true, policeReference: 'PR-1' },
})
const refusal = rec('d1', 'ReviewDecided', '2020-01-28T09:14:00-08:00', {
  reviewId: 'd1',
  outcome: 'no_violation',
  tier: 'frontline',
  automation: 'not',
})
const agent = rec('a1', 'AuthorityRequestReceived', '2020-01-29T11:00:00-08:00', {
  requestId: 'a1',
  authority: 'DHS',
  kind: 'intervention',
  jurisdiction: 'US',
})

const append = async (store: EventStore.EventStore, e: Recorded): Promise<void> => {
  const r = await store.append(e.caseId, [e], 'any')()
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left))
}

const logOf = async (store: EventStore.EventStore): Promise<DocketEvent[]> => {
  const out: DocketEvent[] = []
  for await (const s of store.readAll()) out.push(s.event)
  return out
}
const raisedIn = async (store: EventStore.EventStore) =>
  (await logOf(store)).flatMap((e) => (e.type === 'EscalationRaised' ? [e] : []))

const start = (store: EventStore.EventStore, timer: Timer.ManualTimer, sinks: Outbox.Sink[] = []) => {
  const pm = ProcessManager.make({
    store,
    timer,
    profile: Profile.DEFAULTS,
    sinks,
    backoff: { baseMs: 1000, maxMs: 8000 },
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

describe('ProcessManager', () => {
  it('refuses a name whose checkpoints would be another process manager’s', () => {
    const timer = Timer.manual(Clock.manual(0))
    const make = (name: string) =>
      ProcessManager.make({ store: MemoryEventStore.make(), timer, profile: Profile.DEFAULTS, name })
    // `x/state` would save its position where `x` keeps its state manifest
    for (const name of ['x/state', 'team/outbox/pager', 'state', ''])
      expect(() => make(name), name).toThrow(
        /expected a non-empty name without a segment "state" or "outbox"/,
      )
    expect(ProcessManager.nameProblem('team/escalation-eu')).toBeUndefined()
    expect(make('team/escalation-eu').stats().events).toBe(0)
  })

  it('raises the refusal guard when the refusal lands, then climbs the ladder as the clock moves', async () => {
    const store = MemoryEventStore.make({ initial: [report] })
    const timer = Timer.manual(Clock.manual(at(refusal.occurredAt)))
    const { pm, stop } = start(store, timer)
    await eventually(() => expect(pm.stats().live).toBe(true))
    await append(store, refusal)
    await eventually(async () => expect((await raisedIn(store)).map((e) => e.data.level)).toEqual([2]))
    // it sleeps until the level-2 acknowledgement window closes, not on a polling interval
    await eventually(() => expect(timer.sleepers()).toBe(1))
    expect(pm.stats().nextWakeAt).toBe(at(refusal.occurredAt) + 30 * M)
    timer.advance(30 * M)
    await eventually(async () => expect((await raisedIn(store)).map((e) => e.data.level)).toEqual([2, 3]))
    // a specialist decides (an acknowledgement alone would not silence the refusal guard)
    await append(
      store,
      rec('d2', 'ReviewDecided', Timestamp.format(timer.clock.now() + M, 0), {
        reviewId: 'd2',
        outcome: 'violation',
        tier: 'specialist',
        automation: 'not',
      }),
    )
    timer.advance(5 * M)
    await eventually(() => expect(pm.stats().nextWakeAt).toBeNull())
    timer.advance(24 * 60 * M)
    await stop()
    expect((await raisedIn(store)).map((e) => e.data.level)).toEqual([2, 3])
    // recordedAt comes from the injected clock
    expect((await raisedIn(store))[0]?.recordedAt).toBe(Timestamp.format(at(refusal.occurredAt), 0))
  })

  it('keeps running when its checkpoint cannot be saved (the server restarting), and saves it once it can', async () => {
    const shared = MemoryEventStore.make({ initial: [report] })
    let down = false
    const store: EventStore.EventStore = {
      ...shared,
      checkpoints: {
        ...shared.checkpoints,
        save: (name, value) =>
          down
            ? Promise.reject(new Error('terminating connection due to administrator command'))
            : shared.checkpoints.save(name, value),
      },
    }
    const timer = Timer.manual(Clock.manual(at(refusal.occurredAt)))
    const lines: string[] = []
    const pm = ProcessManager.make({ store, timer, profile: Profile.DEFAULTS, log: (l) => lines.push(l) })
    const ac = new AbortController()
    const running = pm.run(ac.signal)
    await eventually(() => expect(pm.stats().live).toBe(true))
    down = true
    await append(shared, refusal)
    await eventually(async () => expect((await raisedIn(shared)).map((e) => e.data.level)).toEqual([2]))
    await eventually(() =>
      expect(lines.filter((l) => l.startsWith('escalation: cannot save the checkpoint'))).toHaveLength(1),
    )
    expect(lines.find((l) => l.startsWith('escalation: cannot save the checkpoint'))).toContain(
      'terminating connection due to administrator command',
    )
    // the server is back: the next event saves the checkpoint past it, and the run ends cleanly
    down = false
    const ack = rec('k1', 'x-acme.Noted', Timestamp.format(timer.clock.now(), 0), {})
    await append(shared, ack)
    const head = await shared.head()
    await eventually(async () => expect(await shared.checkpoints.load('docket-escalation')).toBe(head))
    ac.abort()
    await running
  })

  it('after a restart raises what fell due while it was down, and nothing twice', async () => {
    const store = MemoryEventStore.make({ initial: [report] })
    const timer = Timer.manual(Clock.manual(at(refusal.occurredAt)))
    const first = start(store, timer)
    await eventually(() => expect(first.pm.stats().live).toBe(true))
    await append(store, refusal)
    await eventually(async () => expect(await raisedIn(store)).toHaveLength(1))
    await first.stop()
    // down for a day: the agent calls meanwhile
    await append(store, agent)
    timer.set(at('2020-01-30T00:00:00-08:00'))
    const second = start(store, timer)
    await eventually(() => expect(second.pm.stats().live).toBe(true))
    const after = await raisedIn(store)
    expect(after.map((e) => [e.data.reason, e.data.level])).toEqual([
      ['refusal_guard', 2],
      ['refusal_guard', 3],
      ['refusal_guard', 4],
      ['authority_after_refusal', 4],
    ])
    await second.stop()
    // a third run over the same log appends nothing
    const third = start(store, timer)
    await eventually(() => expect(third.pm.stats().live).toBe(true))
    await third.stop()
    const ids = (await raisedIn(store)).map((e) => e.id)
    expect(ids).toHaveLength(4)
    expect(new Set(ids).size).toBe(4)
    expect(third.pm.stats().raised).toBe(0)
  })

  it('hands each page to the sinks through the outbox, resuming from the checkpoint after a restart', async () => {
    const store = MemoryEventStore.make({ initial: [report, refusal] })
    const timer = Timer.manual(Clock.manual(at(refusal.occurredAt)))
    const sink = Outbox.memorySink('pager')
    const first = start(store, timer, [sink])
    await eventually(() => expect(sink.received).toHaveLength(1))
    expect(sink.received[0]).toMatchObject({
      caseId: 'c1',
      reason: 'refusal_guard',
      level: 2,
      levelName: 'child-safety specialist',
      notify: ['child-safety'],
      repeat: 0,
    })
    expect(sink.received[0]?.idempotencyKey).toMatch(/^esc-[0-9a-f]{32}\/L2$/)
    await first.stop()
    const second = start(store, timer, [sink])
    await eventually(() => expect(second.pm.stats().live).toBe(true))
    timer.advance(30 * M)
    await eventually(() => expect(sink.received).toHaveLength(2))
    await second.stop()
    expect(sink.received.map((n) => n.level)).toEqual([2, 3])
  })

  it('retries a failing sink with exponential backoff, at least once, with the same idempotency key', async () => {
    const store = MemoryEventStore.make({ initial: [report, refusal] })
    const timer = Timer.manual(Clock.manual(at(refusal.occurredAt)))
    const attempts: Array<{ key: string; at: number }> = []
    const flaky: Outbox.Sink = {
      name: 'flaky',
      deliver: (n) => {
        attempts.push({ key: n.idempotencyKey, at: timer.clock.now() })
        return Promise.resolve(attempts.length <= 3 ? E.left(Outbox.transient('503')) : E.right(undefined))
      },
    }
    const { stop } = start(store, timer, [flaky])
    await eventually(() => expect(attempts).toHaveLength(1))
    for (const wait of [1000, 2000, 4000]) {
      await eventually(() => expect(timer.sleepers()).toBeGreaterThanOrEqual(2))
      timer.advance(wait)
    }
    await eventually(() => expect(attempts).toHaveLength(4))
    await stop()
    const t0 = at(refusal.occurredAt)
    expect(attempts.map((a) => a.at - t0)).toEqual([0, 1000, 3000, 7000])
    expect(new Set(attempts.map((a) => a.key)).size).toBe(1)
  })
})

describe('ProcessManager.runOnce (cron or queue worker)', () => {
  it('raises what is due now, delivers the outbox to the head of the log, and returns', async () => {
    const store = MemoryEventStore.make({ initial: [report, refusal, agent] })
    const timer = Timer.manual(Clock.manual(at('2020-01-29T11:00:00-08:00')))
    const sink = Outbox.memorySink()
    const pm = ProcessManager.make({ store, timer, profile: Profile.DEFAULTS, sinks: [sink] })
    const stats = await pm.runOnce()
    expect(stats.raised).toBe(4)
    expect(stats.delivered).toBe(4)
    expect(stats.rejected).toBe(0)
    expect(stats.nextWakeAt).toBeNull()
    expect(sink.received.map((n) => [n.reason, n.level, n.missedObligation])).toEqual([
      ['refusal_guard', 2, false],
      ['refusal_guard', 3, false],
      ['refusal_guard', 4, false],
      ['authority_after_refusal', 4, true],
    ])
    // a second pass, as cron would run it, raises and delivers nothing new
    const again = ProcessManager.make({ store, timer, profile: Profile.DEFAULTS, sinks: [sink] })
    expect((await again.runOnce()).raised).toBe(0)
    expect(sink.received).toHaveLength(4)
  })

  it('does not say it raised an escalation another process manager stored first', async () => {
    const shared = MemoryEventStore.make({ initial: [report, refusal, agent] })
    // a second watcher on the same store appends the same escalations a moment before this one does
    const store: EventStore.EventStore = {
      ...shared,
      append: (caseId, events, expected) => async () => {
        await shared.append(caseId, events, expected)()
        return shared.append(caseId, events, expected)()
      },
    }
    const timer = Timer.manual(Clock.manual(at('2020-01-29T11:00:00-08:00')))
    const lines: string[] = []
    const pm = ProcessManager.make({ store, timer, profile: Profile.DEFAULTS, log: (l) => lines.push(l) })
    expect((await pm.runOnce()).raised).toBe(0)
    expect(await raisedIn(shared)).toHaveLength(4)
    expect(lines.filter((l) => l.startsWith('escalation: raised'))).toEqual([])
    expect(lines.filter((l) => l.includes('found already stored'))).toHaveLength(4)
  })

  it('says once that the store is unavailable, not once per case, and once that it answers again', async () => {
    const cases = ['c1', 'c2', 'c3', 'c4', 'c5']
    const shared = MemoryEventStore.make({
      initial: cases.flatMap((c) => [report, refusal].map((e) => ({ ...e, id: `${c}-${e.id}`, caseId: c }))),
    })
    // the server is down: every append and every read of a stream fails as the PostgreSQL store's do
    let down = true
    const unavailable = {
      _tag: 'StoreUnavailable',
      message: 'postgres (schema docket): connect ECONNREFUSED',
    } as const
    const store: EventStore.EventStore = {
      ...shared,
      append: (caseId, events, expected) =>
        down ? async () => E.left(unavailable) : shared.append(caseId, events, expected),
      readStream: (caseId) => (down ? async () => E.left(unavailable) : shared.readStream(caseId)),
    }
    const timer = Timer.manual(Clock.manual(at('2020-01-28T09:14:00-08:00')))
    const lines: string[] = []
    const pm = ProcessManager.make({ store, timer, profile: Profile.DEFAULTS, log: (l) => lines.push(l) })
    expect((await pm.runOnce()).raised).toBe(0)
    const told = lines.filter((l) => l.includes('ECONNREFUSED'))
    expect(told).toHaveLength(1)
    expect(told[0]).toContain('retried every 1000 ms')
    // the server is back: the next pass raises every case's escalations, once, and says so once
    down = false
    timer.clock.advance(1000)
    const again = await pm.runOnce()
    // at the refusal, the guard pages level 2 on each case
    expect(again.raised).toBe(cases.length)
    expect(lines.filter((l) => l.startsWith('escalation: the store answers again'))).toEqual([
      'escalation: the store answers again; the 5 case(s) put off meanwhile are retried',
    ])
    expect(lines.filter((l) => l.includes('ECONNREFUSED'))).toHaveLength(1)
    const raised = await raisedIn(shared)
    expect(new Set(raised.map((e) => e.id)).size).toBe(raised.length)
    expect(new Set(raised.map((e) => e.caseId))).toEqual(new Set(cases))
  })

  it('refuses an outbox checkpoint that is no position of the store, naming it, before delivering', async () => {
    const store = MemoryEventStore.make({ initial: [report, refusal, agent] })
    const timer = Timer.manual(Clock.manual(at('2020-01-29T11:00:00-08:00')))
    const sink = Outbox.memorySink('pager')
    // an EventStoreDB position, say, saved by another store or by hand
    await store.checkpoints.save('docket-escalation/outbox/pager', '12/34')
    const pm = ProcessManager.make({ store, timer, profile: Profile.DEFAULTS, sinks: [sink] })
    await expect(pm.runOnce()).rejects.toThrow(
      'checkpoint "docket-escalation/outbox/pager" holds "12/34", which is not a position of this store (not a position of the memory store: "12/34")',
    )
    expect(sink.received).toEqual([])
    expect(await store.checkpoints.load('docket-escalation/outbox/pager')).toBe('12/34')
  })

  it('ends its pass at a page the sink cannot take now, and the next pass delivers from there', async () => {
    const store = MemoryEventStore.make({ initial: [report, refusal, agent] })
    const timer = Timer.manual(Clock.manual(at('2020-01-29T11:00:00-08:00')))
    let down = true
    const tried: string[] = []
    const received: string[] = []
    const sink: Outbox.Sink = {
      name: 'pager',
      deliver: (n) => {
        tried.push(n.idempotencyKey)
        if (down) return Promise.resolve(E.left(Outbox.transient('503')))
        received.push(n.idempotencyKey)
        return Promise.resolve(E.right(undefined))
      },
    }
    const lines: string[] = []
    const pass = () =>
      ProcessManager.make({
        store,
        timer,
        profile: Profile.DEFAULTS,
        sinks: [sink],
        log: (l) => lines.push(l),
      })
    // a cron pass must return while the receiver is down (no clock moves it on)
    const downPass = await pass().runOnce()
    expect(downPass.raised).toBe(4)
    expect(downPass.delivered).toBe(0)
    expect(downPass.left).toBe(1)
    expect(tried).toHaveLength(1)
    expect(lines).toContainEqual(expect.stringContaining(`${tried[0]} failed (503); left for the next pass`))
    down = false
    expect(await pass().runOnce()).toMatchObject({ delivered: 4, left: 0 })
    expect(received).toEqual((await raisedIn(store)).map((e) => e.id))
  }, 10_000)

  it('counts the pages a sink rejects for good, and still tells onDeadLetter of each', async () => {
    const store = MemoryEventStore.make({ initial: [report, refusal, agent] })
    const timer = Timer.manual(Clock.manual(at('2020-01-29T11:00:00-08:00')))
    const dead: string[] = []
    let calls = 0
    const picky: Outbox.Sink = {
      name: 'picky',
      // every other page is refused for good
      deliver: () =>
        Promise.resolve(calls++ % 2 === 0 ? E.right(undefined) : E.left(Outbox.permanent('410'))),
    }
    const stats = await ProcessManager.make({
      store,
      timer,
      profile: Profile.DEFAULTS,
      sinks: [picky],
      onDeadLetter: (n) => dead.push(n.idempotencyKey),
    }).runOnce()
    expect([stats.delivered, stats.rejected]).toEqual([2, 2])
    expect(dead).toHaveLength(2)
  })

  it('runs time triggers through the obligation engine', async () => {
    const rule = {
      policy: 'test',
      rule: 'removal',
      kind: 'deadline' as const,
      title: 'Remove within 48 hours',
      confidence: 'primary' as const,
      applies: () => true,
      versions: [
        {
          validFrom: '2000-01-01T00:00:00Z',
          validTo: null,
          zone: 'UTC',
          citation: 'test',
          quote: 'not later than 48 hours',
          start: (e: DocketEvent) => e.type === 'ContentReported',
          complete: (e: DocketEvent) => e.type === 'ContentActioned',
          period: { duration: 'PT48H', clock: 'elapsed' as const },
        },
      ],
    }
    const store = MemoryEventStore.make({ initial: [report] })
    const timer = Timer.manual(Clock.manual(at(report.occurredAt)))
    const pm = ProcessManager.make({
      store,
      timer,
      profile: Profile.DEFAULTS,
      obligations: ProcessManager.obligationsFrom({ rules: [rule] }),
    })
    const ac = new AbortController()
    const running = pm.run(ac.signal)
    await eventually(() => expect(pm.stats().nextWakeAt).toBe(at(report.occurredAt) + 24 * 60 * M))
    timer.set(at(report.occurredAt) + 49 * 60 * M)
    await eventually(async () =>
      expect((await raisedIn(store)).map((e) => e.data.reason)).toContain('statutory_breach'),
    )
    ac.abort()
    await running
    const warnings = (await raisedIn(store)).filter((e) => e.data.reason === 'time_warning')
    expect(new Set(warnings.map((e) => e.data.escalationId)).size).toBe(3)
  })
})

/** Level 1 of an escalation the engine stored at `occurredAt`, caused by event `causationId`. */
const recordedRaised = (
  escalationId: string,
  reason: Escalation.Reason,
  occurredAt: string,
  causationId: string,
): Recorded => ({
  ...engineRaised(escalationId, reason, 1, occurredAt, { causationId }),
  recordedAt: occurredAt,
})

describe('ProcessManager on a store written before repeat reports were grouped', () => {
  it('raises no second escalation for the first repeat report, and does not page again the ones a takedown stopped', async () => {
    const minute = (i: number): string => Timestamp.format(at('2024-01-03T00:00:00Z') + i * M)
    const reportOf = (id: string, occurredAt: string): Recorded =>
      rec(id, 'ContentReported', occurredAt, {
        reportId: id,
        channel: 'in_app',
        category: 'hate',
        content: { ref: 'v1', kind: 'video' },
        jurisdictions: ['US'],
      })
    const repeats = [0, 1, 2].map((i) => reportOf(`r${i + 2}`, minute(i)))
    // what the engine raised before grouping: one escalation per repeat report, at level 1
    const old = repeats.map((r): Recorded => {
      const escalationId = Escalation.escalationId('c1', {
        reason: 'repeat_report',
        obligationId: null,
        level: 1,
        cause: r.id,
      })
      return recordedRaised(escalationId, 'repeat_report', r.occurredAt, r.id)
    })
    const initial = [
      reportOf('r1', '2024-01-01T00:00:00Z'),
      rec('d1', 'ReviewDecided', '2024-01-02T00:00:00Z', {
        reviewId: 'd1',
        outcome: 'no_violation',
        tier: 'frontline',
        automation: 'not',
      }),
      ...repeats.flatMap((r, i) => [r, old[i]!]),
      rec('t1', 'ContentActioned', minute(10), { action: 'removed' }),
    ]
    const store = MemoryEventStore.make({ initial })
    const timer = Timer.manual(Clock.manual(at('2024-02-01T00:00:00Z')))
    const stats = await ProcessManager.make({ store, timer, profile: Profile.DEFAULTS }).runOnce()
    expect(stats.raised).toBe(0)
    expect((await raisedIn(store)).map((e) => e.id)).toEqual(old.map((e) => e.id))
  })
})

describe('ProcessManager on a store written under another profile', () => {
  it('does not page again a reach escalation a takedown stopped, which the current thresholds no longer derive', async () => {
    const observed = rec('x1', 'ExposureObserved', '2024-01-03T00:00:00Z', { views: 5_000, shares: 0 })
    // raised when the profile's reach thresholds began at 1,000 views (10,000 by default now)
    const escalationId = Escalation.escalationId('c1', {
      reason: 'reach',
      obligationId: null,
      level: 1,
      cause: `${observed.id}#views>=1000`,
    })
    const old = recordedRaised(escalationId, 'reach', observed.occurredAt, observed.id)
    const takedown = rec('t1', 'ContentActioned', '2024-01-03T00:10:00Z', { action: 'removed' })
    const store = MemoryEventStore.make({ initial: [observed, old, takedown] })
    const timer = Timer.manual(Clock.manual(at('2024-02-01T00:00:00Z')))
    const stats = await ProcessManager.make({ store, timer, profile: Profile.DEFAULTS }).runOnce()
    expect(stats.raised).toBe(0)
    expect((await raisedIn(store)).map((e) => e.id)).toEqual([old.id])
  })
})

describe('ProcessManager.obligationsFrom', () => {
  it("gives evaluateCase's obligations at any instant, before, inside and after a case's history", () => {
    const rule = (name: string, start: string, complete: string, zone: string) =>
      testRule(
        {
          zone,
          start: (e: DocketEvent) => e.type === start,
          complete: (e: DocketEvent) => e.type === complete,
        },
        { rule: name },
      )
    const rules = [
      rule('decide', 'ContentReported', 'ReviewDecided', 'UTC'),
      rule('notify', 'ReviewDecided', 'NotificationSent', 'event'),
    ]
    const byCase = new Map<string, DocketEvent[]>()
    for (const e of History.generate({ events: 3_000, seed: 5 }))
      byCase.set(e.caseId, [...(byCase.get(e.caseId) ?? []), e])
    const from = ProcessManager.obligationsFrom({ rules, profile: Profile.DEFAULTS })
    let compared = 0
    for (const [caseId, history] of byCase) {
      const first = Timestamp.toMillis(history[0]!.occurredAt)
      const last = Timestamp.toMillis(history[history.length - 1]!.occurredAt)
      for (const now of [first - 1, first, (first + last) / 2, last, last + 30 * 24 * 60 * M]) {
        const expected = Evaluation.evaluateCase(caseId, history, {
          rules,
          profile: Profile.DEFAULTS,
          asOf: now,
        })
        expect(from(caseId, history, now)).toEqual(expected.obligations)
        compared += expected.obligations.length
      }
    }
    expect(compared).toBeGreaterThan(100)
  })
})

describe('ProcessManager memory', () => {
  it('lets go of a case once nothing can change without a new event, and reads it back when one comes', async () => {
    const store = MemoryEventStore.make({ initial: [report, refusal] })
    const timer = Timer.manual(Clock.manual(at('2020-01-30T00:00:00-08:00')))
    const { pm, stop } = start(store, timer)
    await eventually(() => expect(pm.stats().live).toBe(true))
    // the guard has climbed to the top of the ladder: nothing more is scheduled, the case is let go
    expect((await raisedIn(store)).map((e) => e.data.level)).toEqual([2, 3, 4])
    await eventually(() => expect(pm.stats().cases).toBe(0))
    await append(store, agent)
    await eventually(async () =>
      expect((await raisedIn(store)).map((e) => e.data.reason)).toContain('authority_after_refusal'),
    )
    await stop()
    expect(pm.stats().cases).toBe(0)
  })
})
