/**
 * The tiny query interface the PostgreSQL and PGlite stores share, so that
 * both run the same SQL through the same code (`sqlEventStore.ts`): a pg
 * `Pool` and a `PGlite` instance are each wrapped into it by their entry point.
 */
import { type CasePartition, Timestamp } from '@docket/core'

/** Something that runs one statement with parameters and returns its rows. */
export interface Queryable {
  readonly query: <R = Record<string, unknown>>(text: string, params?: ReadonlyArray<unknown>) => Promise<R[]>
  /** Like `query`, rows as arrays of column values (cheaper for large reads). */
  readonly queryArrays: (text: string, params?: ReadonlyArray<unknown>) => Promise<unknown[][]>
  /** Runs several statements without parameters (migrations). */
  readonly exec: (text: string) => Promise<void>
}

/** A database the SQL store runs on. */
export interface Sql extends Queryable {
  /** Which engine, for messages. */
  readonly engine: 'postgres' | 'pglite'
  /** Runs `f` in one transaction (READ COMMITTED), committing when it resolves, rolling back when it throws. */
  readonly transaction: <A>(f: (q: Queryable) => Promise<A>) => Promise<A>
  /**
   * Listens to a NOTIFY channel; `onLost` is called if the listening
   * connection dies (the store then polls and listens again later).
   */
  readonly listen: (
    channel: string,
    onNotify: (payload: string) => void,
    onLost: (error: unknown) => void,
  ) => Promise<() => Promise<void>>
  /** Releases the connections (or the embedded database). */
  readonly close: () => Promise<void>
}

/** The SQLSTATE code of a driver error, if any. */
export const sqlState = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/** A position of a SQL store (a decimal bigint; `'0'`, before the first event, when absent), or a thrown error naming the value. */
export const checkPosition = (p: string | undefined): string => {
  if (p === undefined) return '0'
  if (!/^\d{1,19}$/.test(p)) throw new Error(`not a position of a SQL store: ${JSON.stringify(p)}`)
  return p
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/**
 * A timestamp (validated: `EventStore.checkBatch`) as text `timestamptz` reads, whatever the offset
 * or year it is written with: its instant in UTC, since PostgreSQL refuses offsets beyond ±15:59, and
 * `BC` before year 1, since it has no year 0 (`0000-01-01T00:00:00+14:00` is `0001-12-31T10:00:00.000Z BC`).
 */
export const instantText = (iso: string): string => {
  const d = new Date(Timestamp.toMillis(iso))
  const year = d.getUTCFullYear()
  if (year >= 1 && year <= 9999) return d.toISOString()
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`
  const date = `${pad(year >= 1 ? year : 1 - year, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
  return `${date}T${time}Z${year >= 1 ? '' : ' BC'}`
}

/** The message of a thrown value. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/**
 * What is wrong with a schema name, or undefined: it must be safe to splice into SQL (lowercase
 * letters, digits and `_`, at most 63 bytes) and not begin with `pg_`, which PostgreSQL keeps for
 * its own schemas.
 */
export const schemaProblem = (schema: string): string | undefined =>
  !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)
    ? 'use lowercase letters, digits and _ (max 63)'
    : schema.startsWith('pg_')
      ? 'a name beginning with pg_ is reserved by PostgreSQL'
      : undefined

/** A schema name safe to splice into SQL ({@link schemaProblem}); throws naming it otherwise. */
export const checkSchema = (schema: string): string => {
  const problem = schemaProblem(schema)
  if (problem !== undefined) throw new Error(`invalid schema name ${JSON.stringify(schema)}: ${problem}`)
  return schema
}

/**
 * The connection string without `?schema=`, and the schema: the URL's `?schema=` (as `docket`
 * store URLs give it), the option, or `docket`. A URL and an option naming two schemas is an
 * error. Every PostgreSQL entry point (event store, key store, master key check, rotation) reads
 * the schema this way, so that one URL names one schema for all of them.
 */
export const locate = (
  url: string,
  option: string | undefined,
): { readonly url: string; readonly schema: string } => {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return { url, schema: checkSchema(option ?? 'docket') }
  }
  const inUrl = parsed.searchParams.get('schema')
  if (inUrl === null) return { url, schema: checkSchema(option ?? 'docket') }
  if (option !== undefined && option !== inUrl)
    throw new Error(
      `the URL names schema ${JSON.stringify(inUrl)} and the schema option ${JSON.stringify(option)}: give one`,
    )
  parsed.searchParams.delete('schema')
  return { url: parsed.toString(), schema: checkSchema(inUrl) }
}

const TRANSIENT_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
])

/** Whether an error is the connection or the server going away (worth retrying later), not a bad statement. */
export const isTransient = (error: unknown): boolean => {
  const code = sqlState(error)
  if (code !== undefined && (code.startsWith('08') || TRANSIENT_CODES.has(code))) return true
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(
    messageOf(error),
  )
}

/**
 * The condition of a partitioned read on `e.partition_key` (migration 3), `count` and `index`
 * being SQL expressions (parameters). In a CASE on purpose: the planner cannot estimate
 * `partition_key % n = i` (no statistics on the expression) and takes it for 0.5% of the rows,
 * so it sorts a sequential scan instead of walking the primary key in order (with a page's
 * LIMIT, a full scan and sort for every page); a CASE is taken for half the rows, and the
 * read walks the primary key as an unpartitioned one does.
 */
export const inPartition = (count: string, index: string): string =>
  `CASE WHEN e.partition_key % ${count} = ${index} THEN true ELSE false END`

/**
 * The `FROM` of a read of the events table `table` (as `e`: position, revision, body) of the rows meeting `where`
 * whose type is one of `types`, bound to the parameters from `$next` on (`values`, the distinct types): one
 * `UNION ALL` branch per type, so that each reads the `(type, position)` index in position order and the planner
 * merges them (`Merge Append`) for an outer `ORDER BY e.position`. A filter `e.type = ANY(…)` instead had the
 * planner walk the whole log by position, filtering each row, when it could not see how rare the types are (a
 * portal's array parameter) or expected to meet a page of them soon (`LIMIT`): a read of the few events of one
 * type read the whole log.
 */
export const ofTypes = (
  table: string,
  where: string,
  types: ReadonlyArray<string>,
  next: number,
): { readonly from: string; readonly values: ReadonlyArray<string> } => {
  const values = [...new Set(types)]
  const branch = (type: string): string =>
    `SELECT e.position, e.revision, e.body FROM ${table} e WHERE e.type = ${type} AND ${where}`
  const branches = values.length === 0 ? [branch('NULL')] : values.map((_, i) => branch(`$${next + i}::text`))
  return { from: `(${branches.join(' UNION ALL ')}) e`, values }
}

/**
 * The `FROM` of a read of `table` (as `e`) of the rows meeting `where`, bound to `params`, kept to
 * `partition` and `types` when given: `params` with their parameters after it, each a decimal or a
 * text (the one place the SQL stores' reads filter, so a page and a stream filter alike).
 */
export const filteredFrom = <P>(
  table: string,
  where: string,
  params: ReadonlyArray<P>,
  options: {
    readonly partition?: CasePartition.Partition | undefined
    readonly types?: ReadonlyArray<string> | undefined
  },
): { readonly from: string; readonly params: ReadonlyArray<P | string> } => {
  const all: Array<P | string> = [...params]
  let kept = where
  if (options.partition !== undefined) {
    all.push(String(options.partition.count), String(options.partition.index))
    kept += ` AND ${inPartition(`$${all.length - 1}::bigint`, `$${all.length}::bigint`)}`
  }
  if (options.types === undefined) return { from: `${table} e WHERE ${kept}`, params: all }
  const typed = ofTypes(table, kept, options.types, all.length + 1)
  return { from: typed.from, params: [...all, ...typed.values] }
}

/**
 * A page of the log in `table` (as `e`) after `$1`, at most `$2` rows, of `types` and `partition` when given:
 * the query of the SQL stores' paged reads (PGlite's `readAll`, and subscriptions). No upper bound in SQL:
 * "position > $1 ORDER BY position LIMIT n" walks the primary key, whereas a range bound lets a planner with
 * stale statistics pick a bitmap scan and a sort.
 */
export const pageQuery = (
  table: string,
  after: string,
  size: number,
  types: ReadonlyArray<string> | undefined,
  partition: CasePartition.Partition | undefined,
): { readonly text: string; readonly params: ReadonlyArray<unknown> } => {
  const q = filteredFrom<unknown>(table, 'e.position > $1', [after, size], { partition, types })
  // ORDER BY e.position: a bare "position" would sort the text output column
  return {
    text: `SELECT e.position::text, e.revision, e.body FROM ${q.from} ORDER BY e.position LIMIT $2`,
    params: q.params,
  }
}
