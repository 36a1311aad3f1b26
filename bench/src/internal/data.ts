/**
 * The benchmark's data: a seeded history (`History.generate` of
 * `@docket/core/testing`) written as JSON Lines, and the same history loaded
 * into a Docket SQL store's table in bulk (`INSERT … SELECT FROM unnest(…)` of
 * 20,000 rows, the next batch generated while one is inserted, positions and
 * revisions as the store assigns them; the table's secondary indexes and
 * unique constraints are dropped during the load and rebuilt after it from
 * their own definitions), so that preparing ten million rows does not go
 * through ten million appends. The append path itself is measured by figure 3.
 */
import * as fs from 'node:fs'
import { CasePartition, type Recorded } from '@docket/core'
import { History } from '@docket/core/testing'

/** The generator's options for a benchmark of `events` events. */
export const history = (events: number, seed = 42): Iterable<Recorded> => History.generate({ events, seed })

/** Writes the history as JSON Lines to `file`; returns its size in bytes. */
export const writeJsonl = async (file: string, events: number, seed = 42): Promise<number> => {
  const out = fs.createWriteStream(file)
  let buf: string[] = []
  const flush = async (): Promise<void> => {
    const text = `${buf.join('\n')}\n`
    buf = []
    if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()))
  }
  for (const e of history(events, seed)) {
    buf.push(JSON.stringify(e))
    if (buf.length === 5000) await flush()
  }
  if (buf.length > 0) await flush()
  await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())))
  return fs.statSync(file).size
}

/**
 * Reads a file in 1 MiB chunks and yields its lines in batches (one batch per chunk), each line
 * decoded from its own bytes. Splitting bytes at `\n` this way reads the generated file about
 * twice as fast as decoding each chunk to a string and splitting that (the reader of this
 * baseline before the eighth pass), and as fast as `docket replay` reads a file.
 */
export async function* lineBatches(file: string): AsyncGenerator<ReadonlyArray<string>> {
  let rest: Buffer = Buffer.alloc(0)
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    const buf = rest.length === 0 ? (chunk as Buffer) : Buffer.concat([rest, chunk as Buffer])
    const lines: string[] = []
    let start = 0
    for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, start)) {
      lines.push(buf.toString('utf8', start, nl))
      start = nl + 1
    }
    rest = buf.subarray(start)
    yield lines
  }
  if (rest.length > 0) yield [rest.toString('utf8')]
}

/** Calls `each` on every non-empty line of the file with its 1-based line number; returns how many. */
export const eachLine = async (file: string, each: (text: string, line: number) => void): Promise<number> => {
  let n = 0
  let line = 0
  for await (const lines of lineBatches(file)) {
    for (const text of lines) {
      line++
      if (text.length === 0) continue
      each(text, line)
      n++
    }
  }
  return n
}

/** Read + `JSON.parse` of every non-empty line (the baseline of figure 1b); returns the lines read. */
export const parseOnly = (file: string): Promise<number> => eachLine(file, (text) => JSON.parse(text))

/** Something that runs a statement with parameters (a pg pool or a PGlite). */
export interface Exec {
  readonly query: (text: string, params: unknown[]) => Promise<unknown>
}

/** Rows of a query, as both `pg` and PGlite return them. */
const rowsOf = <A>(r: unknown): ReadonlyArray<A> => (r as { readonly rows: ReadonlyArray<A> }).rows

/**
 * Inserts the history into `schema.events` (already migrated, empty) in batches of `batch` rows.
 * The indexes other than the primary key are rebuilt at the end (same names and definitions).
 */
export const loadSql = async (
  db: Exec,
  schema: string,
  events: number,
  seed = 42,
  batch = 20_000,
  parallel = 2,
): Promise<void> => {
  const table = `"${schema}".events`
  const constraints = rowsOf<{ name: string; def: string }>(
    await db.query(
      `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE conrelid = $1::regclass AND contype = 'u' ORDER BY conname`,
      [table],
    ),
  )
  const indexes = rowsOf<{ name: string; def: string }>(
    await db.query(
      `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = $1::regclass AND NOT x.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) ORDER BY i.relname`,
      [table],
    ),
  )
  for (const c of constraints) await db.query(`ALTER TABLE ${table} DROP CONSTRAINT "${c.name}"`, [])
  for (const i of indexes) await db.query(`DROP INDEX "${schema}"."${i.name}"`, [])
  await insertAll(db, schema, events, seed, batch, parallel)
  for (const c of constraints) await db.query(`ALTER TABLE ${table} ADD CONSTRAINT "${c.name}" ${c.def}`, [])
  for (const i of indexes) await db.query(i.def, [])
}

const insertAll = async (
  db: Exec,
  schema: string,
  events: number,
  seed: number,
  batch: number,
  parallel: number,
): Promise<void> => {
  const revisions = new Map<string, number>()
  let position = 0
  let rows: Recorded[] = []
  // `parallel` inserts in flight while the next batch is generated (a pool may run them at once)
  const inFlight: Promise<unknown>[] = []
  const insert = async (): Promise<void> => {
    if (inFlight.length >= parallel) await inFlight.shift()
    const positions: string[] = []
    const streams: string[] = []
    const revs: number[] = []
    for (const e of rows) {
      positions.push(String(++position))
      streams.push(e.caseId)
      const r = revisions.get(e.caseId) ?? 0
      revisions.set(e.caseId, r + 1)
      revs.push(r)
    }
    const q = db.query(
      `INSERT INTO "${schema}".events (position, stream, revision, event_id, type, occurred_at, recorded_at, body, partition_key)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::text[], $9::bigint[])`,
      [
        positions,
        streams,
        revs,
        rows.map((e) => e.id),
        rows.map((e) => e.type),
        rows.map((e) => e.occurredAt),
        rows.map((e) => e.recordedAt),
        rows.map((e) => JSON.stringify(e)),
        // as the store writes it (the table's trigger would otherwise compute it in SQL, per row)
        rows.map((e) => String(CasePartition.key(e.caseId))),
      ],
    )
    // awaited before the next batch (or at the end); a failure is not unhandled meanwhile
    q.catch(() => undefined)
    inFlight.push(q)
    rows = []
  }
  for (const e of history(events, seed)) {
    rows.push(e)
    if (rows.length === batch) await insert()
  }
  if (rows.length > 0) await insert()
  await Promise.all(inFlight)
}
