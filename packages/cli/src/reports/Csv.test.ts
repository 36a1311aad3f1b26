/**
 * The `csv` report read back: no user-supplied cell runs as a formula in a spreadsheet or reorders
 * its text with a bidirectional control.
 */
import { stringify } from 'csv-stringify/sync'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { parseCsv } from '../internal/testing.js'
import * as Fixtures from '../testing/ReplayFixtures.js'
import * as Csv from './Csv.js'
import * as Report from './Report.js'

const FORMULA = /^[=+\-@\t\r]/
const CONTROLS = /[\u202A-\u202E\u2066-\u2069]/

const text = fc
  .array(
    fc.constantFrom(
      '=',
      '+',
      '-',
      '@',
      '\t',
      '\r',
      '\n',
      '"',
      ',',
      "'",
      'a',
      '1',
      ' ',
      '\u202E',
      '\u2066',
      '\u2069',
      'ש',
    ),
    { maxLength: 10 },
  )
  .map((parts) => parts.join(''))

describe('csv report: formulas and bidirectional controls', () => {
  it('no cell starts a formula or holds a bidirectional control, and it reads back as written', () => {
    fc.assert(
      fc.property(text, (s) => {
        const c = Csv.cell(s)
        expect(c).not.toMatch(FORMULA)
        expect(c).not.toMatch(CONTROLS)
        expect(parseCsv(stringify([[c, 'x']], Csv.OPTIONS))).toEqual([[c, 'x']])
        // nothing else changes: without controls, only a formula's first character gains a quote
        if (!CONTROLS.test(s)) expect(c).toBe(FORMULA.test(s) ? `'${s}` : s)
      }),
      { numRuns: 1000 },
    )
  })

  it('a line break in a user-supplied cell is quoted: it cannot start a record, nor a formula there', async () => {
    for (const nl of ['\n', '\r', '\r\n']) {
      const events = Fixtures.cases().map((e) => ({ ...e, caseId: `${e.caseId}${nl}=1+1` }))
      const built = await Report.build(events)
      if (E.isLeft(built)) throw new Error('replay failed')
      const rows = parseCsv(Csv.render(built.right))
      const obligations = [...built.right.cases].flatMap((c) => c.obligations)
      expect(rows).toHaveLength(obligations.length + 1)
      for (const row of rows) expect(row).toHaveLength(Csv.COLUMNS.length)
      const ids = new Set([...built.right.cases].map((c) => c.caseId))
      for (const row of rows.slice(1)) expect(ids.has(row[1]!)).toBe(true)
    }
  })

  it('every user-supplied cell of a report (case ids, event ids) is shown and guarded', async () => {
    const events = Fixtures.cases().map((e) => ({
      ...e,
      caseId: `\u202E${e.caseId}`,
      id: `@${e.id}\u2066`,
    }))
    const built = await Report.build(events)
    if (E.isLeft(built)) throw new Error('replay failed')
    const rows = parseCsv(Csv.render(built.right))
    expect(rows.length).toBeGreaterThan(2)
    for (const row of rows) for (const c of row) expect(c).not.toMatch(CONTROLS)
    for (const row of rows) for (const c of row) expect(c).not.toMatch(FORMULA)
    const col = (name: (typeof Csv.COLUMNS)[number]): number => Csv.COLUMNS.indexOf(name)
    const row = rows[1]!
    expect(row[col('caseId')]).toMatch(/^\[U\+202E\]eu-/)
    expect(row[col('triggeredBy')]).toMatch(/^'@.*\[U\+2066\]$/)
  })
})
