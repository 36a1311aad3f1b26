// docs/events.md, the reference of every event type and field, is generated from the codecs.
// Run with DOCKET_WRITE_DOCS=1 to regenerate it; without it a stale page fails.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { EVENT_TYPES } from '../Event.js'
import * as PersonalData from '../PersonalData.js'
import * as EventsPage from './eventsPage.js'

const page = fileURLToPath(new URL('../../../../docs/events.md', import.meta.url))
const write = process.env.DOCKET_WRITE_DOCS === '1'

describe('docs/events.md', () => {
  const body = EventsPage.markdown()

  it('has a section for every event type', () => {
    for (const type of EVENT_TYPES) expect(body).toContain(`\n### \`${type}\`\n`)
  })

  it('marks exactly the personal fields ‡', () => {
    const marked: string[] = []
    let type = ''
    for (const m of body.matchAll(/^### `(\w+)`$|^\| `([^`]+)` ‡ \|/gm)) {
      if (m[1] !== undefined) type = m[1]
      else marked.push(`${type}.${m[2]}`)
    }
    const expected = Object.entries(PersonalData.FIELDS).flatMap(([type, fields]) =>
      (fields ?? []).map((f) => `${type}.${f.path.join('.')}`),
    )
    expect(marked.sort()).toEqual(expected.sort())
  })

  it('says what the codecs require (the fields a user learned from a 400)', () => {
    const section = body.split('\n### `ReviewDecided`\n')[1]!.split('\n### ')[0]!
    expect(section).toContain('| `reviewId` | string | yes |')
    expect(section).toContain('| `automation` | one of `fully`, `partially`, `not` | yes |')
    expect(section).toContain('| `explanation` ‡ | string | no |')
    expect(body).toContain('| `occurredAt` | ISO-8601 timestamp with offset')
    expect(body).toContain('| `until` | ISO-8601 timestamp with offset | one of `until`, `by` |')
  })

  it('is in step with the codecs', () => {
    if (write) writeFileSync(page, body)
    expect(existsSync(page), `${page} is missing: regenerate with DOCKET_WRITE_DOCS=1`).toBe(true)
    expect(
      readFileSync(page, 'utf8'),
      `${page} is stale: regenerate with DOCKET_WRITE_DOCS=1 ./node_modules/.bin/vitest run packages/core/src/internal/eventsPage.test.ts`,
    ).toBe(body)
  })
})
