/**
 * Runs the intake service against PostgreSQL. Configuration comes from the
 * environment: `DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/test`),
 * `DOCKET_SCHEMA` (default `docket`; created and migrated on start), `HOST`
 * (default `127.0.0.1`) and `PORT` (default 3000; 0 picks a free port).
 * Logs are JSON lines on standard error. SIGTERM and SIGINT close the server,
 * then the store.
 *
 * The store is opened with `openStore`, which seals every append into its
 * case's hash chain, as every `docket` command does: `docket verify` then
 * checks what the service stored. (`PostgresEventStore.make(url)` alone stores
 * events unsealed, and verify reports each one as `unsealed`.)
 */
import { Observability } from '@docket/core'
import { openStore, Store, systemClock } from '@docket/adapters'
import * as E from 'fp-ts/lib/Either.js'
import { pathToFileURL } from 'node:url'
import * as Intake from './Intake.js'

/** A running service. */
export interface Running {
  readonly url: string
  readonly close: () => Promise<void>
}

/** Starts the service from an environment; resolves once it listens. */
export const start = async (env: Readonly<Record<string, string | undefined>>): Promise<Running> => {
  const logger = Observability.json((line) => process.stderr.write(line))
  const opened = await openStore(env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', {
    schema: env.DOCKET_SCHEMA ?? 'docket',
  })()
  if (E.isLeft(opened)) throw new Error(Store.describeError(opened.left))
  const store = opened.right
  const app = Intake.make({ store, clock: systemClock, logger })
  const url = await app.listen({ host: env.HOST ?? '127.0.0.1', port: Number(env.PORT ?? 3000) })
  Observability.info(logger, 'intake: listening', { url })
  return {
    url,
    close: async () => {
      await app.close()
      await store.close()
    },
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href
if (isMain) {
  const running = await start(process.env)
  const stop = (): void => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}
