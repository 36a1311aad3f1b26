/**
 * The publishable packages of this workspace, read from their manifests: what
 * a user can install, and every entry point a user can import. It is not a
 * package manager: it only reads `packages/*\/package.json`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

// model

/** One publishable package. */
export interface Package {
  readonly name: string
  readonly version: string
  readonly dir: string
  /** Import specifiers of every entry point (`@docket/core`, `@docket/core/testing`…), from the `exports` map. */
  readonly entries: ReadonlyArray<string>
  /** `bin` name → file inside the package. */
  readonly bins: Readonly<Record<string, string>>
  readonly manifest: Manifest
}

/** The fields of `package.json` this module reads. */
export interface Manifest {
  readonly name: string
  readonly version: string
  readonly private?: boolean
  readonly exports?: Readonly<Record<string, unknown>>
  readonly bin?: string | Readonly<Record<string, string>>
  readonly scripts?: Readonly<Record<string, string>>
  readonly dependencies?: Readonly<Record<string, string>>
  readonly devDependencies?: Readonly<Record<string, string>>
  readonly peerDependencies?: Readonly<Record<string, string>>
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>
  readonly sideEffects?: boolean
  readonly type?: string
  readonly engines?: Readonly<Record<string, string>>
}

// constructors

/** The repository root (three levels above this file, in `src/` or `dist/`). */
export const root: string = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..')

/** Reads one manifest. */
export const manifest = (dir: string): Manifest =>
  JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest

/** Every package under `packages/` that is not private, sorted by name. */
export const packages = (repo: string = root): ReadonlyArray<Package> =>
  readdirSync(join(repo, 'packages'))
    .map((d) => join(repo, 'packages', d))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: manifest(dir) }))
    .filter(({ manifest: m }) => m.private !== true)
    .map(({ dir, manifest: m }) => ({
      name: m.name,
      version: m.version,
      dir,
      entries: entries(m),
      bins: bins(m),
      manifest: m,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))

// operations

/** Import specifiers of the `exports` map: concrete subpaths with a target, except `./package.json`. */
export const entries = (m: Manifest): ReadonlyArray<string> =>
  Object.entries(m.exports ?? { '.': true })
    .filter(([key, target]) => target !== null && !key.includes('*') && key !== './package.json')
    .map(([key]) => (key === '.' ? m.name : `${m.name}/${key.slice(2)}`))

/** `bin` as a map, whatever form the manifest uses. */
export const bins = (m: Manifest): Readonly<Record<string, string>> =>
  m.bin === undefined
    ? {}
    : typeof m.bin === 'string'
      ? { [m.name.split('/').pop() ?? m.name]: m.bin }
      : m.bin

/** The file name `pnpm pack` gives a package's tarball. */
export const tarballName = (p: Pick<Package, 'name' | 'version'>): string =>
  `${p.name.replace(/^@/, '').replace('/', '-')}-${p.version}.tgz`

/** Lifecycle scripts that would run on a user's machine at install time. */
export const installScripts = (m: Manifest): ReadonlyArray<string> =>
  ['preinstall', 'install', 'postinstall', 'prepare'].filter((s) => m.scripts?.[s] !== undefined)
