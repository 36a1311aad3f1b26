import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Integrity, Profile, type Recorded } from '@docket/core'
import { History } from '@docket/core/testing'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as FileLines from '../internal/fileLines.js'
import { openFiles } from '../internal/openFiles.js'
import * as Source from '../Source.js'
import * as Partition from './Partition.js'
import * as Replay from './Replay.js'
import * as Settings from './Settings.js'
import * as Workers from './Workers.js'

// These tests start real worker threads, which run the compiled `dist` (`tsc -b` first).

const base: Settings.Settings = { profile: Profile.DEFAULTS, maxOpenCases: 50 }

async function* stream<A>(xs: Iterable<A>): AsyncGenerator<A> {
  yield* xs
}

/** Lines in batches of 7 (batches never line up with the workers' own). */
async function* batches(lines: ReadonlyArray<string>): AsyncGenerator<ReadonlyArray<string>> {
  for (let i = 0; i < lines.length; i += 7) yield lines.slice(i, i + 7)
}

const one = async (
  events: ReadonlyArray<Recorded>,
  settings: Settings.Settings = base,
): Promise<E.Either<Replay.ReplayError, Replay.Result>> =>
  Replay.run(stream(events), Settings.replay(settings))

const bytes = (r: E.Either<unknown, Replay.Result>): string => {
  if (E.isLeft(r)) throw new Error(`replay failed: ${JSON.stringify(r.left)}`)
  return [...Partition.canonical(r.right)].join('')
}

const lines = (events: ReadonlyArray<Recorded>): string[] => events.map((e) => JSON.stringify(e))

const onLines = (ls: ReadonlyArray<string>, workers: number, settings: Settings.Settings = base) =>
  Workers.replay({ _tag: 'Lines', batches: batches(ls) }, { ...settings, workers })

/** The first bad line's error, as a replay in one thread reports it. */
const firstBadLine = (ls: ReadonlyArray<string>): Workers.BadLine | undefined => {
  for (let i = 0; i < ls.length; i++) {
    const d = Source.decodeLine(ls[i]!, i + 1)
    if (E.isLeft(d)) return { _tag: 'BadLine', error: d.left }
  }
  return undefined
}

describe('Workers.replay', () => {
  const events = [...History.generate({ events: 1500, seed: 11, meanGapMinutes: 60 })]

  it('reads cases back from the file by the offsets it is given: the bytes of one replay', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-workers-file-'))
    try {
      const file = path.join(dir, 'events.jsonl')
      fs.writeFileSync(file, lines(events).join('\n'))
      const onFile = (n: number, shift = 0) =>
        Workers.replay(
          {
            _tag: 'FileLines',
            file,
            version: FileLines.versionOf(file),
            batches: (async function* () {
              for await (const b of FileLines.batches(file, () => {}, 4096))
                yield { lines: b.lines, offsets: b.offsets.map((o, i) => b.offsets[i + shift] ?? o) }
            })(),
          },
          { ...base, workers: n },
        )
      const reference = bytes(await one(events))
      for (const n of [1, 2]) expect(bytes(await onFile(n))).toBe(reference)
      // offsets that name the next line's event: the case read back is not the one it was
      await expect(onFile(2, 1)).rejects.toThrow(/the line at byte \d+ is no longer an event of case/)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('gives the bytes of one replay, from lines and from decoded events, on 1 to 3 workers', async () => {
    const reference = bytes(await one(events))
    const r = await one(events)
    expect(E.isRight(r) && r.right.stats.dropped > 0).toBe(true)
    for (const n of [1, 2, 3]) {
      expect(bytes(await onLines(lines(events), n))).toBe(reference)
      const decoded = await Workers.replay(
        { _tag: 'Events', events: stream(events) },
        { ...base, workers: n },
      )
      expect(bytes(decoded)).toBe(reference)
    }
    // results spilled to sorted runs in every worker
    expect(bytes(await onLines(lines(events), 2, { ...base, maxDoneCases: 9 }))).toBe(reference)
  })

  it('folds the integrity chain of sealed lines, and routes lines with escapes, as one replay does', async () => {
    // sealed every third event (a chain over those), and a case id and a field with escapes
    let prev: string | null = null
    const mixed = events.slice(0, 600).map((e, i) => {
      const escaped = i % 5 === 0 ? ({ ...e, caseId: `${e.caseId}\u00e9"q` } as Recorded) : e
      if (i % 3 !== 0) return escaped
      const s = Integrity.seal(escaped, prev)
      prev = Integrity.sealFrom(s)!.hash
      return s
    })
    const r = await one(mixed)
    expect(E.isRight(r) && r.right.integrity !== null).toBe(true)
    const ls = lines(mixed)
    expect(ls.some((l) => l.includes('\\'))).toBe(true)
    expect(bytes(await onLines(ls, 2))).toBe(bytes(r))
  })

  it('passes cases on as the JSON of the cases', async () => {
    const r = await onLines(lines(events), 2)
    if (E.isLeft(r)) throw new Error('replay failed')
    const cases = [...r.right.cases]
    expect(cases.length).toBeGreaterThan(100)
    expect([...r.right.casesJson]).toEqual(cases.map((c) => [c.caseId, JSON.stringify(c)]))
  })

  it('reads the runs of every worker as one merge: at most `fanIn` files open, whatever the number of workers', async (ctx) => {
    const spillDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-workers-fanin-'))
    ctx.onTestFinished(() => fs.rmSync(spillDir, { recursive: true, force: true }))
    const open = (): number | undefined => openFiles(spillDir)
    if (open() === undefined) return ctx.skip()
    // a run per finished case: every worker hands over dozens of runs
    const many = { ...base, maxDoneCases: 1, spillDir }
    const reference = bytes(await one(events))
    for (const workers of [3, 4]) {
      const before = open()!
      const r = await Workers.replay(
        { _tag: 'Lines', batches: batches(lines(events)) },
        { ...many, workers, fanIn: 4 },
      )
      if (E.isLeft(r)) throw new Error('replay failed')
      // the workers have ended: what is open now is the runs the report's merge reads
      const held = open()! - before
      expect(held).toBeGreaterThan(0)
      expect(held).toBeLessThanOrEqual(4)
      let most = held
      const read: string[] = []
      for (const piece of Partition.canonical(r.right)) {
        read.push(piece)
        most = Math.max(most, open()! - before)
      }
      expect(most).toBeLessThanOrEqual(4)
      expect(read.join('')).toBe(reference)
    }
  })

  it('judges at a fixed asOf or knownAt as one replay does', async () => {
    for (const fixed of [{ asOf: '2025-01-01T12:00:00.000Z' }, { knownAt: '2025-01-01T18:00:00.000Z' }]) {
      const settings = { ...base, ...fixed }
      const reference = bytes(await one(events, settings))
      expect(bytes(await onLines(lines(events), 2, settings))).toBe(reference)
    }
  })

  it('reports the first bad line of the input, whichever worker or the reading thread meets it', async () => {
    const good = lines(events.slice(0, 300))
    const notJson = '{"id": '
    const badEvent = (i: number): string => JSON.stringify({ ...events[i]!, occurredAt: 'yesterday' })
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: 299 }), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 2, max: 3 }),
        async (at, json, cut, n) => {
          const ls = [...good]
          at.forEach((i, k) => {
            // a line cut short is not JSON, but the reading thread's scan routes it by its case id
            ls[i] = k === 0 && json ? (cut ? good[i]!.slice(0, -1) : notJson) : badEvent(i)
          })
          const r = await onLines(ls, n)
          expect(r).toEqual(E.left(firstBadLine(ls)))
        },
      ),
      { numRuns: 12 },
    )
  })

  it('stops early on a bad line while the reading thread still has batches in flight', async () => {
    // more batches for each worker than may travel at once: the failing worker must let them go
    const many = lines([...History.generate({ events: Workers.BATCH * Workers.IN_FLIGHT * 3, seed: 5 })])
    many[4] = '{"id": 1}'
    expect(await onLines(many, 2)).toEqual(E.left(firstBadLine(many)))
  }, 120_000)

  it('reports the first out-of-order event, or a bad line before it', async () => {
    // the second event of a case recorded before the first: a single replay's OutOfOrder
    const withOrder = events.slice(0, 400)
    const caseId = withOrder[0]!.caseId
    const second = withOrder.findIndex((e, i) => i > 0 && e.caseId === caseId)
    const early = { ...withOrder[second]!, recordedAt: '2024-12-31T00:00:00.000Z' } as Recorded
    const swapped = withOrder.map((e, i) => (i === second ? early : e))
    const expected = await one(swapped, { ...base, checkOrder: true })
    expect(E.isLeft(expected)).toBe(true)
    // on lines, the error names the event's line too (here its position: no blank line)
    const onLine = E.mapLeft((e: Replay.ReplayError) => ({ ...e, line: second + 1 }))(expected)
    for (const n of [2, 3])
      expect(await onLines(lines(swapped), n, { ...base, checkOrder: true })).toEqual(onLine)
    // a bad line before it wins; one after it does not
    const ls = lines(swapped)
    ls[second - 1] = '{'
    expect(await onLines(ls, 2, { ...base, checkOrder: true })).toEqual(E.left(firstBadLine(ls)))
    const later = lines(swapped)
    later[second + 5] = '{'
    expect(await onLines(later, 2, { ...base, checkOrder: true })).toEqual(onLine)
  })

  it('rejects with the error a worker throws (a profile the rules cannot read)', async () => {
    const broken = {
      ...base,
      profile: { ...base.profile, warningFractions: null },
    } as unknown as Settings.Settings
    await expect(one(events.slice(0, 200), broken)).rejects.toThrow(TypeError)
    await expect(
      Workers.replay({ _tag: 'Events', events: stream(events.slice(0, 200)) }, { ...broken, workers: 2 }),
    ).rejects.toThrow(/Cannot read properties of null/)
  })

  it('leaves no temporary files behind, whether the workers finish, stop at a bad line or are stopped mid-replay', async () => {
    const spillDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-workers-spill-'))
    // results and histories leave memory: every worker has runs and an archive on disk
    const tight = { ...base, spillDir, maxOpenCases: 2, maxDoneCases: 5 }
    const left = (): string[] => fs.readdirSync(spillDir)
    try {
      const ok = await Workers.replay({ _tag: 'Events', events: stream(events) }, { ...tight, workers: 2 })
      expect(E.isRight(ok)).toBe(true)
      expect(left()).toEqual([])
      const ls = lines(events)
      ls[ls.length - 3] = '{'
      expect(await onLines(ls, 2, tight)).toEqual(E.left(firstBadLine(ls)))
      expect(left()).toEqual([])
      // the input fails halfway (a store's read), once the workers have files on disk: they are
      // stopped mid-replay
      const onDisk = (): boolean =>
        fs.readdirSync(spillDir).some((d) => fs.readdirSync(path.join(spillDir, d)).length > 0)
      let spilled = false
      async function* failing(): AsyncGenerator<Recorded> {
        yield* History.generate({ events: Workers.BATCH * 6, seed: 3 })
        for (let waited = 0; !onDisk() && waited < 30_000; waited += 10)
          await new Promise((r) => setTimeout(r, 10))
        spilled = onDisk()
        throw new Error('the store went away')
      }
      await expect(
        Workers.replay({ _tag: 'Events', events: failing() }, { ...tight, workers: 2 }),
      ).rejects.toThrow('the store went away')
      expect(spilled).toBe(true)
      expect(left()).toEqual([])
    } finally {
      fs.rmSync(spillDir, { recursive: true, force: true })
    }
  })

  it('reports progress, and refuses a number of workers that is not a positive integer', async () => {
    const seen: Replay.Progress[] = []
    const r = await Workers.replay(
      { _tag: 'Lines', batches: batches(lines(events)) },
      { ...base, workers: 2, progressEvery: 500, onProgress: (p) => seen.push(p) },
    )
    expect(E.isRight(r)).toBe(true)
    expect(seen.filter((p) => !p.done).map((p) => p.events)).toEqual([500, 1000, 1500])
    expect(seen.at(-1)).toMatchObject({ events: events.length, done: true })
    await expect(
      Workers.replay({ _tag: 'Events', events: stream([]) }, { ...base, workers: 0 }),
    ).rejects.toThrow(/positive integer/)
  })
})
