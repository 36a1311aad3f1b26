/**
 * The docs tell the truth: every TypeScript sample in docs/ and the README
 * compiles against the packages (and runs, where marked `ts run`), and every
 * `docket <command> --flag` written in them exists in that command's `--help`.
 */
import { execFile } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import * as Markdown from './internal/markdown.js'
import * as Samples from './internal/samples.js'

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '')
const docs = [
  ...Markdown.files(join(root, 'docs')),
  join(root, 'README.md'),
  ...Markdown.files(join(root, 'examples')),
].filter(existsSync)
const blocks = docs.flatMap((f) => Markdown.blocks(f, Markdown.read(f)))
const tsBlocks = blocks.filter((b) => Samples.kind(b) !== undefined)
const main = join(root, 'packages/cli/dist/main.js')
const execFileAsync = promisify(execFile)

describe('TypeScript samples in the docs', () => {
  const samples = Samples.write(root, join(root, '.tmp/docs-samples'), tsBlocks)

  it('finds the samples', () => {
    expect(docs.length).toBeGreaterThan(0)
  })

  it('type-check against the built packages (fragments parse)', () => {
    const problems = Samples.check(root, samples)
    expect(problems.map((p) => `${p.where}: ${p.message}`)).toEqual([])
  }, 120_000)

  const runs = samples.filter((s) => Samples.kind(s.block) === 'run')
  it.each(runs.map((s) => [`${Markdown.rel(root, s.block.file)}:${s.block.line}`, s] as const))(
    'runs %s',
    async (_where, s) => {
      const path = s.path.replace(/\.ts$/, '.run.ts')
      writeFileSync(path, Samples.runnable(root, s.block.code))
      await import(path)
    },
    60_000,
  )
})

/** Commands and their long options, as the built CLI's `--help` lists them. */
const help = async (): Promise<ReadonlyMap<string, ReadonlySet<string>>> => {
  const run = async (args: ReadonlyArray<string>): Promise<string> =>
    (
      await execFileAsync(process.execPath, [main, ...args], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      })
    ).stdout
  const top = await run(['--help'])
  const section = top.split(/\n(?=Commands:)/)[1]?.split(/\n\s*\n/)[0] ?? ''
  const commands = [...section.matchAll(/^ {2}([a-z][a-z-]*)\s/gm)].map((m) => m[1]!)
  const flagsOf = (text: string): Set<string> =>
    new Set([...text.matchAll(/--([a-z][a-z0-9-]*)/g)].map((m) => m[1]!))
  // One process per command, all at once: each `--help` loads the whole CLI.
  const [helpCmd, ...each] = await Promise.all([
    commands[0] === undefined ? Promise.resolve('') : run(['help', commands[0]]),
    ...commands.map((c) => run([c, '--help'])),
  ])
  const map = new Map<string, ReadonlySet<string>>([['', flagsOf(top)]])
  for (const [i, c] of commands.entries()) map.set(c, flagsOf(each[i]!.split(/\nExamples:/)[0]!))
  // `docket help <command>` is the built-in spelling of `docket <command> --help`.
  if (commands[0] !== undefined && helpCmd!.includes(`docket ${commands[0]}`)) map.set('help', new Set())
  return map
}

/** The link targets of a page, outside code: the `target` of every `[text](target)`. */
const linksOf = (f: string): ReadonlyArray<string> =>
  [
    ...Markdown.read(f)
      .replace(/```[\s\S]*?```/g, '')
      .replace(/`[^`\n]*`/g, '')
      .matchAll(/\]\(([^)\s]+)\)/g),
  ].map((m) => m[1]!)

describe('links between the docs', () => {
  it('every relative link points to a file that exists', () => {
    const dead: string[] = []
    for (const f of docs)
      for (const link of linksOf(f)) {
        const target = link.split('#')[0]!
        if (target === '' || /^[a-z]+:/.test(target)) continue
        if (!existsSync(join(dirname(f), decodeURIComponent(target))))
          dead.push(`${Markdown.rel(root, f)}: ${link}`)
      }
    expect(dead).toEqual([])
  })

  it('every link to a section of a page names a heading the page has', () => {
    const dead: string[] = []
    for (const f of docs)
      for (const link of linksOf(f)) {
        const [target, section] = link.split('#') as [string, string | undefined]
        if (section === undefined || /^[a-z]+:/.test(target) || (target !== '' && !target.endsWith('.md')))
          continue
        const page = target === '' ? f : join(dirname(f), decodeURIComponent(target))
        if (existsSync(page) && !Markdown.anchors(Markdown.read(page)).has(decodeURIComponent(section)))
          dead.push(`${Markdown.rel(root, f)}: ${link}`)
      }
    expect(dead).toEqual([])
  })
})

describe('docket commands and flags written in the docs', () => {
  const found = docs.flatMap((f) => Markdown.invocations(f, Markdown.read(f)))

  it.skipIf(!existsSync(main))('exist in the built CLI --help', async () => {
    const cli = await help()
    expect(cli.size, 'docket --help lists no command').toBeGreaterThan(1)
    const wrong: string[] = []
    for (const inv of found) {
      const at = `${Markdown.rel(root, inv.file)}:${inv.line}: \`${inv.text}\``
      const flags = cli.get(inv.command ?? '')
      if (flags === undefined) {
        wrong.push(`${at}: no command \`docket ${inv.command}\``)
        continue
      }
      for (const f of inv.flags)
        if (!flags.has(f)) wrong.push(`${at}: \`docket ${inv.command ?? ''}\` has no --${f}`)
    }
    expect(wrong).toEqual([])
  })

  it('the CLI is built (run tsc -b first; pnpm test does)', () => {
    expect(existsSync(main), `${main} is missing`).toBe(true)
  })

  it('finds invocations in the docs (the checker reads what it should)', () => {
    const sample = Markdown.invocations(
      'x.md',
      '```sh\n$ docket evaluate f.jsonl --format json | jq . && docket verify --store x\n```\nand `docket policies [--format json]`.\n',
    )
    expect(sample.map((i) => [i.command, i.flags])).toEqual([
      ['evaluate', ['format']],
      ['verify', ['store']],
      ['policies', ['format']],
    ])
  })
})
