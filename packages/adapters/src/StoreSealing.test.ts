/**
 * `Store.open` seals every append by default, opens the raw store with
 * `seal: false`, and encrypts personal data per subject with `keys`.
 */
import { Integrity, KeyStore, PersonalData, type Recorded } from '@docket/core'
import { collect, ok, testEvent } from '@docket/core/testing'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as Store from './Store.js'

const open = async (options: Store.Options = {}) => {
  const r = await Store.open('memory:', options)()
  if (E.isLeft(r)) throw new Error(Store.describeError(r.left))
  return r.right
}

describe('Store.open and integrity', () => {
  it('seals every append by default, under any expectation, and verifies', async () => {
    const store = await open()
    await ok(store.append('c', [testEvent('c', 0), testEvent('c', 1)], 'no_stream'))
    await ok(store.append('c', [testEvent('c', 2)], 'any'))
    await ok(store.append('d', [testEvent('d', 3)], 'any'))
    const all = await collect(store.readAll())
    expect(all.every((s) => Integrity.sealFrom(s.event) !== undefined)).toBe(true)
    const report = await Integrity.verify(store.readAll())
    expect(report.failure).toBeNull()
    expect(report.events).toBe(4)
    await store.close()
  })

  it('opens the raw store with seal: false (nothing sealed, verify names the first event)', async () => {
    const store = await open({ seal: false })
    await ok(store.append('c', [testEvent('c', 0)], 'no_stream'))
    const report = await Integrity.verify(store.readAll())
    expect(report.failure?.problem).toBe('unsealed')
    await store.close()
  })

  it('encrypts personal fields with keys, outside the seal', async () => {
    const keys = KeyStore.memory()
    const store = await open({ keys })
    const report = {
      ...testEvent('c', 0),
      type: 'ContentReported',
      data: {
        reportId: 'r',
        channel: 'web_form',
        category: 'ncii',
        content: { ref: 'p', kind: 'image' },
        jurisdictions: ['US'],
        reporter: { subjectId: 's1', name: 'Ann', email: 'ann@example.org' },
      },
    } as unknown as Recorded
    await ok(store.append('c', [report], 'no_stream'))
    const back = (await ok(store.readStream('c')))[0]!.event.data as { reporter: { name: string } }
    expect(back.reporter.name).toBe('Ann')
    await keys.destroy('s1')
    const erased = (await ok(store.readStream('c')))[0]!.event.data as { reporter: { name: string } }
    expect(erased.reporter.name).toBe(PersonalData.ERASED)
    expect((await Integrity.verify(store.readAll())).failure).toBeNull()
    await store.close()
  })
})
