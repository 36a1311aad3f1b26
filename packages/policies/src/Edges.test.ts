// For every module: the instants just before and just after each due time, from a trigger in the
// statute's words. Deadlines: done 1 ms before (or at) the due time is met, 1 ms after is met late;
// judged at the due time it is pending, 1 ms after breached. Holds: released 1 ms early is a breach,
// released at the end is met. Windows: closed 1 ms early is a breach.
import { Calendar, type DocketEvent, Jurisdiction, type Profile } from '@docket/core'
import { describe, expect, it } from 'vitest'
import { ev, one, plus, report, request, run } from './internal/testing.js'

type Done = (at: string) => DocketEvent
const removed: Done = (at) => ev('ContentActioned', at, { action: 'removed' })
const answered: Done = (at) => ev('AuthorityResponded', at, { requestId: 'q-1', response: 'complied' })
const filed =
  (recipient: string): Done =>
  (at) =>
    ev('MandatoryReportFiled', at, { recipient, status: 'completed' })
const release =
  (basis: string): Done =>
  (at) =>
    ev('PreservationReleased', at, { basis })

interface Case {
  readonly rule: string
  readonly given: ReadonlyArray<DocketEvent>
  readonly done: Done
  readonly profile?: Profile.Profile
}

const minorCsam = (at: string, j: string) =>
  report(at, { category: 'csam', jurisdictions: [j], claims: { depictsMinor: true } })

const deadlines: ReadonlyArray<Case> = [
  { rule: 'us-2258a/report', given: [minorCsam('2026-03-07T20:00:00-08:00', 'US')], done: filed('NCMEC') },
  {
    rule: 'us-take-it-down/removal',
    given: [
      report('2026-11-01T00:30:00-04:00', {
        category: 'ncii',
        jurisdictions: ['US'],
        removalRequest: { signature: true, identification: true, goodFaithStatement: true, contact: true },
      }),
    ],
    done: removed,
  },
  {
    rule: 'eu-tco/3-3-removal',
    given: [
      request('2026-10-25T02:30:00+02:00', {
        kind: 'removal_order',
        jurisdiction: 'DE',
        legalBasis: 'eu-tco',
      }),
    ],
    done: removed,
  },
  {
    rule: 'eu-e-evidence/epoc',
    given: [
      request('2026-10-20T10:00:00+02:00', {
        kind: 'information_request',
        jurisdiction: 'IT',
        legalBasis: 'eu-e-evidence',
      }),
    ],
    done: answered,
    profile: { enabledRules: ['eu-e-evidence'] },
  },
  {
    rule: 'uk-osa/10-3A-ncii',
    given: [
      report('2027-03-27T12:00:00+00:00', {
        category: 'ncii',
        jurisdictions: ['GB'],
        removalRequest: { declaresIntimateImage: true, bySubjectOrOnBehalf: true, goodFaithAndTrue: true },
      }),
    ],
    done: removed,
  },
  {
    rule: 'au-osa/77-ncii-provider',
    given: [
      request('2026-10-03T12:00:00+10:00', {
        kind: 'removal_order',
        jurisdiction: 'AU',
        legalBasis: 'au-osa/77-ncii-provider',
      }),
    ],
    done: removed,
  },
  {
    rule: 'in-it-rules/3-1-d-order',
    given: [request('2026-06-01T10:00:00+05:30', { kind: 'court_order', jurisdiction: 'IN' })],
    done: removed,
  },
  {
    rule: 'de-netzdg/3-2-3',
    given: [report('2023-10-25T12:00:00+02:00', { category: 'fraud', jurisdictions: ['DE'] })],
    done: removed,
  },
  {
    rule: 'fr-lcen/6-1',
    given: [request('2026-03-28T12:00:00+01:00', { kind: 'removal_order', jurisdiction: 'FR' })],
    done: removed,
  },
  {
    rule: 'ca-mandatory-reporting/s2-report',
    given: [minorCsam('2026-03-07T12:00:00-05:00', 'CA')],
    done: filed('C3P'),
  },
  {
    rule: 'br-eca-digital/notify',
    given: [minorCsam('2026-04-01T12:00:00-03:00', 'BR')],
    done: filed('other'),
  },
]

const holds: ReadonlyArray<Case> = [
  {
    rule: 'us-2703f/preserve',
    given: [request('2026-01-05T09:00:00-08:00', { kind: 'preservation_request', jurisdiction: 'US' })],
    done: release('us-2703f/preserve'),
  },
  {
    rule: 'us-2258a/preserve',
    given: [minorCsam('2026-01-05T09:00:00-08:00', 'US'), filed('NCMEC')('2026-01-05T10:00:00-08:00')],
    done: release('us-2258a/preserve'),
  },
  {
    rule: 'ca-mandatory-reporting/s4-preserve',
    given: [minorCsam('2026-10-20T09:00:00-04:00', 'CA'), filed('police')('2026-10-20T10:00:00-04:00')],
    done: release('ca-mandatory-reporting/s4-preserve'),
  },
]

describe('deadlines: just before and just after the due time', () => {
  for (const c of deadlines) {
    it(c.rule, () => {
      const options = c.profile === undefined ? {} : { profile: c.profile }
      const due = one(run(c.given, options), c.rule).dueAt
      const status = (events: ReadonlyArray<DocketEvent>, asOf?: string) =>
        one(run(events, { ...options, ...(asOf === undefined ? {} : { asOf }) }), c.rule).status
      expect(status([...c.given, c.done(plus(due, -1))])).toBe('met')
      expect(status([...c.given, c.done(plus(due, 0))])).toBe('met')
      expect(status([...c.given, c.done(plus(due, 1))])).toBe('met_late')
      expect(status(c.given, plus(due, 0))).toBe('pending')
      expect(status(c.given, plus(due, 1))).toBe('breached')
    })
  }
})

describe('holds: released a millisecond early is a breach, at the end is met', () => {
  for (const c of holds) {
    it(c.rule, () => {
      const due = one(run(c.given), c.rule).dueAt
      expect(one(run([...c.given, c.done(plus(due, -1))]), c.rule).status).toBe('breached')
      expect(one(run([...c.given, c.done(plus(due, 0))]), c.rule).status).toBe('met')
    })
  }
})

describe('eu-dsa/20-window', () => {
  it('closed a millisecond before its end is a breach; at its end, met', () => {
    const given = [
      report('2026-01-10T09:00:00+01:00', { category: 'hate', jurisdictions: ['NL'] }),
      ev('NotificationSent', '2026-01-14T15:00:00+01:00', { to: 'reporter', kind: 'decision' }),
    ]
    const due = one(run(given), 'eu-dsa/20-window').dueAt
    const close = (at: string) => ev('AppealDecided', at, { appealId: 'a', outcome: 'inadmissible_late' })
    expect(one(run([...given, close(plus(due, -1))]), 'eu-dsa/20-window').status).toBe('breached')
    expect(one(run([...given, close(plus(due, 0))]), 'eu-dsa/20-window').status).toBe('met')
  })

  it('has a holiday calendar for every Member State (the EU period rule needs one)', () => {
    for (const code of Jurisdiction.EU_MEMBERS) expect(Calendar.isKnown(code), code).toBe(true)
  })
})
