import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openFiles } from '../internal/openFiles.js'
import * as GlobalIds from './GlobalIds.js'

let dir: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-global-ids-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** The events of an input: id and case, line `i + 1`. */
type Lines = ReadonlyArray<readonly [string, string]>

/**
 * The oracle, holding every id: the id given in two cases whose second case's line comes first
 * (its first line, and that line), or `undefined`.
 */
const oracle = (lines: Lines): GlobalIds.IdInTwoCases | undefined => {
  const first = new Map<string, { readonly caseId: string; readonly line: number }>()
  for (const [i, [id, caseId]] of lines.entries()) {
    const earlier = first.get(id)
    if (earlier === undefined) first.set(id, { caseId, line: i + 1 })
    else if (earlier.caseId !== caseId)
      return {
        _tag: 'IdInTwoCases',
        eventId: id,
        caseId: earlier.caseId,
        line: earlier.line,
        otherCaseId: caseId,
        otherLine: i + 1,
      }
  }
  return undefined
}

const checked = (
  lines: Lines,
  options: Omit<GlobalIds.Options, 'dir'>,
): GlobalIds.IdInTwoCases | undefined => {
  const ids = GlobalIds.make({ ...options, dir })
  try {
    for (const [i, [id, caseId]] of lines.entries()) ids.note(id, caseId, i + 1)
    return ids.check()
  } finally {
    ids.close()
  }
}

/** Ids and cases from small pools (so that ids repeat, in their case or in another), with what a key could trip on. */
const name = fc.oneof(
  fc.constantFrom(
    'e1',
    'e2',
    'e 3',
    'e\u00004',
    '\u0000',
    'é5',
    '\ud83d\ude00',
    '\ud800',
    '\udc00',
    'j1',
    '',
    '1 2',
  ),
  fc.string({ unit: 'binary', maxLength: 4 }),
)
const lines = fc.array(fc.tuple(name, fc.constantFrom('c1', 'c2', 'c 3', '\u0000c', '\udfff', '')), {
  maxLength: 60,
})

describe('GlobalIds', () => {
  it('finds the id given in two cases that a Set of every id finds, whatever the runs and hash collisions (property)', () => {
    fc.assert(
      fc.property(
        lines,
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom<Array<((id: string) => number) | undefined>>(
          undefined,
          () => 7,
          (id) => id.length % 3,
        ),
        // a merge of all the runs at once, or in passes of a few
        fc.constantFrom(64, 2, 3, 5),
        (ls, chunk, hash, fanIn) => {
          expect(checked(ls, { chunk, fanIn, ...(hash === undefined ? {} : { hash }) })).toEqual(oracle(ls))
        },
      ),
      { numRuns: 400 },
    )
  })

  it('accepts ids whose hashes all collide when each is in one case, and repeats within a case', () => {
    const ls: Lines = Array.from({ length: 1000 }, (_, i) => [`e${i % 500}`, `c${i % 500}`] as const)
    expect(checked(ls, { chunk: 64, hash: () => 1 })).toBeUndefined()
    expect(checked([...ls, ['e7', 'c8']], { chunk: 64, hash: () => 1 })).toEqual({
      _tag: 'IdInTwoCases',
      eventId: 'e7',
      caseId: 'c7',
      line: 8,
      otherCaseId: 'c8',
      otherLine: 1001,
    })
  })

  it('merges its runs in passes: the check holds at most `fanIn` of them open, and finds what one merge finds', (ctx) => {
    const before = openFiles(dir)
    if (before === undefined) return ctx.skip()
    // 2,000 runs of one note each: ids in one case each, but for two lines far apart
    const ls: Lines = Array.from({ length: 2_000 }, (_, i) =>
      i === 1_900 ? (['e3', 'other'] as const) : ([`e${i}`, `c${i % 9}`] as const),
    )
    for (const fanIn of [8, 64]) {
      const ids = GlobalIds.make({ dir, chunk: 1, fanIn })
      try {
        for (const [i, [id, caseId]] of ls.entries()) ids.note(id, caseId, i + 1)
        expect(ids.check()).toEqual(oracle(ls))
        // the runs its merge reads stay open until `close`; the texts' file is one more
        expect(openFiles(dir)! - before).toBeLessThanOrEqual(fanIn + 1)
      } finally {
        ids.close()
      }
    }
  })

  it('leaves no file behind, checked or not', () => {
    const under = fs.mkdtempSync(path.join(dir, 'under-'))
    for (const check of [true, false]) {
      const ids = GlobalIds.make({ dir: under, chunk: 2 })
      for (let i = 0; i < 9; i++) ids.note(`e${i}`, 'c', i + 1)
      if (check) expect(ids.check()).toBeUndefined()
      ids.close()
      expect(fs.readdirSync(under)).toEqual([])
    }
  })

  it('names the id, both cases and both lines, and says nothing was written', () => {
    expect(
      GlobalIds.describe({
        _tag: 'IdInTwoCases',
        eventId: 'e1',
        caseId: 'a',
        line: 3,
        otherCaseId: 'b',
        otherLine: 7,
      }),
    ).toBe(
      'event id e1 is given in two cases: case a (line 3) and case b (line 7): an event id is stored once, in one case ' +
        '(an IdempotencyConflict, as an import of the input would refuse it). Nothing was written.',
    )
  })
})
