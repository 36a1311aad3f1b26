// A case with many events (a viral case: one refusal, then thousands of repeat reports) is judged in
// time linear in its events: the rules' conditions read the case's events from the engine's views
// (`caseEvents`, `upTo`) instead of scanning a copy of the history for each event. These tests count
// what is read instead of timing anything, and check that the engine's answers are those of the plain
// history on random cases.
import { type ClockRule, type DocketEvent, Escalation, Evaluation, Profile } from '@docket/core'
import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ev, report, run } from './internal/testing.js'
import * as Policy from './Policy.js'

const rules = Policy.forProfile(Profile.resolve({}))
const asOf = '2026-03-20T00:00:00Z'
const minute = (i: number): string => new Date(Date.parse('2026-03-01T10:00:00Z') + i * 60_000).toISOString()

/** One report, a frontline refusal, then `n` repeat reports a minute apart, each alleging a minor. */
const viral = (n: number): ReadonlyArray<DocketEvent> => [
  report(minute(0), { category: 'sextortion', jurisdictions: ['US', 'FR'] }, { id: 'r-first' }),
  ev('ReviewDecided', minute(1), {
    reviewId: 'v',
    outcome: 'no_violation',
    tier: 'frontline',
    automation: 'not',
  }),
  ...Array.from({ length: n }, (_, i) =>
    report(
      minute(2 + i),
      { category: 'sextortion', jurisdictions: ['US', 'FR'], claims: { depictsMinor: true } },
      { id: `r-${i}` },
    ),
  ),
]

describe('a viral case', () => {
  it('is judged reading each event a bounded number of times, whatever the number of reports', () => {
    /** Property reads of the case's events while the engine judges it with every default rule. */
    const reads = (n: number): number => {
      let count = 0
      const counted = viral(n).map(
        (e) =>
          new Proxy(e, {
            get: (target, key, receiver) => {
              count++
              return Reflect.get(target, key, receiver)
            },
          }),
      )
      const obligations = run(counted, { rules, asOf })
      expect(obligations.length).toBeGreaterThan(2 * n)
      return count
    }
    const small = reads(500)
    const large = reads(2_000)
    // linear: four times the events, about four times the reads; one scan of the history per
    // report (the quadratic form) would read each of the 2,000 reports' histories, over 2 million
    expect(large / small).toBeLessThan(5)
    expect(large / 2_002).toBeLessThan(250)
  })
})

describe('a viral case’s repeat reports', () => {
  it('page at the first and at each threshold of their count, not once per report', () => {
    /** The repeat-report escalations of the whole judgment, as `docket replay` makes it. */
    const repeatEscalations = (n: number) => {
      const judged = Evaluation.evaluate(viral(n), {
        rules,
        profile: Profile.DEFAULTS,
        asOf,
        escalate: Escalation.escalate,
      })
      const lines = judged.cases[0]?.escalations.filter((e) => e.reason === 'repeat_report') ?? []
      return [...new Set(lines.map((e) => e.escalationId))].length
    }
    // guarded reports (a minor alleged): the first, the 10th and the 100th; the 1,000th past 500
    expect(repeatEscalations(500)).toBe(3)
    expect(repeatEscalations(2_000)).toBe(4)
  })
})

/** The same condition, shown only the history (as a hand-built view is): the plain definition. */
const plainly = (c: ClockRule.Condition): ClockRule.Condition => {
  const hidden = (e: DocketEvent, v: ClockRule.CaseView, s?: DocketEvent): boolean =>
    c(e, { caseId: v.caseId, history: v.history }, s)
  return c.types === undefined ? hidden : Object.assign(hidden, { types: c.types })
}
const plainRules: ReadonlyArray<Policy.Rule> = rules.map((r) => ({
  ...r,
  versions: r.versions.map((v) => ({
    ...v,
    start: plainly(v.start),
    complete: plainly(v.complete),
    ...(v.pause === undefined ? {} : { pause: plainly(v.pause) }),
    ...(v.resume === undefined ? {} : { resume: plainly(v.resume) }),
    ...(v.restart === undefined ? {} : { restart: plainly(v.restart) }),
    ...(v.cancel === undefined ? {} : { cancel: plainly(v.cancel) }),
  })),
}))

/** Notice elements: mostly given, so that notices do become complete, at one event or another. */
const mostlyTrue = fc.oneof(
  { arbitrary: fc.constant(true), weight: 4 },
  { arbitrary: fc.constant(false), weight: 1 },
)
const elements = fc.dictionary(
  fc.constantFrom('explanation', 'exactLocation', 'notifierIdentity', 'bonaFideStatement'),
  mostlyTrue,
  { minKeys: 2, maxKeys: 4 },
)
const reportId = fc.constantFrom('r-0', 'r-1', 'r-2')
const jurisdictions = fc.constantFrom(['FR'], ['US'], ['GB'], ['FR', 'US'])

/** One event at minute `m` of the kinds the history-reading conditions look at. */
const event = (m: number): fc.Arbitrary<DocketEvent> =>
  fc.oneof(
    fc
      .record({
        id: reportId,
        category: fc.constantFrom('hate', 'sextortion', 'csam', 'ncii', 'terrorism'),
        minor: fc.boolean(),
        rr: fc.option(elements, { nil: undefined, freq: 4 }),
        j: jurisdictions,
      })
      .map(({ id, category, minor, rr, j }) =>
        report(
          minute(m),
          {
            category,
            jurisdictions: j,
            ...(minor ? { claims: { depictsMinor: true } } : {}),
            ...(rr === undefined ? {} : { removalRequest: rr }),
          },
          { id },
        ),
      ),
    fc
      .record({ id: reportId, rr: elements })
      .map(({ id, rr }) => ev('ReportCompleted', minute(m), { reportId: id, removalRequest: rr })),
    fc
      .constantFrom('violation', 'no_violation', 'insufficient_information')
      .map((outcome) =>
        ev('ReviewDecided', minute(m), { reviewId: 'v', outcome, tier: 'frontline', automation: 'not' }),
      ),
    fc.constantFrom('eu-tco', 'eu-dsa').map((legalBasis) =>
      ev('AuthorityRequestReceived', minute(m), {
        requestId: 'q',
        authority: 'A',
        kind: 'removal_order',
        jurisdiction: 'FR',
        legalBasis,
      }),
    ),
    fc.constant(null).map(() => ev('ContentActioned', minute(m), { action: 'removed' })),
    fc
      .constant(null)
      .map(() => ev('AppealLodged', minute(m), { appealId: 'a', by: 'reporter', venue: 'internal' })),
  )

/** A case's events, some at the same minute, some the very same object twice. */
const history: fc.Arbitrary<ReadonlyArray<DocketEvent>> = fc
  .array(fc.tuple(fc.nat({ max: 60 }), fc.option(fc.nat(), { nil: undefined })), {
    minLength: 1,
    maxLength: 40,
  })
  .chain((slots) =>
    fc.tuple(...slots.map(([m]) => event(m))).map((events) => {
      const out: DocketEvent[] = []
      slots.forEach(([, again], i) => {
        out.push(again !== undefined && out.length > 0 ? out[again % out.length]! : events[i]!)
      })
      return out
    }),
  )

/**
 * Rules that read, by design, every event at a restriction's instant, those after it in the engine's
 * order too (`Reach.knownAt`: a removal sorted by id before its own same-instant detection still
 * knows where the case is), which a view of the history alone cannot show.
 */
const WHOLE_INSTANT: ReadonlySet<string> = new Set(['17-sor', '24-5-sor-db'])

/** Whether another event of `h` shares an instant with a restriction (where those rules look ahead). */
const restrictionShareInstant = (h: ReadonlyArray<DocketEvent>): boolean =>
  h.some(
    (r) =>
      (r.type === 'ContentActioned' || r.type === 'AccountActioned') &&
      h.some((x) => x.id !== r.id && x.occurredAt === r.occurredAt),
  )

describe('the engine reading the case events', () => {
  it('gives every rule the obligations of the plain history', () => {
    fc.assert(
      fc.property(history, (h) => {
        const comparable = (os: ReturnType<typeof run>) =>
          restrictionShareInstant(h)
            ? os.filter((o) => !(o.policy === 'eu-dsa' && WHOLE_INSTANT.has(o.rule)))
            : os
        expect(comparable(run(h, { rules, asOf }))).toEqual(comparable(run(h, { rules: plainRules, asOf })))
      }),
      { numRuns: 300 },
    )
  })
})
