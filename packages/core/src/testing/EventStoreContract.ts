/**
 * The conformance suite of the `EventStore` port: one function that registers
 * vitest `describe`/`it` blocks against any store, given a factory returning a
 * fresh, empty store. It is the one module of the testing helpers that needs
 * vitest, so it has an entry of its own, `@docket/core/testing/contract`. The memory store and every adapter run the same suite,
 * so they agree on revisions, positions, idempotency, atomicity,
 * subscriptions and checkpoints.
 *
 * It checks behaviour, not speed or durability; adapters add their own
 * integration tests for concurrency against a real server and for crashes.
 */
import * as E from 'fp-ts/lib/Either.js'
import { afterEach, describe, expect, it } from 'vitest'
import * as CasePartition from '../CasePartition.js'
import type { Recorded } from '../Envelope.js'
import * as Erasure from '../Erasure.js'
import type * as EventStore from '../EventStore.js'
import * as Import from '../Import.js'
import { CHECKPOINT_CASE } from '../Integrity.js'
import * as KeyStore from '../KeyStore.js'
import * as PersonalData from '../PersonalData.js'
import { collect, fails, ok, run, take, testEvent, until } from './StoreFixtures.js'

// model

/** Options for {@link eventStoreContract}. */
export interface ContractOptions {
  /** How many events the bounded-memory read test writes (default 3000). */
  readonly large?: number
  /** Concurrent writers in the concurrency tests (default 16). */
  readonly writers?: number
  /** Disposes of a store after a test (default: `store.close()`). */
  readonly dispose?: (store: EventStore.EventStore) => Promise<void>
}

/** Numbers the report ids the personal-data tests make (`testEvent` numbers its own). */
let counter = 0

const ids = (events: ReadonlyArray<EventStore.StoredEvent>): ReadonlyArray<string> =>
  events.map((e) => e.event.id)

const HOSTILE_IDS: ReadonlyArray<string> = [
  '$all',
  '$et-Noted',
  '$$case',
  'case-1',
  '1',
  'a/b',
  'a-b',
  'a%2Fb',
  'ünïcødé-案件-🚨',
  "'; DROP TABLE events; --",
  'line\nbreak\ttab',
  ' spaced ',
  'x'.repeat(300),
]

// operations

/** Registers the conformance suite of the `EventStore` port for the store built by `factory`. */
export const eventStoreContract = (
  name: string,
  factory: () => Promise<EventStore.EventStore>,
  options: ContractOptions = {},
): void => {
  const large = options.large ?? 3000
  const writers = options.writers ?? 16
  const dispose = options.dispose ?? ((s: EventStore.EventStore) => s.close())
  const open: EventStore.EventStore[] = []
  const fresh = async (): Promise<EventStore.EventStore> => {
    const s = await factory()
    open.push(s)
    return s
  }

  describe(`EventStore contract: ${name}`, () => {
    afterEach(async () => {
      const stores = open.splice(0)
      for (const s of stores) await dispose(s)
    })

    describe('append with an expected revision', () => {
      it('no_stream creates the stream and then refuses', async () => {
        const s = await fresh()
        const r = await ok(s.append('c1', [testEvent('c1', 0), testEvent('c1', 1)], 'no_stream'))
        expect(r.revision).toBe(1)
        expect(r.appended).toBe(2)
        const err = await fails(s.append('c1', [testEvent('c1', 2)], 'no_stream'))
        expect(err).toEqual({ _tag: 'WrongExpectedRevision', caseId: 'c1', expected: 'no_stream', actual: 1 })
      })

      it('an exact revision must be the last one', async () => {
        const s = await fresh()
        const missing = await fails(s.append('c1', [testEvent('c1', 0)], 0))
        expect(missing).toEqual({
          _tag: 'WrongExpectedRevision',
          caseId: 'c1',
          expected: 0,
          actual: 'no_stream',
        })
        await ok(s.append('c1', [testEvent('c1', 0)], 'no_stream'))
        const r = await ok(s.append('c1', [testEvent('c1', 1), testEvent('c1', 2)], 0))
        expect(r.revision).toBe(2)
        const stale = await fails(s.append('c1', [testEvent('c1', 3)], 1))
        expect(stale).toEqual({ _tag: 'WrongExpectedRevision', caseId: 'c1', expected: 1, actual: 2 })
        const ahead = await fails(s.append('c1', [testEvent('c1', 3)], 7))
        expect(ahead).toMatchObject({ _tag: 'WrongExpectedRevision', actual: 2 })
        expect((await ok(s.readStream('c1'))).length).toBe(3)
      })

      it('any appends whatever the stream holds', async () => {
        const s = await fresh()
        expect((await ok(s.append('c1', [testEvent('c1', 0)], 'any'))).revision).toBe(0)
        expect((await ok(s.append('c1', [testEvent('c1', 1)], 'any'))).revision).toBe(1)
      })

      it('returns the position of the last event written', async () => {
        const s = await fresh()
        const r = await ok(s.append('c1', [testEvent('c1', 0), testEvent('c1', 1)], 'any'))
        const all = await collect(s.readAll())
        expect(all[all.length - 1]!.position).toBe(r.position)
      })

      it('refuses malformed batches with InvalidAppend and writes nothing', async () => {
        const s = await fresh()
        expect((await fails(s.append('c1', [], 'any')))._tag).toBe('InvalidAppend')
        const mixed = await fails(s.append('c1', [testEvent('c1', 0), testEvent('c2', 1)], 'any'))
        expect(mixed._tag).toBe('InvalidAppend')
        expect(await collect(s.readAll())).toEqual([])
      })

      it('stores every instant the timestamp codec accepts, whatever its offset or year', async () => {
        const s = await fresh()
        // Offsets beyond what PostgreSQL parses (±15:59), years 0 and 1 (PostgreSQL has no year 0), a UTC
        // instant in year 10000, nanoseconds: each valid to `Envelope.decode`, so each must be storable.
        const instants = [
          '2026-02-01T10:00:00+17:00',
          '2026-02-01T10:00:00-18:59',
          '0000-01-01T00:00:00+14:00',
          '0001-01-01T00:00:00+01:00',
          '9999-12-31T23:59:59.999-18:59',
          '2026-02-01T10:00:00.123456789Z',
        ]
        const events = instants.map((at, i) => testEvent('c1', i, { occurredAt: at, recordedAt: at }))
        expect((await ok(s.append('c1', events, 'no_stream'))).appended).toBe(events.length)
        expect((await ok(s.readStream('c1'))).map((e) => e.event)).toEqual(events)
        expect((await ok(s.append('c1', events, 'any'))).appended).toBe(0)
      })

      it('refuses an event whose occurredAt or recordedAt is not a timestamp with offset, naming it', async () => {
        const s = await fresh()
        const bad = [
          testEvent('c1', 0, { recordedAt: 'yesterday' }),
          testEvent('c1', 1, { occurredAt: '2026-02-30T10:00:00Z' }),
          testEvent('c1', 2, { occurredAt: '2026-02-01T10:00:00' }),
        ]
        for (const e of bad) {
          const err = await fails(s.append('c1', [testEvent('c1', 9), e], 'any'))
          expect(err._tag === 'InvalidAppend' && err.message).toContain(`event ${e.id}: `)
        }
        expect(await collect(s.readAll())).toEqual([])
      })

      it('refuses a case id, event id or type holding NUL or an unpaired surrogate, naming it, and writes nothing', async () => {
        const s = await fresh()
        // PostgreSQL text holds neither: NUL is refused, an unpaired surrogate is stored as U+FFFD, so two
        // such ids (and the ids holding U+FFFD itself) would be one; every store refuses them alike
        const bad: ReadonlyArray<readonly [string, Recorded, RegExp]> = [
          ['c1', testEvent('c1', 0, { id: 'e\u00001' }), /event id "e\\u00001" holds NUL/],
          ['c1', testEvent('c1', 0, { id: 'e\ud800' }), /event id "e\\ud800" holds an unpaired surrogate/],
          ['c1', testEvent('c1', 0, { type: 'x-test.\udc00' }), /type "x-test.\\udc00" holds an unpaired/],
          ['c1', testEvent('c1', 0, { type: 'x-test.\u0000' }), /type "x-test.\\u0000" holds NUL/],
          ['c1', testEvent('c1', 0, { type: '' as never }), /type "" is not a non-empty string/],
          ['c1', testEvent('c1', 0, { type: 5 as never }), /type 5 is not a non-empty string/],
          ['c\u0000', testEvent('c\u0000', 0), /case id "c\\u0000" holds NUL/],
          ['c\ud800', testEvent('c\ud800', 0), /case id "c\\ud800" holds an unpaired surrogate/],
          ['\udfffc', testEvent('\udfffc', 0), /case id "\\udfffc" holds an unpaired surrogate/],
        ]
        for (const [caseId, e, message] of bad) {
          const err = await fails(s.append(caseId, [testEvent(caseId, 9), e], 'any'))
          expect(err._tag).toBe('InvalidAppend')
          expect(err._tag === 'InvalidAppend' && err.message).toMatch(message)
        }
        expect(await collect(s.readAll())).toEqual([])
        // paired surrogates (astral characters) and U+FFFD itself are text like any other
        for (const id of ['😀', 'c\ufffd']) await ok(s.append(id, [testEvent(id, 0, { id })], 'no_stream'))
        expect((await collect(s.readAll())).map((e) => [e.event.caseId, e.event.id])).toEqual([
          ['😀', '😀'],
          ['c\ufffd', 'c\ufffd'],
        ])
      })

      it('refuses an event that cannot be written as JSON (a BigInt, a cycle, nesting too deep) and writes nothing of its batch', async () => {
        const s = await fresh()
        const cycle: Record<string, unknown> = {}
        cycle.self = cycle
        let deep: Record<string, unknown> = {}
        for (let i = 0; i < 200_000; i++) deep = { deep }
        for (const data of [{ n: 1n }, cycle, deep]) {
          const batch = [testEvent('c1', 0), testEvent('c1', 1, { data } as never)]
          const err = await fails(s.append('c1', batch, 'any'))
          expect(err._tag === 'InvalidAppend' && err.message).toMatch(/^an event cannot be written as JSON: /)
        }
        expect(await collect(s.readAll())).toEqual([])
        expect((await ok(s.append('c1', [testEvent('c1', 2)], 'no_stream'))).revision).toBe(0)
      })
    })

    describe('reading a stream', () => {
      it('returns the events as appended, in revision order', async () => {
        const s = await fresh()
        const events = [
          testEvent('c1', 0, {
            data: { text: 'Grüße 👋 "quoted" \\ back\u2028slash', nested: { a: [1, 2.5, null, true] } },
            meta: { correlationId: 'k-1', custom: { deep: ['x'] } },
            actor: { kind: 'moderator', id: 'm-1' },
          }),
          testEvent('c1', 1),
          testEvent('c1', 2),
        ]
        await ok(s.append('c1', events, 'no_stream'))
        await ok(s.append('c2', [testEvent('c2', 0)], 'no_stream'))
        const read = await ok(s.readStream('c1'))
        expect(read.map((e) => e.revision)).toEqual([0, 1, 2])
        expect(read.map((e) => e.event)).toEqual(events)
      })

      it('an unknown stream reads as empty', async () => {
        const s = await fresh()
        expect(await ok(s.readStream('nobody'))).toEqual([])
      })

      it('keeps what was stored when the caller mutates its objects afterwards', async () => {
        const s = await fresh()
        const e = testEvent('c1', 0) as { data: { n: number } } & Recorded
        await ok(s.append('c1', [e], 'any'))
        e.data.n = 99
        expect((await ok(s.readStream('c1')))[0]!.event.data).toEqual({ n: 0 })
      })
    })

    describe('the global log', () => {
      it('reads every stream in commit order with increasing positions', async () => {
        const s = await fresh()
        const a = [testEvent('a', 0), testEvent('a', 1)]
        const b = [testEvent('b', 0)]
        const c = [testEvent('a', 2), testEvent('c', 0)]
        await ok(s.append('a', a, 'any'))
        await ok(s.append('b', b, 'any'))
        await ok(s.append('a', [c[0]!], 'any'))
        await ok(s.append('c', [c[1]!], 'any'))
        const all = await collect(s.readAll())
        expect(ids(all)).toEqual([...a, ...b, ...c].map((e) => e.id))
        for (let i = 1; i < all.length; i++) {
          expect(s.comparePositions(all[i - 1]!.position, all[i]!.position)).toBeLessThan(0)
        }
        expect(all.map((e) => e.revision)).toEqual([0, 1, 0, 2, 0])
      })

      it('resumes strictly after an opaque position', async () => {
        const s = await fresh()
        for (let i = 0; i < 5; i++) await ok(s.append(`k${i}`, [testEvent(`k${i}`, i)], 'any'))
        const all = await collect(s.readAll())
        const rest = await collect(s.readAll({ after: all[1]!.position }))
        expect(ids(rest)).toEqual(ids(all.slice(2)))
        expect(await collect(s.readAll({ after: all[4]!.position }))).toEqual([])
      })

      it('refuses an after or until that is no position of this store when the read starts, naming it', async () => {
        const s = await fresh()
        await ok(s.append('c1', [testEvent('c1', 0), testEvent('c1', 1)], 'any'))
        for (const bad of ['', 'x', '1e0', ' 1', '1 ', '-1', '1.0', '0x1', '1/1/1']) {
          await expect(collect(s.readAll({ after: bad }))).rejects.toThrow(JSON.stringify(bad))
          await expect(collect(s.readAll({ until: bad }))).rejects.toThrow(JSON.stringify(bad))
        }
        expect((await collect(s.readAll())).length).toBe(2)
      })

      it('filters by event type', async () => {
        const s = await fresh()
        await ok(
          s.append(
            'c1',
            [testEvent('c1', 0), testEvent('c1', 1, { type: 'CaseClosed', data: {} }), testEvent('c1', 2)],
            'any',
          ),
        )
        const closed = await collect(s.readAll({ types: ['CaseClosed'] }))
        expect(closed.map((e) => e.event.type)).toEqual(['CaseClosed'])
        expect(closed[0]!.revision).toBe(1)
      })

      it('is an async iterable, not an array, that ends at the head', async () => {
        const s = await fresh()
        await ok(s.append('c1', [testEvent('c1', 0)], 'any'))
        const it1 = s.readAll()
        expect(Array.isArray(it1)).toBe(false)
        expect(typeof it1[Symbol.asyncIterator]).toBe('function')
        expect((await collect(it1)).length).toBe(1)
      })

      it(`streams ${large} events in bounded memory and may be stopped early`, async () => {
        const s = await fresh()
        const batch = 250
        for (let i = 0; i < large; i += batch) {
          const events = Array.from({ length: Math.min(batch, large - i) }, (_, j) =>
            testEvent(`bulk-${(i + j) % 7}`, i + j),
          )
          // one case per batch keeps batches valid; spread cases across the log
          const byCase = new Map<string, Recorded[]>()
          for (const e of events) byCase.set(e.caseId, [...(byCase.get(e.caseId) ?? []), e])
          for (const [caseId, es] of byCase) await ok(s.append(caseId, es, 'any'))
        }
        let count = 0
        let previous: EventStore.Position | undefined
        const seen = new Set<string>()
        for await (const e of s.readAll()) {
          if (previous !== undefined) expect(s.comparePositions(previous, e.position)).toBeLessThan(0)
          previous = e.position
          seen.add(e.event.id)
          count++
        }
        expect(count).toBe(large)
        expect(seen.size).toBe(large)
        expect((await take(s.readAll(), 10)).length).toBe(10)
        // the store is still usable after an early stop
        await ok(s.append('after', [testEvent('after', 0)], 'no_stream'))
      })
    })

    describe('partitions of the global log', () => {
      const CASES: ReadonlyArray<string> = [
        ...HOSTILE_IDS,
        CHECKPOINT_CASE,
        ...Array.from({ length: 24 }, (_, i) => `p-${i}`),
      ]

      /**
       * Appends two events to every case, interleaved across cases, with two types; the second
       * append repeats the first event (an idempotent no-op), which takes a store's checked path.
       */
      const fill = async (s: EventStore.EventStore): Promise<ReadonlyArray<EventStore.StoredEvent>> => {
        const first = new Map<string, Recorded>()
        for (const round of [0, 1]) {
          for (const [i, caseId] of CASES.entries()) {
            const type = (i + round) % 3 === 0 ? 'CaseClosed' : 'x-test.Noted'
            const e = testEvent(caseId, round * 1000 + i, { type, data: {} })
            const repeat = first.get(caseId)
            await ok(s.append(caseId, repeat === undefined ? [e] : [repeat, e], 'any'))
            first.set(caseId, e)
          }
        }
        return collect(s.readAll())
      }

      it('partitions are disjoint, in log order, each event where CasePartition.of puts its case, and together the whole log', async () => {
        const s = await fresh()
        const all = await fill(s)
        expect(all.length).toBe(CASES.length * 2)
        const position = new Map(all.map((e, i) => [e.position, i]))
        for (const count of [1, 2, 3, 7]) {
          const seen = new Map<string, number>()
          const parts: EventStore.StoredEvent[][] = []
          for (let index = 0; index < count; index++) {
            const part = [...(await collect(s.readAll({ partition: { index, count } })))]
            parts.push(part)
            for (let i = 1; i < part.length; i++)
              expect(s.comparePositions(part[i - 1]!.position, part[i]!.position)).toBeLessThan(0)
            for (const e of part) {
              expect(CasePartition.of(e.event.caseId, count)).toBe(index)
              if (e.event.caseId === CHECKPOINT_CASE) expect(index).toBe(0)
              else expect(index).toBe(CasePartition.hash(e.event.caseId) % count)
              expect(seen.has(e.event.id)).toBe(false)
              seen.set(e.event.id, index)
            }
          }
          // the union, put back in log order, is exactly the whole log
          const union = parts.flat().sort((a, b) => position.get(a.position)! - position.get(b.position)!)
          expect(ids(union)).toEqual(ids(all))
          expect(union.map((e) => [e.position, e.revision])).toEqual(all.map((e) => [e.position, e.revision]))
          if (count > 1) expect(parts.filter((p) => p.length > 0).length).toBeGreaterThan(1)
        }
        // { index: 0, count: 1 } is the whole log
        expect(ids(await collect(s.readAll({ partition: { index: 0, count: 1 } })))).toEqual(ids(all))
      })

      it('combines with after and types', async () => {
        const s = await fresh()
        const all = await fill(s)
        const after = all[Math.floor(all.length / 3)]!.position
        const rank = new Map(all.map((e, i) => [e.position, i]))
        for (let index = 0; index < 3; index++) {
          const partition = { index, count: 3 }
          const got = await collect(s.readAll({ after, types: ['CaseClosed'], partition }))
          const want = all.filter(
            (e) =>
              rank.get(e.position)! > rank.get(after)! &&
              e.event.type === 'CaseClosed' &&
              CasePartition.of(e.event.caseId, 3) === index,
          )
          expect(ids(got)).toEqual(ids(want))
          expect(want.length).toBeGreaterThan(0)
        }
      })

      it('a cut (head, then until) reads the same events however many readers, whatever is appended after', async () => {
        const s = await fresh()
        expect(await s.head()).toBeUndefined()
        await fill(s)
        const all = await collect(s.readAll())
        const cut = await s.head()
        expect(cut).toBe(all.at(-1)!.position)
        // appends after the cut are not read up to it, by any reader
        for (const caseId of CASES.slice(0, 6)) await ok(s.append(caseId, [testEvent(caseId, 5000)], 'any'))
        expect(s.comparePositions((await s.head())!, cut!)).toBeGreaterThan(0)
        expect(ids(await collect(s.readAll({ until: cut! })))).toEqual(ids(all))
        for (const count of [2, 3]) {
          const union = new Set<string>()
          for (let index = 0; index < count; index++)
            for (const e of await collect(s.readAll({ until: cut!, partition: { index, count } })))
              union.add(e.event.id)
          expect([...union].sort()).toEqual([...ids(all)].sort())
        }
        // any cut, with after and types
        const rank = new Map(all.map((e, i) => [e.position, i]))
        for (const k of [0, 7, all.length - 2]) {
          const until = all[k]!.position
          expect(ids(await collect(s.readAll({ until })))).toEqual(ids(all.slice(0, k + 1)))
          const got = await collect(s.readAll({ after: all[0]!.position, until, types: ['CaseClosed'] }))
          const want = all.filter(
            (e) => rank.get(e.position)! > 0 && rank.get(e.position)! <= k && e.event.type === 'CaseClosed',
          )
          expect(ids(got)).toEqual(ids(want))
        }
      })

      it('refuses a bad partition option, naming the field', async () => {
        const s = await fresh()
        await ok(s.append('c1', [testEvent('c1', 0)], 'any'))
        const bad: ReadonlyArray<readonly [unknown, RegExp]> = [
          [{ index: 0, count: 0 }, /partition\.count/],
          [{ index: 0, count: -2 }, /partition\.count/],
          [{ index: 0, count: 1.5 }, /partition\.count/],
          [{ index: 0, count: Number.NaN }, /partition\.count/],
          [{ index: 0, count: '2' }, /partition\.count/],
          [{ index: 0 }, /partition\.count/],
          [{ index: -1, count: 2 }, /partition\.index/],
          [{ index: 2, count: 2 }, /partition\.index/],
          [{ index: 0.5, count: 2 }, /partition\.index/],
          [{ count: 2 }, /partition\.index/],
          [null, /partition/],
        ]
        for (const [partition, message] of bad) {
          const read = s.readAll({ partition } as unknown as EventStore.ReadAllOptions)
          await expect(collect(read)).rejects.toThrow(message)
        }
        // the store is still usable
        expect((await collect(s.readAll({ partition: { index: 0, count: 1 } }))).length).toBe(1)
      })
    })

    describe('subscriptions', () => {
      it('catch up, then receive live events, and end on abort', async () => {
        const s = await fresh()
        await ok(s.append('c1', [testEvent('c1', 0), testEvent('c1', 1)], 'any'))
        const first = await collect(s.readAll())
        const controller = new AbortController()
        const received: EventStore.StoredEvent[] = []
        const live = [testEvent('c2', 0), testEvent('c1', 2)]
        const done = (async () => {
          for await (const e of s.subscribe({ after: first[0]!.position, signal: controller.signal })) {
            received.push(e)
            if (received.length === 1) {
              await ok(s.append('c2', [live[0]!], 'any'))
              await ok(s.append('c1', [live[1]!], 'any'))
            }
            if (received.length === 3) controller.abort()
          }
        })()
        await done
        expect(ids(received)).toEqual([first[1]!.event.id, ...live.map((e) => e.id)])
      })

      it('from the beginning, with a type filter, and aborting while waiting', async () => {
        const s = await fresh()
        await ok(
          s.append('c1', [testEvent('c1', 0), testEvent('c1', 1, { type: 'CaseClosed', data: {} })], 'any'),
        )
        const controller = new AbortController()
        const received: EventStore.StoredEvent[] = []
        const done = (async () => {
          for await (const e of s.subscribe({ types: ['CaseClosed'], signal: controller.signal }))
            received.push(e)
        })()
        await ok(s.append('c2', [testEvent('c2', 0)], 'any'))
        await ok(s.append('c2', [testEvent('c2', 1, { type: 'CaseClosed', data: {} })], 'any'))
        await until(() => received.length >= 2)
        controller.abort()
        await done
        expect(received.map((e) => [e.event.caseId, e.event.type])).toEqual([
          ['c1', 'CaseClosed'],
          ['c2', 'CaseClosed'],
        ])
      })

      it('an already aborted signal ends at once', async () => {
        const s = await fresh()
        await ok(s.append('c1', [testEvent('c1', 0)], 'any'))
        const controller = new AbortController()
        controller.abort()
        expect((await collect(s.subscribe({ signal: controller.signal }))).length).toBeLessThanOrEqual(1)
      })
    })

    describe('idempotency on event id across the store', () => {
      it('the same event again is a no-op success, whatever the expected revision', async () => {
        const s = await fresh()
        const e = testEvent('c1', 0)
        const first = await ok(s.append('c1', [e, testEvent('c1', 1)], 'no_stream'))
        const again = await ok(s.append('c1', [e], 'no_stream'))
        expect(again).toEqual({ revision: 1, appended: 0, position: first.position })
        // recordedAt is not content: a retry stamped later is still the same event
        const later = await ok(s.append('c1', [{ ...e, recordedAt: '2026-03-02T00:00:00Z' }], 5))
        expect(later.appended).toBe(0)
        expect((await ok(s.readStream('c1'))).length).toBe(2)
        expect((await collect(s.readAll())).length).toBe(2)
      })

      it('the same id with different content is an IdempotencyConflict', async () => {
        const s = await fresh()
        const e = testEvent('c1', 0)
        await ok(s.append('c1', [e], 'any'))
        const err = await fails(s.append('c1', [{ ...e, data: { n: 1 } } as Recorded], 'any'))
        expect(err).toEqual({ _tag: 'IdempotencyConflict', eventId: e.id, caseId: 'c1', storedCaseId: 'c1' })
      })

      it('the same id in another case is an IdempotencyConflict naming the stored case', async () => {
        const s = await fresh()
        const e = testEvent('c1', 0)
        await ok(s.append('c1', [e], 'any'))
        const err = await fails(s.append('c2', [{ ...e, caseId: 'c2' }], 'any'))
        expect(err).toEqual({ _tag: 'IdempotencyConflict', eventId: e.id, caseId: 'c2', storedCaseId: 'c1' })
        expect(await ok(s.readStream('c2'))).toEqual([])
      })

      it('a batch mixing repeats and new events writes only the new ones', async () => {
        const s = await fresh()
        const e0 = testEvent('c1', 0)
        await ok(s.append('c1', [e0], 'any'))
        const e1 = testEvent('c1', 1)
        const r = await ok(s.append('c1', [e0, e1], 0))
        expect(r).toMatchObject({ revision: 1, appended: 1 })
        expect(ids(await ok(s.readStream('c1')))).toEqual([e0.id, e1.id])
      })

      it('an id twice in one batch is kept once when equal and refused when different', async () => {
        const s = await fresh()
        const e = testEvent('c1', 0)
        expect((await ok(s.append('c1', [e, e], 'any'))).appended).toBe(1)
        const f = testEvent('c2', 0)
        const err = await fails(s.append('c2', [f, { ...f, data: { n: 5 } } as Recorded], 'any'))
        expect(err._tag).toBe('IdempotencyConflict')
        expect(await ok(s.readStream('c2'))).toEqual([])
      })
    })

    describe('conflicts: the idempotency check without writing', () => {
      it('names each event whose id is stored in another case or with other content, as append would, and writes nothing', async () => {
        const s = await fresh()
        const a = testEvent('c1', 0)
        const b = testEvent('c2', 0)
        await ok(s.append('c1', [a], 'any'))
        await ok(s.append('c2', [b], 'any'))
        const before = await collect(s.readAll())
        const unseen = testEvent('c3', 0)
        const changed = { ...b, data: { n: 9 } } as Recorded
        const moved = { ...a, caseId: 'c3' }
        const found = await ok(
          s.conflicts([
            // recordedAt is not content: the same event
            { ...a, recordedAt: '2026-03-02T00:00:00Z' },
            unseen,
            changed,
            moved,
          ]),
        )
        expect(found).toEqual([
          { _tag: 'IdempotencyConflict', eventId: b.id, caseId: 'c2', storedCaseId: 'c2' },
          { _tag: 'IdempotencyConflict', eventId: a.id, caseId: 'c3', storedCaseId: 'c1' },
        ])
        expect(await ok(s.conflicts([]))).toEqual([])
        expect(await collect(s.readAll())).toEqual(before)
        // what append then says
        expect(await fails(s.append('c2', [changed], 'any'))).toEqual(found[0])
        expect(await fails(s.append('c3', [moved], 'any'))).toEqual(found[1])
        expect((await ok(s.append('c3', [unseen], 'no_stream'))).appended).toBe(1)
      })

      it('checks many events of many cases in one call, hostile ids included', async () => {
        const s = await fresh()
        const stored = Array.from({ length: 300 }, (_, i) => testEvent(`c${i % 30}`, i))
        for (let c = 0; c < 30; c++)
          await ok(
            s.append(
              `c${c}`,
              stored.filter((e) => e.caseId === `c${c}`),
              'no_stream',
            ),
          )
        const hostile = HOSTILE_IDS.map((id, i) => testEvent('h', i, { id }))
        await ok(s.append('h', hostile, 'no_stream'))
        const changed = new Set([0, 7, 150, 299])
        const checked = [
          ...stored.map((e, i) => (changed.has(i) ? ({ ...e, data: { n: -1 } } as Recorded) : e)),
          ...Array.from({ length: 300 }, (_, i) => testEvent('new', i)),
          ...hostile.map((e, i) => (i % 2 === 0 ? e : ({ ...e, data: { n: -1 } } as Recorded))),
          // an id no store can hold (PostgreSQL text has no NUL): not stored
          testEvent('new', 0, { id: 'nul\u0000id' }),
        ]
        const found = await ok(s.conflicts(checked))
        expect(found.map((c) => c.eventId)).toEqual([
          ...[...changed].map((i) => stored[i]!.id),
          ...hostile.filter((_, i) => i % 2 === 1).map((e) => e.id),
        ])
      })
    })

    describe('Import.run on this store', () => {
      it('a file with a line conflicting with a stored event stores nothing; fixed, it imports; again, it is a no-op', async () => {
        const s = await fresh()
        const stored = testEvent('c0', 0)
        await ok(s.append('c0', [stored], 'any'))
        const before = await collect(s.readAll())
        const events = [
          testEvent('c1', 0),
          testEvent('c1', 1),
          { ...stored, caseId: 'c2' },
          testEvent('c3', 0),
        ]
        const lines = events.map((e) => JSON.stringify(e))
        const r = await Import.run(s, lines, { batchSize: 1 })()
        expect(
          E.isLeft(r) && r.left._tag === 'BadInput' && r.left.errors.map((e) => [e.line, e.issues[0]!.path]),
        ).toEqual([[3, 'id']])
        expect(E.isLeft(r) && Import.describe(r.left)).toContain(
          `line 3: id: got "${stored.id}", expected an event id not already stored with other content (IdempotencyConflict: stored in case c0`,
        )
        expect(await collect(s.readAll())).toEqual(before)
        expect(await ok(s.readStream('c1'))).toEqual([])

        const fixed = [...lines.slice(0, 2), JSON.stringify(testEvent('c2', 0)), lines[3]!]
        const done = await Import.run(s, fixed, { batchSize: 1 })()
        expect(E.isRight(done) && done.right).toMatchObject({ appended: 4, duplicates: 0, cases: 3 })
        const again = await Import.run(s, [...fixed, JSON.stringify(stored)])()
        expect(E.isRight(again) && again.right).toMatchObject({ appended: 0, duplicates: 5 })
        expect((await collect(s.readAll())).length).toBe(5)
      })
    })

    describe('Erasure.erase on this store', () => {
      /** Cases e1 and e2 name alice, e3 bob; e1 and e4 hold platform events too. */
      const alicesLog = async (): Promise<EventStore.EventStore> => {
        const s = await fresh()
        const personal = (caseId: string, type: string, data: object, meta?: object): Recorded =>
          testEvent(caseId, 0, { type, data, ...(meta === undefined ? {} : { meta }) } as Partial<Recorded>)
        const reported = (subjectId: string) => ({ reporter: { subjectId, name: 'N' }, text: 't' })
        await ok(s.append('e1', [personal('e1', 'ContentReported', reported('alice'))], 'any'))
        await ok(
          s.append(
            'e2',
            [personal('e2', 'ReviewDecided', { explanation: 'x' }, { subjectId: 'alice' })],
            'any',
          ),
        )
        await ok(s.append('e3', [personal('e3', 'ContentReported', reported('bob'))], 'any'))
        for (const c of ['e1', 'e4'])
          await ok(
            s.append(
              c,
              Array.from({ length: 20 }, (_, i) => testEvent(c, i)),
              'any',
            ),
          )
        return s
      }
      /** The store, recording the events its `readAll` gives; without `casesOfSubject` when `index` is false. */
      const watching = (s: EventStore.EventStore, index: boolean) => {
        const read: EventStore.StoredEvent[] = []
        const { casesOfSubject, ...rest } = s
        const watched: EventStore.EventStore = {
          ...rest,
          ...(index && casesOfSubject !== undefined ? { casesOfSubject } : {}),
          readAll: (o) =>
            (async function* () {
              for await (const e of s.readAll(o)) {
                read.push(e)
                yield e
              }
            })(),
        }
        return { watched, read }
      }

      it("without an index, finds the subject's cases reading only the events that can hold personal fields", async () => {
        const { watched, read } = watching(await alicesLog(), false)
        const keys = KeyStore.memory()
        const r = await Erasure.erase(watched, keys, 'alice', { at: '2026-03-02T00:00:00Z' })()
        expect(E.isRight(r) && r.right.cases).toEqual(['e1', 'e2'])
        expect(await keys.isErased('alice')).toBe(true)
        expect(read.map((e) => e.event.caseId)).toEqual(['e1', 'e2', 'e3'])
        expect(read.every((e) => PersonalData.TYPES.includes(e.event.type as never))).toBe(true)
      })

      it('with its index (casesOfSubject, where the store has one), finds them reading no log', async () => {
        const s = await alicesLog()
        const { watched, read } = watching(s, true)
        const r = await Erasure.erase(watched, KeyStore.memory(), 'alice', { at: '2026-03-02T00:00:00Z' })()
        expect(E.isRight(r) && r.right.cases).toEqual(['e1', 'e2'])
        if (s.casesOfSubject === undefined) return
        expect(read).toEqual([])
        expect(await ok(s.casesOfSubject('bob'))).toEqual(['e3'])
        expect(await ok(s.casesOfSubject('case:e2'))).toEqual([])
        expect(await ok(s.casesOfSubject('nobody'))).toEqual([])
      })

      it('lists the fields stored in clear (appended without keys) by event and path, never their values, and not the encrypted ones; reads show them erased', async () => {
        const s = await fresh()
        const keys = KeyStore.memory()
        const protectedStore = PersonalData.protect(s, keys)
        const reported = (caseId: string, subjectId: string, secret: string): Recorded =>
          testEvent(caseId, 0, {
            type: 'ContentReported',
            data: {
              reporter: { subjectId, name: `${secret} name`, email: `${secret}@example.org` },
              victim: { subjectId: 'victim', name: `${secret} victim` },
              text: `${secret} text`,
            },
          } as Partial<Recorded>)
        const clear = reported('k1', 'alice', 'clear-secret')
        const encrypted = reported('k1', 'alice', 'encrypted-secret')
        const anonymous = testEvent('k2', 0, {
          type: 'ContentReported',
          data: { text: 'anonymous clear-secret' },
        } as Partial<Recorded>)
        await ok(s.append('k1', [clear], 'no_stream'))
        await ok(protectedStore.append('k1', [encrypted], 'any'))
        await ok(s.append('k2', [anonymous], 'no_stream'))
        await ok(protectedStore.append('k3', [reported('k3', 'bob', 'bob-secret')], 'no_stream'))
        const expected = [
          { caseId: 'k1', eventId: clear.id, field: 'data.reporter.name' },
          { caseId: 'k1', eventId: clear.id, field: 'data.reporter.email' },
          { caseId: 'k1', eventId: clear.id, field: 'data.text' },
        ]
        const erased = async (store: EventStore.EventStore, subjectId: string): Promise<Erasure.Erased> => {
          const r = await Erasure.erase(store, keys, subjectId, { at: '2026-03-02T00:00:00Z' })()
          if (E.isLeft(r)) throw new Error(`expected an erasure, got ${JSON.stringify(r.left)}`)
          return r.right
        }
        // through the decrypting store, as an application erases, and on the store itself
        for (const store of [protectedStore, s]) {
          const r = await erased(store, 'alice')
          expect(r).toEqual({ subjectId: 'alice', cases: ['k1'], clearAtRest: expected })
          const said = Erasure.describeErased(r)
          expect(said).toContain(
            'erased alice: key destroyed, 1 case(s); but 3 of their personal field(s), in 1 event(s)',
          )
          expect(said).toContain(`case k1: event ${clear.id}: data.reporter.email`)
          expect(`${JSON.stringify(r)}\n${said}`).not.toMatch(/secret|example\.org/)
        }
        expect(await keys.isErased('alice')).toBe(true)
        // read through the keys, the clear copy reads erased as the encrypted one does; the victim's stays
        const read = await ok(protectedStore.readStream('k1'))
        for (const { event } of read) {
          const data = event.data as {
            reporter: { name: string; email: string }
            victim: { name: string }
            text: string
          }
          expect([data.reporter.name, data.reporter.email, data.text]).toEqual([
            PersonalData.ERASED,
            PersonalData.ERASED,
            PersonalData.ERASED,
          ])
        }
        expect(read.map(({ event }) => (event.data as { victim: { name: string } }).victim.name)).toEqual([
          'clear-secret victim',
          'encrypted-secret victim',
        ])
        const anonymousErased = await erased(protectedStore, 'case:k2')
        expect(anonymousErased.clearAtRest).toEqual([
          { caseId: 'k2', eventId: anonymous.id, field: 'data.text' },
        ])
        // every field encrypted: nothing left in clear
        const bob = await erased(protectedStore, 'bob')
        expect(bob).toEqual({ subjectId: 'bob', cases: ['k3'], clearAtRest: [] })
        expect(Erasure.describeErased(bob)).toBe(
          'erased bob: key destroyed, 1 case(s); none of their personal fields is stored in clear',
        )
      })
    })

    describe("PersonalData.protect on this store: a retry after its subject's erasure", () => {
      /** A report of case p1 by `reporter` about victim bob, who is never erased. */
      const reportBy = (id: string, reporter: string, text = 'my photo'): Recorded =>
        testEvent('p1', 0, {
          id,
          type: 'ContentReported',
          data: {
            reportId: id,
            channel: 'web_form',
            category: 'ncii',
            content: { ref: 'post-1', kind: 'image' },
            jurisdictions: ['US'],
            reporter: { subjectId: reporter, name: `${reporter} N`, email: `${reporter}@example.org` },
            victim: { subjectId: 'bob', name: 'Bob V' },
            text,
          },
        } as Partial<Recorded>)
      /** The stored log as a database keeps it, under `protect`. */
      const atRest = async (s: EventStore.EventStore): Promise<string> =>
        JSON.stringify(
          (await collect(s.readAll())).map((x) => [
            x.position,
            x.revision,
            x.json ?? JSON.stringify(x.event),
          ]),
        )
      const erasedAfter = async (...events: ReadonlyArray<Recorded>) => {
        const raw = await fresh()
        const keys = KeyStore.memory()
        const s = PersonalData.protect(raw, keys)
        await ok(s.append('p1', events, 'any'))
        const erased = await Erasure.erase(s, keys, 'alice', { at: '2026-03-02T00:00:00Z' })()
        expect(E.isRight(erased)).toBe(true)
        return { raw, keys, s }
      }

      it('the same event again, appended or imported, is a no-op: nothing stored changes and no key is made', async () => {
        const e = reportBy(`r-${process.pid}-${++counter}`, 'alice')
        const { raw, keys, s } = await erasedAfter(e)
        const before = await atRest(raw)
        expect(await ok(s.conflicts([e]))).toEqual([])
        expect((await ok(s.append('p1', [e], 'any'))).appended).toBe(0)
        // alice's own fields cannot be compared any more (her key is gone): they are not content
        const otherText = { ...e, data: { ...(e.data as object), text: 'another text' } } as Recorded
        expect((await ok(s.append('p1', [otherText], 5))).appended).toBe(0)
        const again = await Import.run(s, [JSON.stringify(e)])()
        expect(E.isRight(again) && again.right).toMatchObject({ appended: 0, duplicates: 1 })
        expect(await atRest(raw)).toBe(before)
        expect(before).not.toContain('alice N')
        expect(before).not.toContain('alice@example.org')
        expect(await keys.find('alice')).toBeUndefined()
        expect(await keys.isErased('alice')).toBe(true)
        expect((await ok(s.readStream('p1')))[0]!.event.data).toMatchObject({
          reporter: { subjectId: 'alice', name: PersonalData.ERASED, email: PersonalData.ERASED },
          victim: { subjectId: 'bob', name: 'Bob V' },
          text: PersonalData.ERASED,
        })
      })

      it('other content, or another field of a subject not erased, is still a conflict', async () => {
        const e = reportBy(`r-${process.pid}-${++counter}`, 'alice')
        const { raw, s } = await erasedAfter(e)
        const before = await atRest(raw)
        const data = e.data as Record<string, unknown>
        const changed: ReadonlyArray<Recorded> = [
          { ...e, data: { ...data, category: 'csam' } } as Recorded,
          { ...e, data: { ...data, victim: { subjectId: 'bob', name: 'Bob W' } } } as Recorded,
          { ...e, data: { ...data, reporter: { subjectId: 'carol', name: 'alice N' } } } as Recorded,
          { ...e, data: { ...data, victim: undefined } } as Recorded,
          { ...e, caseId: 'p2' },
        ]
        const conflict = (c: Recorded) => ({
          _tag: 'IdempotencyConflict',
          eventId: e.id,
          caseId: c.caseId,
          storedCaseId: 'p1',
        })
        expect(await ok(s.conflicts(changed))).toEqual(changed.map(conflict))
        for (const c of changed) expect(await fails(s.append(c.caseId, [c], 'any'))).toEqual(conflict(c))
        expect(await atRest(raw)).toBe(before)
      })

      it('an event stored in clear (appended without keys) and retried through the keys after the erasure is a no-op too', async () => {
        // alice's fields only: a clear field of a subject not erased would be encrypted now, and differ
        const withVictim = reportBy(`r-${process.pid}-${++counter}`, 'alice')
        const e = { ...withVictim, data: { ...(withVictim.data as object), victim: undefined } } as Recorded
        const raw = await fresh()
        const keys = KeyStore.memory()
        const s = PersonalData.protect(raw, keys)
        await ok(raw.append('p1', [e], 'any'))
        expect(E.isRight(await Erasure.erase(s, keys, 'alice', { at: '2026-03-02T00:00:00Z' })())).toBe(true)
        const before = await atRest(raw)
        expect(await ok(s.conflicts([e]))).toEqual([])
        expect((await ok(s.append('p1', [e], 'any'))).appended).toBe(0)
        expect(await atRest(raw)).toBe(before)
        expect(await keys.find('alice')).toBeUndefined()
        // what differs beyond alice's fields is still a conflict
        const other = { ...e, data: { ...(e.data as object), category: 'csam' } } as Recorded
        expect((await fails(s.append('p1', [other], 'any')))._tag).toBe('IdempotencyConflict')
      })

      it("a new event naming the erased subject is stored with the subject's fields erased, and no key is made", async () => {
        const { raw, keys, s } = await erasedAfter(reportBy(`r-${process.pid}-${++counter}`, 'alice'))
        const later = reportBy(`r-${process.pid}-${++counter}`, 'alice', 'again')
        expect((await ok(s.append('p1', [later], 'any'))).appended).toBe(1)
        const stored = (await ok(raw.readStream('p1')))[1]!.event.data as Record<
          string,
          Record<string, string>
        >
        expect(stored.reporter).toEqual({
          subjectId: 'alice',
          name: PersonalData.ERASED,
          email: PersonalData.ERASED,
        })
        expect(stored.text).toBe(PersonalData.ERASED)
        expect(stored.victim!.name).toMatch(/^enc:v1:/)
        expect(await keys.find('alice')).toBeUndefined()
        expect((await ok(s.append('p1', [later], 'any'))).appended).toBe(0)
      })
    })

    describe('atomicity', () => {
      it('a failing append writes nothing', async () => {
        const s = await fresh()
        const stored = testEvent('c0', 0)
        await ok(s.append('c0', [stored], 'any'))
        const before = await collect(s.readAll())
        const err = await fails(
          s.append('c1', [testEvent('c1', 0), testEvent('c1', 1), { ...stored, caseId: 'c1' }], 'any'),
        )
        expect(err._tag).toBe('IdempotencyConflict')
        expect(await ok(s.readStream('c1'))).toEqual([])
        expect(await collect(s.readAll())).toEqual(before)
        // the same new events can still be appended afterwards
        const r = await ok(s.append('c1', [testEvent('c1', 0)], 'no_stream'))
        expect(r.revision).toBe(0)
      })

      it('a revision conflict writes nothing of the batch', async () => {
        const s = await fresh()
        await ok(s.append('c1', [testEvent('c1', 0)], 'any'))
        const batch = [testEvent('c1', 1), testEvent('c1', 2)]
        await fails(s.append('c1', batch, 'no_stream'))
        expect((await ok(s.readStream('c1'))).length).toBe(1)
        // and the refused events are not remembered for idempotency
        expect((await ok(s.append('c1', batch, 0))).appended).toBe(2)
      })
    })

    describe('checkpoints', () => {
      it('load what was saved, per subscriber, last write wins', async () => {
        const s = await fresh()
        await ok(s.append('c1', [testEvent('c1', 0), testEvent('c1', 1)], 'any'))
        const [p0, p1] = (await collect(s.readAll())).map((e) => e.position)
        expect(await s.checkpoints.load('watcher')).toBeUndefined()
        await s.checkpoints.save('watcher', p0!)
        await s.checkpoints.save('exporter', p1!)
        expect(await s.checkpoints.load('watcher')).toBe(p0)
        await s.checkpoints.save('watcher', p1!)
        expect(await s.checkpoints.load('watcher')).toBe(p1)
        expect(await s.checkpoints.load('exporter')).toBe(p1)
        expect(await s.checkpoints.load('$hostile/ünï')).toBeUndefined()
      })

      it('a saved checkpoint resumes reading right after it', async () => {
        const s = await fresh()
        await ok(s.append('c1', [testEvent('c1', 0), testEvent('c1', 1), testEvent('c1', 2)], 'any'))
        const all = await collect(s.readAll())
        await s.checkpoints.save('w', all[0]!.position)
        const resumed = await collect(s.readAll({ after: (await s.checkpoints.load('w'))! }))
        expect(ids(resumed)).toEqual(ids(all.slice(1)))
      })

      it('keeps any text as a value, not only positions (docket watch stores its state there)', async () => {
        const s = await fresh()
        const text = `${JSON.stringify({ position: 'x', wakes: [['ünï 🎉 "\\', 1]] })}\n${'x'.repeat(5000)}`
        await s.checkpoints.save('pm/state', text)
        expect(await s.checkpoints.load('pm/state')).toBe(text)
      })

      it('refuses a name or value holding NUL or an unpaired surrogate, naming it, and keeps what was saved', async () => {
        const s = await fresh()
        await s.checkpoints.save('w', 'kept')
        for (const [name, value] of [
          ['w\u0000', 'v'],
          ['w', 'v\u0000'],
          ['w\ud800', 'v'],
          ['w', 'v\udc00'],
        ] as const) {
          const bad = name === 'w' ? value : name
          const why = bad.includes('\u0000') ? 'NUL (U+0000)' : 'unpaired surrogate'
          const save = s.checkpoints.save(name, value)
          await expect(save).rejects.toThrow(JSON.stringify(bad))
          await expect(save).rejects.toThrow(why)
          if (name !== 'w') await expect(s.checkpoints.load(name)).rejects.toThrow(JSON.stringify(bad))
        }
        expect(await s.checkpoints.load('w')).toBe('kept')
      })
    })

    describe('comparePositions', () => {
      it('is a total order consistent with the log', async () => {
        const s = await fresh()
        for (let i = 0; i < 12; i++) await ok(s.append(`c${i % 3}`, [testEvent(`c${i % 3}`, i)], 'any'))
        const ps = (await collect(s.readAll())).map((e) => e.position)
        for (let i = 0; i < ps.length; i++) {
          for (let j = 0; j < ps.length; j++) {
            const c = s.comparePositions(ps[i]!, ps[j]!)
            expect(Math.sign(c)).toBe(Math.sign(i - j))
          }
        }
      })

      it('throws on a value that is no position of this store, naming it', async () => {
        const s = await fresh()
        await ok(s.append('c1', [testEvent('c1', 0)], 'any'))
        const p = (await collect(s.readAll()))[0]!.position
        for (const bad of ['', 'x', '1e0', ' 1', '1 ', '-1', '1.0', '0x1', '1/1/1']) {
          expect(() => s.comparePositions(bad, p)).toThrow(JSON.stringify(bad))
          expect(() => s.comparePositions(p, bad)).toThrow(JSON.stringify(bad))
        }
      })
    })

    describe('unicode and hostile case ids', () => {
      it('keeps every case in its own stream', async () => {
        const s = await fresh()
        for (const [i, caseId] of HOSTILE_IDS.entries()) {
          await ok(s.append(caseId, [testEvent(caseId, i), testEvent(caseId, i + 100)], 'no_stream'))
        }
        for (const [i, caseId] of HOSTILE_IDS.entries()) {
          const read = await ok(s.readStream(caseId))
          expect(read.map((e) => e.event.caseId)).toEqual([caseId, caseId])
          expect(read.map((e) => e.event.data)).toEqual([{ n: i }, { n: i + 100 }])
        }
        const all = await collect(s.readAll())
        expect(all.length).toBe(HOSTILE_IDS.length * 2)
      })

      it('accepts hostile event ids', async () => {
        const s = await fresh()
        const events = ['$evt', "o'brien", '🚨', 'a/b\\c', '{"json":1}'].map((id, i) =>
          testEvent('c1', i, { id }),
        )
        await ok(s.append('c1', events, 'no_stream'))
        expect(ids(await ok(s.readStream('c1')))).toEqual(events.map((e) => e.id))
        expect((await ok(s.append('c1', events, 'no_stream'))).appended).toBe(0)
      })
    })

    describe(`${writers} concurrent writers`, () => {
      it('on one stream with the same expected revision: exactly one wins', async () => {
        const s = await fresh()
        await ok(s.append('hot', [testEvent('hot', 0)], 'no_stream'))
        const results = await Promise.all(
          Array.from({ length: writers }, (_, w) => run(s.append('hot', [testEvent('hot', w + 1)], 0))),
        )
        const wins = results.filter(E.isRight)
        expect(wins.length).toBe(1)
        for (const r of results) {
          if (E.isLeft(r))
            expect(r.left).toMatchObject({ _tag: 'WrongExpectedRevision', expected: 0, actual: 1 })
        }
        expect((await ok(s.readStream('hot'))).length).toBe(2)
      })

      it('on one stream with any: nothing lost, duplicated or reordered', async () => {
        const s = await fresh()
        const per = 5
        const batches = Array.from({ length: writers }, (_, w) =>
          Array.from({ length: per }, (_, i) => testEvent('hot', w * 100 + i)),
        )
        await Promise.all(
          batches.map(async (events) => {
            for (const e of events) await ok(s.append('hot', [e], 'any'))
          }),
        )
        const read = await ok(s.readStream('hot'))
        expect(read.map((e) => e.revision)).toEqual(Array.from({ length: writers * per }, (_, i) => i))
        expect(new Set(ids(read)).size).toBe(writers * per)
        // each writer's events keep their order
        for (const events of batches) {
          const positions = events.map((e) => read.findIndex((r) => r.event.id === e.id))
          expect([...positions].sort((a, b) => a - b)).toEqual(positions)
        }
        expect(ids(await collect(s.readAll()))).toEqual(ids(read))
      })

      it('on many streams: every event once, revisions contiguous per stream', async () => {
        const s = await fresh()
        const per = 5
        await Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            for (let i = 0; i < per; i++) {
              const caseId = `many-${(w + i) % 4}`
              await ok(
                s.append(
                  caseId,
                  [testEvent(caseId, w * 100 + i), testEvent(caseId, w * 100 + i + 50)],
                  'any',
                ),
              )
            }
          }),
        )
        const all = await collect(s.readAll())
        expect(all.length).toBe(writers * per * 2)
        expect(new Set(ids(all)).size).toBe(all.length)
        for (let k = 0; k < 4; k++) {
          const revisions = all.filter((e) => e.event.caseId === `many-${k}`).map((e) => e.revision)
          expect(revisions).toEqual(revisions.map((_, i) => i))
        }
      })

      it('retrying the same append concurrently stores it once', async () => {
        const s = await fresh()
        const events = [testEvent('retry', 0), testEvent('retry', 1)]
        const results = await Promise.all(
          Array.from({ length: writers }, () => run(s.append('retry', events, 'any'))),
        )
        expect(results.every(E.isRight)).toBe(true)
        const appended = results.map((r) => (E.isRight(r) ? r.right.appended : -1))
        expect(appended.filter((n) => n === 2).length).toBe(1)
        expect(appended.filter((n) => n === 0).length).toBe(writers - 1)
        expect((await ok(s.readStream('retry'))).length).toBe(2)
      })
    })

    describe('close', () => {
      it('ends live subscriptions', async () => {
        const s = await fresh()
        await ok(s.append('c1', [testEvent('c1', 0)], 'any'))
        const received: EventStore.StoredEvent[] = []
        const done = (async () => {
          for await (const e of s.subscribe()) received.push(e)
        })()
        await until(() => received.length >= 1)
        open.splice(open.indexOf(s), 1)
        await dispose(s)
        await done
        expect(received.length).toBe(1)
      })
    })
  })
}
