import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as Workspace from './Workspace.js'

const pkgs = Workspace.packages()

describe('release configuration', () => {
  it('every published package is @docket/* and they all share one version', () => {
    expect(pkgs.length).toBeGreaterThanOrEqual(4)
    for (const p of pkgs) expect(p.name).toMatch(/^@docket\//)
    expect(new Set(pkgs.map((p) => p.version)).size).toBe(1)
  })

  it('changesets releases them as one fixed group and never versions private packages', () => {
    const config = JSON.parse(readFileSync(join(Workspace.root, '.changeset/config.json'), 'utf8')) as {
      fixed: string[][]
      privatePackages: { version: boolean; tag: boolean }
    }
    expect(config.fixed).toEqual([['@docket/*']])
    expect(config.privatePackages).toEqual({ version: false, tag: false })
  })

  it('internal dependencies use the workspace protocol (pnpm pack turns them into the shared version)', () => {
    for (const p of pkgs) {
      for (const [dep, range] of Object.entries(p.manifest.dependencies ?? {})) {
        if (dep.startsWith('@docket/')) expect(range, `${p.name} → ${dep}`).toBe('workspace:*')
      }
    }
  })

  it('reads entry points from exports maps, skipping internal/ and package.json', () => {
    expect(
      Workspace.entries({
        name: '@x/y',
        version: '1.0.0',
        exports: { '.': {}, './a': {}, './internal/*': null, './package.json': './package.json' },
      }),
    ).toEqual(['@x/y', '@x/y/a'])
    expect(Workspace.tarballName({ name: '@docket/core', version: '0.1.0' })).toBe('docket-core-0.1.0.tgz')
  })
})

describe('no deep imports', () => {
  it('examples and docs import @docket/* only through exports entries', () => {
    const allowed = new Set(pkgs.flatMap((p) => p.entries))
    const files = execFileSync('git', ['ls-files', 'examples', 'docs', 'README.md'], {
      cwd: Workspace.root,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((f) => /\.(ts|md)$/.test(f))
    const deep: string[] = []
    for (const f of files) {
      const text = readFileSync(join(Workspace.root, f), 'utf8')
      for (const m of text.matchAll(/from\s+['"](@docket\/[^'"]+)['"]/g)) {
        if (!allowed.has(m[1]!)) deep.push(`${f}: ${m[1]}`)
      }
    }
    expect(files.length).toBeGreaterThan(0)
    expect(deep).toEqual([])
  })
})

describe('library code', () => {
  it('never calls console (hosts get records through Observability.Logger or a log function)', () => {
    const files = execFileSync('git', ['ls-files', 'packages/*/src/**.ts', 'packages/*/src/*.ts'], {
      cwd: Workspace.root,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((f) => f.endsWith('.ts') && !/\.test\.ts$|\/testing\/|^packages\/consumer-test\//.test(f))
    const calls: string[] = []
    for (const f of files) {
      readFileSync(join(Workspace.root, f), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/\bconsole\.(log|info|warn|error|debug|trace)\(/.test(line) && !/^\s*(\/\/|\*)/.test(line)) {
            calls.push(`${f}:${i + 1}`)
          }
        })
    }
    expect(files.length).toBeGreaterThan(20)
    expect(calls).toEqual([])
  })
})
