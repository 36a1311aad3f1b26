/**
 * A package as its users receive it: the `.tgz` that `pnpm pack` writes
 * (workspace and catalog versions replaced by real ones, only the `files`
 * allow-list inside), and the two linters that judge it as published —
 * publint (manifest and `exports` map) and Are The Types Wrong (type
 * resolution, with the `esm-only` profile since Docket ships no CommonJS).
 * It does not publish anything.
 */
import { join } from 'node:path'
import * as Exec from './internal/exec.js'
import * as Workspace from './Workspace.js'

// model

/** The verdict of one linter on one tarball. */
export interface Verdict {
  readonly ok: boolean
  /** What the linter printed, for the failure message. */
  readonly output: string
}

// constants

/** The pinned pnpm, as in the team's commands. */
export const PNPM = ['-y', 'pnpm@10.34.9'] as const

const bin = (name: string): string => join(Workspace.root, 'node_modules', '.bin', name)

// operations

/** Packs one package into `dest` and returns the tarball's path. */
export const pack = async (pkg: Workspace.Package, dest: string): Promise<string> => {
  await Exec.run('npx', [...PNPM, 'pack', '--pack-destination', dest], { cwd: pkg.dir })
  return join(dest, Workspace.tarballName(pkg))
}

/** publint on a tarball, warnings counted as errors (`--strict`). */
export const publint = async (tarball: string): Promise<Verdict> => {
  const r = await Exec.exec(bin('publint'), ['run', '--strict', tarball], { cwd: Workspace.root })
  return { ok: r.code === 0, output: `${r.stdout}${r.stderr}` }
}

/** Are The Types Wrong on a tarball, with the `esm-only` profile (CommonJS `require` is not supported, by design). */
export const attw = async (tarball: string): Promise<Verdict> => {
  const r = await Exec.exec(
    bin('attw'),
    [tarball, '--profile', 'esm-only', '--format', 'ascii', '--no-emoji', '--no-color'],
    { cwd: Workspace.root },
  )
  return { ok: r.code === 0, output: `${r.stdout}${r.stderr}` }
}
