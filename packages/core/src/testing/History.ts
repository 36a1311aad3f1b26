/**
 * A seeded generator of realistic case histories, for benchmarks and large
 * replay tests. The same seed and options always give the same events, in
 * global `recordedAt` order with cases interleaved, streamed one at a time so
 * that ten million events need no more memory than the cases still open.
 *
 * Proportions (measured and documented in docs/performance.md): categories
 * weighted towards what platforms receive (policy_other and hate most,
 * csam/ncii/sextortion a few per cent), jurisdictions US, FR and DE (EU),
 * GB, IN, AU, BR and CA (ISO 3166-1 codes, as events must have), three
 * decisions in ten are refusals (no violation or insufficient information), a
 * tenth of actioned cases are appealed, one case in fifty sees an authority
 * request, exposure is observed once per case.
 */
import type { Recorded } from '../Envelope.js'
import type { Category } from '../Event.js'
import * as Timestamp from '../Timestamp.js'

// model

/** Options of the generator. */
export interface Options {
  readonly seed?: number
  /** Events to produce (the last case may be cut short). */
  readonly events: number
  /** Instant of the first report (epoch ms). Default 2025-01-01T00:00Z. */
  readonly start?: number
  /** Mean minutes between two new cases. Default 1. */
  readonly meanGapMinutes?: number
  /** Case id prefix. Default `c`. */
  readonly prefix?: string
}

// internal: PRNG and weighted choice

/** A small seeded random generator (mulberry32) in [0, 1): the same seed, the same sequence. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const weighted = <A>(rand: () => number, table: ReadonlyArray<readonly [A, number]>): A => {
  const total = table.reduce((s, [, w]) => s + w, 0)
  let x = rand() * total
  for (const [a, w] of table) {
    x -= w
    if (x < 0) return a
  }
  return table[table.length - 1]![0]
}

const CATEGORY_WEIGHTS: ReadonlyArray<readonly [Category, number]> = [
  ['policy_other', 30],
  ['hate', 15],
  ['adult_cyber_abuse', 10],
  ['fraud', 8],
  ['violence', 6],
  ['ip', 6],
  ['impersonation', 5],
  ['privacy', 4],
  ['ncii', 4],
  ['csam', 3],
  ['sextortion', 2],
  ['terrorism', 2],
  ['child_cyberbullying', 2],
  ['threat_to_life', 1],
  ['enticement', 1],
  ['illegal_other', 1],
]

const JURISDICTION_WEIGHTS: ReadonlyArray<readonly [ReadonlyArray<string>, number]> = [
  [['US'], 40],
  [['FR', 'DE'], 15],
  [['DE'], 8],
  [['FR'], 8],
  [['GB'], 10],
  [['IN'], 8],
  [['AU'], 5],
  [['BR'], 3],
  [['CA'], 3],
]

const HOUR = 3_600_000

// internal: one case's script of events, generated lazily

interface Step {
  readonly type: string
  readonly after: number
  readonly data: Record<string, unknown>
  readonly actor: string
}

const script = (
  rand: () => number,
  caseId: string,
  category: Category,
  jurisdictions: ReadonlyArray<string>,
): Step[] => {
  const steps: Step[] = []
  const minorClaim = (category === 'csam' || category === 'sextortion' || category === 'ncii') && rand() < 0.6
  const complete = rand() < 0.8
  steps.push({
    type: 'ContentReported',
    after: 0,
    actor: 'reporter',
    data: {
      reportId: `${caseId}-r1`,
      channel: weighted(rand, [
        ['in_app', 60],
        ['web_form', 25],
        ['email', 5],
        ['trusted_flagger', 7],
        ['authority', 3],
      ]),
      category,
      content: {
        ref: `content-${caseId}`,
        kind: weighted(rand, [
          ['video', 4],
          ['image', 4],
          ['text', 2],
        ]),
      },
      jurisdictions,
      ...(minorClaim ? { claims: { depictsMinor: true, ageAtCapture: 13 + Math.floor(rand() * 4) } } : {}),
      removalRequest: {
        signature: complete,
        identification: true,
        goodFaithStatement: complete,
        contact: true,
        explanation: true,
        exactLocation: true,
        bonaFideStatement: complete,
      },
      reporter: { subjectId: `subject-${caseId}` },
    },
  })
  if (!complete && rand() < 0.5) {
    steps.push({
      type: 'ReportCompleted',
      after: rand() * 48 * HOUR,
      actor: 'reporter',
      data: {
        reportId: `${caseId}-r1`,
        removalRequest: { signature: true, goodFaithStatement: true, bonaFideStatement: true },
      },
    })
  }
  steps.push({
    type: 'NotificationSent',
    after: rand() * HOUR,
    actor: 'system',
    data: { to: 'reporter', kind: 'acknowledgement', reportId: `${caseId}-r1` },
  })
  const views = Math.floor(rand() * 5000)
  steps.push({
    type: 'ExposureObserved',
    after: rand() * 6 * HOUR,
    actor: 'system',
    data: { views, shares: Math.floor(views / 50) },
  })
  const outcome = weighted(rand, [
    ['violation', 70],
    ['no_violation', 20],
    ['insufficient_information', 10],
  ] as const)
  steps.push({
    type: 'ReviewDecided',
    after: rand() * 30 * HOUR,
    actor: 'moderator',
    data: {
      reviewId: `${caseId}-v1`,
      outcome,
      tier: 'frontline',
      automation: weighted(rand, [
        ['not', 6],
        ['partially', 3],
        ['fully', 1],
      ] as const),
      reportId: `${caseId}-r1`,
      ground: rand() < 0.5 ? 'illegal' : 'incompatible',
    },
  })
  steps.push({
    type: 'NotificationSent',
    after: rand() * 2 * HOUR,
    actor: 'system',
    data: { to: 'reporter', kind: 'decision', reportId: `${caseId}-r1` },
  })
  if (outcome === 'violation') {
    steps.push({
      type: 'ContentActioned',
      after: rand() * 2 * HOUR,
      actor: 'moderator',
      data: { action: 'removed' },
    })
    if (category === 'csam' || category === 'sextortion' || category === 'enticement') {
      steps.push({
        type: 'MandatoryReportFiled',
        after: rand() * 24 * HOUR,
        actor: 'legal',
        data: { recipient: 'NCMEC', status: 'completed', reference: `cybertip-${caseId}` },
      })
      steps.push({
        type: 'EvidencePreserved',
        after: rand() * HOUR,
        actor: 'system',
        data: { basis: 'us-2258a/preserve' },
      })
    }
    if (rand() < 0.1) {
      steps.push({
        type: 'AppealLodged',
        after: rand() * 96 * HOUR,
        actor: 'reporter',
        data: { appealId: `${caseId}-a1`, by: 'uploader', venue: 'internal' },
      })
      steps.push({
        type: 'AppealDecided',
        after: rand() * 72 * HOUR,
        actor: 'specialist',
        data: { appealId: `${caseId}-a1`, outcome: rand() < 0.8 ? 'decision_upheld' : 'decision_reversed' },
      })
    }
  } else if (rand() < 0.15) {
    steps.push({
      type: 'ContentReported',
      after: rand() * 72 * HOUR,
      actor: 'reporter',
      data: { ...steps[0]!.data, reportId: `${caseId}-r2` },
    })
  }
  if (rand() < 0.02) {
    const kind = weighted(rand, [
      ['removal_order', 3],
      ['preservation_request', 3],
      ['information_request', 2],
      ['intervention', 2],
    ] as const)
    steps.push({
      type: 'AuthorityRequestReceived',
      after: rand() * 24 * HOUR,
      actor: 'law_enforcement',
      data: { requestId: `${caseId}-q1`, authority: 'police', kind, jurisdiction: jurisdictions[0] },
    })
    steps.push({
      type: 'AuthorityResponded',
      after: rand() * 12 * HOUR,
      actor: 'legal',
      data: { requestId: `${caseId}-q1`, response: 'complied' },
    })
  }
  steps.push({ type: 'CaseClosed', after: rand() * 24 * HOUR, actor: 'system', data: {} })
  return steps
}

// internal: a binary min-heap of open cases keyed by their next event instant

interface Open {
  readonly caseId: string
  readonly steps: Step[]
  index: number
  at: number
  seq: number
}

const less = (a: Open, b: Open): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq)

const push = (heap: Open[], item: Open): void => {
  heap.push(item)
  let i = heap.length - 1
  while (i > 0) {
    const p = (i - 1) >> 1
    if (!less(heap[i]!, heap[p]!)) break
    ;[heap[i], heap[p]] = [heap[p]!, heap[i]!]
    i = p
  }
}

const pop = (heap: Open[]): Open | undefined => {
  const top = heap[0]
  const last = heap.pop()
  if (heap.length > 0 && last !== undefined) {
    heap[0] = last
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r
      if (m === i) break
      ;[heap[i], heap[m]] = [heap[m]!, heap[i]!]
      i = m
    }
  }
  return top
}

// operations

/** Streams a deterministic history of `events` events in global `recordedAt` order. */
export function* generate(options: Options): Generator<Recorded> {
  const rand = seededRandom(options.seed ?? 42)
  const gap = (options.meanGapMinutes ?? 1) * 60_000
  const prefix = options.prefix ?? 'c'
  let nextCaseAt = options.start ?? Date.UTC(2025, 0, 1)
  let caseNo = 0
  let seq = 0
  let produced = 0
  const heap: Open[] = []
  while (produced < options.events) {
    // open new cases until the next new case starts after the earliest pending event
    while (heap.length === 0 || nextCaseAt <= heap[0]!.at) {
      const caseId = `${prefix}${String(++caseNo).padStart(8, '0')}`
      const category = weighted(rand, CATEGORY_WEIGHTS)
      const steps = script(rand, caseId, category, weighted(rand, JURISDICTION_WEIGHTS))
      push(heap, { caseId, steps, index: 0, at: Math.round(nextCaseAt), seq: seq++ })
      nextCaseAt += -Math.log(1 - rand()) * gap
    }
    const open = pop(heap)!
    const step = open.steps[open.index]!
    const at = Timestamp.format(open.at, 0)
    produced++
    yield {
      id: `${open.caseId}-e${open.index}`,
      type: step.type,
      caseId: open.caseId,
      occurredAt: at,
      recordedAt: at,
      actor: { kind: step.actor },
      data: step.data,
    } as unknown as Recorded
    open.index++
    if (open.index < open.steps.length) {
      open.at = Math.round(open.at + Math.max(1000, open.steps[open.index]!.after))
      open.seq = seq++
      push(heap, open)
    }
  }
}

/** Options of {@link viral}. */
export interface ViralOptions {
  /** Epoch ms of the first report (default 2025-01-01T00:00Z). */
  readonly start?: number
  /** Minutes between repeat reports (default 1). */
  readonly gapMinutes?: number
}

/**
 * One viral case (`viral`): a video reported once (a minor alleged, notices from the US and France),
 * refused by the frontline an hour later, then reported again `repeats` times, the first an hour
 * after the refusal and each `gapMinutes` after the one before. In `occurredAt` order.
 */
export const viral = (repeats: number, options: ViralOptions = {}): ReadonlyArray<Recorded> => {
  const start = options.start ?? Date.UTC(2025, 0, 1)
  const gap = (options.gapMinutes ?? 1) * 60_000
  const event = (id: string, type: string, at: number, data: Record<string, unknown>): Recorded =>
    ({
      id,
      type,
      caseId: 'viral',
      occurredAt: Timestamp.format(at, 0),
      recordedAt: Timestamp.format(at, 0),
      data,
    }) as unknown as Recorded
  const report = (id: string, at: number): Recorded =>
    event(id, 'ContentReported', at, {
      reportId: id,
      channel: 'in_app',
      category: 'sextortion',
      content: { ref: 'v1', kind: 'video' },
      jurisdictions: ['US', 'FR'],
      claims: { depictsMinor: true },
    })
  return [
    report('r-first', start),
    event('d0', 'ReviewDecided', start + 3_600_000, {
      reviewId: 'd0',
      outcome: 'no_violation',
      tier: 'frontline',
      automation: 'not',
    }),
    ...Array.from({ length: repeats }, (_, i) => report(`r${i}`, start + 2 * 3_600_000 + i * gap)),
  ]
}
