/**
 * Runs the worker from the environment until SIGTERM or SIGINT:
 * `DOCKET_STORE` (a store URL: `pglite:<dir>`, `postgres://…`; default
 * `pglite:.docket`), `WEBHOOK_URL` (required), `DOCKET_PROFILE` (a JSON or
 * YAML profile file, loaded by `@docket/cli`'s `Config`; default: the
 * built-in ladder), `DOCKET_WORKER_NAME`
 * (checkpoint name). Logs JSON lines on standard error. Exit codes: 0 after a
 * graceful stop, 2 on bad configuration (logged as one line).
 */
import { pathToFileURL } from 'node:url'
import { openStore, Store, systemClock } from '@docket/adapters'
import { Config } from '@docket/cli'
import { Observability, Timer } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import * as Worker from './Worker.js'

/** Whether a string is an absolute http or https URL (WebhookSink throws on anything else it cannot parse). */
const isHttpUrl = (s: string): boolean => URL.canParse(s) && ['http:', 'https:'].includes(new URL(s).protocol)

/** Runs until a signal; returns the exit code. */
export const main = async (env: Readonly<Record<string, string | undefined>>): Promise<number> => {
  const logger = Observability.json((line) => process.stderr.write(line))
  const webhookUrl = env.WEBHOOK_URL
  if (webhookUrl === undefined || webhookUrl === '') {
    Observability.error(logger, 'worker: WEBHOOK_URL is required')
    return 2
  }
  if (!isHttpUrl(webhookUrl)) {
    Observability.error(
      logger,
      `worker: WEBHOOK_URL must be an http:// or https:// URL, got ${JSON.stringify(webhookUrl)}`,
    )
    return 2
  }
  // read and checked as the commands' --config is (JSON or YAML, rule ids checked against the catalog)
  const file = env.DOCKET_PROFILE
  const profile = Config.load(process.cwd(), file === '' ? undefined : file)
  if (E.isLeft(profile)) {
    Observability.error(logger, `worker: bad DOCKET_PROFILE: ${profile.left.message.split('\n').join('; ')}`)
    return 2
  }
  const opened = await openStore(env.DOCKET_STORE ?? 'pglite:.docket')()
  if (E.isLeft(opened)) {
    Observability.error(logger, 'worker: cannot open the store', { error: Store.describeError(opened.left) })
    return 2
  }
  const worker = Worker.start({
    store: opened.right,
    profile: profile.right,
    webhookUrl,
    timer: Timer.real(systemClock),
    logger,
    ...(env.DOCKET_WORKER_NAME ? { name: env.DOCKET_WORKER_NAME } : {}),
  })
  Observability.info(logger, 'worker: started')
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'))
    process.once('SIGINT', () => resolve('SIGINT'))
  })
  const stats = await worker.stop()
  await opened.right.close()
  Observability.info(logger, 'worker: stopped', { signal, events: stats.events, raised: stats.raised })
  return 0
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.env)
}
