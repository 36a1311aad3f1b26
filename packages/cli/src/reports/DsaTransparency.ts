/**
 * The `dsa-transparency` report: the counts and median times that the DSA's
 * transparency reporting asks for (Art. 15(1)(a)–(e), Art. 24(1)(a)–(b)), per
 * reporting period, in the sections of the templates of Implementing
 * Regulation (EU) 2024/2835 (orders of Art. 9 and 10 by Member State and
 * category; notices of Art. 16, with trusted flaggers apart; own-initiative
 * moderation; complaints of Art. 20; out-of-court disputes of Art. 21;
 * suspensions of Art. 23). Periods are calendar years, or half-years for very
 * large platforms (Art. 2 of the Implementing Regulation), cut at midnight in
 * Brussels (`dsaCalendar`), not in UTC. Only
 * cases with an EEA jurisdiction are counted.
 *
 * It is the data behind a report, as JSON, not the filled template: the
 * template's qualitative sections, and figures Docket does not record
 * (human resources, average monthly recipients), are not here.
 */
import { Timestamp } from '@docket/core'
import * as DsaCalendar from '../internal/dsaCalendar.js'
import * as Report from './Report.js'

// model

/** Reporting period length. */
export type Period = DsaCalendar.Period

/** Counts of authority orders. */
export interface Orders {
  readonly total: number
  readonly byMemberState: Readonly<Record<string, number>>
  readonly byCategory: Readonly<Record<string, number>>
  readonly byKind: Readonly<Record<string, number>>
  /** Median hours from receipt to informing the authority of it; `null` when none. */
  readonly medianHoursToAcknowledge: number | null
  /** Median hours from receipt to giving effect (complied, disclosed, partially complied). */
  readonly medianHoursToEffect: number | null
}

/** One reporting period. */
export interface PeriodReport {
  readonly period: string
  readonly from: string
  readonly to: string
  readonly art9Orders: Orders
  readonly art10Orders: Orders
  readonly art16Notices: {
    readonly total: number
    readonly byCategory: Readonly<Record<string, number>>
    readonly fromTrustedFlaggers: number
    readonly actioned: number
    readonly actionedOnIllegalGround: number
    readonly actionedOnIncompatibleGround: number
    readonly decidedWithAutomation: number
    /** Median hours from the notice to the first action taken on it. */
    readonly medianHoursToAction: number | null
  }
  readonly ownInitiative: {
    readonly decisions: number
    readonly byCategory: Readonly<Record<string, number>>
    readonly byRestriction: Readonly<Record<string, number>>
    readonly automatedDetection: number
  }
  readonly art20Complaints: {
    readonly total: number
    readonly decided: number
    readonly decisionUpheld: number
    readonly decisionReversed: number
    readonly medianHoursToDecide: number | null
  }
  readonly art21Disputes: { readonly total: number; readonly decided: number }
  readonly art23Suspensions: number
  readonly restrictiveDecisions: number
}

// internal

const ms = (s: string): number => Timestamp.toMillis(s)
const H = 3_600_000

const median = (xs: ReadonlyArray<number>): number | null => {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  const v = s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
  return Math.round(v * 100) / 100
}

const sorted = (m: Map<string, number>): Readonly<Record<string, number>> =>
  Object.fromEntries([...m.entries()].sort(([a], [b]) => Report.compare(a, b)))

const inc = (m: Map<string, number>, k: string): void => {
  m.set(k, (m.get(k) ?? 0) + 1)
}

/** The EEA: the DSA's reports cover the service in the Union (and the EEA states that apply it). */
const EEA = new Set(
  'AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT RO SE SI SK'.split(' '),
)

const ART9 = new Set(['removal_order', 'court_order', 'destruction_request'])
const ART10 = new Set(['information_request', 'preservation_request'])

const orderCounts = () => ({
  n: 0,
  ms: new Map<string, number>(),
  cat: new Map<string, number>(),
  kind: new Map<string, number>(),
  ack: [] as number[],
  eff: [] as number[],
})

/** One period's running counts (mutable while aggregating, never exported). */
const accumulator = () => ({
  o9: orderCounts(),
  o10: orderCounts(),
  notices: 0,
  noticeCat: new Map<string, number>(),
  flagger: 0,
  actioned: 0,
  illegal: 0,
  incompatible: 0,
  automated: 0,
  toAction: [] as number[],
  own: 0,
  ownCat: new Map<string, number>(),
  ownRestr: new Map<string, number>(),
  ownAuto: 0,
  complaints: 0,
  complaintsDecided: 0,
  upheld: 0,
  reversed: 0,
  toDecide: [] as number[],
  disputes: 0,
  disputesDecided: 0,
  suspensions: 0,
  restrictive: 0,
})
type Acc = ReturnType<typeof accumulator>

const orders = (o: ReturnType<typeof orderCounts>): Orders => ({
  total: o.n,
  byMemberState: sorted(o.ms),
  byCategory: sorted(o.cat),
  byKind: sorted(o.kind),
  medianHoursToAcknowledge: median(o.ack),
  medianHoursToEffect: median(o.eff),
})

// operations

/** Aggregates a report into transparency figures per period. */
export const build = (r: Pick<Report.Report, 'cases'>, period: Period): ReadonlyArray<PeriodReport> => {
  const acc = new Map<string, Acc>()
  const at = (iso: string): Acc => {
    const k = DsaCalendar.period(iso, period)
    let a = acc.get(k)
    if (a === undefined) {
      a = accumulator()
      acc.set(k, a)
    }
    return a
  }
  for (const c of r.cases) {
    const f = c.facts
    if (!f.jurisdictions.some((j) => EEA.has(j))) continue
    const cat = f.category ?? 'unknown'
    for (const o of f.orders) {
      // Art. 9 and 10 orders come from the authorities of Member States, not from any authority
      if (o.jurisdiction === null || !EEA.has(o.jurisdiction)) continue
      const target = ART9.has(o.kind)
        ? at(o.receivedAt).o9
        : ART10.has(o.kind)
          ? at(o.receivedAt).o10
          : undefined
      if (target === undefined) continue
      target.n++
      inc(target.ms, o.jurisdiction)
      inc(target.cat, cat)
      inc(target.kind, o.kind)
      if (o.acknowledgedAt) target.ack.push((ms(o.acknowledgedAt) - ms(o.receivedAt)) / H)
      if (o.effectedAt) target.eff.push((ms(o.effectedAt) - ms(o.receivedAt)) / H)
    }
    // every notice counts, in its own period (a repeat report is a notice too); the action taken
    // on them is the case's, counted once, in the period of its first notice
    for (const n of f.art16Notices) {
      const a = at(n.at)
      a.notices++
      inc(a.noticeCat, n.category ?? cat)
      if (n.trustedFlagger) a.flagger++
    }
    const firstDecision = f.decisions[0]
    if (f.origin === 'notice' && f.noticeAt) {
      const a = at(f.noticeAt)
      if (firstDecision) {
        a.actioned++
        if (firstDecision.review?.ground === 'illegal') a.illegal++
        if (firstDecision.review?.ground === 'incompatible') a.incompatible++
        if (firstDecision.review?.automation === 'fully' || firstDecision.review?.automation === 'partially')
          a.automated++
        a.toAction.push((ms(firstDecision.occurredAt) - ms(f.noticeAt)) / H)
      }
    }
    if (f.origin === 'detection')
      for (const d of f.decisions) {
        const a = at(d.occurredAt)
        a.own++
        inc(a.ownCat, cat)
        inc(a.ownRestr, d.action)
        if (f.detectionMethod !== 'manual') a.ownAuto++
      }
    for (const d of f.decisions) {
      at(d.occurredAt).restrictive++
      if (d.type === 'AccountActioned' && d.action === 'suspended') at(d.occurredAt).suspensions++
    }
    for (const ap of f.appeals) {
      const a = at(ap.lodgedAt)
      if (ap.venue === 'internal') {
        a.complaints++
        if (ap.decidedAt) {
          a.complaintsDecided++
          a.toDecide.push((ms(ap.decidedAt) - ms(ap.lodgedAt)) / H)
        }
        if (ap.outcome === 'decision_upheld') a.upheld++
        if (ap.outcome === 'decision_reversed') a.reversed++
      } else if (ap.venue === 'out_of_court') {
        a.disputes++
        if (ap.decidedAt) a.disputesDecided++
      }
    }
  }
  return [...acc.entries()]
    .sort(([a], [b]) => Report.compare(a, b))
    .map(([k, a]) => ({
      period: k,
      ...DsaCalendar.bounds(k),
      art9Orders: orders(a.o9),
      art10Orders: orders(a.o10),
      art16Notices: {
        total: a.notices,
        byCategory: sorted(a.noticeCat),
        fromTrustedFlaggers: a.flagger,
        actioned: a.actioned,
        actionedOnIllegalGround: a.illegal,
        actionedOnIncompatibleGround: a.incompatible,
        decidedWithAutomation: a.automated,
        medianHoursToAction: median(a.toAction),
      },
      ownInitiative: {
        decisions: a.own,
        byCategory: sorted(a.ownCat),
        byRestriction: sorted(a.ownRestr),
        automatedDetection: a.ownAuto,
      },
      art20Complaints: {
        total: a.complaints,
        decided: a.complaintsDecided,
        decisionUpheld: a.upheld,
        decisionReversed: a.reversed,
        medianHoursToDecide: median(a.toDecide),
      },
      art21Disputes: { total: a.disputes, decided: a.disputesDecided },
      art23Suspensions: a.suspensions,
      restrictiveDecisions: a.restrictive,
    }))
}

/** Renders the transparency figures as JSON with the stamp and period kind. */
export const render = (r: Report.Report, period: Period): string =>
  `${JSON.stringify(
    {
      report: 'docket-dsa-transparency',
      label: Report.counterfactualLabel(r),
      counterfactual: r.counterfactual,
      basis: 'Regulation (EU) 2022/2065 Art. 15(1), 24(1); Implementing Regulation (EU) 2024/2835 templates',
      periodKind: period,
      asOf: r.asOf,
      knownAt: r.knownAt,
      profile: r.profile,
      stamp: r.stamp,
      periods: build(r, period),
    },
    null,
    2,
  )}\n`
