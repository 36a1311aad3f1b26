/**
 * The API reference builds: TypeDoc over every entry point of every
 * published package (`typedoc.json`), with no errors, into a scratch folder.
 * `npx -y pnpm@10.34.9 docs:api` writes the same into docs/reference/.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const config = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as { entryPoints: string[] }

/** Every `exports` entry of every published package, as the source file TypeDoc should read. */
const exportedSources = (): string[] =>
  readdirSync(join(root, 'packages'))
    .map((d) => join('packages', d))
    .filter((d) => existsSync(join(root, d, 'package.json')))
    .flatMap((d) => {
      const m = JSON.parse(readFileSync(join(root, d, 'package.json'), 'utf8')) as {
        private?: boolean
        exports?: Record<string, { types?: string } | string | null>
      }
      if (m.private === true) return []
      return Object.entries(m.exports ?? {})
        .filter(([k, v]) => v !== null && typeof v === 'object' && !k.includes('*'))
        .map(([, v]) =>
          join(d, (v as { types: string }).types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts')),
        )
    })
    .sort()

describe('API reference (TypeDoc)', () => {
  it('typedoc.json lists exactly the entry points of the exports maps', () => {
    expect([...config.entryPoints].sort()).toEqual(exportedSources())
  })

  it('builds without errors', () => {
    const out = mkdtempSync(join(tmpdir(), 'docket-api-'))
    try {
      const r = spawnSync(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--out', out], {
        cwd: root,
        encoding: 'utf8',
      })
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0)
      expect(existsSync(join(out, 'index.html'))).toBe(true)
      expect(execFileSync('ls', [join(out, 'modules')], { encoding: 'utf8' })).toMatch(/core/)
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  }, 180_000)
})
