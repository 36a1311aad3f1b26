/**
 * The shape of one `docket` command. Each command lives in its own module
 * under `commands/` and is listed in `commands/index.ts`; `main.ts` parses
 * arguments against the declared options, prints `--help` from the same
 * declarations (so help, docs and behaviour cannot drift apart), and maps
 * the returned number to the process exit code (0 ok, 1 a finding asked to
 * fail on, 2 bad usage or bad input).
 */
import type { Writable } from 'node:stream'

/** One option of a command. `--name value` for strings, `--name` for flags. */
export interface OptionSpec {
  readonly name: string
  readonly kind: 'string' | 'flag'
  readonly description: string
  /** May be given more than once (values are collected in order). */
  readonly multiple?: boolean
  readonly default?: string
  /** What the value is called in `--help` (`--store <URL>`); default `value`. */
  readonly value?: string
}

/** What a command receives. */
export interface Invocation {
  readonly positionals: ReadonlyArray<string>
  readonly options: Readonly<Record<string, string | boolean | ReadonlyArray<string> | undefined>>
  readonly stdout: Writable & { readonly isTTY?: boolean }
  readonly stderr: Writable & { readonly isTTY?: boolean }
  readonly stdin: NodeJS.ReadableStream
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
}

/** A `docket` command. */
export interface Command {
  readonly name: string
  readonly summary: string
  /** Usage line after `docket`, such as `replay <source> [options]`. */
  readonly usage: string
  readonly options: ReadonlyArray<OptionSpec>
  /** Example invocations shown in `--help`. */
  readonly examples: ReadonlyArray<string>
  /** Runs the command and returns the exit code. Throwing is a bug. */
  readonly run: (inv: Invocation) => Promise<number>
}

/** Exit codes of the `docket` contract (`shared/spec/cli.md`). */
export const EXIT = { ok: 0, finding: 1, usage: 2 } as const
