/**
 * The built `docket` (`node packages/cli/dist/main.js`) run as a real process and interrupted by
 * a signal, for the tests of how commands stop (`main.process.test.ts`, and
 * `main.process.integration.test.ts` for those needing PostgreSQL). Not the in-process runner
 * (`internal/testing.ts`), which no signal reaches.
 */
import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { Services } from '@docket/core/testing'

// model

/** How an interrupted process ended, and what it wrote. */
export interface Interrupted {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  /** Whether the signal was sent (the process had not ended before `ready` held). */
  readonly sent: boolean
  readonly stdout: string
  readonly stderr: string
}

/** Options of {@link interrupt}. */
export interface Options {
  /** The working directory. */
  readonly cwd: string
  /** Variables added to the test's environment (which `NO_COLOR=1` joins). */
  readonly env?: Readonly<Record<string, string>>
  /**
   * Run once the signal is sent, while the process goes on: given its standard error so far, and
   * whether it has ended.
   */
  readonly afterSignal?: (stderr: () => string, ended: () => boolean) => Promise<void>
}

/** The built entry point. */
export const main: string = fileURLToPath(new URL('../../dist/main.js', import.meta.url))

/** Whether {@link main} is built (`tsc -b`). */
export const built: boolean = existsSync(main)

// operations

/**
 * Runs the built `docket` with `args`, sends it `signal` once `ready(stderr so far, its pid)`
 * holds (polled), and resolves with how it ended and its standard output and error.
 */
export const interrupt = (
  args: ReadonlyArray<string>,
  signal: NodeJS.Signals,
  ready: (stderr: string, pid: number) => boolean | Promise<boolean>,
  options: Options,
): Promise<Interrupted> =>
  new Promise((done, fail) => {
    const child = spawn(process.execPath, [main, ...args], {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', ...options.env },
    })
    let sent = false
    let ended = false
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.once('error', fail)
    child.once('close', (code, sig) => {
      ended = true
      done({ code, signal: sig, sent, stdout, stderr })
    })
    void (async () => {
      while (!ended && !(await ready(stderr, child.pid ?? 0))) await sleep(5)
      if (!ended) sent = child.kill(signal)
      if (sent)
        await options.afterSignal?.(
          () => stderr,
          () => ended,
        )
    })().catch((e: unknown) => {
      child.kill('SIGKILL')
      fail(e)
    })
  })

/**
 * Warns, naming `testFile`, that its tests are skipped because {@link main} is not built; true
 * when they run (built, or `DOCKET_REQUIRE_SERVICES=1`, where a missing build fails them).
 */
export const runsBuilt = (testFile: string): boolean => {
  if (built || process.env.DOCKET_REQUIRE_SERVICES === '1') return true
  console.warn(
    `SKIPPED ${testFile}: ${main} is not built. Run ./node_modules/.bin/tsc -b first (npx -y pnpm@10.34.9 test does).`,
  )
  return false
}

/**
 * Whether the tests of `what` that run the built `docket` on the PostgreSQL server at `url` run:
 * each missing one (the build, the server) is warned about and skips them, or fails them under
 * `DOCKET_REQUIRE_SERVICES=1` (`Services.requireOrSkip`).
 */
export const runsOnPostgres = async (url: string, what: string): Promise<boolean> =>
  (await Services.requireOrSkip({
    service: 'The build (packages/cli/dist/main.js)',
    available: built,
    what,
    howToRun: 'run ./node_modules/.bin/tsc -b first',
  })) &&
  (await Services.requireOrSkip({
    service: 'PostgreSQL',
    available: Services.pgAvailable(url),
    what,
    howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
  }))

/**
 * Runs the built `docket` with `args` in `cwd` to its end, `input` on its standard input, and `env`
 * over this process's environment (a variable set to `undefined` is removed: `TZ` unset).
 */
export const run = (
  cwd: string,
  args: ReadonlyArray<string>,
  input?: string,
  env: Readonly<Record<string, string | undefined>> = {},
): SpawnSyncReturns<string> =>
  spawnSync(process.execPath, [main, ...args], {
    cwd,
    input,
    encoding: 'utf8',
    env: Object.fromEntries(
      Object.entries({ ...process.env, NO_COLOR: '1', ...env }).filter(([, v]) => v !== undefined),
    ),
    timeout: 120_000,
  })
