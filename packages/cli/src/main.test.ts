import { describe, expect, it } from 'vitest'
import { type Command, EXIT } from './Command.js'
import { COMMANDS } from './commands/index.js'
import { docket } from './internal/testing.js'
import { version } from './main.js'

const echo: Command = {
  name: 'echo',
  summary: 'Print the parsed arguments.',
  usage: 'echo [args] [options]',
  options: [
    { name: 'format', kind: 'string', description: 'Output format.', default: 'table' },
    { name: 'tag', kind: 'string', description: 'A tag.', multiple: true },
    { name: 'loud', kind: 'flag', description: 'Be loud.' },
  ],
  examples: ['docket echo a b --tag x'],
  run: async (inv) => {
    inv.stdout.write(`${JSON.stringify({ positionals: inv.positionals, options: inv.options })}\n`)
    return inv.options.loud === true ? EXIT.finding : EXIT.ok
  },
}

describe('docket main', () => {
  it('lists every registered command in --help, sorted', async () => {
    const r = await docket(['--help'])
    expect(r.code).toBe(0)
    for (const c of COMMANDS) expect(r.stdout).toContain(`  ${c.name}`)
    expect(r.stdout).toContain('docket <command> --help')
  })

  it('prints the package version', async () => {
    const r = await docket(['--version'])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(`${version()}\n`)
    expect(version()).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('exits 2 with the overview on stderr when no command is given', async () => {
    const r = await docket([])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('Commands:')
  })

  it('exits 2 on an unknown command, with the error on stderr', async () => {
    const r = await docket(['frobnicate'])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('unknown command "frobnicate"')
  })

  it('parses options against the declarations, with defaults and repeats', async () => {
    const r = await docket(['echo', 'a', '--tag', 'x', 'b', '--tag', 'y'], { commands: [echo] })
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({
      positionals: ['a', 'b'],
      options: { format: 'table', tag: ['x', 'y'] },
    })
  })

  it('exits 2 with one line naming the store and what to check when its server refuses connections', async () => {
    for (const argv of [
      ['verify', '--store', 'postgres://postgres@127.0.0.1:1/test'],
      ['import', '-', '--store', 'postgres://postgres@127.0.0.1:1/test'],
      ['replay', '--store', 'postgres://postgres@127.0.0.1:1/test', '--workers', '2'],
      ['watch', '--store', 'postgres://postgres@127.0.0.1:1/test'],
    ]) {
      const r = await docket(argv, { stdin: '' })
      expect(r.code, argv[0]).toBe(EXIT.usage)
      expect(r.stdout, argv[0]).toBe('')
      expect(r.stderr, argv[0]).toMatch(
        /^docket: error: cannot open postgres:\/\/postgres@127\.0\.0\.1:1\/test: connect ECONNREFUSED 127\.0\.0\.1:1; check that the server is running[^\n]*\n$/,
      )
    }
  })

  it('returns the command exit code', async () => {
    expect((await docket(['echo', '--loud'], { commands: [echo] })).code).toBe(1)
  })

  it('exits 2 on an unknown option or a missing value, naming it', async () => {
    const unknown = await docket(['echo', '--nope'], { commands: [echo] })
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('--nope')
    expect(unknown.stderr).toContain('docket echo --help')
    const missing = await docket(['echo', '--format'], { commands: [echo] })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('--format')
  })

  it('generates --help from the declarations, with examples', async () => {
    const r = await docket(['echo', '--help'], { commands: [echo] })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('docket echo [args] [options]')
    expect(r.stdout).toMatch(/--format <value>\s+Output format\. \(default: table\)/)
    expect(r.stdout).toMatch(/--tag <value>\s+A tag\. \(may be repeated\)/)
    expect(r.stdout).toMatch(/--loud\s+Be loud\./)
    expect(r.stdout).toContain('Examples:\n  docket echo a b --tag x')
    expect(await docket(['help', 'echo'], { commands: [echo] })).toEqual(r)
  })

  it('gives every registered command a summary, a usage line and at least one example', async () => {
    for (const c of COMMANDS) {
      const r = await docket([c.name, '--help'])
      expect(r.code, c.name).toBe(0)
      expect(r.stdout, c.name).toContain(`docket ${c.usage}`)
      expect(c.examples.length, c.name).toBeGreaterThan(0)
      for (const e of c.examples) expect(e, c.name).toContain(`docket ${c.name}`)
      for (const o of c.options) expect(r.stdout, `${c.name} --${o.name}`).toContain(`--${o.name}`)
    }
  })

  it('turns a thrown error into an internal-error exit, not a usage one', async () => {
    const boom: Command = { ...echo, name: 'boom', run: async () => Promise.reject(new Error('bug')) }
    const r = await docket(['boom'], { commands: [boom] })
    expect(r.code).toBe(70)
    expect(r.stderr).toContain('internal error')
  })

  it("turns a database's permission refusal (SQLSTATE 42501) into a usage exit that names the grants", async () => {
    const denied = Object.assign(new Error('permission denied for table checkpoints'), { code: '42501' })
    const boom: Command = { ...echo, name: 'boom', run: async () => Promise.reject(denied) }
    const r = await docket(['boom'], { commands: [boom] })
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      "docket: error: boom: the database refused: permission denied for table checkpoints. Grant the store's " +
        "role what docs/security.md (Threat model) lists for its use, or run the command as the schema's owner.\n",
    )
  })

  it('turns a full disk (ENOSPC, EDQUOT) into a usage exit that says where to free space, not a bug', async () => {
    for (const code of ['ENOSPC', 'EDQUOT']) {
      const full = Object.assign(new Error(`${code}: no space left on device, write`), { code })
      const spilling: Command = {
        ...echo,
        name: 'spill',
        options: [...echo.options, { name: 'spill-dir', kind: 'string', description: 'Where to spill.' }],
        run: async () => Promise.reject(full),
      }
      const r = await docket(['spill'], { commands: [spilling] })
      expect(r.code, code).toBe(2)
      expect(r.stderr).toBe(
        `docket: error: spill: ${code}: no space left on device, write: the disk is full where docket spill ` +
          "writes (its temporary files: --spill-dir, default the system's temporary directory; or --out): " +
          'free space there, or give --spill-dir a directory with room, and run it again\n',
      )
      const plain: Command = { ...echo, name: 'plain', run: async () => Promise.reject(full) }
      const p = await docket(['plain'], { commands: [plain] })
      expect(p.code).toBe(2)
      expect(p.stderr).toBe(
        `docket: error: plain: ${code}: no space left on device, write: the disk is full where docket plain ` +
          'writes: free space there and run it again\n',
      )
    }
  })

  it('colours errors only on a TTY and never with NO_COLOR', async () => {
    const plain = await docket(['frobnicate'])
    expect(plain.stderr).not.toContain('\u001b[')
    const tty = await docket(['frobnicate'], { tty: true })
    expect(tty.stderr).toContain('\u001b[31m')
    const noColor = await docket(['frobnicate'], { tty: true, env: { NO_COLOR: '1' } })
    expect(noColor.stderr).not.toContain('\u001b[')
  })
})
