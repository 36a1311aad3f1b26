/**
 * Compiles (and runs, when marked) the TypeScript samples of the docs. Each
 * ```ts block is one module, type-checked against the packages' built
 * declarations (`dist/`, as users get them) with the repository's strict options. Lowercase free names (`events`,
 * `httpBody`) are the sample's placeholders and may stay undeclared;
 * everything else — imports, namespaces, members, argument types — must
 * resolve. A block whose info string says `fragment` is only parsed; one
 * that says `run` is also executed (it may `assert`).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, join } from 'node:path'
import ts from 'typescript'
import type { Block } from './markdown.js'

/** A problem found in a sample, located in its Markdown file. */
export interface Problem {
  readonly where: string
  readonly message: string
}

/** A sample written to disk. */
export interface Sample {
  readonly block: Block
  readonly path: string
}

const DOCKET: Readonly<Record<string, string>> = {
  '@docket/core': 'packages/core/src/index.ts',
  '@docket/core/testing': 'packages/core/src/testing/index.ts',
  '@docket/core/testing/contract': 'packages/core/src/testing/contract/index.ts',
  '@docket/policies': 'packages/policies/src/index.ts',
  '@docket/adapters': 'packages/adapters/src/index.ts',
  '@docket/adapters/postgres': 'packages/adapters/src/postgres/index.ts',
  '@docket/adapters/pglite': 'packages/adapters/src/pglite/index.ts',
  '@docket/adapters/eventstoredb': 'packages/adapters/src/eventstoredb/index.ts',
  '@docket/cli': 'packages/cli/src/index.ts',
}

/** Whether a block is a TypeScript sample, and how it is checked. */
export const kind = (b: Block): 'check' | 'run' | 'fragment' | undefined => {
  const [lang, ...rest] = b.info
  if (lang !== 'ts' && lang !== 'typescript') return undefined
  if (rest.includes('fragment') || rest.includes('ignore')) return 'fragment'
  return rest.includes('run') ? 'run' : 'check'
}

/** Writes each sample into `dir` (emptied first). */
export const write = (root: string, dir: string, blocks: ReadonlyArray<Block>): ReadonlyArray<Sample> => {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  return blocks.map((block) => {
    const name = `${block.file.slice(root.length + 1).replace(/[^A-Za-z0-9]+/g, '_')}_L${block.line}.ts`
    const path = join(dir, name)
    writeFileSync(path, `${block.code}\nexport {}\n`)
    return { block, path }
  })
}

const where = (root: string, s: Sample, line: number): string =>
  `${s.block.file.slice(root.length + 1)}:${s.block.line + 1 + line}`

const placeholder = (d: ts.Diagnostic): boolean => {
  if (d.code !== 2304 && d.code !== 2552 && d.code !== 18004) return false
  const text = ts.flattenDiagnosticMessageText(d.messageText, '\n')
  const name = /(?:Cannot find name|shorthand property) '([^']+)'/.exec(text)?.[1]
  return name !== undefined && /^[a-z]/.test(name)
}

/** Type-checks the samples (not fragments) in one program; fragments are only parsed. */
export const check = (root: string, samples: ReadonlyArray<Sample>): ReadonlyArray<Problem> => {
  const thirdParty = (name: string): string => join(root, 'packages/cli/node_modules', name)
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts'],
    strict: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [join(root, 'node_modules/@types')],
    baseUrl: root,
    paths: {
      // the built declarations, as a user of the packages sees them (and much faster than the sources)
      ...Object.fromEntries(
        Object.entries(DOCKET).map(([k, v]) => [k, [v.replace('/src/', '/dist/').replace(/\.ts$/, '.d.ts')]]),
      ),
      'fp-ts/*': [thirdParty('fp-ts/*')],
      'io-ts': [thirdParty('io-ts')],
      luxon: [thirdParty('luxon')],
    },
  }
  const problems: Problem[] = []
  const byPath = new Map(samples.map((s) => [s.path, s]))
  for (const s of samples.filter((s) => kind(s.block) === 'fragment')) {
    const out = ts.transpileModule(s.block.code, { reportDiagnostics: true, fileName: basename(s.path) })
    for (const d of out.diagnostics ?? []) {
      problems.push({
        where: where(root, s, 0),
        message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      })
    }
  }
  const checked = samples.filter((s) => kind(s.block) !== 'fragment').map((s) => s.path)
  if (checked.length === 0) return problems
  const program = ts.createProgram(checked, options)
  for (const d of ts.getPreEmitDiagnostics(program)) {
    if (placeholder(d)) continue
    const s = d.file === undefined ? undefined : byPath.get(d.file.fileName)
    const line =
      d.file !== undefined && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0
    problems.push({
      where: s === undefined ? (d.file?.fileName ?? 'program') : where(root, s, line),
      message: `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    })
  }
  return problems
}

/**
 * Rewrites a sample's bare imports so that it runs from anywhere: `@docket/*`
 * to the packages' sources (vitest transpiles them), others to the files the
 * CLI package resolves.
 */
export const runnable = (root: string, code: string): string => {
  const req = createRequire(join(root, 'packages/cli/package.json'))
  return code.replace(
    /(from\s+|import\s*\(\s*)(['"])([^'"]+)\2/g,
    (all, pre: string, q: string, spec: string) => {
      if (spec.startsWith('.') || spec.startsWith('node:')) return all
      const docket = DOCKET[spec]
      const target = docket !== undefined ? join(root, docket) : req.resolve(spec)
      return `${pre}${q}${target}${q}`
    },
  )
}
