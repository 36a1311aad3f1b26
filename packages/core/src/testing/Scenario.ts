/**
 * Small ready-made histories for tests that need cases in a known shape,
 * such as the crash tests of the escalation process manager: each case is a
 * child-safety report refused at the frontline, which the refusal guard
 * escalates and the ladder then climbs.
 */
import type { Recorded } from '../Envelope.js'
import * as Escalation from '../Escalation.js'
import type * as Profile from '../Profile.js'
import * as Timestamp from '../Timestamp.js'

/** Options of {@link refusedCases}. */
export interface RefusedCasesOptions {
  readonly count: number
  /** Instant of the first refusal (epoch ms); case `i` is refused `20 × i` ms later, reported a minute before. */
  readonly refusedAt: number
  /** Give each report a police reference (`PR-<i>`). */
  readonly policeReference?: boolean
}

/** `count` cases `crash-<i>`, each a CSAM report alleging a minor, then a frontline `no_violation`. */
export const refusedCases = (options: RefusedCasesOptions): ReadonlyMap<string, ReadonlyArray<Recorded>> => {
  const out = new Map<string, ReadonlyArray<Recorded>>()
  for (let i = 0; i < options.count; i++) {
    const caseId = `crash-${i}`
    const at = (ms: number): string => Timestamp.format(options.refusedAt + i * 20 + ms, 0)
    const claims = options.policeReference
      ? { depictsMinor: true, policeReference: `PR-${i}` }
      : { depictsMinor: true }
    out.set(caseId, [
      {
        id: `${caseId}-report`,
        type: 'ContentReported',
        caseId,
        occurredAt: at(-60_000),
        recordedAt: at(-60_000),
        data: {
          reportId: `${caseId}-r`,
          channel: 'in_app',
          category: 'csam',
          content: { ref: `v-${i}`, kind: 'video' },
          jurisdictions: ['US'],
          claims,
        },
      },
      {
        id: `${caseId}-refusal`,
        type: 'ReviewDecided',
        caseId,
        occurredAt: at(0),
        recordedAt: at(0),
        data: { reviewId: `${caseId}-d`, outcome: 'no_violation', tier: 'frontline', automation: 'not' },
      },
    ])
  }
  return out
}

/** Every escalation the pure engine plans for these cases by instant `at` (what a process manager must raise). */
export const plannedEscalations = (
  cases: ReadonlyMap<string, ReadonlyArray<Recorded>>,
  profile: Pick<Profile.Resolved, 'escalation'>,
  at: number,
): ReadonlyArray<Escalation.Raised> => {
  const config = Escalation.configOf(profile)
  return [...cases].flatMap(([caseId, history]) => Escalation.tick({ caseId, history, config }, at).due)
}

/** A report of case `case-1` full of personal data (reporter and victim `alice`, free text). */
export const personalReport: Recorded = {
  id: 'r1',
  type: 'ContentReported',
  caseId: 'case-1',
  occurredAt: '2026-03-01T10:00:00Z',
  recordedAt: '2026-03-01T10:00:00Z',
  data: {
    reportId: 'rep-1',
    channel: 'web_form',
    category: 'ncii',
    content: { ref: 'post-1', kind: 'image' },
    jurisdictions: ['US'],
    reporter: { subjectId: 'alice', name: 'Alice Example', email: 'alice@example.org' },
    victim: { subjectId: 'alice', name: 'Alice Example', dateOfBirth: '2010-01-01' },
    text: 'this is me, please remove it',
  },
} as Recorded

/** Legal hold `h1` of case `case-1` placed or lifted at 12:`minute` on 2026-03-01 (UTC). */
export const legalHold = (
  type: 'LegalHoldPlaced' | 'LegalHoldLifted',
  id: string,
  minute: number,
): Recorded =>
  ({
    id,
    type,
    caseId: 'case-1',
    occurredAt: `2026-03-01T12:${String(minute).padStart(2, '0')}:00Z`,
    recordedAt: `2026-03-01T12:${String(minute).padStart(2, '0')}:00Z`,
    data: { holdId: 'h1' },
  }) as Recorded
