/**
 * Running `docket` in-process for tests: captured standard output and error,
 * a given standard input, a fixed environment (no colour unless asked); and
 * what several command tests compare or clean up.
 */
import { PassThrough, Readable, Writable } from 'node:stream'
import pg from 'pg'
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

/**
 * A json report without its memory counters (cases dropped, reopened, most held at once), which
 * count each process's or worker's own evictions: what a replay on workers or in partitions must
 * equal a replay in one thread on.
 */
export const withoutMemoryCounters = (json: string): unknown => {
  const r = JSON.parse(json)
  return { ...r, stats: { ...r.stats, dropped: 0, reopened: 0, maxOpenCases: 0 } }
}

/** Drops a PostgreSQL schema a test created, and everything in it, through a connection of its own. */
export const dropSchema = async (url: string, schema: string): Promise<void> => {
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  try {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    await admin.end()
  }
}

/**
 * Another session holding `schema`'s events table locked (`LOCK TABLE … IN ACCESS EXCLUSIVE MODE`,
 * in a transaction left open): every read and append of the store waits until it ends (`ROLLBACK`
 * or `COMMIT` on the returned client, then `end`).
 */
export const lockEvents = async (url: string, schema: string): Promise<pg.Client> => {
  const holder = new pg.Client({ connectionString: url })
  await holder.connect()
  await holder.query('BEGIN')
  await holder.query(`LOCK TABLE "${schema}".events IN ACCESS EXCLUSIVE MODE`)
  return holder
}

/** A small RFC 4180 reader, to check what csv-stringify wrote. */
export const parseCsv = (text: string): string[][] => {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === '\r' && text[i + 1] === '\n') continue
    else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
    } else cell += c
  }
  return rows
}
