/**
 * Figure 6: the escalation scheduler with 1,000,000 open obligations (one per
 * case, each with warnings at 50 %, 75 % and 90 % of a 48-hour deadline,
 * starts spread over 30 days). Scheduling is core's `WakeQueue` keyed by
 * case, at the instant `Escalation.nextWakeAt` gives; a tick pops the due
 * cases and runs `Escalation.tick` on each, as `ProcessManager` does.
 *
 * Baselines, same run: a scheduler without an index, which scans every open
 * obligation's next warning to find the earliest (next wake-up), and scans
 * all of them to find the ones that crossed a warning (tick).
 */
import { performance } from 'node:perf_hooks'
import { Escalation, type Obligation, Profile, Timestamp, WakeQueue } from '@docket/core'
import type { Row } from '../internal/measure.js'

const HOUR = 3_600_000
const iso = (ms: number): string => Timestamp.format(ms, 0)

const obligation = (caseId: string, start: number): Obligation.Obligation =>
  ({
    id: `${caseId}/us-take-it-down/removal/e1`,
    policy: 'us-take-it-down',
    rule: 'removal',
    kind: 'deadline',
    citation: 'TAKE IT DOWN Act §3(a)(3)',
    confidence: 'primary',
    statutory: true,
    counterfactual: false,
    preEffective: false,
    triggeredBy: 'e1',
    startedAt: iso(start),
    dueAt: iso(start + 48 * HOUR),
    targetAt: null,
    shadowDueAt: null,
    warnings: [iso(start + 24 * HOUR), iso(start + 36 * HOUR), iso(start + 43.2 * HOUR)],
    completedAt: null,
    completedBy: null,
    status: 'pending',
    targetStatus: null,
    actions: [{ action: 'start', at: iso(start), eventId: 'e1' }],
  }) as unknown as Obligation.Obligation

/** Runs figure 6 with `n` open obligations, crossing `crossing` warnings in one tick. */
export const run = (n: number, crossing: number): Row[] => {
  const config = Escalation.configOf(Profile.DEFAULTS)
  const base = Date.UTC(2026, 0, 1)
  const span = 30 * 24 * HOUR
  // start i: spread evenly (a deterministic permutation) over 30 days
  const startOf = (i: number): number => base + Math.floor((((i * 7919) % n) / n) * span)
  const asOfBuild = base
  const q = WakeQueue.make()
  const nextWarning = new Float64Array(n)
  const t0 = performance.now()
  for (let i = 0; i < n; i++) {
    const caseId = `c${i}`
    const next = Escalation.nextWakeAt(
      { caseId, history: [], obligations: [obligation(caseId, startOf(i))], config },
      asOfBuild,
    )
    q.set(caseId, next)
    nextWarning[i] = next ?? Number.POSITIVE_INFINITY
  }
  const buildMs = performance.now() - t0
  // next wake-up: the queue's peek against a scan of every obligation
  const reps = 1000
  let t = performance.now()
  let at = 0
  for (let k = 0; k < reps; k++) at = q.peek()!.at
  const peekUs = ((performance.now() - t) / reps) * 1000
  t = performance.now()
  let min = Number.POSITIVE_INFINITY
  for (let k = 0; k < 10; k++) {
    min = Number.POSITIVE_INFINITY
    for (let i = 0; i < n; i++) if (nextWarning[i]! < min) min = nextWarning[i]!
  }
  const scanUs = ((performance.now() - t) / 10) * 1000
  if (min !== at) throw new Error(`next wake-up differs: queue ${at}, scan ${min}`)
  // a tick crossing `crossing` warnings: the instant just after the crossing-th earliest wake
  const sorted = Float64Array.from(nextWarning).sort()
  const now = sorted[crossing - 1]!
  t = performance.now()
  let raised = 0
  for (const { key } of q.popDue(now)) {
    const i = Number(key.slice(1))
    const tick = Escalation.tick(
      { caseId: key, history: [], obligations: [obligation(key, startOf(i))], config },
      now,
    )
    raised += tick.due.length
    q.set(key, tick.nextWakeAt)
  }
  const tickMs = performance.now() - t
  t = performance.now()
  let found = 0
  for (let i = 0; i < n; i++) if (nextWarning[i]! <= now) found++
  const scanTickMs = performance.now() - t
  return [
    {
      figure: `6a escalation: next wake-up, ${n.toLocaleString('en')} open obligations`,
      docket: {
        label: 'WakeQueue.peek',
        value: +peekUs.toFixed(3),
        unit: 'µs',
        extra: { buildMs: Math.round(buildMs), queued: q.size() },
      },
      baseline: { label: 'scan every obligation', value: Math.round(scanUs), unit: 'µs' },
      ratio: scanUs / peekUs,
      ratioMeaning: 'baseline time ÷ Docket time',
      target: 'reported',
      met: null,
    },
    {
      figure: `6b escalation: a tick crossing ${crossing.toLocaleString('en')} warnings`,
      docket: {
        label: 'popDue + Escalation.tick per case + reschedule',
        value: Math.round(tickMs),
        unit: 'ms',
        extra: { raised, cases: found },
      },
      baseline: {
        label: 'scan every obligation for crossed warnings (no events built)',
        value: +scanTickMs.toFixed(1),
        unit: 'ms',
      },
      ratio: scanTickMs / tickMs,
      ratioMeaning: 'baseline time ÷ Docket time',
      target: 'reported',
      met: null,
      notes: `${found} cases crossed a warning; the tick raised ${raised} events (warnings and ladder pages due)`,
    },
  ]
}
