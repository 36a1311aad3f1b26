/**
 * The two sealed append functions side by side, on one connection: `node bench/dist/appendFunctions.js
 * [groups]` (default 300) opens a sealed PostgreSQL store in a schema of its own (dropped at the end),
 * then calls schema version 8's `append_group_sealed` (the server chains each seal in PL/pgSQL from the
 * canonical texts sent with the bodies) and version 9's `append_group_presealed` (the client seals after
 * the last seals it remembers, the server checks them) alternately, each with its own groups of figure
 * 3's shape: 8 appends of 1–10 generated events, three groups per case. It prints the median wall time
 * of a call (the client's sealing included, each call its own transaction and flush) and the server's
 * mean time per call (`pg_stat_user_functions`, which needs `track_functions = 'all'`; null without it).
 * `subjects` is NULL in both (the server's `subject_ids` reads the reports, alike for both). Alternating
 * in one process weighs the machine's drift on both functions alike. The server is `DOCKET_BENCH_PG`.
 */
import { CasePartition, Integrity, type Recorded } from '@docket/core'
import { PostgresEventStore } from '@docket/adapters/postgres'
import pg from 'pg'
import * as Data from './internal/data.js'

const groups = Number(process.argv[2] ?? 300)
const url = process.env.DOCKET_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = `bench_${process.pid}_functions`
const s = `"${schema}"`
await (await PostgresEventStore.make(url, { schema, seal: true })).close()
const client = new pg.Client({ connectionString: url })
await client.connect()
const supply = Data.history(10_000_000, 7)[Symbol.iterator]()
const remembered = new Map<string, string | null>()
let k = 0

type Version = 'v8' | 'v9'

/** Group `g` of `version`: its parameters before the bodies, and each event's case and sealable parts. */
const group = (version: Version, g: number) => {
  const cases: string[] = []
  const rows = { case: [] as number[], offset: [] as number[], id: [] as string[], type: [] as string[] }
  const instants = { occurred: [] as string[], recorded: [] as string[] }
  const sealables: Integrity.Sealable[] = []
  for (let w = 0; w < 8; w++) {
    const caseId = `${version}-c${Math.floor(g / 3)}-w${w}`
    cases.push(caseId)
    for (let o = 0; o < 1 + ((g * 7 + w) % 10); o++) {
      const e = { ...(supply.next().value as Recorded), id: `${caseId}-${++k}`, caseId }
      rows.case.push(w + 1)
      rows.offset.push(o)
      rows.id.push(e.id)
      rows.type.push(e.type)
      instants.occurred.push(e.occurredAt)
      instants.recorded.push(e.recordedAt)
      sealables.push(Integrity.sealable(e))
    }
  }
  const params = [
    ...[1, `bench_${process.pid}`, cases, [1, 2, 3, 4, 5, 6, 7, 8], Array(8).fill(-1), Array(8).fill(0)],
    ...[rows.case, rows.offset, rows.id, rows.type, instants.occurred, instants.recorded],
  ]
  return { cases, params, rowCases: rows.case, sealables, keys: cases.map(CasePartition.key) }
}

/** One call of `version`'s function for group `g`; its wall time in ms. */
const call = async (version: Version, g: number): Promise<number> => {
  const x = group(version, g)
  const nulls = x.sealables.map(() => null)
  const started = performance.now()
  if (version === 'v8') {
    const bodies = x.sealables.map((e) => e.bodyHead).join('\u0001')
    const texts = x.sealables.map((e) => e.hashed).join('\u0001')
    await client.query(
      `SELECT ${s}.append_group_sealed($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [...x.params, bodies, x.keys, texts, nulls],
    )
  } else {
    const prev = x.cases.map((c) => remembered.get(c) ?? null)
    const last = [...prev]
    const bodies: string[] = []
    const hashes: string[] = []
    for (const [i, e] of x.sealables.entries()) {
      const sealed = Integrity.sealedBody(e, last[x.rowCases[i]! - 1] ?? null)
      bodies.push(sealed.body)
      hashes.push(sealed.hash)
      last[x.rowCases[i]! - 1] = sealed.hash
    }
    await client.query(
      `SELECT ${s}.append_group_presealed($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [...x.params, bodies.join('\u0001'), x.keys, hashes, nulls, prev],
    )
    for (const [i, c] of x.cases.entries()) remembered.set(c, last[i]!)
  }
  return performance.now() - started
}

const median = (xs: ReadonlyArray<number>): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!
try {
  const wall: Record<Version, number[]> = { v8: [], v9: [] }
  for (let g = 0; g < groups; g++)
    for (const v of g % 2 === 0 ? (['v8', 'v9'] as const) : (['v9', 'v8'] as const))
      wall[v].push(await call(v, g))
  // a backend reports its statistics at the end of a transaction at most once a second
  await new Promise((resolve) => setTimeout(resolve, 1_100))
  await client.query('SELECT 1')
  const server = await client.query<{ f: string; calls: string; ms: number }>(
    `SELECT funcname AS f, calls, total_time / calls AS ms FROM pg_stat_user_functions
      WHERE schemaname = $1 AND funcname LIKE 'append_group%'`,
    [schema],
  )
  const serverMs = (f: string) => {
    const r = server.rows.find((x) => x.f === f)
    return r === undefined ? null : { calls: Number(r.calls), ms: Number(r.ms.toFixed(3)) }
  }
  process.stdout.write(
    `${JSON.stringify({
      groups,
      v8: { wallMedianMs: Number(median(wall.v8).toFixed(3)), server: serverMs('append_group_sealed') },
      v9: { wallMedianMs: Number(median(wall.v9).toFixed(3)), server: serverMs('append_group_presealed') },
    })}\n`,
  )
} finally {
  await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`)
  await client.end()
}
