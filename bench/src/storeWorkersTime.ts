/**
 * Worker threads replaying a PostgreSQL store against one thread, one replay per process
 * (alternate them to compare): `node bench/dist/storeWorkersTime.js <one|workers|routed|drop>
 * [events] [--workers n]` replays N generated events (default 1,000,000; the rows are loaded into
 * schema `bench_store_workers` when it is missing, and `drop` drops it) as `docket replay --store`
 * does: `one` in this thread (`Replay.storeSource`), `workers` on n worker threads (default 2)
 * each reading its own partition of one cut (`Workers.StoreInput`, since the tenth pass), `routed`
 * on n worker threads fed by this thread, which reads and decodes every event (before the tenth
 * pass). Prints the wall and CPU milliseconds, the digest and the peak RSS (the process's: the
 * workers' heaps included).
 */
import { Heap, Replay, type Workers } from '@docket/cli'
import { PostgresEventStore } from '@docket/adapters/postgres'
import pg from 'pg'
import * as Figures from './figures/replay.js'
import * as Docket from './internal/docket.js'
import { cpuTimed } from './internal/measure.js'

Heap.tighten()
const args = process.argv.slice(2)
const mode = args[0] ?? 'one'
const events = Number(args.slice(1).find((a) => /^\d+$/.test(a)) ?? 1_000_000)
const workersAt = args.indexOf('--workers')
const workers = workersAt < 0 ? 2 : Number(args[workersAt + 1])
const url = process.env.DOCKET_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = 'bench_store_workers'

if (mode === 'drop') {
  await Figures.postgres('drop', url, schema, events)
  process.exit(0)
}
if (!['one', 'workers', 'routed'].includes(mode))
  throw new Error(`storeWorkersTime: unknown mode ${mode} (one, workers, routed or drop)`)

const pool = new pg.Pool({ connectionString: url, max: 1 })
const found = await pool.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema])
await pool.end()
if (found.rowCount === 0) await Figures.postgres('load', url, schema, events)

const store = await PostgresEventStore.make(url, { schema, migrate: false })
const input: Workers.Input =
  mode === 'routed'
    ? { _tag: 'Events', events: Replay.fromStore(store) }
    : {
        _tag: 'Store',
        url: `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`,
        cwd: process.cwd(),
        store,
      }
try {
  const timed = await cpuTimed(() =>
    mode === 'one' ? Docket.replay(Replay.storeSource(store)) : Docket.onWorkers(input, workers, false),
  )
  Docket.printTimed({ mode, workers: mode === 'one' ? 0 : workers }, timed)
} finally {
  await store.close()
}
