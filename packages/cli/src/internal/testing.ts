/**
 * Running `docket` in-process for tests: captured standard output and error,
 * a given standard input, a fixed environment (no colour unless asked).
 */
import { PassThrough, Readable, Writable } from 'node:stream'
import type { Command } from '../Command.js'
import { run } from '../main.js'

/** What a run printed and returned. */
export interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const capture = (
  isTTY: boolean,
): { readonly stream: Writable & { isTTY?: boolean }; readonly text: () => string } => {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'))
      done()
    },
  }) as Writable & { isTTY?: boolean }
  if (isTTY) stream.isTTY = true
  return { stream, text: () => chunks.join('') }
}

/** Options of {@link docket}. */
export interface RunOptions {
  readonly stdin?: string
  readonly cwd?: string
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly tty?: boolean
  readonly commands?: ReadonlyArray<Command>
}

/** Runs `docket <argv>` in-process. */
export const docket = async (argv: ReadonlyArray<string>, options: RunOptions = {}): Promise<Ran> => {
  const out = capture(options.tty === true)
  const err = capture(options.tty === true)
  const stdin = options.stdin === undefined ? new PassThrough().end() : Readable.from([options.stdin])
  const code = await run(
    argv,
    {
      stdout: out.stream,
      stderr: err.stream,
      stdin,
      env: options.env ?? {},
      cwd: options.cwd ?? process.cwd(),
    },
    options.commands,
  )
  return { code, stdout: out.text(), stderr: err.text() }
}
