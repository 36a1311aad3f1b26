/**
 * Argument parsing and help text, both generated from a command's declared
 * options (`Command.options`), so that `--help`, the docs and the behaviour
 * cannot drift apart. Parsing is node:util `parseArgs` in strict mode: an
 * unknown option or a missing value is a usage error (exit 2), never guessed.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parseArgs } from 'node:util'
import type { Integrity } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import type { Command, Invocation, OptionSpec } from '../Command.js'

/** A usage error: the message to print on stderr before exiting with 2. */
export interface UsageError {
  readonly _tag: 'UsageError'
  readonly message: string
}

/** A usage error with a message. */
export const usageError = (message: string): UsageError => ({ _tag: 'UsageError', message })

/** What parsing a command line gave. */
export interface Parsed {
  readonly positionals: ReadonlyArray<string>
  readonly options: Invocation['options']
  readonly help: boolean
}

/** The `--help` flag every command accepts. */
export const HELP: OptionSpec = { name: 'help', kind: 'flag', description: 'Show this help and exit.' }

/** Parses `args` against the command's options (plus `--help`). */
export const parse = (command: Command, args: ReadonlyArray<string>): Parsed | UsageError => {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  }
  for (const o of command.options) {
    options[o.name] = {
      type: o.kind === 'flag' ? 'boolean' : 'string',
      ...(o.multiple ? { multiple: true } : {}),
    }
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options,
      allowPositionals: true,
      strict: true,
    })
    const out: Record<string, string | boolean | ReadonlyArray<string> | undefined> = {}
    for (const o of command.options) {
      const v = (values as Record<string, unknown>)[o.name]
      if (v === undefined) out[o.name] = o.default
      else out[o.name] = v as string | boolean | ReadonlyArray<string>
    }
    return { positionals, options: out, help: values.help === true }
  } catch (e) {
    return usageError(e instanceof Error ? cleanMessage(e.message) : String(e))
  }
}

const cleanMessage = (m: string): string =>
  m.replace(/\. To specify a positional argument starting with a '-'.*$/s, '.').replace(/\s+$/, '')

const pad = (s: string, n: number): string => s + ' '.repeat(Math.max(0, n - s.length))

const optionLabel = (o: OptionSpec): string =>
  o.kind === 'flag' ? `--${o.name}` : `--${o.name} <${o.value ?? 'value'}>`

/** The `--help` text of one command, from its declarations. */
export const help = (command: Command): string => {
  const all = [...command.options, HELP]
  const width = Math.max(...all.map((o) => optionLabel(o).length)) + 2
  const lines = [
    `docket ${command.name}: ${command.summary}`,
    '',
    'Usage:',
    `  docket ${command.usage}`,
    '',
    'Options:',
    ...all.map((o) => {
      const extra = [
        o.multiple ? 'may be repeated' : undefined,
        o.default !== undefined ? `default: ${o.default}` : undefined,
      ].filter((x) => x !== undefined)
      return `  ${pad(optionLabel(o), width)}${o.description}${extra.length > 0 ? ` (${extra.join('; ')})` : ''}`
    }),
  ]
  if (command.examples.length > 0) {
    lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`))
  }
  lines.push('', 'Exit codes: 0 success; 1 a finding you asked to fail on; 2 bad usage or bad input.', '')
  return lines.join('\n')
}

/** The `docket --help` text: every command with its summary. */
export const overview = (commands: ReadonlyArray<Command>, version: string): string => {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2
  return [
    `docket ${version}: record what a platform did about reports of harmful content, and compute its legal obligations.`,
    '',
    'Usage:',
    '  docket <command> [options]',
    '  docket <command> --help',
    '',
    'Commands:',
    ...commands.map((c) => `  ${pad(c.name, width)}${c.summary}`),
    '',
    'Options:',
    '  --help, -h     Show this help and exit.',
    '  --version, -V  Print the version and exit.',
    '',
    'Exit codes: 0 success; 1 a finding you asked to fail on; 2 bad usage or bad input.',
    '',
  ].join('\n')
}

/** The string value of an option, or `undefined`. */
export const str = (inv: Pick<Invocation, 'options'>, name: string): string | undefined => {
  const v = inv.options[name]
  if (typeof v === 'string') return v
  if (Array.isArray(v)) return v[v.length - 1]
  return undefined
}

/** Every value of a repeatable option, as given (file paths: never split). */
export const all = (inv: Pick<Invocation, 'options'>, name: string): ReadonlyArray<string> => {
  const v = inv.options[name]
  if (v === undefined || typeof v === 'boolean') return []
  return typeof v === 'string' ? [v] : v
}

/** Every value of a repeatable option, each split on commas (`--policies a,b --policies c`). */
export const list = (inv: Pick<Invocation, 'options'>, name: string): ReadonlyArray<string> | undefined => {
  if (inv.options[name] === undefined) return undefined
  return all(inv, name)
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
}

/**
 * `--spill-dir` resolved against the working directory: Right(undefined) when it is not given,
 * Left with the message to print (exit 2) unless it names an existing directory. The temporary
 * files are made inside it, and a bad one would otherwise fail only when first used, as a bug.
 */
export const spillDir = (inv: Pick<Invocation, 'options' | 'cwd'>): E.Either<string, string | undefined> => {
  const text = str(inv, 'spill-dir')
  if (text === undefined) return E.right(undefined)
  const dir = path.resolve(inv.cwd, text)
  const stat = fs.statSync(dir, { throwIfNoEntry: false })
  return stat?.isDirectory() === true
    ? E.right(dir)
    : E.left(
        `--spill-dir ${JSON.stringify(text)}: ${stat === undefined ? 'no such directory' : 'not a directory'}`,
      )
}

/** True when a flag was given. */
export const flag = (inv: Pick<Invocation, 'options'>, name: string): boolean => inv.options[name] === true

/** A chain head as `docket verify` prints it and `--head` takes it (`<events>:<64 hex digits>`), or `undefined`. */
export const chainHead = (text: string): Integrity.ChainHead | undefined => {
  const m = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text.trim())
  return m === null ? undefined : { events: Number(m[1]), digest: m[2]! }
}
