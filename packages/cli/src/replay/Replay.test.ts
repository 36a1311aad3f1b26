import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  type DocketEvent,
  Escalation,
  EventStore,
  Evaluation,
  Integrity,
  MemoryEventStore,
  Profile,
  type Recorded,
} from '@docket/core'
import { History } from '@docket/core/testing'
import { Policy } from '@docket/policies'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { describe, expect, it } from 'vitest'
import * as Source from '../Source.js'
import * as Partition from './Partition.js'
import * as Replay from './Replay.js'
import * as Spill from './Spill.js'

const profile = Profile.DEFAULTS
const options: Evaluation.Options = {
  rules: Policy.forProfile(profile),
  profile,
  escalate: Escalation.escalate,
}
const evaluate = Replay.fromCore(options)

async function* stream<A>(xs: Iterable<A>): AsyncGenerator<A> {
  yield* xs
}

const seed = (): ReadonlyArray<Recorded> =>
  fs
    .readFileSync(new URL('../../../../examples/seed-case/events.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      const d = Source.decodeLine(l, i + 1)
      if (E.isLeft(d)) throw new Error(`seed line ${i + 1}`)
      return d.right
    })

const run = async (
  events: Iterable<Recorded> | AsyncIterable<Recorded>,
  o: Partial<Replay.Options> = {},
): Promise<Replay.Result> => {
  const r = await Replay.run(Symbol.asyncIterator in events ? events : stream(events), { evaluate, ...o })
  if (E.isLeft(r)) throw new Error(Replay.describe(r.left))
  return r.right
}

/** A generated history's seed and size, and a memory budget small enough to drop and park cases. */
const historyAndBudget = [
  fc.integer({ min: 1, max: 10_000 }),
  fc.integer({ min: 20, max: 400 }),
  fc.integer({ min: 1, max: 6 }),
] as const

/** A replay's report bytes, as a partitioned replay must reproduce them. */
const bytes = (r: Replay.Result): string => [...Partition.canonical(r)].join('')

/** `source` with the reads of its read-back recorded, in order. */
const recording = (source: Replay.Source) => {
  const reads: Array<{ readonly caseId: string; readonly handles: ReadonlyArray<number> }> = []
  const readBack: Replay.ReadBack = {
    ...source.readBack,
    read: (caseId, handles) => {
      reads.push({ caseId, handles: [...handles] })
      return source.readBack.read(caseId, handles)
    },
  }
  return { events: source.events, readBack, reads }
}

/** Appends each event to its case's stream of `store`; returns the store. */
const fill = async <S extends EventStore.EventStore>(
  store: S,
  events: ReadonlyArray<Recorded>,
): Promise<S> => {
  for (const e of events) {
    const r = await store.append(e.caseId, [e], 'any')()
    if (E.isLeft(r)) throw new Error('append failed')
  }
  return store
}

/** The part of a replay that `evaluate --format json` also gives. */
const core = (r: Replay.Result) => ({
  asOf: r.asOf,
  cases: [...r.cases].map((c) => ({
    caseId: c.caseId,
    obligations: c.obligations,
    escalations: c.escalations,
  })),
  summary: r.summary,
})
const batch = (events: ReadonlyArray<DocketEvent>, o: Partial<Evaluation.Options> = {}) => {
  const b = Evaluation.evaluate(events, { ...options, ...o })
  return { asOf: b.asOf, cases: b.cases, summary: b.summary }
}

/** Hand-made events, `h` hours after 2026-01-01 (recorded when they occur). */
const at = (h: number): string => new Date(Date.UTC(2026, 0, 1) + h * 3_600_000).toISOString()
const ev = (id: string, caseId: string, h: number, type: string, data: object): Recorded =>
  ({ id, caseId, type, occurredAt: at(h), recordedAt: at(h), data }) as unknown as Recorded
/** A hate-speech report opening `caseId`, in `jurisdiction`. */
const report = (caseId: string, h: number, jurisdiction = 'US'): Recorded =>
  ev(`${caseId}-r`, caseId, h, 'ContentReported', {
    reportId: `${caseId}-r`,
    channel: 'in_app',
    category: 'hate',
    content: { ref: `x-${caseId}`, kind: 'text' },
    jurisdictions: [jurisdiction],
  })

/** Case a closes and leaves memory as b and c come (a budget of one), then reopens. */
const closedThenReopened = (): Recorded[] => [
  report('a', 0),
  ev('a-c', 'a', 1, 'CaseClosed', {}),
  report('b', 2),
  report('c', 3),
  ev('a-o', 'a', 4, 'CaseReopened', { reason: 'authority' }),
]

describe('Replay.run', () => {
  it('replays the seed case as the batch engine evaluates it, and finds the refusal the agent followed', async () => {
    const events = seed()
    const r = await run(events)
    expect(core(r)).toEqual(batch(events))
    expect(r.stats).toMatchObject({ events: events.length, cases: 1 })
    const facts = [...r.cases][0]!.facts
    expect(facts.refusalsThenAuthority.length).toBeGreaterThan(0)
    expect(facts.refusalsThenAuthority[0]!.kind).toBe('intervention')
  })

  it('drops closed, settled cases under a memory budget and still equals the batch engine', async () => {
    const events = [...History.generate({ events: 20_000, seed: 11 })]
    const r = await run(events, { maxOpenCases: 300 })
    expect(r.stats.dropped).toBeGreaterThan(100)
    expect(r.stats.maxOpenCases).toBeLessThan(r.stats.cases)
    expect(core(r)).toEqual(batch(events))
  })

  it('replays a generated history of 100,000 events with memory bounded by the open cases', async () => {
    let events = 0
    const ids = new Set<string>()
    const gen = function* (): Generator<Recorded> {
      for (const e of History.generate({ events: 100_000, seed: 3 })) {
        events++
        ids.add(e.caseId)
        yield e
      }
    }
    const progress: Replay.Progress[] = []
    const r = await run(gen(), {
      maxOpenCases: 2_000,
      onProgress: (p) => progress.push(p),
      progressEvery: 25_000,
    })
    expect(events).toBe(100_000)
    expect(r.stats.events).toBe(100_000)
    expect(r.stats.cases).toBe(ids.size)
    expect(r.stats.dropped).toBeGreaterThan(1_000)
    // the budget is exceeded only by cases with a clock still running (a preservation hold, an open window)
    expect(r.stats.maxOpenCases).toBeLessThan(ids.size * 0.75)
    expect(r.summary.obligations).toBe([...r.cases].reduce((n, c) => n + c.obligations.length, 0))
    expect(progress.map((p) => p.events)).toEqual([25_000, 50_000, 75_000, 100_000, 100_000])
    expect(progress.at(-1)!.done).toBe(true)
  }, 60_000)

  it('spills finished results to sorted runs on disk and reads back the same report and counts', async () => {
    const events = [...History.generate({ events: 20_000, seed: 13 })]
    const held = await run(events, { maxOpenCases: 300 })
    const spilled = await run(events, { maxOpenCases: 300, maxDoneCases: 7 })
    expect(held.stats.cases).toBeGreaterThan(1_000)
    expect(spilled.cases).not.toBeInstanceOf(Array)
    expect(bytes(spilled)).toBe(bytes(held))
    expect(spilled.stats).toEqual(held.stats)
    // the counts equal those of the cases read back
    const back = [...spilled.cases]
    expect(spilled.stats.cases).toBe(back.length)
    expect(spilled.summary).toEqual(Replay.summarize(back.flatMap((c) => c.obligations)))
    expect(core(spilled)).toEqual(batch(events))
  })

  it('judges a case at most twice, and wakeAt spares the ten-year check: the same bytes and counts', async () => {
    const events = [...History.generate({ events: 20_000, seed: 21 })]
    // evaluations per case at the replay's own instants (ten-year checks apart)
    const judged = new Map<string, number>()
    let kept = 0
    let plain = 0
    const counted: Replay.EvaluateCase = (c, h, at) => {
      kept++
      if (at < '2030') judged.set(c, (judged.get(c) ?? 0) + 1)
      return evaluate(c, h, at)
    }
    // the same evaluations without a known wake: a result with escalations is judged ten years later
    const unknown: Replay.EvaluateCase = (c, h, at) => {
      plain++
      const r = evaluate(c, h, at)
      return r === null
        ? null
        : {
            obligations: r.obligations,
            get escalations() {
              return r.escalations
            },
          }
    }
    const a = await run(events, { evaluate: counted, maxOpenCases: 300 })
    const b = await run(events, { evaluate: unknown, maxOpenCases: 300 })
    expect(bytes(a)).toBe(bytes(b))
    expect(a.stats).toEqual(b.stats)
    expect(a.stats.dropped).toBeGreaterThan(200)
    expect(a.stats.reopened).toBe(0)
    expect(kept).toBeLessThan(plain)
    expect(judged.size).toBe(a.stats.cases)
    expect(Math.max(...judged.values())).toBe(2)
    // most cases are judged once: only those closed with a clock still running are judged again
    expect([...judged.values()].filter((n) => n === 1).length).toBeGreaterThan(a.stats.cases / 2)
    expect(core(a)).toEqual(batch(events))
  })

  it('keeps the result a case had as it left memory while it holds, and judges it again once it no longer does', async () => {
    const events = [...History.generate({ events: 20_000, seed: 21 })]
    // cases judged twice at the replay's own instants (ten-year checks apart)
    const twice = (judged: Map<string, number>): number => [...judged.values()].filter((n) => n === 2).length
    const counting =
      (judged: Map<string, number>, strip: boolean): Replay.EvaluateCase =>
      (c, h, at) => {
        if (at < '2030') judged.set(c, (judged.get(c) ?? 0) + 1)
        const r = evaluate(c, h, at)
        // without its wakeAt, a result is never known to hold until later
        return r === null || !strip ? r : { obligations: r.obligations, escalations: r.escalations }
      }
    const withWake = new Map<string, number>()
    const without = new Map<string, number>()
    const a = await run(events, { evaluate: counting(withWake, false), maxOpenCases: 300 })
    const b = await run(events, { evaluate: counting(without, true), maxOpenCases: 300 })
    expect(bytes(a)).toBe(bytes(b))
    expect(a.stats).toEqual(b.stats)
    expect(a.summary).toEqual(b.summary)
    // both ways happen: results kept to the end, and results whose clock fell due before it
    expect(twice(withWake)).toBeGreaterThan(0)
    expect(twice(withWake)).toBeLessThan(twice(without))
    expect(core(a)).toEqual(batch(events))
  })

  it('is deterministic: the same events and options give the same result', async () => {
    const events = [...History.generate({ events: 3_000, seed: 5 })]
    const a = await run(events, { maxOpenCases: 50 })
    const b = await run(events, { maxOpenCases: 10_000 })
    expect(JSON.stringify([...a.cases])).toBe(JSON.stringify([...b.cases]))
    expect(a.summary).toEqual(b.summary)
  })

  it('rejects input recorded out of order within a case, naming both events', async () => {
    const events = [...History.generate({ events: 200, seed: 9 })]
    const i = events.findIndex((e, k) => k > 0 && events.slice(0, k).some((x) => x.caseId === e.caseId))
    const j = events.findIndex((x) => x.caseId === events[i]!.caseId)
    const swapped = [...events]
    swapped[j] = events[i]!
    swapped[i] = events[j]!
    const r = await Replay.run(stream(swapped), { evaluate })
    expect(E.isLeft(r)).toBe(true)
    if (E.isLeft(r)) {
      expect(r.left).toMatchObject({
        _tag: 'OutOfOrder',
        eventId: events[j]!.id,
        previousEventId: events[i]!.id,
      })
      expect(Replay.describe(r.left)).toContain('--sort')
      // no line known (a store's events): the input position
      expect(Replay.describe(r.left)).toContain(`event ${events[j]!.id} (input position ${i + 1}) of case`)
    }
    // read from lines (a file, standard input; here a blank line before each event): its line
    let line = 0
    async function* lined(): AsyncGenerator<Recorded> {
      for (const e of swapped) {
        line += 2
        yield e
      }
    }
    const r2 = await Replay.run(lined(), { evaluate, line: () => line })
    expect(E.isLeft(r2) && Replay.describe(r2.left)).toContain(
      `event ${events[j]!.id} (line ${2 * (i + 1)}) of case`,
    )
  })

  it('leaves out an event repeated in its case and refuses an id given other content, in short and long histories', async () => {
    // the seed case and 20 exposure observations after it: a history past the length where ids are kept in a Set
    const base = seed()
    const exposures = Array.from({ length: 20 }, (_, k): Recorded => {
      const at = `2021-02-${String(k + 1).padStart(2, '0')}T10:00:00Z`
      return {
        ...base[0]!,
        id: `exposure-${k}`,
        type: 'ExposureObserved',
        occurredAt: at,
        recordedAt: at,
        data: { views: 1_000 * (k + 1), shares: k },
      } as Recorded
    })
    const long = [...base, ...exposures]
    const once = bytes(await run(long))
    for (const after of [5, 30]) {
      const repeated = [...long.slice(0, after), long[2]!, ...long.slice(after)]
      expect(bytes(await run(repeated)), `a repeat after ${after} events`).toBe(once)
      const other = { ...long[2]!, data: { ...(long[2]!.data as object), text: 'other content' } } as Recorded
      const conflict = await Replay.run(stream([...long.slice(0, after), other, ...long.slice(after)]), {
        evaluate,
      })
      expect(E.isLeft(conflict) && conflict.left, `a conflict after ${after} events`).toMatchObject({
        _tag: 'DuplicateId',
        eventId: long[2]!.id,
        position: after + 1,
      })
    }
  })

  it('parks idle open cases on disk and brings them back as they left (order check included)', async () => {
    const events = [...History.generate({ events: 3_000, seed: 23 })]
    // a case with several events, its first events early and its last one late in the input
    const counts = new Map<string, number>()
    for (const e of events) counts.set(e.caseId, (counts.get(e.caseId) ?? 0) + 1)
    const id = events.find((e) => (counts.get(e.caseId) ?? 0) >= 3)!.caseId
    const own = events.filter((e) => e.caseId === id)
    const late = own[own.length - 1]!
    const moved = [...events.filter((e) => e !== late), late]
    const held = await run(moved, { maxOpenCases: 100_000 })
    const parked = await run(moved, { maxOpenCases: 4 })
    expect(held.stats.maxOpenCases).toBeGreaterThan(100)
    expect(parked.stats.maxOpenCases).toBeLessThanOrEqual(5)
    expect(bytes(parked)).toBe(bytes(held))
    expect(core(parked)).toEqual(batch(moved))
    // the parked case's last recorded event is still known: an earlier one after it is out of order
    const early = { ...own[1]!, id: `${own[1]!.id}-again` } as Recorded
    const r = await Replay.run(stream([...moved, early]), { evaluate, maxOpenCases: 4 })
    expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'OutOfOrder', caseId: id, previousEventId: late.id })
  })

  it('takes events without a recordedAt of their own in file order', async () => {
    const events = seed()
      .filter((e) => e.type !== 'CaseClosed')
      .map((e) => ({ ...e, meta: { ...e.meta, recordedAtInferred: true } }) as Recorded)
    const reversed = [...events].reverse()
    const r = await Replay.run(stream(reversed), { evaluate })
    expect(E.isRight(r)).toBe(true)
    if (E.isRight(r)) expect(core(r.right)).toEqual(batch(events))
  })

  it("takes a store's global order as it comes when asked not to check recordedAt", async () => {
    const events = [...History.generate({ events: 200, seed: 9 })]
    const i = events.findIndex((e, k) => k > 0 && events.slice(0, k).some((x) => x.caseId === e.caseId))
    const j = events.findIndex((x) => x.caseId === events[i]!.caseId)
    const swapped = [...events]
    swapped[j] = events[i]!
    swapped[i] = events[j]!
    const r = await Replay.run(stream(swapped), { evaluate, checkOrder: false })
    expect(E.isRight(r)).toBe(true)
  })

  it('sorts out-of-order input with spill to disk and then equals the ordered replay', async () => {
    const events = [...History.generate({ events: 2_000, seed: 13 })]
    const shuffled = fc.sample(fc.shuffledSubarray(events, { minLength: events.length }), {
      numRuns: 1,
      seed: 1,
    })[0]!
    const sorted = await Replay.run(Spill.sort(stream(shuffled), { runSize: 150 }), { evaluate })
    expect(E.isRight(sorted)).toBe(true)
    if (E.isRight(sorted)) expect(core(sorted.right)).toEqual(core(await run(events)))
  })

  it('brings a dropped case back when it is reopened, and counts the reopening', async () => {
    const events: Recorded[] = [
      report('a', 0),
      ev('a-d', 'a', 1, 'ReviewDecided', {
        reviewId: 'a-v',
        outcome: 'no_violation',
        tier: 'specialist',
        automation: 'not',
      }),
      ev('a-c', 'a', 2, 'CaseClosed', {}),
      report('b', 3),
      report('c', 4),
      report('d', 5),
      ev('a-o', 'a', 6, 'CaseReopened', { reason: 'authority' }),
      ev('a-q', 'a', 7, 'AuthorityRequestReceived', {
        requestId: 'q',
        authority: 'police',
        kind: 'intervention',
        jurisdiction: 'US',
      }),
    ]
    const r = await run(events, { maxOpenCases: 1 })
    // the same with every result on disk: the reopened case's earlier result is superseded
    const spilled = await run(events, { maxOpenCases: 1, maxDoneCases: 1 })
    expect(bytes(spilled)).toBe(bytes(r))
    expect(spilled.summary).toEqual(Replay.summarize([...spilled.cases].flatMap((c) => c.obligations)))
    expect(r.stats.dropped).toBeGreaterThanOrEqual(1)
    expect(r.stats.reopened).toBe(1)
    expect(core(r)).toEqual(batch(events))
    const a = [...r.cases].find((c) => c.caseId === 'a')!
    expect(a.facts.timeline.map((t) => t.id)).toEqual(['a-r', 'a-d', 'a-c', 'a-o', 'a-q'])
    expect(a.facts.refusalsThenAuthority).toHaveLength(1)
  })

  it("keeps a parked case's result until its wakeAt, judges it again from then, and takes it back on a later event", async () => {
    // x closes with NetzDG clocks still running, then leaves memory as y comes
    const start = [report('x', 0, 'DE'), ev('x-c', 'x', 1, 'CaseClosed', {}), report('y', 2, 'US')]
    const left = evaluate('x', start.slice(0, 2), at(2))!
    const wake = left.wakeAt?.() ?? null
    expect(wake).not.toBeNull()
    const wakeH = (wake! - Date.UTC(2026, 0, 1)) / 3_600_000
    const judgedX = async (events: ReadonlyArray<Recorded>): Promise<number> => {
      let n = 0
      const counted: Replay.EvaluateCase = (c, h, asOf) => {
        if (c === 'x' && asOf < '2030') n++
        return evaluate(c, h, asOf)
      }
      const progress: Replay.Progress[] = []
      const r = await run(events, {
        evaluate: counted,
        maxOpenCases: 1,
        progressEvery: 1,
        onProgress: (p) => progress.push(p),
      })
      expect(core(r)).toEqual(batch(events))
      // a parked case with its result recorded counts as done, not open (progress is reported
      // as an event is read, before it is taken in)
      for (const p of progress) {
        const seen = new Set(events.slice(0, p.done ? p.events : p.events - 1).map((e) => e.caseId)).size
        expect(p.openCases + p.doneCases).toBe(seen)
      }
      expect(progress.at(-1)).toMatchObject({ openCases: 0, doneCases: r.stats.cases, done: true })
      expect(r.stats.cases).toBe(new Set(events.map((e) => e.caseId)).size)
      expect(r.stats.reopened).toBe(0)
      return n
    }
    // the replay ends before the wake-up: the result x had as it left is the report's
    expect(await judgedX([...start, report('z', wakeH - 1, 'US')])).toBe(1)
    // it ends at the wake-up or later: judged again
    expect(await judgedX([...start, report('z', wakeH, 'US')])).toBe(2)
    expect(await judgedX([...start, report('z', wakeH + 30, 'US')])).toBe(2)
    // a later event of x brings it back: its first result and counts are taken back
    const decided = ev('x-d', 'x', 3, 'ReviewDecided', {
      reviewId: 'x-v',
      outcome: 'violation',
      tier: 'specialist',
      automation: 'not',
    })
    expect(await judgedX([...start, decided, report('z', 4, 'US')])).toBe(2)
  })

  it('--known-at leaves out what was recorded later, and judges at that instant', async () => {
    const events = seed()
    const knownAt = '2020-01-28T12:00:00-08:00'
    const r = await run(events, { knownAt })
    expect(r.stats.unknownAtKnownAt).toBe(events.filter((e) => e.recordedAt > '2020-01-28T20:00:00Z').length)
    expect(core(r)).toEqual(batch(events, { knownAt }))
    expect(r.asOf).toBe('2020-01-28T20:00:00.000Z')
  })

  it('equals the batch engine for any history and any memory budget (property)', async () => {
    await fc.assert(
      fc.asyncProperty(...historyAndBudget, async (s, n, budget) => {
        const events = [...History.generate({ events: n, seed: s, meanGapMinutes: 120 })]
        const r = await run(events, { maxOpenCases: budget, maxDoneCases: budget })
        expect(core(r)).toEqual(batch(events))
        expect(r.stats.cases).toBe(batch(events).cases.length)
      }),
      { numRuns: 40 },
    )
  })
})

describe('Replay.run reading cases back from the source', () => {
  it('gives the bytes, counts and stats of the replay that archives histories, for any history and budget (property)', async () => {
    let read = 0
    await fc.assert(
      fc.asyncProperty(...historyAndBudget, async (s, n, budget) => {
        const events = [...History.generate({ events: n, seed: s, meanGapMinutes: 120 })]
        const options = { maxOpenCases: budget, maxDoneCases: budget }
        const archived = await run(events, options)
        const source = recording(Replay.fromEvents(events))
        const back = await run(source.events, { ...options, readBack: source.readBack })
        expect(bytes(back)).toBe(bytes(archived))
        expect(back.stats).toEqual(archived.stats)
        expect(back.summary).toEqual(archived.summary)
        for (const r of source.reads)
          expect(r.handles.every((h) => events[h]!.caseId === r.caseId)).toBe(true)
        read += source.reads.length
      }),
      { numRuns: 30 },
    )
    // cases did return, and were read back
    expect(read).toBeGreaterThan(0)
  })

  it('reads a reopened case back by the handles of the events it had, in order', async () => {
    const events = closedThenReopened()
    const source = recording(Replay.fromEvents(events))
    const r = await run(source.events, { maxOpenCases: 1, readBack: source.readBack })
    // a as it reopens; then, at the end, the cases still parked (b and c left memory open)
    expect(source.reads).toEqual([
      { caseId: 'a', handles: [0, 1] },
      { caseId: 'b', handles: [2] },
      { caseId: 'c', handles: [3] },
      { caseId: 'a', handles: [0, 1, 4] },
    ])
    expect(r.stats.reopened).toBe(1)
    expect(bytes(r)).toBe(bytes(await run(events, { maxOpenCases: 1 })))
  })

  it('fails with the reading error when a case cannot be read back, and leaves no spill file behind', async () => {
    const spillDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-readback-'))
    try {
      const events = [report('a', 0), report('b', 1), report('c', 2), ev('a-x', 'a', 3, 'CaseClosed', {})]
      const source = Replay.fromEvents(events)
      const failing: Replay.ReadBack = {
        handle: source.readBack.handle,
        read: async () => {
          throw new Error('events.jsonl: the file changed during the replay')
        },
      }
      await expect(
        Replay.run(source.events, { evaluate, maxOpenCases: 1, spillDir, readBack: failing }),
      ).rejects.toThrow('the file changed during the replay')
      expect(fs.readdirSync(spillDir)).toEqual([])
    } finally {
      fs.rmSync(spillDir, { recursive: true, force: true })
    }
  })
})

describe('Replay.run at a fixed instant', () => {
  it('equals the batch engine with --as-of or --known-at, for any budget (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 20, max: 300 }),
        fc.integer({ min: 1, max: 5 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        async (s, n, budget, where, known) => {
          const events = [...History.generate({ events: n, seed: s, meanGapMinutes: 120 })]
          const first = Date.parse(events[0]!.occurredAt)
          const last = Date.parse(events[events.length - 1]!.occurredAt)
          const at = new Date(first + Math.round((last - first) * where)).toISOString()
          const axis = known ? { knownAt: at } : { asOf: at }
          const r = await Replay.run(stream(events), {
            evaluate: Replay.fromCore({ ...options, ...axis }),
            maxOpenCases: budget,
            ...axis,
          })
          if (E.isLeft(r)) throw new Error('replay failed')
          expect(core(r.right)).toEqual(batch(events, axis))
        },
      ),
      { numRuns: 30 },
    )
  })
})

describe('Replay.run on a store', () => {
  it('reads a sealed store in global order and reports its integrity chain head', async () => {
    const events = [...History.generate({ events: 500, seed: 17 })]
    const store = await fill(Integrity.sealed(MemoryEventStore.make()), events)
    const r = await run(Replay.fromStore(store))
    expect(r.integrity).toEqual(await Integrity.head(store.readAll()))
    expect(r.integrity?.events).toBe(500)
    expect(core(r)).toEqual(batch(events))
    expect((await run(events)).integrity).toBeNull()
  })

  it('reads only dropped cases back by stream revision (a remote read-back), and equals the archiving replay', async () => {
    const events: Recorded[] = [
      report('a', 0),
      ev('a-c', 'a', 1, 'CaseClosed', {}),
      report('b', 2),
      report('c', 3),
      ev('b-x', 'b', 4, 'AuthorityRequestReceived', {
        requestId: 'q',
        authority: 'police',
        kind: 'intervention',
        jurisdiction: 'US',
      }),
      ev('a-o', 'a', 5, 'CaseReopened', { reason: 'authority' }),
    ]
    const store = await fill(MemoryEventStore.make(), events)
    const source = recording(Replay.storeSource(store))
    const back = await run(source.events, { maxOpenCases: 1, readBack: source.readBack })
    // a was dropped and read back as it reopened; b and c were parked: their histories were archived
    expect(source.reads).toEqual([{ caseId: 'a', handles: [0, 1] }])
    expect(back.stats.reopened).toBe(1)
    const archived = await run(Replay.fromStore(store), { maxOpenCases: 1 })
    expect(bytes(back)).toBe(bytes(archived))
    expect(back.stats).toEqual(archived.stats)
    // a generated history, whatever the budget
    const generated = [...History.generate({ events: 2_000, seed: 23 })]
    const big = await fill(MemoryEventStore.make(), generated)
    const g = Replay.storeSource(big)
    const r = await run(g.events, { maxOpenCases: 30, readBack: g.readBack })
    expect(r.stats.dropped).toBeGreaterThan(0)
    expect(core(r)).toEqual(batch(generated))
  })

  it('fails naming the case and the store error when a case cannot be read back', async () => {
    const store = await fill(MemoryEventStore.make(), closedThenReopened())
    const failing = { ...store, readStream: () => TE.left(EventStore.unavailable('connection lost')) }
    const source = Replay.storeSource(failing)
    await expect(run(source.events, { maxOpenCases: 1, readBack: source.readBack })).rejects.toThrow(
      /^reading case a back from the store: .*connection lost/,
    )
  })

  it('--from/--to keep the cases whose first event falls in the window, as evaluate does', async () => {
    const events = [...History.generate({ events: 3_000, seed: 19 })]
    const window = { from: '2025-01-01T03:00:00Z', to: '2025-01-01T09:00:00Z' }
    const r = await Replay.run(stream(events), {
      evaluate: Replay.fromCore({ ...options, ...window }),
      maxOpenCases: 40,
    })
    if (E.isLeft(r)) throw new Error('replay failed')
    const b = batch(events, window)
    expect(core(r.right).cases).toEqual(b.cases)
    expect(b.cases.length).toBeGreaterThan(50)
    expect(b.cases.length).toBeLessThan(new Set(events.map((e) => e.caseId)).size)
  })
})

describe('Spill', () => {
  it('sort is stable by recordedAt whatever the run size (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 40 }),
        // runs merged at once, or in passes of a few
        fc.constantFrom(64, 2, 3),
        async (keys, runSize, fanIn) => {
          const events = keys.map(
            (k, i) =>
              ({
                id: `e${i}`,
                caseId: 'c',
                type: 'x-t.T',
                occurredAt: new Date(k * 1000).toISOString(),
                recordedAt: new Date(k * 1000).toISOString(),
                data: {},
              }) as unknown as Recorded,
          )
          const out: string[] = []
          for await (const e of Spill.sort(stream(events), { runSize, fanIn })) out.push(e.id)
          const expected = keys
            .map((k, i) => ({ k, i }))
            .sort((a, b) => a.k - b.k || a.i - b.i)
            .map((x) => `e${x.i}`)
          expect(out).toEqual(expected)
        },
      ),
      { numRuns: 50 },
    )
  })

  it('archives a history and gives it back once', () => {
    const a = Spill.archive()
    const h = seed()
    a.put('x', h)
    a.put('y', h.slice(0, 2))
    a.put('z', h.slice(0, 1), 'a note')
    expect(a.has('x')).toBe(true)
    expect(a.take('x')).toEqual({ history: h, note: '' })
    expect(a.take('x')).toBeUndefined()
    expect(a.take('y')?.history).toEqual(h.slice(0, 2))
    expect(a.take('z')).toEqual({ history: h.slice(0, 1), note: 'a note' })
    a.close()
  })

  it('archives many cases, replaced and taken in any order, as a map would hold them, whatever its write buffer (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(400), fc.boolean()), { maxLength: 1_500 }),
        // smaller than a record (written on its own), a few records, everything
        fc.constantFrom(64, 2_000, 1 << 20),
        (ops, bufferBytes) => {
          const a = Spill.archive(undefined, bufferBytes)
          const h = seed()
          const model = new Map<string, string>()
          ops.forEach(([n, put], i) => {
            const id = `case-${n}`
            if (put) {
              a.put(id, h.slice(0, 1 + (i % 3)), `note ${i}`)
              model.set(id, `note ${i}`)
            } else {
              expect(a.take(id)?.note).toBe(model.get(id))
              model.delete(id)
            }
          })
          for (const [id, note] of model) expect(a.has(id) && a.take(id)?.note).toBe(note)
          a.close()
        },
      ),
      { numRuns: 30 },
    )
  })

  it('runs give each key its latest value in key order, whatever the run size, bytes and fan-in, and whoever reads them (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.string({ maxLength: 3, unit: 'grapheme' }), fc.option(fc.integer(), { nil: null })),
          {
            maxLength: 120,
          },
        ),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 2, max: 4 }),
        // sealed and read here; handed off, read here; handed off to another reader (`detach`, `adopt`)
        fc.constantFrom('plain', 'handed off, read here', 'handed off'),
        (puts, runSize, runBytes, fanIn, reader) => {
          const runs = Spill.runs<{ readonly k: string; readonly v: number }>({
            runSize,
            runBytes,
            fanIn,
            handOff: reader !== 'plain',
          })
          const model = new Map<string, { readonly k: string; readonly v: number } | null>()
          for (const [k, v] of puts) {
            const value = v === null ? null : { k, v }
            runs.put(k, value)
            model.set(k, value)
          }
          const expected = [...model.entries()]
            .filter((kv) => kv[1] !== null)
            .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
            .map((kv) => kv[1])
          const sealed = runs.seal()
          let read: Iterable<{ readonly k: string; readonly v: number }> = sealed
          if (reader === 'handed off') {
            const from = Spill.detach(sealed)!
            // the files stay until the other reader opens them, then go
            if ('dir' in from) expect(fs.existsSync(from.dir)).toBe(true)
            read = Spill.adopt(from)
            if ('dir' in from) expect(fs.existsSync(from.dir)).toBe(false)
            expect(() => [...sealed]).toThrow(/handed to another thread/)
          }
          expect([...read]).toEqual(expected)
          // read twice: the same values
          expect([...read]).toEqual(expected)
          // runs read where they were sealed cannot be handed off any more
          expect(Spill.detach(sealed)).toBeUndefined()
          runs.close()
        },
      ),
      { numRuns: 200 },
    )
  })

  it('reads back values longer than its read buffer, and non-ASCII keys and text', () => {
    const runs = Spill.runs<{ readonly t: string }>({ runSize: 2 })
    const big = 'é€😀x'.repeat(40_000)
    runs.put('ü', { t: big })
    runs.put('a', { t: 'short' })
    runs.put('😀', { t: `${big}!` })
    // longer than the write buffer holds at three bytes a code unit: written on its own
    runs.put('z', { t: big + big })
    // more bytes than the write buffer holds (and not the first of their run): written on their own
    runs.put('x', { t: 'last' })
    runs.put('y', { t: big.repeat(3) })
    expect(runs.written()).toBeGreaterThan(0)
    expect([...runs.seal()].map((x) => x.t)).toEqual([
      'short',
      'last',
      big.repeat(3),
      big + big,
      big,
      `${big}!`,
    ])
  })
})
