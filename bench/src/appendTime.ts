/**
 * Appends by 8 concurrent writers to PostgreSQL, timed alone: `node
 * bench/dist/appendTime.js [sealed|decorated|bare] [appendsPerWriter]` appends
 * 1–10 generated events at a time, three appends per case (figure 3's shape),
 * to a store sealing inside its appends (`seal: true`, as `Store.open` opens
 * a store), through `Integrity.sealed` on the bare store, or to the bare
 * store, in a schema of its own (dropped at the end), and prints events per
 * second and the process's CPU. For before/after comparisons run it in two
 * checkouts, alternately (see `replayTime.ts`). The server is
 * `DOCKET_BENCH_PG` (default `postgres://postgres@127.0.0.1:5432/test`).
 */
import { Integrity, type Recorded } from '@docket/core'
import { PostgresEventStore } from '@docket/adapters/postgres'
import pg from 'pg'
import * as Data from './internal/data.js'

const mode = process.argv[2] ?? 'sealed'
if (mode !== 'sealed' && mode !== 'decorated' && mode !== 'bare')
  throw new Error(`appendTime: sealed, decorated or bare, not ${mode}`)
const appendsPerWriter = Number(process.argv[3] ?? 300)
const url = process.env.DOCKET_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = `bench_${process.pid}_appendtime`
const store = await PostgresEventStore.make(url, { schema, max: 10, seal: mode === 'sealed' })
const target = mode === 'decorated' ? Integrity.sealed(store) : store
const supply = Data.history(10_000_000, 7)[Symbol.iterator]()
let k = 0
const make = (caseId: string, n: number): Recorded[] =>
  Array.from({ length: n }, () => ({ ...(supply.next().value as Recorded), id: `${caseId}-${++k}`, caseId }))
const plan = Array.from({ length: 8 }, (_, w) =>
  Array.from({ length: appendsPerWriter }, (_, i) => {
    const caseId = `t-w${w}-c${Math.floor(i / 3)}`
    return { caseId, events: make(caseId, 1 + ((i * 7 + w) % 10)) }
  }),
)
let events = 0
const cpu = process.cpuUsage()
const started = performance.now()
try {
  await Promise.all(
    plan.map(async (steps) => {
      for (const s of steps) {
        const r = await target.append(s.caseId, s.events, 'any')()
        if (r._tag === 'Left') throw new Error(JSON.stringify(r.left))
        events += s.events.length
      }
    }),
  )
  const ms = performance.now() - started
  const used = process.cpuUsage(cpu)
  process.stdout.write(
    `${JSON.stringify({
      mode,
      events,
      ms: Math.round(ms),
      eventsPerSecond: Math.round((events / ms) * 1000),
      cpuMs: Math.round((used.user + used.system) / 1000),
    })}\n`,
  )
} finally {
  await store.close()
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await admin.end()
}
