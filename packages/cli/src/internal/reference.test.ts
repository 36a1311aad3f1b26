import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { COMMANDS } from '../commands/index.js'
import { docket } from './testing.js'
import * as Reference from './reference.js'

const path = fileURLToPath(new URL('../../../../docs/cli.md', import.meta.url))

describe('docs/cli.md', () => {
  it('holds the reference generated from the command declarations', () => {
    const text = readFileSync(path, 'utf8')
    const current = Reference.update(text, COMMANDS)
    if (process.env.DOCKET_UPDATE_DOCS === '1' && current !== text) writeFileSync(path, current)
    expect(
      text,
      'docs/cli.md is out of date with the commands: run DOCKET_UPDATE_DOCS=1 ./node_modules/.bin/vitest run packages/cli/src/internal/reference.test.ts',
    ).toBe(current)
  })

  it('names what every option of a shipped command takes (`--out <FILE>`, never `<value>`)', () => {
    const unnamed = COMMANDS.flatMap((c) =>
      c.options
        .filter((o) => o.kind === 'string' && o.value === undefined)
        .map((o) => `docket ${c.name} --${o.name}`),
    )
    expect(unnamed).toEqual([])
  })

  it('documents every option that --help shows, and no other', async () => {
    const text = readFileSync(path, 'utf8')
    for (const c of COMMANDS) {
      const help = (await docket([c.name, '--help'])).stdout
      const inHelp = new Set([...help.matchAll(/^ {2}(--[a-z][a-z-]*)/gm)].map((m) => m[1]))
      const block = text.slice(text.indexOf(`### \`docket ${c.name}\``))
      const section = block.slice(0, block.indexOf('\n### ', 1) < 0 ? undefined : block.indexOf('\n### ', 1))
      const inDocs = new Set([...section.matchAll(/^- `(--[a-z][a-z-]*)/gm)].map((m) => m[1]))
      expect(inDocs, c.name).toEqual(inHelp)
    }
  })
})
