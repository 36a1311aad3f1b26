// Every encoded rule and metadata entry against its row of the legal reference
// (shared/reference/legal.md, read at test time): id mapping (cli.md), citation,
// dates in force and confidence. No placeholder passes.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import * as Catalog from './Catalog.js'
import * as Policy from './Policy.js'

const path = fileURLToPath(new URL('../../../../shared/reference/legal.md', import.meta.url))
const present = existsSync(path)
if (!present) {
  console.warn(
    'SKIPPED legal-reference checks: they need the shared legal reference beside the repository (../shared/reference/legal.md), absent in a clone without it.',
  )
}
const doc = present ? readFileSync(path, 'utf8') : ''

interface Row {
  readonly id: string
  readonly line: string
  readonly cells: ReadonlyArray<string>
}

const rows: ReadonlyArray<Row> = doc
  .split('\n')
  .filter((l) => /^\| [a-z][a-z0-9-]*(\/[A-Za-z0-9-]+)? \|/.test(l))
  .map((line) => {
    const cells = line
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((c) => c.trim())
    return { id: cells[0]!, line, cells }
  })
const row = (id: string): Row | undefined => rows.find((r) => r.id === id)
/** A row's text, followed by the rows it points back to ("same", "as above"). */
const withAbove = (r: Row): string => {
  const i = rows.indexOf(r)
  const back = ['same', 'as above'].includes(r.cells[8] ?? '') && i > 0 ? withAbove(rows[i - 1]!) : ''
  return `${r.line}\n${back}`
}
const crossCheck = doc.slice(doc.indexOf('### Cross-check of key facts'))
/** The paragraphs opening the section a row sits in: from its `###` heading to its table. */
const sectionIntro = (r: Row): string => {
  const at = doc.indexOf(r.line)
  const heading = doc.lastIndexOf('\n### ', at)
  return doc.slice(heading, doc.indexOf('\n| id |', heading))
}

/** cli.md: row prefixes onto policy ids (and the documented extra placements of this package). */
const PREFIX: Readonly<Record<string, string>> = {
  'us-tida': 'us-take-it-down',
  'in-itr': 'in-it-rules',
  'ca-mra': 'ca-mandatory-reporting',
  'eu-eevidence': 'eu-e-evidence',
  'br-eca-digital': 'br-eca-digital',
  // Not in cli.md's list; placed in the module of the duty they belong to:
  'us-2258b': 'us-2258a',
  'eu-ir2024-2835': 'eu-dsa',
  'eu-2021-1232': 'eu-dsa',
  'ca-2024c23': 'ca-mandatory-reporting',
}
const policyOf = (rowId: string): string => {
  const prefix = rowId.split('/')[0]!
  return PREFIX[prefix] ?? prefix
}

/** The row's confidence label, as the reference defines them (P, S, UNCONFIRMED). */
const confidenceOf = (r: Row): 'primary' | 'secondary' | 'unconfirmed' => {
  const source = r.cells[10] ?? ''
  const clock = r.cells[6] ?? ''
  if (/^UNCONFIRMED/.test(source) || /treat as UNCONFIRMED/.test(source) || clock === 'UNCONFIRMED') {
    return 'unconfirmed'
  }
  const m = /^(P|S)\b/.exec(source)
  if (m === null) throw new Error(`row ${r.id}: no confidence label in "${source.slice(0, 40)}"`)
  return m[1] === 'P' ? 'primary' : 'secondary'
}

/** The first section-like token of the row's instrument cell (`§ 2258A(h)`, `Art. 16`, `s. 77`, `Rule 3(1)(d)`). */
const sectionOf = (r: Row): string | null => {
  const m = /(§ ?\d+[A-Za-z]?|Art\. \d+|art\. [\d-]+|ss?\. \d+[A-Z]?|Rule \d+[A-Z]?)/.exec(r.cells[2] ?? '')
  return m === null ? null : m[1]!
}

const norm = (s: string): string => s.replace(/\s+/g, ' ').replace(/§ /g, '§')

const everyRule = Policy.rules()
const everyEntry = Policy.all.flatMap((p) => p.entries)

describe.skipIf(!present)('the legal reference', () => {
  it('has rows to check against', () => {
    expect(rows.length).toBeGreaterThan(60)
  })

  it('gives every rule and entry a row whose id maps onto its policy and rule (cli.md)', () => {
    for (const r of [...everyRule, ...everyEntry]) {
      const found = row(r.row)
      expect(found, `${r.policy}/${r.rule}: row ${r.row}`).toBeDefined()
      expect(policyOf(r.row), r.row).toBe(r.policy)
      const name = r.row.split('/')[1]
      if (name !== undefined && !['eu-ir2024-2835', 'eu-2021-1232'].includes(r.row.split('/')[0]!)) {
        expect(r.rule === name || r.rule.startsWith(`${name}-`), `${r.policy}/${r.rule} vs ${r.row}`).toBe(
          true,
        )
      }
    }
  })

  it('encodes every row of the thirteen modules, as a rule or a metadata entry', () => {
    const modules = new Set(Policy.all.map((p) => p.id))
    const encoded = new Set([...everyRule, ...everyEntry].map((r) => r.row))
    const missing = rows.filter((r) => modules.has(policyOf(r.id)) && !encoded.has(r.id)).map((r) => r.id)
    expect(missing).toEqual([])
  })

  it('says on the index page why each row outside the modules is not encoded, and names no other', () => {
    const modules = new Set(Policy.all.map((p) => p.id))
    const headers = new Set(['id', 'date'])
    const outside = rows.filter((r) => !headers.has(r.id) && !modules.has(policyOf(r.id))).map((r) => r.id)
    expect(Catalog.NOT_ENCODED.map((n) => n.id)).toEqual(outside)
  })

  it('labels every rule and entry with its row’s confidence, or the cross-check’s where it corrects the row', () => {
    for (const r of everyRule) {
      if (r.confidenceFrom === undefined) {
        expect(r.confidence, r.row).toBe(confidenceOf(row(r.row)!))
        continue
      }
      expect(norm(crossCheck), `${r.row}: "${r.confidenceFrom}" in the cross-check`).toContain(
        norm(r.confidenceFrom),
      )
      const label = /\((P|S)\)$/.exec(r.confidenceFrom)?.[1]
      expect(r.confidence, r.row).toBe(label === 'P' ? 'primary' : label === 'S' ? 'secondary' : 'no label')
    }
    for (const e of everyEntry) {
      // Authority-side rows mix labels; their entries carry the label of the number they describe.
      if (e.row === 'eu-tco/3-2-first-order') continue
      expect(e.confidence, e.row).toBe(confidenceOf(row(e.row)!))
    }
  })

  it('cites the section its row names', () => {
    for (const r of [...everyRule, ...everyEntry]) {
      const section = sectionOf(row(r.row)!)
      if (section === null) continue
      const citations = 'versions' in r ? r.versions.map((v) => v.citation) : [r.citation]
      expect(
        citations.some((c) => norm(c).includes(norm(section))),
        `${r.policy}/${r.rule}: ${section} in ${citations.join(' / ')}`,
      ).toBe(true)
    }
  })

  it('starts every version on a date the reference gives, read in a named zone', () => {
    for (const r of everyRule) {
      for (const v of r.versions) {
        const date = v.validFrom.slice(0, 10)
        expect(v.validFrom, `${r.row} validFrom`).toMatch(
          /^\d{4}-\d{2}-\d{2}T00:00:00\.000([+-]\d{2}:\d{2}|Z)$/,
        )
        if (date === '1970-01-01') {
          expect(row(r.row)!.cells[8], r.row).toContain('long-standing')
          continue
        }
        const where =
          v.dateSource === 'cross-check'
            ? crossCheck
            : v.dateSource === 'section'
              ? sectionIntro(row(r.row)!)
              : v.dateSource !== undefined
                ? withAbove(row(v.dateSource)!)
                : withAbove(row(r.row)!)
        const wanted = v.datePrecision === 'year' ? date.slice(0, 4) : date
        expect(where, `${r.policy}/${r.rule}: ${wanted} (from ${v.validFrom})`).toContain(wanted)
      }
    }
  })

  it('chains versions: each ends where the next begins, and the last end is in the row', () => {
    for (const r of everyRule) {
      r.versions.forEach((v, i) => {
        const next = r.versions[i + 1]
        if (next !== undefined) expect(v.validTo, `${r.row} version ${i}`).toBe(next.validFrom)
        else if (v.validTo !== null) expect(withAbove(row(r.row)!)).toContain(v.validTo.slice(0, 10))
      })
    }
  })

  it('matches the machine form of the deadline for rules with a number', () => {
    // Unconfirmed rows may give no machine form ("believed to be the same 24 h"): their rules are off by default.
    for (const r of everyRule.filter((x) => x.confidence !== 'unconfirmed' && x.internal !== true)) {
      const deadline = row(r.row)!.cells[5] ?? ''
      for (const v of r.versions) {
        if (v.period.duration === null || v.period.clock === 'event') continue
        expect(deadline, `${r.policy}/${r.rule}: ${v.period.duration}`).toContain(v.period.duration)
      }
    }
  })

  it('takes the number of an internal target on a row from the row’s own words (a precondition, not a duty)', () => {
    const internal = everyRule.filter((x) => x.internal === true)
    expect(internal.length).toBeGreaterThan(0)
    for (const r of internal) {
      for (const v of r.versions) {
        const hours = /^PT(\d+)H$/.exec(v.period.duration ?? '')
        expect(hours, `${r.policy}/${r.rule}: ${v.period.duration} in hours`).not.toBeNull()
        // The row's own spelling: "48 hours" (s. 88 quotes the Act), "48 h" (s. 65 summarises it).
        const words = new RegExp(`\\b${hours![1]} h(ours)?\\b`)
        expect(row(r.row)!.line, `${r.policy}/${r.rule}`).toMatch(words)
        expect(v.quote, `${r.policy}/${r.rule}`).toMatch(words)
      }
    }
  })
})
