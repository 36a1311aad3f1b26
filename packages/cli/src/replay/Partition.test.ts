import { Escalation, type Evaluation, EventStore, Profile, type Recorded } from '@docket/core'
import { History } from '@docket/core/testing'
import { Policy } from '@docket/policies'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as Partition from './Partition.js'
import * as Replay from './Replay.js'

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

const whole = async (events: ReadonlyArray<Recorded>, maxOpenCases: number): Promise<Replay.Result> => {
  const r = await Replay.run(stream(events), { evaluate, maxOpenCases })
  if (E.isLeft(r)) throw new Error(Replay.describe(r.left))
  return r.right
}

const split = async (
  events: ReadonlyArray<Recorded>,
  partitions: number,
  maxOpenCases: number,
  maxDoneCases?: number,
): Promise<Replay.Result> => {
  const r = await Partition.replay(stream(events), {
    evaluate,
    maxOpenCases,
    partitions,
    ...(maxDoneCases === undefined ? {} : { maxDoneCases }),
  })
  if (E.isLeft(r)) throw new Error(Replay.describe(r.left))
  return r.right
}

describe('Partition', () => {
  it('assigns a case to the same partition every time, within range', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 64 }), (caseId, n) => {
        const p = Partition.of(caseId, n)
        expect(p).toBe(Partition.of(caseId, n))
        expect(p >= 0 && p < n && Number.isInteger(p)).toBe(true)
      }),
    )
    expect(Partition.of('c00000001', 2)).toBe(Partition.of('c00000001', 2))
  })

  it('spreads generated cases over the partitions', () => {
    const counts = [0, 0, 0, 0]
    for (let i = 0; i < 4000; i++) counts[Partition.of(`c${String(i).padStart(8, '0')}`, 4)]!++
    for (const c of counts) expect(c).toBeGreaterThan(800)
  })

  it('merged partitions give the bytes of one replay (1, 2 and 3 partitions, with cases dropped and parked)', async () => {
    const events = [...History.generate({ events: 2000, seed: 7, meanGapMinutes: 60 })]
    // a small budget so that cases are dropped and judged settled during the run
    const reference = await whole(events, 50)
    expect(reference.stats.dropped).toBeGreaterThan(0)
    const one = [...Partition.canonical(reference)].join('')
    for (const [n, held] of [
      [1, undefined],
      [2, undefined],
      [3, undefined],
      [2, 9],
    ] as const) {
      // held: results kept in memory per partition before a sorted run goes to disk
      const merged = await split(events, n, 50, held)
      expect([...Partition.canonical(merged)].join('')).toBe(one)
      expect(JSON.parse(one).cases.length).toBe([...merged.cases].length)
      expect(merged.stats.cases).toBe([...merged.cases].length)
      expect(merged.stats.cases).toBeGreaterThan(200)
    }
  })

  it('keeps a fixed asOf and refuses partitions judged at different instants', async () => {
    const events = [...History.generate({ events: 800, seed: 3 })]
    const asOf = '2025-01-02T00:00:00.000Z'
    const a = await Replay.run(stream(events), { evaluate, asOf })
    const b = await Partition.replay(stream(events), { evaluate, asOf, partitions: 2 })
    if (E.isLeft(a) || E.isLeft(b)) throw new Error('replay failed')
    expect([...Partition.canonical(b.right)].join('')).toBe([...Partition.canonical(a.right)].join(''))
    expect(() => Partition.merge([a.right, { ...a.right, asOf: '2025-01-03T00:00:00.000Z' }], null)).toThrow(
      /different instants/,
    )
  })
})

describe('Partition.worker and workerPartition', () => {
  it('spreads the cases of one partition over every worker, each case on one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
        (ids, count, n) => {
          for (let index = 0; index < count; index++) {
            const within = { index, count }
            for (const id of ids) {
              const w = Partition.worker(id, n, within)
              // a case outside the shared partition goes to no worker
              if (Partition.of(id, count) !== index) {
                expect(w).toBeUndefined()
                continue
              }
              expect(w !== undefined && Number.isInteger(w) && w >= 0 && w < n).toBe(true)
              // the case's hash modulo count·n is the partition plus count times its worker
              expect(Partition.of(id, count * n)).toBe(index + count * w!)
              // the store partition that worker reads itself holds the case, and no other worker's does
              for (let v = 0; v < n; v++) {
                const p = Partition.workerPartition(v, n, within)
                expect(Partition.of(id, p.count) === p.index).toBe(v === w)
              }
            }
          }
          for (const id of ids) {
            expect(Partition.worker(id, n)).toBe(Partition.of(id, n))
            expect(Partition.workerPartition(Partition.of(id, n), n)).toEqual({
              index: Partition.of(id, n),
              count: n,
            })
          }
        },
      ),
    )
  })

  it('gives every worker cases when the partitions and the workers share a factor', () => {
    const ids = Array.from({ length: 400 }, (_, i) => `case-${i}`).filter((id) => Partition.of(id, 2) === 0)
    const used = new Set(ids.map((id) => Partition.worker(id, 2, { index: 0, count: 2 })))
    expect(used).toEqual(new Set([0, 1]))
    // the plain assignment would put them all on worker 0
    expect(new Set(ids.map((id) => Partition.of(id, 2)))).toEqual(new Set([0]))
  })
})

describe('Partition.sealMerge', () => {
  it("folds the partitions' seals in log order, whatever batches they come in and however they interleave, as soon as every partition has read past them", () => {
    fc.assert(
      fc.property(
        // each event of a log: the partition that reads it, whether it is sealed, and whether it closes a batch
        fc.array(fc.record({ part: fc.nat({ max: 3 }), sealed: fc.boolean(), cut: fc.boolean() }), {
          maxLength: 120,
        }),
        fc.integer({ min: 1, max: 4 }),
        fc.infiniteStream(fc.nat()),
        (log, parts, picks) => {
          const events = log.map((e, i) => ({
            ...e,
            part: e.part % parts,
            position: String(i * 7 + 3),
            hash: `h${i}`,
          }))
          const seals = events.filter((e) => e.sealed)
          // each partition's batches, in its own log order: seals and the last position read
          type Batch = { seals: string[]; through: string | undefined }
          const batches = Array.from({ length: parts }, (_, p) => {
            const out: Batch[] = [{ seals: [], through: undefined }]
            for (const e of events.filter((x) => x.part === p)) {
              const b = out.at(-1)!
              if (e.sealed) b.seals.push(e.position, e.hash)
              b.through = e.position
              if (e.cut) out.push({ seals: [], through: undefined })
            }
            return out.filter((b) => b.through !== undefined)
          })
          const folded: string[] = []
          const merge = Partition.sealMerge(parts, EventStore.compareDecimal, {
            fold: (seal) => folded.push(seal.hash),
            head: () => null,
          })
          let consumed = 0
          let sent = 0
          // the partitions send their batches in an order the stream picks
          const left = batches.map((b) => [...b])
          const it = picks[Symbol.iterator]()
          while (left.some((b) => b.length > 0)) {
            const open = left.flatMap((b, p) => (b.length === 0 ? [] : [p]))
            const p = open[it.next().value! % open.length]!
            const next = left[p]!.shift()!
            sent++
            merge.push(p, next.seals, next.through, () => consumed++)
          }
          // before any partition ends: every seal no later than where the slowest has read
          const reads = batches.map((b) => b.at(-1)?.through)
          const slowest = reads.includes(undefined) ? -1 : Math.min(...reads.map(Number))
          expect(folded).toEqual(seals.filter((s) => Number(s.position) <= slowest).map((s) => s.hash))
          for (let p = 0; p < parts; p++) merge.end(p)
          expect(folded).toEqual(seals.map((s) => s.hash))
          expect(consumed).toBe(sent)
          expect(merge.done()).toBe(true)
        },
      ),
    )
  })
})
