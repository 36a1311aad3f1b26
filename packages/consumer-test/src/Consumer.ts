/**
 * A scratch consumer project outside the repository (so that nothing the
 * monorepo has installed can mask a missing dependency) that installs the
 * packed tarballs with plain `npm`, exactly as a user would, then imports
 * every entry point under a given Node.js and type-checks an importer with
 * `module: NodeNext`. It is a test fixture, not a template for users.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import * as Exec from './internal/exec.js'
import type * as Runtime from './Runtime.js'
import * as Workspace from './Workspace.js'

// model

/** A scratch project with the tarballs installed. */
export interface Project {
  readonly dir: string
  /** Import specifiers this project should be able to load. */
  readonly entries: ReadonlyArray<string>
}

/** What importing one entry point gave. */
export type Loaded =
  | { readonly _tag: 'Loaded'; readonly entry: string; readonly exports: ReadonlyArray<string> }
  | { readonly _tag: 'Failed'; readonly entry: string; readonly code: string; readonly message: string }

// constructors

/**
 * Creates a project in a fresh temporary directory and `npm install`s the
 * tarballs (every `@docket/*` dependency pinned to its tarball through
 * `overrides`) plus `extra` registry packages (`name → version`).
 */
export const install = async (
  tarballs: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>>,
  entries: ReadonlyArray<string>,
): Promise<Project> => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-consumer-'))
  const files = Object.fromEntries(Object.entries(tarballs).map(([name, path]) => [name, `file:${path}`]))
  const manifest = {
    name: 'docket-consumer',
    private: true,
    type: 'module',
    dependencies: { ...files, ...extra },
    overrides: files,
  }
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  // Install scripts of third-party packages are not ours to test; ours must have none (checked apart).
  await Exec.run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd: dir,
    timeoutMs: 540_000,
  })
  return { dir, entries }
}

// operations

const IMPORTER = `
const results = []
for (const entry of JSON.parse(process.argv[2])) {
  try {
    const m = await import(entry)
    results.push({ _tag: 'Loaded', entry, exports: Object.keys(m).sort() })
  } catch (e) {
    results.push({ _tag: 'Failed', entry, code: String(e?.code ?? ''), message: String(e?.message ?? e) })
  }
}
process.stdout.write(JSON.stringify(results))
`

/** Imports every entry point of the project in a fresh process of `runtime`. */
export const importAll = async (
  project: Project,
  runtime: Runtime.Runtime,
): Promise<ReadonlyArray<Loaded>> => {
  writeFileSync(join(project.dir, 'import-all.mjs'), IMPORTER)
  const r = await Exec.run(runtime.bin, ['import-all.mjs', JSON.stringify(project.entries)], {
    cwd: project.dir,
  })
  return JSON.parse(r.stdout) as ReadonlyArray<Loaded>
}

/** Runs an installed `bin` with arguments under `runtime`. */
export const runBin = (
  project: Project,
  runtime: Runtime.Runtime,
  pkg: string,
  file: string,
  args: ReadonlyArray<string>,
): Promise<Exec.Result> =>
  Exec.exec(runtime.bin, [join(project.dir, 'node_modules', pkg, file), ...args], {
    cwd: project.dir,
    env: { NO_COLOR: '1' },
    timeoutMs: 60_000,
  })

/** Copies the script `file` into the project and runs it with plain `node` of `runtime` (no test runner). */
export const runScript = (project: Project, runtime: Runtime.Runtime, file: string): Promise<Exec.Result> => {
  const target = join(project.dir, basename(file))
  copyFileSync(file, target)
  return Exec.exec(runtime.bin, [target], { cwd: project.dir, env: { NO_COLOR: '1' }, timeoutMs: 60_000 })
}

/**
 * Type-checks a TypeScript file that imports every entry point as a
 * namespace, with the options a strict ESM user has (`module: NodeNext`,
 * `strict`, library checking on). Returns tsc's diagnostics about Docket's
 * own files, empty when clean.
 */
export const typeCheck = async (project: Project): Promise<string> => {
  const lines = project.entries.flatMap((entry, i) => [
    `import * as m${i} from '${entry}'`,
    `export const n${i}: number = Object.keys(m${i}).length`,
  ])
  writeFileSync(join(project.dir, 'consumer.ts'), `${lines.join('\n')}\n`)
  const tsconfig = {
    compilerOptions: {
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      target: 'ES2022',
      lib: ['ES2023'],
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: ['node'],
    },
    files: ['consumer.ts'],
  }
  writeFileSync(join(project.dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2))
  const tsc = join(Workspace.root, 'node_modules', 'typescript', 'bin', 'tsc')
  const r = await Exec.exec(process.execPath, [tsc, '-p', project.dir], { cwd: project.dir })
  return r.code === 0 ? '' : ours(`${r.stdout}${r.stderr}`)
}

/**
 * Keeps the diagnostics in the importer and in `@docket/*` declarations
 * (with their continuation lines): third-party declarations that need other
 * `lib`s are their authors' business, not a defect of ours.
 */
export const ours = (diagnostics: string): string => {
  const kept: string[] = []
  let keep = false
  for (const line of diagnostics.split('\n')) {
    if (/^\S/.test(line)) keep = line.startsWith('consumer.ts') || line.startsWith('node_modules/@docket/')
    if (keep && line.trim() !== '') kept.push(line)
  }
  return kept.join('\n')
}

/** Deletes the project directory. */
export const remove = (project: Project): void => rmSync(project.dir, { recursive: true, force: true })
