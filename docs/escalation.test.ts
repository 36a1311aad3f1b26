// Checks that docs/escalation.md describes the engine that exists: the profile example decodes,
// the reason table lists exactly the engine's reason codes, and the documented defaults are the code's.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Escalation, Profile } from '@docket/core'
import { describe, expect, it } from 'vitest'
import { blocks } from './internal/markdown.js'

const path = fileURLToPath(new URL('./escalation.md', import.meta.url))
const text = readFileSync(path, 'utf8')
const json = blocks(path, text).filter((b) => b.info[0] === 'json')

describe('docs/escalation.md', () => {
  it('configures a ladder with a profile that decodes', () => {
    const decoded = Profile.decode(JSON.parse(json[0]?.code ?? ''))
    expect(decoded._tag).toBe('Right')
    if (decoded._tag === 'Left') return
    const config = Escalation.configOf(decoded.right)
    expect(config.ladder.map((l) => l.name)).toEqual([
      'frontline',
      'child-safety specialist',
      'legal',
      'executive',
    ])
    expect(config.levels.repeat_report).toBe(2)
    expect(config.repeatReports).toEqual([10, 100, 1_000])
  })

  it('lists every reason code, and only those', () => {
    const rows = [...text.matchAll(/^\| `([a-z_]+)`\s+\|/gm)].map((m) => m[1])
    expect(rows).toEqual([...Escalation.REASONS])
  })

  it('states the defaults the code uses', () => {
    const d = Escalation.configOf(Profile.DEFAULTS)
    expect(d.specialistLevel).toBe(2)
    expect(d.reach.views).toEqual([10_000, 100_000, 1_000_000])
    expect(d.reach.shares).toEqual([1_000, 10_000])
    expect(d.repeatReports).toEqual([10, 100, 1_000])
    expect(text).toMatch(/\| `repeatReports` +\|.*\| 10 \/ 100 \/ 1,000 +\|/)
    expect(d.timePages).toBe('perObligation')
    expect(text).toMatch(/\| `timePages` +\|.*\| `perObligation` +\|/)
    expect(Profile.DEFAULT_LADDER.map((l) => [l.name, l.acknowledgeWithin])).toEqual([
      ['frontline', 'PT1H'],
      ['child-safety specialist', 'PT30M'],
      ['legal', 'PT1H'],
      ['executive', undefined],
    ])
    expect(text).toContain(
      'frontline (`PT1H`) → child-safety\nspecialist (`PT30M`) → legal (`PT1H`) → executive',
    )
  })

  it('shows a webhook body with exactly the fields of a notification', () => {
    const body = json.map((b) => b.code).find((c) => c.includes('"idempotencyKey"'))
    expect(Object.keys(JSON.parse(body ?? '{}')).sort()).toEqual(
      [
        'idempotencyKey',
        'caseId',
        'escalationId',
        'level',
        'levelName',
        'notify',
        'reason',
        'obligationId',
        'at',
        'repeat',
        'missedObligation',
      ].sort(),
    )
  })
})
