#!/usr/bin/env node
/**
 * The `docket` executable: picks the command named by the first argument,
 * parses the rest against that command's declared options, prints help
 * generated from the same declarations, and maps the command's result to the
 * exit code of the contract (`shared/spec/cli.md`): 0 success, 1 a finding
 * asked to fail on, 2 bad usage or bad input (the error on standard error).
 *
 * `run` is the whole CLI as a function of its arguments and streams, so tests
 * drive it in-process; the bottom of the module runs it when this file is
 * the process's entry point.
 */
import { readFileSync, realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { type Command, EXIT, type Invocation } from './Command.js'
import { COMMANDS } from './commands/index.js'
import * as Heap from './Heap.js'
import * as Args from './internal/args.js'
import * as Temporary from './internal/temporary.js'
import * as Output from './Output.js'

// model

/** The streams and environment a run uses; each defaults to the process's own. */
export type Io = Pick<Invocation, 'stdout' | 'stderr' | 'stdin' | 'env' | 'cwd'>

/** Exit code for a bug (a command threw): outside the 0/1/2 contract on purpose. */
export const EXIT_INTERNAL = 70

// operations

/** The version of `@docket/cli`, from its package.json. */
export const version = (): string => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    readonly version: string
  }
  return pkg.version
}

const processIo = (): Io => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
})

const sorted = (commands: ReadonlyArray<Command>): ReadonlyArray<Command> =>
  [...commands].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))

/** The command of that name in the registry. */
export const find = (name: string, commands: ReadonlyArray<Command> = COMMANDS): Command | undefined =>
  commands.find((c) => c.name === name)

/**
 * Runs `docket` with `argv` (the arguments after `docket`) and returns the
 * exit code. Never calls `process.exit`.
 */
export const run = async (
  argv: ReadonlyArray<string>,
  io: Partial<Io> = {},
  commands: ReadonlyArray<Command> = COMMANDS,
): Promise<number> => {
  const env: Io = { ...processIo(), ...io }
  const [first, ...rest] = argv
  if (first === undefined) {
    env.stderr.write(Args.overview(sorted(commands), version()))
    return EXIT.usage
  }
  if (first === '--help' || first === '-h') {
    env.stdout.write(Args.overview(sorted(commands), version()))
    return EXIT.ok
  }
  if (first === '--version' || first === '-V') {
    env.stdout.write(`${version()}\n`)
    return EXIT.ok
  }
  if (first === 'help') {
    const target = rest[0] === undefined ? undefined : find(rest[0], commands)
    if (rest[0] !== undefined && target === undefined) {
      Output.error(env, `unknown command "${rest[0]}"; run docket --help for the list`)
      return EXIT.usage
    }
    env.stdout.write(target === undefined ? Args.overview(sorted(commands), version()) : Args.help(target))
    return EXIT.ok
  }
  const command = find(first, commands)
  if (command === undefined) {
    Output.error(
      env,
      first.startsWith('-')
        ? `unknown option ${first}; run docket --help`
        : `unknown command "${first}"; run docket --help for the list`,
    )
    return EXIT.usage
  }
  const parsed = Args.parse(command, rest)
  if ('_tag' in parsed) {
    Output.error(env, `${parsed.message}\nRun docket ${command.name} --help for usage.`)
    return EXIT.usage
  }
  if (parsed.help) {
    env.stdout.write(Args.help(command))
    return EXIT.ok
  }
  try {
    return await command.run({ ...env, positionals: parsed.positionals, options: parsed.options })
  } catch (e) {
    if (isPermissionDenied(e)) {
      Output.error(
        env,
        `${command.name}: the database refused: ${e.message}. Grant the store's role what ` +
          "docs/security.md (Threat model) lists for its use, or run the command as the schema's owner.",
      )
      return EXIT.usage
    }
    if (isNoSpace(e)) {
      Output.error(env, `${command.name}: ${e.message}: ${noSpaceAdvice(command)}`)
      return EXIT.usage
    }
    Output.error(
      env,
      `internal error in docket ${command.name} (a bug; please report it):\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
    )
    return EXIT_INTERNAL
  }
}

/** A PostgreSQL refusal for want of a privilege (SQLSTATE 42501): the role's grants, not a bug. */
const isPermissionDenied = (e: unknown): e is Error =>
  e instanceof Error && (e as { readonly code?: unknown }).code === '42501'

/** A full disk or an exhausted quota where the command writes (ENOSPC, EDQUOT): not a bug in docket. */
const isNoSpace = (e: unknown): e is Error => {
  const code = e instanceof Error ? (e as { readonly code?: unknown }).code : undefined
  return code === 'ENOSPC' || code === 'EDQUOT'
}

/** Where a command writes, and what to do when that disk is full. */
const noSpaceAdvice = (command: Command): string =>
  command.options.some((o) => o.name === 'spill-dir')
    ? `the disk is full where docket ${command.name} writes (its temporary files: --spill-dir, default the ` +
      "system's temporary directory; or --out): free space there, or give --spill-dir a directory with room, " +
      'and run it again'
    : `the disk is full where docket ${command.name} writes: free space there and run it again`

const isEntryPoint = (): boolean => {
  const entry = process.argv[1]
  if (entry === undefined) return false
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

/** Runs `docket` with the process's arguments and sets its exit code (what the `docket` bin calls). */
export const main = (): void => {
  // a batch process: its heap grows only so far past what is live (see Heap)
  Heap.tighten()
  // A closed pipe (`docket export | head`) is not an error. Standard output that cannot be written
  // (a full disk behind `>`) is bad output: exit 2 with the reason, not 1 (a finding) with a stack.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    Temporary.removeAll()
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    process.stderr.write(`docket: error: cannot write standard output: ${e.message}\n`)
    process.exit(EXIT.usage)
  })
  // Interrupted, a command removes its temporary files (an --out report's, the replay's spills),
  // then ends by the signal as it would have (exit 130 or 143 in a shell). A command handling the
  // signal itself (one holding a store, `internal/interrupt.ts`) stops at its next safe point and
  // removes its own; a second signal, which it no longer handles, ends the process here.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = (): void => {
      if (process.listenerCount(signal) > 1) return
      Temporary.removeAll()
      process.removeListener(signal, onSignal)
      process.kill(process.pid, signal)
    }
    process.on(signal, onSignal)
  }
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code
    },
    (e: unknown) => {
      process.stderr.write(`docket: internal error: ${e instanceof Error ? e.stack : String(e)}\n`)
      process.exitCode = EXIT_INTERNAL
    },
  )
}

if (isEntryPoint()) main()
