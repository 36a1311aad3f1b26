import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as FanIn from './fanIn.js'
import { lines } from './fdLines.js'
import { mergeSorted } from './merge.js'
import { openFiles } from './openFiles.js'

let dir: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-fan-in-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** An item of a run: its key, and where it was first (run and index), which equal keys must keep in order. */
interface Item {
  readonly key: number
  readonly run: number
  readonly at: number
}

const byKey = (a: Item, b: Item): number => a.key - b.key

function* itemsIn(fd: number): Generator<Item> {
  for (const l of lines(fd)) {
    const [key, run, at] = l.split(' ').map(Number)
    yield { key: key!, run: run!, at: at! }
  }
}

/** Runs of items as lines; `seen` is told of each item merged (a test counts open files then). */
const format = (seen: () => void = () => {}): FanIn.Format<Item> => ({
  merge: function* (fds) {
    for (const { item } of mergeSorted(
      fds.map((fd) => ({ [Symbol.iterator]: () => itemsIn(fd) })),
      byKey,
    )) {
      seen()
      yield item
    }
  },
  write: (file, items) => {
    const text: string[] = []
    for (const x of items) text.push(`${x.key} ${x.run} ${x.at}\n`)
    fs.writeFileSync(file, text.join(''))
  },
})

/** Writes `runs` (each sorted by key) to files under a fresh directory; `fresh` names new ones there. */
const written = (runs: ReadonlyArray<ReadonlyArray<number>>) => {
  const under = fs.mkdtempSync(path.join(dir, 'runs-'))
  let n = 0
  const fresh = (): string => path.join(under, `run-${n++}`)
  const files = runs.map((keys, run) => {
    const file = fresh()
    format().write(
      file,
      keys.map((key, at) => ({ key, run, at })),
    )
    return file
  })
  return { under, files, fresh }
}

/** The items of run files merged in one pass. */
const mergedFiles = (files: ReadonlyArray<string>): Item[] => {
  const fds = files.map((f) => fs.openSync(f, 'r'))
  try {
    return [...format().merge(fds, true)]
  } finally {
    for (const fd of fds) fs.closeSync(fd)
  }
}

const sortedRun = fc
  .array(fc.integer({ min: 0, max: 20 }), { maxLength: 12 })
  .map((ks) => ks.sort((a, b) => a - b))

describe('FanIn.reduce', () => {
  it('leaves at most `limit` runs whose merge gives what the merge of all of them gives, equal keys in run order (property)', () => {
    fc.assert(
      fc.property(fc.array(sortedRun, { maxLength: 40 }), fc.integer({ min: 2, max: 5 }), (runs, limit) => {
        const { under, files, fresh } = written(runs)
        try {
          const expected = runs
            .flatMap((keys, run) => keys.map((key, at) => ({ key, run, at })))
            .sort((a, b) => a.key - b.key || a.run - b.run || a.at - b.at)
          const left = FanIn.reduce(format(), files, limit, fresh)
          expect(left.length).toBeLessThanOrEqual(limit)
          expect(mergedFiles(left)).toEqual(expected)
          // the runs merged are gone: only those left remain
          expect(fs.readdirSync(under).sort()).toEqual(left.map((f) => path.basename(f)).sort())
        } finally {
          fs.rmSync(under, { recursive: true, force: true })
        }
      }),
      { numRuns: 200 },
    )
  })

  it('opens at most `limit` runs at once, whatever their number', (ctx) => {
    const before = openFiles(dir)
    if (before === undefined) return ctx.skip()
    const { under, files, fresh } = written(Array.from({ length: 300 }, (_, i) => [i % 7, i % 7, 20]))
    let most = 0
    const counting = format(() => {
      most = Math.max(most, openFiles(dir)! - before)
    })
    try {
      const left = FanIn.reduce(counting, files, 6, fresh)
      expect(left.length).toBeLessThanOrEqual(6)
      // each merge of a pass: its group's runs and the run it writes (written once merged here)
      expect(most).toBeGreaterThan(0)
      expect(most).toBeLessThanOrEqual(6 + 1)
      expect(mergedFiles(left)).toHaveLength(900)
    } finally {
      fs.rmSync(under, { recursive: true, force: true })
    }
  })
})
