/**
 * Runs the worker from the environment until SIGTERM or SIGINT:
 * `DOCKET_STORE` (a store URL: `pglite:<dir>`, `postgres://…`; default
 * `pglite:.docket`), `WEBHOOK_URL` (required), `DOCKET_PROFILE` (a JSON
 * profile file; default: the built-in ladder), `DOCKET_WORKER_NAME`
 * (checkpoint name). Logs JSON lines on standard error. Exit codes: 0 after a
 * graceful stop, 2 on bad configuration.
 */
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { openStore, Store, systemClock } from '@docket/adapters'
import { DecodeError, Observability, Profile, Timer } from '@docket/core'
import { Policy } from '@docket/policies'
import * as E from 'fp-ts/lib/Either.js'
import * as Worker from './Worker.js'

/**
 * The profile of `DOCKET_PROFILE` (a JSON file, decoded by core's `Profile.decode`), the built-in
 * one without it, or a one-line reason it cannot be used: no such file, not JSON, or the path of
 * each bad field (a rule id the catalog does not have included).
 */
const loadProfile = (file: string | undefined): E.Either<string, Profile.Resolved> => {
  if (file === undefined || file === '') return E.right(Profile.resolve())
  const text = E.tryCatch(
    () => readFileSync(file, 'utf8'),
    (e) =>
      (e as { code?: unknown }).code === 'ENOENT'
        ? `${file}: no such file`
        : `${file}: ${e instanceof Error ? e.message : String(e)}`,
  )
  const json = E.chain((t: string) =>
    E.tryCatch(
      (): unknown => JSON.parse(t),
      (e) => `${file}: not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
    ),
  )(text)
  // the rule ids of enabledRules and internalTargets checked against the catalog, as docket --config does
  return E.chain((u: unknown) =>
    E.mapLeft((e: DecodeError.DecodeError) => `${file}: ${DecodeError.format(e).split('\n').join('; ')}`)(
      E.chain(Policy.checkProfile)(Profile.decode(u)),
    ),
  )(json)
}

/** Runs until a signal; returns the exit code. */
export const main = async (env: Readonly<Record<string, string | undefined>>): Promise<number> => {
  const logger = Observability.json((line) => process.stderr.write(line))
  const webhookUrl = env.WEBHOOK_URL
  if (webhookUrl === undefined || webhookUrl === '') {
    Observability.error(logger, 'worker: WEBHOOK_URL is required')
    return 2
  }
  const profile = loadProfile(env.DOCKET_PROFILE)
  if (E.isLeft(profile)) {
    Observability.error(logger, `worker: bad DOCKET_PROFILE: ${profile.left}`)
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
