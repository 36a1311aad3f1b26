/**
 * What an operator should check when a store cannot be opened, from the error the driver gave: a
 * refused connection, an unknown host, a server starting up or shutting down, a missing database,
 * a refused login. The driver's words alone (`connect ECONNREFUSED 127.0.0.1:5432`) say what
 * failed, not where to look. Not a retry policy: opening is not retried.
 */

// model

/** The fields of a Node socket error or a PostgreSQL error this reads. */
interface Coded {
  readonly code?: unknown
  readonly address?: unknown
  readonly port?: unknown
  readonly hostname?: unknown
}

// operations

/** Where the error says the server was sought (`host:port`), when it says. */
const where = (e: Coded): string =>
  typeof e.address === 'string' && typeof e.port === 'number' ? ` at ${e.address}:${e.port}` : ''

/** What to check after an open failed with `e`, as a clause; undefined when the error suggests nothing. */
export const hint = (e: unknown): string | undefined => {
  if (typeof e !== 'object' || e === null) return undefined
  const coded = e as Coded
  switch (coded.code) {
    case 'ECONNREFUSED':
      return `check that the server is running and accepts TCP connections${where(coded)} (pg_isready), and the URL's host and port`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return "check the URL's host name"
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'check that the server is up and that the network and firewalls let this machine reach it'
    case '57P03':
      return 'the server is starting up or shutting down: try again once it accepts connections'
    case '3D000':
      return 'check the database name in the URL; Docket creates its schema, not the database'
    case '28000':
    case '28P01':
      return "check the URL's user and password, and the server's pg_hba.conf"
    default:
      return undefined
  }
}
