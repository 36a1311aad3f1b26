/**
 * The process manager's checkpoint, as a property: over random histories appended in random
 * segments, each run at a random later instant, a process manager that resumes from its own
 * checkpoint (restarted at random points, and crashed at a random store operation, before or
 * after it takes effect, then restarted) leaves exactly the escalations of one that rebuilds
 * every case from the whole log on every run: none lost, none twice, in the same order.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Clock from './Clock.js'
import type { Recorded } from './Envelope.js'
import type * as EventStore from './EventStore.js'
import { testRule } from './testing/Rule.js'
import * as MemoryEventStore from './MemoryEventStore.js'
import * as ProcessManager from './ProcessManager.js'
import * as Profile from './Profile.js'
import * as History from './testing/History.js'
import { appendEach, Crash, crashing, escalations } from './testing/Resume.js'
import * as Timer from './Timer.js'
import * as Timestamp from './Timestamp.js'

const HOUR = 3_600_000

/** The default profile, and one whose deadlines of one rule on one case page by turns. */
const PROFILES: ReadonlyArray<readonly [string, Profile.Resolved]> = [
  ['timePages perObligation (the default)', Profile.DEFAULTS],
  [
    'timePages perRule',
    { ...Profile.DEFAULTS, escalation: { ...Profile.DEFAULTS.escalation, timePages: 'perRule' } },
  ],
]

/** A process manager's one run at `now`, with time triggers too: a 24-hour deadline from each report (one clock per report), met by taking the content down. */
const runner = (profile: Profile.Resolved) => {
  const obligations = ProcessManager.obligationsFrom({ rules: [testRule({ key: (e) => e.id })], profile })
  return (store: EventStore.EventStore, now: number, resume: boolean) =>
    ProcessManager.make({
      store,
      timer: Timer.manual(Clock.manual(now)),
      profile,
      obligations,
      resume,
    }).runOnce()
}

/**
 * The history with each report made again `gapHours` later (a second notice of the same content, so
 * that a case holds sibling deadlines of one rule), in order of recording.
 */
const withRepeats = (history: ReadonlyArray<Recorded>, gapHours: number | null): Recorded[] => {
  if (gapHours === null) return [...history]
  const later = (iso: string): string => Timestamp.format(Timestamp.toMillis(iso) + gapHours * HOUR, 0)
  const again = history.flatMap((e) =>
    e.type === 'ContentReported'
      ? [
          {
            ...e,
            id: `${e.id}-again`,
            occurredAt: later(e.occurredAt),
            recordedAt: later(e.recordedAt),
            data: { ...e.data, reportId: `${e.data.reportId}-again` },
          },
        ]
      : [],
  )
  return [...history, ...again].sort(
    (a, b) => Timestamp.toMillis(a.recordedAt) - Timestamp.toMillis(b.recordedAt),
  )
}

const scenario = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  /** Hours after each report that it is made again, or no repeats. */
  repeatGapHours: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }),
  events: fc.integer({ min: 5, max: 120 }),
  /** Where the history is cut into segments (fractions), and how long after each segment's last event its run is. */
  runs: fc.array(
    fc.record({ cut: fc.integer({ min: 0, max: 1000 }), later: fc.integer({ min: 0, max: 60 }) }),
    {
      minLength: 1,
      maxLength: 6,
    },
  ),
  /** Per run: the store operation at which the resuming process dies (none when beyond its last), and whether after it. */
  crashes: fc.array(fc.record({ at: fc.integer({ min: 0, max: 60 }), after: fc.boolean() }), {
    minLength: 6,
    maxLength: 6,
  }),
})

describe.each(PROFILES)('ProcessManager checkpoint (property), %s', (_, profile) => {
  const run = runner(profile)
  it('resuming, restarted and crashed anywhere, raises exactly what rebuilding from the whole log raises', async () => {
    let resumes = 0
    let crashes_ = 0
    await fc.assert(
      fc.asyncProperty(scenario, async ({ seed, events, repeatGapHours, runs, crashes }) => {
        const history = withRepeats(
          [...History.generate({ seed, events, meanGapMinutes: 30 })],
          repeatGapHours,
        )
        const cuts = runs.map((r) => Math.round((r.cut / 1000) * history.length)).sort((a, b) => a - b)
        const scratch = MemoryEventStore.make()
        const resumed = MemoryEventStore.make()
        let from = 0
        let now = Number.NEGATIVE_INFINITY
        let crashed = 0
        for (const [i, cut] of cuts.entries()) {
          const segment = history.slice(from, Math.max(from, cut))
          from = Math.max(from, cut)
          await appendEach(scratch, segment)
          await appendEach(resumed, segment)
          const last = segment.at(-1) ?? history[Math.max(0, from - 1)]!
          now = Math.max(now, Timestamp.toMillis(last.recordedAt) + runs[i]!.later * HOUR)
          await run(scratch, now, false)
          const crash = crashes[i]!
          try {
            await run(crashing(resumed, { left: crash.at, after: crash.after }), now, true)
          } catch (e) {
            if (!(e instanceof Crash)) throw e
            crashed++
            // restarted at the same instant
            await run(resumed, now, true)
          }
          expect(await escalations(resumed)).toEqual(await escalations(scratch))
        }
        // a last run a month later, after every event, raises what is left in both
        now += 30 * 24 * HOUR
        await appendEach(scratch, history.slice(from))
        await appendEach(resumed, history.slice(from))
        await run(scratch, now, false)
        const last = await run(resumed, now, true)
        expect(await escalations(resumed)).toEqual(await escalations(scratch))
        if (last.resumedFrom !== null) resumes++
        crashes_ += crashed
      }),
      { numRuns: 60 },
    )
    // the property did exercise resuming and crashing
    expect(resumes).toBeGreaterThan(20)
    expect(crashes_).toBeGreaterThan(20)
  })
})
