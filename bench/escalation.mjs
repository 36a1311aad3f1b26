// Escalation benchmarks (run after `tsc -b`): node bench/escalation.mjs
//
// 1. WakeQueue with 1,000,000 open cases: schedule them all, read the next
//    wake, reschedule 100,000, and drain the 10,000 earliest.
// 2. A tick that crosses 10,000 warnings: one case with 10,000 obligations
//    whose first warning has just passed, and 10,000 cases with one each
//    (popDue then one tick per case, as the process manager does).
// Prints one JSON object per measurement on standard output.
import { performance } from 'node:perf_hooks'
import { Escalation, Profile, Timestamp, WakeQueue } from '@docket/core'

const report = (name, ms, extra = {}) =>
  process.stdout.write(
    `${JSON.stringify({ bench: `escalation/${name}`, ms: Number(ms.toFixed(3)), ...extra })}\n`,
  )

const time = (fn) => {
  const t = performance.now()
  const result = fn()
  return [performance.now() - t, result]
}

// A small deterministic PRNG so that runs compare.
let seed = 42
const rand = () => {
  seed = (seed + 0x6d2b79f5) >>> 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

// 1. the wake queue
{
  const N = 1_000_000
  const base = Date.UTC(2026, 0, 1)
  const q = WakeQueue.make()
  const [insert] = time(() => {
    for (let i = 0; i < N; i++) q.set(`case-${i}`, base + Math.floor(rand() * 30 * 86_400_000))
  })
  report('wakequeue/insert-1M', insert, { size: q.size() })
  const [peek, next] = time(() => {
    let at = 0
    for (let i = 0; i < 1000; i++) at = q.peek().at
    return at
  })
  report('wakequeue/next-wake-x1000', peek, { perCallUs: Number(((peek / 1000) * 1000).toFixed(3)), next })
  const [resched] = time(() => {
    for (let i = 0; i < 100_000; i++) {
      q.set(`case-${Math.floor(rand() * N)}`, base + Math.floor(rand() * 30 * 86_400_000))
    }
  })
  report('wakequeue/reschedule-100k', resched)
  const tenth = [...Array(10_000)].length
  const cutoff = (() => {
    // the instant of the 10,000th earliest entry, found by draining a copy would be costly: estimate from the range
    return base + Math.floor((30 * 86_400_000 * tenth) / N)
  })()
  const [drain, due] = time(() => q.popDue(cutoff))
  report('wakequeue/pop-due', drain, { popped: due.length, left: q.size() })
}

// 2. ticks crossing 10,000 warnings
const config = Escalation.configOf(Profile.DEFAULTS)
const start = Date.UTC(2026, 5, 1)
const iso = (ms) => Timestamp.format(ms, 0)
const obligation = (caseId, i) => ({
  id: `${caseId}/us-take-it-down/removal/e${i}`,
  policy: 'us-take-it-down',
  rule: 'removal',
  kind: 'deadline',
  citation: 'TAKE IT DOWN Act §3(a)(3)',
  confidence: 'primary',
  statutory: true,
  counterfactual: false,
  preEffective: false,
  triggeredBy: `e${i}`,
  startedAt: iso(start),
  dueAt: iso(start + 48 * 3_600_000),
  targetAt: null,
  shadowDueAt: null,
  warnings: [iso(start + 24 * 3_600_000), iso(start + 36 * 3_600_000), iso(start + 43.2 * 3_600_000)],
  completedAt: null,
  completedBy: null,
  status: 'pending',
  targetStatus: null,
  actions: [{ action: 'start', at: iso(start), eventId: `e${i}` }],
})
const now = start + 24 * 3_600_000 + 1000
{
  const obligations = Array.from({ length: 10_000 }, (_, i) => obligation('big', i))
  const input = { caseId: 'big', history: [], obligations, config }
  const [ms, tick] = time(() => Escalation.tick(input, now))
  report('tick/one-case-10k-warnings', ms, { raised: tick.due.length, nextWakeAt: iso(tick.nextWakeAt) })
  const [ms2, next] = time(() => Escalation.nextWakeAt(input, now))
  report('next-wake/one-case-10k-obligations', ms2, { nextWakeAt: iso(next) })
}
{
  const q = WakeQueue.make()
  const inputs = new Map()
  for (let i = 0; i < 10_000; i++) {
    const caseId = `c${i}`
    inputs.set(caseId, { caseId, history: [], obligations: [obligation(caseId, i)], config })
    q.set(caseId, start + 24 * 3_600_000)
  }
  const [ms, raised] = time(() => {
    let n = 0
    for (const { key } of q.popDue(now)) {
      const t = Escalation.tick(inputs.get(key), now)
      n += t.due.length
      q.set(key, t.nextWakeAt)
    }
    return n
  })
  report('tick/10k-cases-one-warning-each', ms, { raised, rescheduled: q.size() })
}
