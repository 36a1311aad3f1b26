/**
 * Concurrency on a real PostgreSQL server: many writers (through several
 * store instances, each with its own pool, as separate processes would)
 * while followers read the global log. Nothing may be lost, duplicated or
 * reordered, conflicts must be reported, and a follower must never skip an
 * event committed out of order by a concurrent transaction.
 */
import type { EventStore, Recorded } from '@docket/core'
import { collect, ok, run as runTE, Services, testEvent } from '@docket/core/testing'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as PostgresEventStore from './PostgresEventStore.js'
import { schemas } from '../internal/pgTest.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the PostgreSQL concurrency tests',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

const WRITERS = 24
const PER_WRITER = 15

describe.skipIf(!run)('PostgreSQL under concurrent writers', () => {
  const fixture = schemas(url, 'docket_conc')

  /** Several independent store instances on one fresh schema. */
  const instances = async (count: number): Promise<ReadonlyArray<EventStore.EventStore>> => {
    const schema = fixture.fresh()
    const out: EventStore.EventStore[] = []
    for (let i = 0; i < count; i++) {
      out.push(
        fixture.keep(await PostgresEventStore.make(url, { schema, max: 5, pollMs: 100, pageSize: 50 })),
      )
    }
    return out
  }

  /** Follows the log by polling `readAll({ after })`, the pattern a bare sequence breaks. */
  const poller = (store: EventStore.EventStore, until: () => boolean) => {
    const seen: EventStore.StoredEvent[] = []
    const done = (async () => {
      let after: string | undefined
      for (;;) {
        const finished = until()
        for await (const e of store.readAll(after === undefined ? {} : { after })) {
          seen.push(e)
          after = e.position
        }
        if (finished) return seen
        await new Promise((r) => setTimeout(r, 1))
      }
    })()
    return done
  }

  const follower = (store: EventStore.EventStore, total: number) => {
    const controller = new AbortController()
    const seen: EventStore.StoredEvent[] = []
    const done = (async () => {
      for await (const e of store.subscribe({ signal: controller.signal })) {
        seen.push(e)
        if (seen.length >= total) controller.abort()
      }
      return seen
    })()
    return done
  }

  const checkLog = async (
    store: EventStore.EventStore,
    followed: ReadonlyArray<ReadonlyArray<EventStore.StoredEvent>>,
    written: ReadonlyArray<Recorded>,
  ) => {
    const all = await collect(store.readAll())
    expect(all.length).toBe(written.length)
    expect(new Set(all.map((e) => e.event.id))).toEqual(new Set(written.map((e) => e.id)))
    // dense positions 1..n, in commit order
    expect(all.map((e) => e.position)).toEqual(all.map((_, i) => String(i + 1)))
    for (const seen of followed) expect(seen.map((e) => e.position)).toEqual(all.map((e) => e.position))
    // per stream: revisions contiguous and in log order
    const byStream = new Map<string, number[]>()
    for (const e of all) byStream.set(e.event.caseId, [...(byStream.get(e.event.caseId) ?? []), e.revision])
    for (const revisions of byStream.values()) expect(revisions).toEqual(revisions.map((_, i) => i))
    return all
  }

  it(`${WRITERS} writers on one stream, followed live and by polling`, async () => {
    const ss = await instances(4)
    const total = WRITERS * PER_WRITER
    let writing = true
    const live = follower(ss[0]!, total)
    const polled = poller(ss[1]!, () => !writing)
    const written: Recorded[] = []
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        const store = ss[w % ss.length]!
        for (let i = 0; i < PER_WRITER; i++) {
          const e = testEvent('hot', w * 1000 + i)
          written.push(e)
          await ok(store.append('hot', [e], 'any'))
        }
      }),
    )
    writing = false
    const all = await checkLog(ss[2]!, [await live, await polled], written)
    // each writer's own events stay in its order
    for (let w = 0; w < WRITERS; w++) {
      const mine = all.filter((e) => Math.floor((e.event.data as { n: number }).n / 1000) === w)
      expect(mine.map((e) => (e.event.data as { n: number }).n)).toEqual(
        Array.from({ length: PER_WRITER }, (_, i) => w * 1000 + i),
      )
    }
  })

  it(`${WRITERS} writers on many streams with batches, followed live and by polling`, async () => {
    const ss = await instances(4)
    const total = WRITERS * PER_WRITER * 3
    let writing = true
    const live = follower(ss[3]!, total)
    const polled = poller(ss[2]!, () => !writing)
    const written: Recorded[] = []
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        const store = ss[w % ss.length]!
        for (let i = 0; i < PER_WRITER; i++) {
          const caseId = `case-${(w * 7 + i) % 10}`
          const batch = [0, 1, 2].map((k) => testEvent(caseId, w * 1000 + i * 10 + k))
          written.push(...batch)
          await ok(store.append(caseId, batch, 'any'))
        }
      }),
    )
    writing = false
    await checkLog(ss[0]!, [await live, await polled], written)
  })

  it(`${WRITERS} optimistic writers on one stream: conflicts reported, retries converge`, async () => {
    const ss = await instances(4)
    let conflicts = 0
    const written: Recorded[] = []
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        const store = ss[w % ss.length]!
        for (let i = 0; i < 5; i++) {
          const e = testEvent('contended', w * 1000 + i)
          written.push(e)
          for (;;) {
            const stream = await ok(store.readStream('contended'))
            const expected = stream.length === 0 ? 'no_stream' : stream[stream.length - 1]!.revision
            const r = await runTE(store.append('contended', [e], expected))
            if (E.isRight(r)) break
            expect(r.left._tag).toBe('WrongExpectedRevision')
            conflicts++
          }
        }
      }),
    )
    expect(conflicts).toBeGreaterThan(0)
    await checkLog(ss[0]!, [], written)
  })

  it(`${WRITERS} writers retrying the same events across instances store each once`, async () => {
    const ss = await instances(4)
    const batches = Array.from({ length: 6 }, (_, k) => [testEvent(`dup-${k}`, 0), testEvent(`dup-${k}`, 1)])
    const results = await Promise.all(
      Array.from({ length: WRITERS }, (_, w) =>
        runTE(ss[w % ss.length]!.append(`dup-${w % 6}`, batches[w % 6]!, 'any')),
      ),
    )
    expect(results.filter(E.isLeft)).toEqual([])
    const appended = results.reduce((sum, r) => sum + (E.isRight(r) ? r.right.appended : 0), 0)
    expect(appended).toBe(12)
    await checkLog(ss[0]!, [], batches.flat())
  })
})
