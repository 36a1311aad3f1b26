// docs/policies/custom.md's table of which condition field applies to which event types is the
// one the event codecs give. Run with DOCKET_WRITE_DOCS=1 to rewrite it; without, a stale table fails.
import { readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as ConditionFields from './conditionFields.js'

const page = new URL('../../../../docs/policies/custom.md', import.meta.url)
const begin = '<!-- BEGIN GENERATED: ConditionFields.markdownTable (regenerate with DOCKET_WRITE_DOCS=1) -->'
const end = '<!-- END GENERATED -->'

/** The page with its generated section replaced by `table`. */
const withTable = (text: string, table: string): string => {
  const from = text.indexOf(begin)
  const to = text.indexOf(end, from)
  if (from < 0 || to < 0) throw new Error(`docs/policies/custom.md lacks the markers ${begin} … ${end}`)
  return `${text.slice(0, from + begin.length)}\n${table}\n${text.slice(to)}`
}

describe('ConditionFields', () => {
  it('lists where each field applies with the values the codecs give', () => {
    const outcome = ConditionFields.appliesTo('outcome')
    expect(outcome.flatMap((g) => g.types)).toEqual(
      expect.arrayContaining(['ReviewDecided', 'AppealDecided']),
    )
    expect(outcome.find((g) => g.types.includes('ReviewDecided'))?.values).toContain('no_violation')
    expect(ConditionFields.appliesTo('legalBasis').every((g) => g.values === undefined)).toBe(true)
    expect(ConditionFields.appliesTo('channel').flatMap((g) => g.types)).toEqual(['ContentReported'])
  })

  it('docs/policies/custom.md shows the table the codecs give', () => {
    const text = readFileSync(page, 'utf8')
    const expected = withTable(text, ConditionFields.markdownTable())
    if (process.env.DOCKET_WRITE_DOCS === '1') writeFileSync(page, expected)
    expect(text, 'docs/policies/custom.md is stale: regenerate with DOCKET_WRITE_DOCS=1').toBe(expected)
  })
})
