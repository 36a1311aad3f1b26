import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { Recorded } from '@docket/core'
import { afterAll, describe, expect, it } from 'vitest'
import { openFiles } from '../internal/openFiles.js'
import * as Spill from './Spill.js'

async function* stream<A>(xs: ReadonlyArray<A>): AsyncGenerator<A> {
  yield* xs
}

/** An event recorded at second `k` of 1970; `pad` characters of data make its run's file longer than a read's buffer. */
const event = (i: number, k: number, pad = 0): Recorded =>
  ({
    id: `e${i}`,
    caseId: `c${i % 5}`,
    type: 'x-t.T',
    occurredAt: new Date(k * 1000).toISOString(),
    recordedAt: new Date(k * 1000).toISOString(),
    data: pad === 0 ? {} : { pad: 'x'.repeat(pad) },
  }) as unknown as Recorded

// the runs are written here, and only the files open under it are counted
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-spill-test-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('the merges of spilled runs', () => {
  it('sort: many runs are merged in passes, at most `fanIn` open at once, into what one merge gives', async (ctx) => {
    const before = openFiles(dir)
    if (before === undefined) return ctx.skip()
    // 100 runs, each longer than a stream reads at once: held open while they are merged
    const events = Array.from({ length: 300 }, (_, i) => event(i, (i * 7919) % 101, 30_000))
    const expected = events
      .map((e, i) => ({ k: (i * 7919) % 101, i, id: e.id }))
      .sort((a, b) => a.k - b.k || a.i - b.i)
      .map((x) => x.id)
    for (const fanIn of [5, 64]) {
      const out: string[] = []
      let most = 0
      for await (const e of Spill.sort(stream(events), { runSize: 3, fanIn, dir })) {
        most = Math.max(most, openFiles(dir)! - before)
        out.push(e.id)
      }
      expect(out).toEqual(expected)
      expect(most).toBeLessThanOrEqual(fanIn)
      expect(openFiles(dir)).toBe(before)
    }
  })

  it('sortLined: each event keeps its input line, whatever the runs', async () => {
    const events = Array.from({ length: 200 }, (_, i) => event(i, 200 - i))
    let line = 0
    const lined = (async function* () {
      for (const e of events) {
        // the input's lines: event i on line 2i + 1 (a blank line between two)
        line = 2 * events.indexOf(e) + 1
        yield e
      }
    })()
    const sorted = Spill.sortLined(lined, () => line, { runSize: 7, fanIn: 3 })
    const seen: Array<readonly [string, number]> = []
    for await (const e of sorted) seen.push([e.id, sorted.line()])
    expect(seen).toEqual(events.map((e, i) => [e.id, 2 * i + 1] as const).reverse())
  })

  it('runs: sealed, at most `fanIn` runs are held open, and give what fewer passes give', (ctx) => {
    const before = openFiles(dir)
    if (before === undefined) return ctx.skip()
    const read = (fanIn: number) => {
      const runs = Spill.runs<{ readonly v: number }>({ runSize: 1, fanIn, dir })
      // keys put again (the latest wins) and taken back (`null`) across many runs
      for (let i = 0; i < 1_200; i++) runs.put(`k${(i * 37) % 400}`, i % 11 === 0 ? null : { v: i })
      const sealed = runs.seal()
      let most = 0
      const values: number[] = []
      for (const x of sealed) {
        most = Math.max(most, openFiles(dir)! - before)
        values.push(x.v)
      }
      runs.close()
      return { most, values }
    }
    const few = read(3)
    expect(few.most).toBeGreaterThan(0)
    expect(few.most).toBeLessThanOrEqual(3)
    expect(few.values).toEqual(read(64).values)
  })
})
