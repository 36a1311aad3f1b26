import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { EventStore, Profile, type Recorded } from '@docket/core'
import { History, Services } from '@docket/core/testing'
import * as E from 'fp-ts/lib/Either.js'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Store from '../internal/store.js'
import { docket, dropSchema } from '../internal/testing.js'
import * as Partition from './Partition.js'
import * as Replay from './Replay.js'
import * as Settings from './Settings.js'
import * as Workers from './Workers.js'

// Worker threads reading their own partitions of a PostgreSQL store (`Workers.StoreInput`). These
// tests start real worker threads, which run the compiled `dist` (`tsc -b` first).

const pgUrl = Services.pgUrl()
const withPostgres = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(pgUrl),
  what: 'replay workers each reading their partition of a PostgreSQL store',
  howToRun: `start PostgreSQL on ${pgUrl} (or set DOCKET_PG_URL)`,
})

// a store's global order is the order (as `docket replay --store` replays it)
const base: Settings.Settings = { profile: Profile.DEFAULTS, maxOpenCases: 40, checkOrder: false }
const cwd = os.tmpdir()

const bytes = (r: E.Either<unknown, Replay.Result>): string => {
  if (E.isLeft(r)) throw new Error(`replay failed: ${JSON.stringify(r.left)}`)
  return [...Partition.canonical(r.right)].join('')
}

/** Runs one statement on the server, through a connection of its own. */
const sql = async (text: string): Promise<void> => {
  const client = new pg.Client({ connectionString: pgUrl })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

const digest = (text: string): string => createHash('sha256').update(text).digest('hex')

const opened = async (url: string): Promise<EventStore.EventStore> => {
  const s = await Store.open(url, { cwd, env: {}, stderr: process.stderr })
  if (E.isLeft(s)) throw new Error(s.left)
  return s.right
}

/** One thread replaying the store (a partition of it), reading dropped cases back as `docket replay --store` does. */
const oneThread = async (
  store: EventStore.EventStore,
  settings: Settings.Settings,
  partition?: Parameters<typeof Partition.only>[1],
) => {
  const source = Replay.storeSource(store, partition === undefined ? {} : { partition })
  return Replay.run(source.events, { ...Settings.replay(settings), readBack: source.readBack })
}

describe.skipIf(!withPostgres)('Workers.replay from a store each worker reads', () => {
  const schemas: string[] = []
  let dir: string
  /** A fresh schema holding `events`, imported (and sealed) as `docket import` does. */
  const storeOf = async (events: ReadonlyArray<Recorded>): Promise<string> => {
    const schema = `docket_workers_${process.pid}_${schemas.length}`
    schemas.push(schema)
    await dropSchema(pgUrl, schema)
    const file = path.join(dir, `${schema}.jsonl`)
    fs.writeFileSync(file, events.map((e) => `${JSON.stringify(e)}\n`).join(''))
    const url = `${pgUrl}?schema=${schema}`
    const imported = await docket(['import', file, '--store', url])
    expect(imported.code).toBe(0)
    expect(imported.stderr).toContain(`imported ${events.length} new event(s)`)
    return url
  }
  const events = [...History.generate({ events: 1200, seed: 23, meanGapMinutes: 60 })]
  let url: string
  let store: EventStore.EventStore
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-workers-store-'))
    url = await storeOf(events)
    store = await opened(url)
  })
  afterAll(async () => {
    await store?.close()
    for (const s of schemas) await dropSchema(pgUrl, s)
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('gives the bytes of one thread, with the chain head, on 1 to 3 workers, and of a partition of the store', async () => {
    const reference = await oneThread(store, base)
    expect(E.isRight(reference) && reference.right.stats.dropped > 0).toBe(true)
    expect(E.isRight(reference) && reference.right.integrity !== null).toBe(true)
    for (const workers of [1, 2, 3]) {
      const r = await Workers.replay({ _tag: 'Store', url, cwd, store }, { ...base, workers })
      expect(digest(bytes(r))).toBe(digest(bytes(reference)))
    }
    // one machine's partition of the store (`--partition 1/2 --workers 2`): the partition's own
    // sealed events, judged at a fixed instant
    const share = { index: 1, count: 2 }
    const fixed = { ...base, asOf: '2025-03-01T00:00:00Z' }
    const mine = await Workers.replay(
      { _tag: 'Store', url, cwd, store },
      { ...fixed, workers: 2, partition: share },
    )
    expect(digest(bytes(mine))).toBe(digest(bytes(await oneThread(store, fixed, share))))
  })

  it('reads one cut: events committed after the head is taken are replayed by no worker', async () => {
    const own = await storeOf(events)
    const live = await opened(own)
    try {
      for (const workers of [1, 2]) {
        const before = bytes(await oneThread(live, base))
        // new cases, and events of cases the cut holds
        const later = [...History.generate({ events: 300, seed: 24 + workers, meanGapMinutes: 60 })].map(
          (e, i) => ({
            ...e,
            id: `later-${workers}-${e.id}`,
            caseId: i % 3 === 0 ? events[i]!.caseId : `later-${workers}-${e.caseId}`,
          }),
        )
        // the store's head is taken, then others append before the workers start reading
        const appending: EventStore.EventStore = {
          ...live,
          head: async () => {
            const cut = await live.head()
            for (const e of later) {
              const written = await live.append(e.caseId, [e], 'any')()
              if (E.isLeft(written)) throw new Error(EventStore.describe(written.left))
            }
            return cut
          },
        }
        const r = await Workers.replay(
          { _tag: 'Store', url: own, cwd, store: appending },
          { ...base, workers },
        )
        expect(digest(bytes(r))).toBe(digest(before))
        // the events were committed: a new cut reads them
        expect(digest(bytes(await oneThread(live, base)))).not.toBe(digest(before))
      }
    } finally {
      await live.close()
    }
  })

  it("fails with the store's error when the cut cannot be taken, or a worker cannot open or read the store", async () => {
    const unreachable = 'postgres://127.0.0.1:1/test?schema=docket_nowhere'
    const r = await Workers.replay({ _tag: 'Store', url: unreachable, cwd, store }, { ...base, workers: 2 })
    expect(E.isLeft(r) && r.left._tag).toBe('Store')
    expect(E.isLeft(r) && r.left._tag === 'Store' && r.left.message).toMatch(
      /127\.0\.0\.1:1|ECONNREFUSED|connect/,
    )
    // the cut cannot be taken
    const headless: EventStore.EventStore = {
      ...store,
      head: () => Promise.reject(new Error('connection reset taking the head')),
    }
    const cutless = await Workers.replay(
      { _tag: 'Store', url, cwd, store: headless },
      { ...base, workers: 2 },
    )
    expect(cutless).toEqual(E.left({ _tag: 'Store', message: 'connection reset taking the head' }))
    // a worker's read breaks halfway (a row whose body is not JSON); the other worker stops too
    const own = await storeOf(events)
    const schema = new URL(own).searchParams.get('schema')!
    // seal_hash cleared too: the store refuses a seal_hash its body does not end with (schema version 6)
    await sql(`UPDATE "${schema}".events SET body = '{"broken', seal_hash = NULL WHERE position = 600`)
    const damaged = await opened(own)
    try {
      const broken = await Workers.replay(
        { _tag: 'Store', url: own, cwd, store: damaged },
        { ...base, workers: 2 },
      )
      expect(E.isLeft(broken) && broken.left._tag).toBe('Store')
      expect(E.isLeft(broken) && broken.left._tag === 'Store' && broken.left.message).toMatch(/JSON/)
    } finally {
      await damaged.close()
    }
    // as docket replay reports it: the store's error, nothing written
    const out = path.join(dir, 'damaged.json')
    const replayed = await docket([
      'replay',
      '--store',
      own,
      '--workers',
      '2',
      '--report',
      'json',
      '--out',
      out,
      '--quiet',
    ])
    expect(replayed.code).toBe(2)
    expect(replayed.stderr).toMatch(/JSON[\s\S]*Nothing was written\./)
    expect(fs.existsSync(out)).toBe(false)
  })
})
