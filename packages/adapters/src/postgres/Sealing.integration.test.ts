/**
 * Sealing inside the append on a real PostgreSQL server (`seal: true`, as
 * `Store.open` opens it): the server's SHA-256 gives the bytes JavaScript
 * gives through `Integrity.sealed`, concurrent store instances keep every
 * chain whole, and a stream whose last event the server cannot read a seal
 * hash of (written by the decorator or by an older version) continues its
 * chain through the checked path. Each store seals after the last seals it
 * remembers (schema version 9); one another store moved is answered by the
 * server and sealed after again.
 */
import { type EventStore, Integrity, MemoryEventStore, type Recorded } from '@docket/core'
import { collect, ok, Services, testEvent } from '@docket/core/testing'
import { describe, expect, it } from 'vitest'
import * as PostgresEventStore from './PostgresEventStore.js'
import { schemas } from '../internal/pgTest.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the PostgreSQL sealing tests',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

const TEXTS = ['plain', 'quote " back \\ tab \t', 'é ü 中文', '😀 𝄞', '\ud800 lone', 'nul \u0000', '']

const noted = (caseId: string, id: string, text: string): Recorded =>
  testEvent(caseId, 0, { id, data: { text } } as Partial<Recorded>)

describe.skipIf(!run)('PostgreSQL sealing inside the append', () => {
  const fixture = schemas(url, 'docket_seal')

  const open = async (options: PostgresEventStore.Options, schema = fixture.fresh()) => {
    const store = fixture.keep(await PostgresEventStore.make(url, { schema, max: 4, ...options }))
    return { store, schema }
  }

  it('stores the bytes Integrity.sealed stores, for any text, on either path', async () => {
    const { store } = await open({ seal: true })
    const reference = Integrity.sealed(MemoryEventStore.make())
    const appends: Array<[string, ReadonlyArray<Recorded>, EventStore.ExpectedRevision]> = []
    TEXTS.forEach((text, i) => {
      appends.push([
        `c${i % 3}`,
        [noted(`c${i % 3}`, `e${i}`, text), noted(`c${i % 3}`, `f${i}`, text)],
        'any',
      ])
    })
    // a repeat of a stored event with a new one: the checked path, sealing in JavaScript
    appends.push(['c0', [noted('c0', 'e0', TEXTS[0]!), noted('c0', 'g0', 'after a repeat')], 'any'])
    for (const [c, events, expected] of appends) {
      expect(await store.append(c, events, expected)()).toEqual(await reference.append(c, events, expected)())
    }
    const actual = await collect(store.readAll())
    const expected = await collect(reference.readAll())
    expect(actual.map((s) => s.json)).toEqual(expected.map((s) => JSON.stringify(s.event)))
    expect((await Integrity.verify(store.readAll())).failure).toBeNull()
  })

  it('keeps every chain whole under concurrent store instances appending with any', async () => {
    const { store: first, schema } = await open({ seal: true })
    const others = await Promise.all([1, 2, 3].map(() => open({ seal: true }, schema)))
    const writers = [first, ...others.map((o) => o.store)]
    await Promise.all(
      writers.map(async (w, wi) => {
        for (let i = 0; i < 30; i++) {
          const c = `shared-${i % 4}`
          const batch = Array.from({ length: 1 + (i % 3) }, (_, k) => noted(c, `w${wi}-${i}-${k}`, TEXTS[k]!))
          await ok(w.append(c, batch, 'any'))
        }
      }),
    )
    const report = await Integrity.verify(first.readAll())
    expect(report.failure).toBeNull()
    expect(report.events).toBe(4 * (10 * 1 + 10 * 2 + 10 * 3))
  })

  it('seals again after the stored head when another store moved the one it remembers', async () => {
    const { store: first, schema } = await open({ seal: true })
    const { store: second } = await open({ seal: true }, schema)
    await ok(first.append('c', [noted('c', 'a', 'x')], 'no_stream'))
    await ok(second.append('c', [noted('c', 'b', 'y'), noted('c', 'c', 'z')], 0))
    // first remembers a's seal as the head; the stored head is c's
    expect(await ok(first.append('c', [noted('c', 'd', 'w')], 'any'))).toMatchObject({
      revision: 3,
      appended: 1,
    })
    await ok(second.append('c', [noted('c', 'e', 'v')], 3))
    const chain = (await ok(first.readStream('c'))).map((s) => Integrity.sealFrom(s.event)!)
    expect(chain.map((seal, i) => seal.prev === (i === 0 ? null : chain[i - 1]!.hash))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ])
    expect((await Integrity.verify(first.readAll())).failure).toBeNull()
  })

  it('continues a chain whose last event was sealed by the decorator', async () => {
    const { store: raw, schema } = await open({})
    const decorated = Integrity.sealed(raw)
    await ok(decorated.append('c', [noted('c', 'a', 'x'), noted('c', 'b', 'y')], 'no_stream'))
    const { store } = await open({ seal: true }, schema)
    await ok(store.append('c', [noted('c', 'c', 'z')], 1))
    await ok(decorated.append('c', [noted('c', 'd', 'w')], 'any'))
    await ok(store.append('c', [noted('c', 'e', 'v')], 'any'))
    const report = await Integrity.verify(store.readAll())
    expect(report.failure).toBeNull()
    expect(report.events).toBe(5)
  })
})
