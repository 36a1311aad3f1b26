import { describe, expect, it } from 'vitest'
import type * as ClockRule from './ClockRule.js'
import type { DocketEvent } from './Envelope.js'
import * as Escalation from './Escalation.js'
import * as Evaluation from './Evaluation.js'
import * as Timestamp from './Timestamp.js'
import * as Profile from './Profile.js'

// Small rules of our own (the real ones live in @docket/policies).

type Ev = {
  readonly id: string
  readonly type: string
  readonly at: string
  readonly rec?: string
  readonly data?: object
}
const ev = (caseId: string, e: Ev): DocketEvent =>
  ({
    id: e.id,
    type: e.type,
    caseId,
    occurredAt: e.at,
    ...(e.rec === undefined ? {} : { recordedAt: e.rec }),
    data: e.data ?? {},
  }) as unknown as DocketEvent
const is =
  (...types: string[]): ClockRule.Condition =>
  (e) =>
    types.includes(e.type)
const sameRequest: ClockRule.Condition = (e, _v, started) =>
  (e.data as { requestId?: string }).requestId ===
  (started?.data as { requestId?: string } | undefined)?.requestId

const report = (id: string, at: string, extra: object = {}): Ev => ({
  id,
  type: 'ContentReported',
  at,
  data: {
    reportId: `r-${id}`,
    channel: 'web_form',
    category: 'ncii',
    content: { ref: 'c', kind: 'image' },
    jurisdictions: ['US'],
    ...extra,
  },
})
const removed = (id: string, at: string): Ev => ({
  id,
  type: 'ContentActioned',
  at,
  data: { action: 'removed' },
})

const version = (v: Partial<ClockRule.Version> = {}): ClockRule.Version => ({
  validFrom: '2025-05-19T00:00:00-04:00',
  validTo: null,
  zone: 'America/New_York',
  citation: 'Test Act §1',
  quote: 'within 48 hours',
  start: is('ContentReported'),
  complete: is('ContentActioned'),
  period: { duration: 'PT48H', clock: 'elapsed' },
  ...v,
})
const rule = (r: Partial<ClockRule.Rule> = {}, v: Partial<ClockRule.Version> = {}): ClockRule.Rule => ({
  policy: 'test',
  rule: 'removal',
  kind: 'deadline',
  title: 'Remove within 48 hours',
  confidence: 'primary',
  applies: () => true,
  versions: [version(v)],
  ...r,
})
const run = (events: ReadonlyArray<Ev>, options: Partial<Evaluation.Options> = {}, caseId = 'case-1') =>
  Evaluation.evaluate(
    events.map((e) => ev(caseId, e)),
    { rules: [rule()], ...options },
  )
const only = (r: Evaluation.Report) => {
  expect(r.cases).toHaveLength(1)
  expect(r.cases[0]!.obligations).toHaveLength(1)
  return r.cases[0]!.obligations[0]!
}

describe('evaluate: the cli.md example', () => {
  it('writes the documented shape, offsets of the legal zone, warnings at 50/75/90 %', () => {
    const profile = Profile.resolve({ internalTargets: { 'test/removal': 'PT24H' } })
    const r = run([report('evt-1', '2026-06-01T22:30:00-04:00')], { profile, asOf: '2026-07-01T00:00:00Z' })
    expect(r.asOf).toBe('2026-07-01T00:00:00.000Z')
    expect(r.knownAt).toBeNull()
    expect(r.counterfactual).toBe(false)
    expect(r.profile).toBe('default')
    const o = only(r)
    expect(o).toMatchObject({
      id: 'case-1/test/removal/evt-1',
      policy: 'test',
      rule: 'removal',
      kind: 'deadline',
      citation: 'Test Act §1',
      confidence: 'primary',
      statutory: true,
      counterfactual: false,
      preEffective: false,
      triggeredBy: 'evt-1',
      startedAt: '2026-06-01T22:30:00.000-04:00',
      dueAt: '2026-06-03T22:30:00.000-04:00',
      targetAt: '2026-06-02T22:30:00.000-04:00',
      shadowDueAt: null,
      warnings: [
        '2026-06-02T22:30:00.000-04:00',
        '2026-06-03T10:30:00.000-04:00',
        '2026-06-03T17:42:00.000-04:00',
      ],
      completedAt: null,
      completedBy: null,
      status: 'breached',
      targetStatus: 'breached',
    })
    expect(r.summary).toEqual({
      obligations: 1,
      met: 0,
      met_late: 0,
      breached: 1,
      pending: 0,
      waived: 0,
      paused: 0,
      internalBreached: 0,
      targetsMissed: 1,
    })
  })

  it('defaults asOf to the latest occurredAt, deterministically', () => {
    const events = [report('e1', '2026-06-01T10:00:00Z'), removed('e2', '2026-06-02T09:00:00-04:00')]
    const a = JSON.stringify(run(events))
    expect(JSON.parse(a).asOf).toBe('2026-06-02T13:00:00.000Z')
    expect(JSON.stringify(run([...events].reverse()))).toBe(a)
  })
})

describe('instants given as options', () => {
  it('a number that is no instant (NaN, Infinity) is refused like a malformed timestamp, not read as "nothing yet"', () => {
    const events = [report('e1', '2026-06-01T10:00:00Z')]
    // `Date.parse` of a bad input is NaN: it judged nothing and reported no obligation at all
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => run(events, { asOf: bad })).toThrow(`not an instant: ${bad}`)
      expect(() => run(events, { knownAt: bad })).toThrow(`not an instant: ${bad}`)
      expect(() => run(events, { from: bad })).toThrow(`not an instant: ${bad}`)
    }
    expect(() => run(events, { asOf: '2026-02-30T10:00:00Z' })).toThrow(
      'not an ISO-8601 timestamp with offset',
    )
    expect(only(run(events, { asOf: Date.UTC(2026, 5, 3, 10) })).status).toBe('pending')
  })
})

describe('statuses', () => {
  it('met, met_late and pending', () => {
    expect(
      only(run([report('e1', '2026-06-01T10:00:00Z'), removed('e2', '2026-06-03T10:00:00Z')])).status,
    ).toBe('met')
    const late = only(run([report('e1', '2026-06-01T10:00:00Z'), removed('e2', '2026-06-03T10:00:00.001Z')]))
    expect(late.status).toBe('met_late')
    expect(late.completedAt).toBe('2026-06-03T06:00:00.001-04:00')
    expect(late.completedBy).toBe('e2')
    expect(only(run([report('e1', '2026-06-01T10:00:00Z')], { asOf: '2026-06-03T10:00:00Z' })).status).toBe(
      'pending',
    )
    expect(
      only(run([report('e1', '2026-06-01T10:00:00Z')], { asOf: '2026-06-03T10:00:00.001Z' })).status,
    ).toBe('breached')
  })

  it('earliest of several triggers: one clock per case by default', () => {
    const rules = [rule({}, { start: is('ContentReported', 'ContentDetected') })]
    const r = run(
      [
        report('e2', '2026-06-01T12:00:00Z'),
        { id: 'e1', type: 'ContentDetected', at: '2026-06-01T10:00:00Z', data: { jurisdictions: ['US'] } },
      ],
      { rules },
    )
    expect(only(r).triggeredBy).toBe('e1')
  })

  it('a clock per report with key', () => {
    const rules = [rule({}, { key: (e) => String((e.data as { reportId?: string }).reportId) })]
    const r = run([report('e1', '2026-06-01T10:00:00Z'), report('e2', '2026-06-01T11:00:00Z')], { rules })
    expect(r.cases[0]!.obligations.map((o) => o.id)).toEqual([
      'case-1/test/removal/e1',
      'case-1/test/removal/e2',
    ])
  })
})

describe('pause, resume, restart, extend, cancel', () => {
  const order = (id: string, at: string): Ev => ({
    id,
    type: 'AuthorityRequestReceived',
    at,
    data: { requestId: 'q1', authority: 'x', kind: 'removal_order', jurisdiction: 'FR' },
  })
  const tco = rule(
    { policy: 'eu-tco', rule: '3-3-removal', kind: 'deadline' },
    {
      zone: 'Europe/Paris',
      start: is('AuthorityRequestReceived'),
      complete: is('ContentActioned'),
      period: { duration: 'PT1H', clock: 'elapsed' },
      pause: (e, v, s) => e.type === 'ForceMajeureDeclared' && sameRequest(e, v, s),
      restart: (e, v, s) =>
        (e.type === 'ForceMajeureEnded' || e.type === 'ClarificationReceived') && sameRequest(e, v, s),
      cancel: (e, v, s) => e.type === 'AuthorityRequestWithdrawn' && sameRequest(e, v, s),
      resume: () => false,
      extendable: true,
    },
  )
  const rules = [tco]

  it('restart gives the full period from the restart instant', () => {
    const o = only(
      run(
        [
          order('o1', '2026-06-01T10:00:00+02:00'),
          {
            id: 'f1',
            type: 'ForceMajeureDeclared',
            at: '2026-06-01T10:30:00+02:00',
            data: { requestId: 'q1', reason: 'outage' },
          },
          {
            id: 'f2',
            type: 'ForceMajeureEnded',
            at: '2026-06-02T08:00:00+02:00',
            data: { requestId: 'q1', reason: 'ok' },
          },
        ],
        { rules, asOf: '2026-06-02T08:10:00+02:00' },
      ),
    )
    expect(o.dueAt).toBe('2026-06-02T09:00:00.000+02:00')
    expect(o.status).toBe('pending')
    expect(o.actions.map((a) => a.action)).toEqual(['start', 'pause', 'restart'])
    expect(o.warnings[0]).toBe('2026-06-02T08:30:00.000+02:00')
  })

  it('a clock paused at asOf is paused, its due time moved by the time paused so far', () => {
    const o = only(
      run(
        [
          order('o1', '2026-06-01T10:00:00+02:00'),
          {
            id: 'f1',
            type: 'ForceMajeureDeclared',
            at: '2026-06-01T10:30:00+02:00',
            data: { requestId: 'q1', reason: 'x' },
          },
        ],
        { rules, asOf: '2026-06-01T12:30:00+02:00' },
      ),
    )
    expect(o.status).toBe('paused')
    expect(o.dueAt).toBe('2026-06-01T13:00:00.000+02:00')
  })

  it('a withdrawn order waives the clock; the wrong request does not', () => {
    const w = (rid: string): Ev => ({
      id: `w-${rid}`,
      type: 'AuthorityRequestWithdrawn',
      at: '2026-06-01T10:10:00+02:00',
      data: { requestId: rid },
    })
    expect(
      only(run([order('o1', '2026-06-01T10:00:00+02:00'), w('q1')], { rules, asOf: '2026-06-02T00:00:00Z' }))
        .status,
    ).toBe('waived')
    expect(
      only(run([order('o1', '2026-06-01T10:00:00+02:00'), w('q2')], { rules, asOf: '2026-06-02T00:00:00Z' }))
        .status,
    ).toBe('breached')
  })

  it('DeadlineExtended by a duration or until an instant, targeting the request or the obligation id', () => {
    const by: Ev = {
      id: 'x1',
      type: 'DeadlineExtended',
      at: '2026-06-01T10:20:00+02:00',
      data: { target: { requestId: 'q1' }, by: 'PT2H' },
    }
    const o = only(
      run([order('o1', '2026-06-01T10:00:00+02:00'), by], { rules, asOf: '2026-06-01T12:00:00+02:00' }),
    )
    expect(o.dueAt).toBe('2026-06-01T13:00:00.000+02:00')
    expect(o.status).toBe('pending')
    const until: Ev = {
      id: 'x2',
      type: 'DeadlineExtended',
      at: '2026-06-01T10:20:00+02:00',
      data: { target: 'case-1/eu-tco/3-3-removal/o1', until: '2026-06-05T00:00:00Z' },
    }
    expect(only(run([order('o1', '2026-06-01T10:00:00+02:00'), until], { rules })).dueAt).toBe(
      '2026-06-05T02:00:00.000+02:00',
    )
    const other: Ev = { ...by, data: { target: { requestId: 'q1', rule: 'other' }, by: 'PT2H' } }
    expect(only(run([order('o1', '2026-06-01T10:00:00+02:00'), other], { rules })).dueAt).toBe(
      '2026-06-01T11:00:00.000+02:00',
    )
  })
})

describe('holds', () => {
  const hold = rule(
    { policy: 'us-2258a', rule: 'preserve', kind: 'hold' },
    {
      start: is('MandatoryReportFiled'),
      complete: is('PreservationReleased'),
      period: { duration: 'P1Y', clock: 'calendar-years' },
      extendable: true,
    },
  )
  const filed: Ev = {
    id: 'm1',
    type: 'MandatoryReportFiled',
    at: '2026-01-10T12:00:00-05:00',
    data: { recipient: 'NCMEC', status: 'completed' },
  }
  const release = (at: string): Ev => ({
    id: 'p1',
    type: 'PreservationReleased',
    at,
    data: { basis: 'us-2258a/preserve' },
  })

  it('is breached only by an early release, has no warnings, met when held to the end', () => {
    const early = only(run([filed, release('2026-06-01T00:00:00Z')], { rules: [hold] }))
    expect(early.status).toBe('breached')
    expect(early.warnings).toEqual([])
    expect(early.actions.map((a) => a.action)).toEqual(['start', 'release'])
    expect(only(run([filed, release('2027-01-10T12:00:00-05:00')], { rules: [hold] })).status).toBe('met')
    expect(only(run([filed], { rules: [hold], asOf: '2026-12-01T00:00:00Z' })).status).toBe('pending')
    expect(only(run([filed], { rules: [hold], asOf: '2028-01-01T00:00:00Z' })).status).toBe('met')
  })
})

describe('a request completed later (TAKE IT DOWN style)', () => {
  const required = ['signature', 'identification', 'goodFaithStatement', 'contact']
  const tida = rule(
    { policy: 'us-take-it-down', rule: 'removal' },
    { key: (e) => String((e.data as { reportId?: string }).reportId), requiredElements: required },
  )

  it('starts when the request became complete, keeps identity and a shadow due time from first receipt', () => {
    const r = run(
      [
        report('evt-1', '2026-06-01T10:00:00-04:00', {
          reportId: 'r1',
          removalRequest: { signature: true, identification: true },
        }),
        {
          id: 'evt-2',
          type: 'ReportCompleted',
          at: '2026-06-03T10:00:00-04:00',
          data: { reportId: 'r1', removalRequest: { goodFaithStatement: true, contact: true } },
        },
        removed('evt-3', '2026-06-04T10:00:00-04:00'),
      ],
      { rules: [tida] },
    )
    const o = only(r)
    expect(o.id).toBe('case-1/us-take-it-down/removal/evt-1')
    expect(o.triggeredBy).toBe('evt-2')
    expect(o.startedAt).toBe('2026-06-03T10:00:00.000-04:00')
    expect(o.dueAt).toBe('2026-06-05T10:00:00.000-04:00')
    expect(o.shadowDueAt).toBe('2026-06-03T10:00:00.000-04:00')
    expect(o.status).toBe('met')
  })

  it('an incomplete request starts no clock; a complete one has no shadow', () => {
    expect(
      run([report('e1', '2026-06-01T10:00:00Z', { removalRequest: { signature: true } })], { rules: [tida] })
        .cases[0]!.obligations,
    ).toEqual([])
    const complete = Object.fromEntries(required.map((k) => [k, true]))
    expect(
      only(run([report('e1', '2026-06-01T10:00:00Z', { removalRequest: complete })], { rules: [tida] }))
        .shadowDueAt,
    ).toBeNull()
  })

  it('a request left waiting under a version that asked for elements is opened by a later version from its first receipt', () => {
    const twoVersions: ClockRule.Rule = {
      ...tida,
      versions: [
        version({
          validTo: '2026-06-02T00:00:00Z',
          key: (e) => String((e.data as { reportId?: string }).reportId),
          requiredElements: required,
        }),
        version({
          validFrom: '2026-06-02T00:00:00Z',
          key: (e) => String((e.data as { reportId?: string }).reportId),
        }),
      ],
    }
    const o = only(
      run(
        [
          report('evt-1', '2026-06-01T10:00:00-04:00', {
            reportId: 'r1',
            removalRequest: { signature: true },
          }),
          report('evt-2', '2026-06-03T10:00:00-04:00', { reportId: 'r1' }),
        ],
        { rules: [twoVersions] },
      ),
    )
    expect(o.id).toBe('case-1/us-take-it-down/removal/evt-1')
    expect(o.triggeredBy).toBe('evt-2')
    expect(o.shadowDueAt).toBe('2026-06-03T10:00:00.000-04:00')
    // Another key has nothing waiting: it opens on its own first receipt.
    const other = only(
      run(
        [
          report('evt-1', '2026-06-01T10:00:00-04:00', {
            reportId: 'r1',
            removalRequest: { signature: true },
          }),
          report('evt-2', '2026-06-03T10:00:00-04:00', { reportId: 'r2' }),
        ],
        { rules: [twoVersions] },
      ),
    )
    expect(other.id).toBe('case-1/us-take-it-down/removal/evt-2')
    expect(other.shadowDueAt).toBeNull()
  })
})

describe('versions, what-if, confidence and internal targets', () => {
  it('a trigger before entry into force is preEffective, starts at the effective instant, never a statutory breach', () => {
    const r = run([report('e1', '2025-05-01T10:00:00-04:00')], { asOf: '2026-01-01T00:00:00Z' })
    const o = only(r)
    expect(o.preEffective).toBe(true)
    expect(o.startedAt).toBe('2025-05-19T00:00:00.000-04:00')
    expect(o.status).toBe('breached')
    expect(r.summary.breached).toBe(0)
  })

  it('whatIf applies the first version as if in force: counterfactual', () => {
    const r = run([report('e1', '2025-05-01T10:00:00-04:00')], {
      asOf: '2026-01-01T00:00:00Z',
      whatIf: ['test'],
    })
    const o = only(r)
    expect(o).toMatchObject({
      counterfactual: true,
      preEffective: false,
      startedAt: '2025-05-01T10:00:00.000-04:00',
    })
    expect(r.counterfactual).toBe(true)
    expect(r.summary.breached).toBe(0)
  })

  it('the version in force at the start applies; conservative mode takes the stricter', () => {
    const rules = [rule({}, {})].map((x) => ({
      ...x,
      versions: [
        version({ validTo: '2026-06-02T00:00:00Z', citation: 'old' }),
        version({
          validFrom: '2026-06-02T00:00:00Z',
          citation: 'new',
          period: { duration: 'PT24H', clock: 'elapsed' },
        }),
      ],
    }))
    const events = [report('e1', '2026-06-01T12:00:00Z')]
    const o = only(run(events, { rules }))
    expect(o.citation).toBe('old')
    expect(o.dueAt).toBe('2026-06-03T08:00:00.000-04:00')
    // legal.md note 7: min(oldDeadline, newEffectiveStart + newDuration): the new 24 hours count from
    // 2026-06-02T00:00Z, when the new version enters into force, not from the report
    const c = only(run(events, { rules, profile: Profile.resolve({ conservative: true }) }))
    expect(c.dueAt).toBe('2026-06-02T20:00:00.000-04:00')
    expect(only(run([report('e1', '2026-06-02T12:00:00Z')], { rules })).citation).toBe('new')
  })

  it('conservative mode keeps the later end of a hold, counted from the new version’s entry into force', () => {
    // 90 days, then a year from 2026-06-02 (as 18 U.S.C. § 2258A(h) went from 90 days to a year)
    const rules = [rule({ kind: 'hold' }, {})].map((x) => ({
      ...x,
      versions: [
        version({ validTo: '2026-06-02T00:00:00Z', period: { duration: 'P90D', clock: 'calendar-days' } }),
        version({ validFrom: '2026-06-02T00:00:00Z', period: { duration: 'P1Y', clock: 'calendar-years' } }),
      ],
    }))
    const events = [report('e1', '2026-03-15T12:00:00Z')]
    expect(only(run(events, { rules, asOf: '2026-03-16T00:00:00Z' })).dueAt).toBe(
      '2026-06-13T08:00:00.000-04:00',
    )
    const c = only(
      run(events, { rules, asOf: '2026-03-16T00:00:00Z', profile: Profile.resolve({ conservative: true }) }),
    )
    // max(2026-06-13, 2026-06-02T00:00Z + 1 year), not the report + 1 year (2027-03-15)
    expect(c.dueAt).toBe('2027-06-01T20:00:00.000-04:00')
  })

  it('unconfirmed rules run only when the profile enables them', () => {
    const rules = [rule({ confidence: 'unconfirmed' })]
    expect(run([report('e1', '2026-06-01T10:00:00Z')], { rules }).cases[0]!.obligations).toEqual([])
    const on = Profile.resolve({ enabledRules: ['test/removal'] })
    expect(only(run([report('e1', '2026-06-01T10:00:00Z')], { rules, profile: on })).confidence).toBe(
      'unconfirmed',
    )
  })

  it('no number in the law: dueAt is the internal target and statutory is false', () => {
    const rules = [rule({}, { period: { duration: null, clock: 'unspecified' }, defaultTarget: 'PT24H' })]
    const r = run([report('e1', '2026-06-01T10:00:00Z')], { rules, asOf: '2026-06-03T00:00:00Z' })
    const o = only(r)
    expect(o).toMatchObject({ statutory: false, targetAt: null, targetStatus: null, status: 'breached' })
    expect(o.dueAt).toBe('2026-06-02T06:00:00.000-04:00')
    expect(r.summary).toMatchObject({ breached: 0, internalBreached: 1 })
    const profile = Profile.resolve({ internalTargets: { test: 'PT72H' } })
    expect(only(run([report('e1', '2026-06-01T10:00:00Z')], { rules, profile })).dueAt).toBe(
      '2026-06-04T06:00:00.000-04:00',
    )
  })

  it('applies() and the policies filter select rules', () => {
    expect(
      run([report('e1', '2026-06-01T10:00:00Z')], {
        rules: [rule({ applies: (s) => s.jurisdictions.includes('FR') })],
      }).cases[0]!.obligations,
    ).toEqual([])
    expect(
      run([report('e1', '2026-06-01T10:00:00Z')], { policies: ['other'] }).cases[0]!.obligations,
    ).toEqual([])
    expect(
      run([report('e1', '2026-06-01T10:00:00Z')], { policies: ['test'] }).cases[0]!.obligations,
    ).toHaveLength(1)
  })

  it('writes the trigger offset when the rule names no zone', () => {
    const rules = [rule({}, { zone: 'event' })]
    expect(only(run([report('e1', '2026-06-01T10:00:00+05:30')], { rules })).dueAt).toBe(
      '2026-06-03T10:00:00.000+05:30',
    )
  })

  it('counts each case in its own trigger offset, the rules prepared once', () => {
    // One rule list for every call: the engine's per-version contexts are shared across cases.
    const rules = [
      rule({}, { zone: 'event', period: { duration: 'P2D', clock: 'calendar-days', endOfDay: true } }),
    ]
    const at = (caseId: string, t: string) => only(run([report('e1', t)], { rules }, caseId)).dueAt
    for (let k = 0; k < 2; k++) {
      expect(at('a', '2026-06-01T10:00:00+05:30')).toBe('2026-06-04T00:00:00.000+05:30')
      expect(at('b', '2026-06-01T10:00:00-04:00')).toBe('2026-06-04T00:00:00.000-04:00')
      expect(at('c', '2026-06-01T10:00:00Z')).toBe('2026-06-04T00:00:00.000Z')
    }
    const both = Evaluation.evaluate(
      [
        ev('a', report('e1', '2026-06-01T22:00:00+05:30')),
        ev('b', report('e2', '2026-06-01T22:00:00-04:00')),
      ],
      { rules },
    )
    expect(both.cases.map((c) => c.obligations[0]!.dueAt)).toEqual([
      '2026-06-04T00:00:00.000+05:30',
      '2026-06-04T00:00:00.000-04:00',
    ])
  })
})

describe('two time axes', () => {
  const events: ReadonlyArray<Ev> = [
    { ...report('e1', '2026-06-01T10:00:00Z'), rec: '2026-06-01T10:00:00Z' },
    // A removal that happened in time but was recorded only later.
    { ...removed('e2', '2026-06-02T10:00:00Z'), rec: '2026-06-05T00:00:00Z' },
  ]

  it('knownAt uses only what was recorded by then; asOf defaults to it', () => {
    const then = run(events, { knownAt: '2026-06-04T00:00:00Z' })
    expect(then.asOf).toBe('2026-06-04T00:00:00.000Z')
    expect(then.knownAt).toBe('2026-06-04T00:00:00.000Z')
    expect(only(then).status).toBe('breached')
    expect(only(run(events, { asOf: '2026-06-04T00:00:00Z' })).status).toBe('met')
  })

  it('late information recomputes without renaming the obligation', () => {
    const late: Ev = { ...report('e0', '2026-06-01T08:00:00Z'), rec: '2026-06-06T00:00:00Z' }
    const before = only(run(events, { knownAt: '2026-06-05T00:00:00Z' }))
    const after = only(run([...events, late], { knownAt: '2026-06-07T00:00:00Z' }))
    expect(after.id).toBe(before.id)
    expect(after.triggeredBy).toBe('e0')
    expect(after.startedAt).toBe('2026-06-01T04:00:00.000-04:00')
  })

  it('from/to keep the cases whose first event falls in the half-open window', () => {
    const r = Evaluation.evaluate(
      [ev('a', report('a1', '2026-06-01T00:00:00Z')), ev('b', report('b1', '2026-06-02T00:00:00Z'))],
      { rules: [rule()], from: '2026-06-01T00:00:00Z', to: '2026-06-02T00:00:00Z' },
    )
    expect(r.cases.map((c) => c.caseId)).toEqual(['a'])
  })
})

describe('escalation hook and per-case entry point', () => {
  it('gives the hook the history, obligations and asOf and lists its results', () => {
    const seen: Evaluation.EscalationInput[] = []
    const r = run([report('e1', '2026-06-01T10:00:00Z')], {
      asOf: '2026-06-04T00:00:00Z',
      escalate: (input) => {
        seen.push(input)
        return [
          {
            escalationId: 'x',
            level: 2,
            reason: 'deadline_breached',
            at: input.obligations[0]!.dueAt,
            obligationId: input.obligations[0]!.id,
          },
        ]
      },
    })
    expect(seen[0]!.history.map((e) => e.id)).toEqual(['e1'])
    expect(seen[0]!.asOf).toBe('2026-06-04T00:00:00.000Z')
    expect(r.cases[0]!.escalations).toHaveLength(1)
  })

  it('evaluateCase gives the same case report as evaluate', () => {
    const events = [report('e1', '2026-06-01T10:00:00Z'), removed('e2', '2026-06-04T00:00:00Z')].map((e) =>
      ev('case-1', e),
    )
    const whole = Evaluation.evaluate(events, { rules: [rule()] })
    expect(Evaluation.evaluateCase('case-1', events, { rules: [rule()] })).toEqual(whole.cases[0])
    expect(() => Evaluation.evaluateCase('other', events, { rules: [rule()] })).toThrow()
    const each = Evaluation.evaluator({ rules: [rule()], asOf: whole.asOf })
    expect(each('case-1', [...events].reverse())).toEqual(whole.cases[0])
  })

  it('evaluateCase judges at the asOf of each call, case after case (the last asOf read is kept)', () => {
    const events = [report('e1', '2026-06-01T10:00:00Z')].map((e) => ev('case-1', e))
    const rules = [rule()]
    const statusAt = (asOf: string | number) =>
      Evaluation.evaluateCase('case-1', events, { rules, asOf }).obligations[0]!.status
    const before = '2026-06-02T10:00:00Z'
    const after = '2026-06-04T10:00:00Z'
    for (let k = 0; k < 2; k++) {
      expect(statusAt(before)).toBe('pending')
      expect(statusAt(before)).toBe('pending')
      expect(statusAt(after)).toBe('breached')
      expect(statusAt(`${before.slice(0, 19)}+00:00`)).toBe('pending')
      expect(statusAt(Timestamp.toMillis(after))).toBe('breached')
      expect(statusAt(Timestamp.toMillis(before))).toBe('pending')
    }
    expect(() => statusAt('not a time')).toThrow()
    expect(statusAt(after)).toBe('breached')
  })
})

describe('applicability is read at the instant the clock would start', () => {
  it('a trigger before the rule applies starts nothing; a later one starts a clean clock', () => {
    const from = Date.parse('2026-06-01T12:00:00Z')
    const rules = [rule({ applies: (s) => s.at >= from })]
    const o = only(
      run([report('e1', '2026-06-01T10:00:00Z'), report('e2', '2026-06-01T13:00:00Z')], { rules }),
    )
    expect(o).toMatchObject({ id: 'case-1/test/removal/e2', triggeredBy: 'e2', shadowDueAt: null })
  })
})

describe('with the escalation engine as the hook', () => {
  it('lists the escalations of a breached clock in the cli.md shape', () => {
    const r = run([report('e1', '2026-06-01T10:00:00Z')], {
      asOf: '2026-06-04T00:00:00Z',
      escalate: (input) =>
        Escalation.summarize(
          {
            caseId: input.caseId,
            history: input.history,
            obligations: input.obligations,
            config: Escalation.configOf(input.profile),
          },
          input.asOfMs,
        ),
    })
    const escalations = r.cases[0]!.escalations
    expect(escalations.length).toBeGreaterThan(0)
    for (const e of escalations)
      expect(Object.keys(e).sort()).toEqual(['at', 'escalationId', 'level', 'obligationId', 'reason'])
    expect(escalations.some((e) => e.obligationId === 'case-1/test/removal/e1')).toBe(true)
  })
})

describe('legal time through the engine', () => {
  it('DST start in Los Angeles: 48 elapsed hours, the due time written with the new offset', () => {
    const rules = [rule({}, { zone: 'America/Los_Angeles' })]
    const o = only(run([report('e1', '2026-03-07T12:00:00-08:00')], { rules }))
    expect(o.startedAt).toBe('2026-03-07T12:00:00.000-08:00')
    expect(o.dueAt).toBe('2026-03-09T13:00:00.000-07:00')
  })

  it('DST end in Paris: one calendar day keeps the wall time (25 real hours)', () => {
    const rules = [rule({}, { zone: 'Europe/Paris', period: { duration: 'P1D', clock: 'calendar-days' } })]
    const o = only(run([report('e1', '2026-10-24T10:00:00+02:00')], { rules }))
    expect(o.dueAt).toBe('2026-10-25T10:00:00.000+01:00')
  })

  it('a business-day deadline over a public holiday (Ascension, FR), to the end of the day', () => {
    const period: ClockRule.Period = {
      duration: 'P2D',
      clock: 'business-days',
      calendar: 'FR',
      endOfDay: true,
    }
    const rules = [rule({}, { zone: 'Europe/Paris', period })]
    const o = only(run([report('e1', '2026-05-13T15:00:00+02:00')], { rules }))
    expect(o.dueAt).toBe('2026-05-19T00:00:00.000+02:00')
  })

  it('a one-year hold started on 29 February ends on 28 February', () => {
    const period: ClockRule.Period = { duration: 'P1Y', clock: 'calendar-years' }
    const rules = [
      rule({ kind: 'hold' }, { zone: 'America/New_York', period, validFrom: '2020-01-01T00:00:00Z' }),
    ]
    const o = only(run([report('e1', '2024-02-29T12:00:00-05:00')], { rules }))
    expect(o.dueAt).toBe('2025-02-28T12:00:00.000-05:00')
  })

  describe('alsoZones: the reading that protects', () => {
    // 00:30 in New York is still the day before in Los Angeles: one day to the end of the day
    // ends at 24:00 on the 2nd in New York, and at 24:00 on the 1st in Los Angeles (three hours earlier).
    const period: ClockRule.Period = { duration: 'P1D', clock: 'calendar-days', endOfDay: true }
    const at = '2026-06-01T00:30:00-04:00'
    const zones = { zone: 'America/Los_Angeles', alsoZones: ['America/New_York'], period }

    it('a hold or a window runs to the latest reading, written in the zone that gave it', () => {
      for (const kind of ['hold', 'window'] as const) {
        const o = only(run([report('e1', at)], { rules: [rule({ kind }, zones)] }))
        expect(o.dueAt).toBe('2026-06-03T00:00:00.000-04:00')
        expect(o.startedAt).toBe('2026-06-01T00:30:00.000-04:00')
      }
    })

    it('a deadline is due at the earliest reading', () => {
      const o = only(
        run([report('e1', at)], {
          rules: [rule({}, { ...zones, zone: 'America/New_York', alsoZones: ['America/Los_Angeles'] })],
        }),
      )
      expect(o.dueAt).toBe('2026-06-02T00:00:00.000-07:00')
    })

    it('a tie keeps the version’s own zone; a restart reads every zone again', () => {
      const noon = only(
        run([report('e1', '2026-06-01T12:00:00-04:00')], { rules: [rule({ kind: 'hold' }, zones)] }),
      )
      expect(noon.dueAt).toBe('2026-06-03T00:00:00.000-07:00')
      const restart = is('ContentRestored')
      const o = only(
        run(
          [
            report('e1', '2026-06-01T12:00:00-04:00'),
            { id: 'e2', type: 'ContentRestored', at: '2026-06-05T00:30:00-04:00' },
          ],
          { rules: [rule({ kind: 'hold' }, { ...zones, restart })] },
        ),
      )
      expect(o.dueAt).toBe('2026-06-07T00:00:00.000-04:00')
    })
  })
})

describe('the case view given to conditions', () => {
  it('holds the case events up to and including the event, in the engine order', () => {
    const seen: string[][] = []
    const secondReport: ClockRule.Condition = (e, view) => {
      seen.push(view.history.map((x) => x.id))
      return (
        e.type === 'ContentReported' && view.history.filter((x) => x.type === 'ContentReported').length === 2
      )
    }
    const rules = [rule({}, { start: secondReport })]
    const o = only(
      run(
        [
          report('e3', '2026-06-01T12:00:00Z'),
          report('e1', '2026-06-01T10:00:00Z'),
          removed('e2', '2026-06-01T11:00:00Z'),
        ],
        { rules },
      ),
    )
    expect(o.triggeredBy).toBe('e3')
    expect(seen).toEqual([['e1'], ['e1', 'e2'], ['e1', 'e2', 'e3']])
  })
})
