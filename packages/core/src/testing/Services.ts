/**
 * Gating for integration tests that need an outside service (PostgreSQL,
 * EventStoreDB, Chromium…): run when the service answers, otherwise skip
 * with one loud `console.warn` line saying what was skipped and how to run
 * it — unless `DOCKET_REQUIRE_SERVICES=1` (CI), where a missing required
 * service fails the run instead of hiding it.
 *
 * Test support only: this module reads the environment and opens sockets,
 * which core's own code never does.
 */
import * as net from 'node:net'

// model

/** How to gate one service. */
export interface Gate {
  /** Human name, e.g. `PostgreSQL`. */
  readonly service: string
  /** Whether the service answered. */
  readonly available: boolean | Promise<boolean>
  /** What the skipped tests are, e.g. `the PostgreSQL conformance suite`. */
  readonly what: string
  /** How to run them, e.g. `start PostgreSQL on 127.0.0.1:5432`. */
  readonly howToRun: string
  /** Whether `DOCKET_REQUIRE_SERVICES=1` makes a missing service fail (default true). */
  readonly requiredInCi?: boolean
}

// operations

/** The PostgreSQL URL integration tests use: `DOCKET_PG_URL`, else `postgres://postgres@127.0.0.1:5432/test`. */
export const pgUrl = (): string => process.env.DOCKET_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** The EventStoreDB/KurrentDB URL from `DOCKET_ESDB_URL`, if set. */
export const esdbUrl = (): string | undefined => {
  const url = process.env.DOCKET_ESDB_URL
  return url === undefined || url === '' ? undefined : url
}

/** Whether CI asked for every required service (`DOCKET_REQUIRE_SERVICES=1`). */
export const servicesRequired = (): boolean => process.env.DOCKET_REQUIRE_SERVICES === '1'

/** Whether a TCP connection to `host:port` opens within `timeoutMs`. */
export const tcpOpen = (host: string, port: number, timeoutMs = 1000): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect({ host, port })
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })

/** Whether the PostgreSQL server of `url` (default {@link pgUrl}) accepts TCP connections. */
export const pgAvailable = (url: string = pgUrl()): Promise<boolean> => {
  const u = new URL(url)
  return tcpOpen(u.hostname === '' ? '127.0.0.1' : u.hostname, u.port === '' ? 5432 : Number(u.port))
}

/**
 * Resolves to true when the gated tests should run. When the service is
 * missing: throws if CI requires services (and this one is required), else
 * prints one `console.warn` line and resolves to false (use with `describe.skipIf`).
 */
export const requireOrSkip = async (gate: Gate): Promise<boolean> => {
  if (await gate.available) return true
  if (servicesRequired() && gate.requiredInCi !== false) {
    throw new Error(
      `${gate.service} is required (DOCKET_REQUIRE_SERVICES=1) but unavailable: ${gate.howToRun}`,
    )
  }
  console.warn(`SKIPPED ${gate.what}: ${gate.service} is unavailable. To run it: ${gate.howToRun}`)
  return false
}
