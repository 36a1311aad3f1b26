/**
 * Reading cases back from the source against archiving their histories, one replay per process
 * (alternate the two to compare): `node bench/dist/readBackTime.js <memory|file|postgres>
 * [events] [--archive]` replays N generated events (default 300,000) decoded in memory (figure
 * 1a's input), from a JSON Lines file (1b's replay phase; the file is written once, untimed, and
 * kept in the OS temporary directory), or from PostgreSQL (figure 2's replay; the rows are loaded
 * into schema `bench_read_back` when it is missing, and `postgres-drop` drops it). Without
 * `--archive` the source reads cases back as the figures do (`Replay.fromEvents`, the file's
 * `Input`, `Replay.storeSource`); with it, every history leaving memory is archived on disk, as
 * before the eighth pass. Prints the wall and CPU milliseconds, the digest and the peak RSS.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Heap, Replay } from '@docket/cli'
import { PostgresEventStore } from '@docket/adapters/postgres'
import pg from 'pg'
import * as Figures from './figures/replay.js'
import * as Data from './internal/data.js'
import * as Docket from './internal/docket.js'
import { cpuTimed, stream } from './internal/measure.js'

Heap.tighten()
const [source = 'memory', ...rest] = process.argv.slice(2)
const archive = rest.includes('--archive')
const events = Number(rest.find((a) => !a.startsWith('--')) ?? 300_000)
const url = process.env.DOCKET_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = 'bench_read_back'

/** The replay to time, its input prepared (untimed). */
const prepare = async (): Promise<() => Promise<Replay.Result>> => {
  switch (source) {
    case 'memory': {
      const all = [...Data.history(events)]
      return () => Docket.replay(archive ? stream(all) : Replay.fromEvents(all))
    }
    case 'file': {
      const file = path.join(os.tmpdir(), `docket-read-back-${events}.jsonl`)
      if (!fs.existsSync(file)) await Data.writeJsonl(file, events)
      return () => Docket.replayFile(file, !archive)
    }
    case 'postgres': {
      const pool = new pg.Pool({ connectionString: url, max: 1 })
      const found = await pool.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [
        schema,
      ])
      await pool.end()
      if (found.rowCount === 0) await Figures.postgres('load', url, schema, events)
      const store = await PostgresEventStore.make(url, { schema, migrate: false })
      return async () => {
        try {
          return await Docket.replay(archive ? Replay.fromStore(store) : Replay.storeSource(store))
        } finally {
          await store.close()
        }
      }
    }
    case 'postgres-drop':
      await Figures.postgres('drop', url, schema, events)
      process.exit(0)
      break
  }
  throw new Error(`readBackTime: unknown source ${source} (memory, file, postgres or postgres-drop)`)
}

Docket.printTimed({ source, archive }, await cpuTimed(await prepare()))
