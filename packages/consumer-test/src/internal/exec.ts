/** Runs a child process to completion and collects its output (never throws on a non-zero exit). */
import { spawn } from 'node:child_process'

export interface Result {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export interface Options {
  readonly cwd: string
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly timeoutMs?: number
}

export const exec = (cmd: string, args: ReadonlyArray<string>, opts: Options): Promise<Result> =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d
    })
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000)
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code: code ?? (signal === null ? 1 : 128), stdout, stderr })
    })
  })

/** Like {@link exec}, but a non-zero exit is an error carrying the output. */
export const run = async (cmd: string, args: ReadonlyArray<string>, opts: Options): Promise<Result> => {
  const r = await exec(cmd, args, opts)
  if (r.code !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.code} in ${opts.cwd}\n${r.stdout}\n${r.stderr}`)
  }
  return r
}
