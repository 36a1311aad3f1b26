import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type { Recorded } from './Envelope.js'
import * as Erasure from './Erasure.js'
import type { EventStore, StoredEvent } from './EventStore.js'
import * as Integrity from './Integrity.js'
import * as KeyStore from './KeyStore.js'
import * as MemoryEventStore from './MemoryEventStore.js'
import * as PersonalData from './PersonalData.js'
import * as Scenario from './testing/Scenario.js'

const report = Scenario.personalReport

const decision: Recorded = {
  id: 'd1',
  type: 'ReviewDecided',
  caseId: 'case-1',
  occurredAt: '2026-03-01T11:00:00Z',
  recordedAt: '2026-03-01T11:00:00Z',
  data: {
    reviewId: 'v1',
    outcome: 'violation',
    tier: 'frontline',
    automation: 'not',
    explanation: 'intimate image',
  },
}

const hold = Scenario.legalHold

const collect = async (it: AsyncIterable<StoredEvent>): Promise<StoredEvent[]> => {
  const out: StoredEvent[] = []
  for await (const s of it) out.push(s)
  return out
}

const setup = async (): Promise<{ raw: EventStore; store: EventStore; keys: KeyStore.KeyStore }> => {
  const raw = MemoryEventStore.make()
  const keys = KeyStore.memory()
  const store = PersonalData.protect(Integrity.sealed(raw), keys)
  const r = await store.append('case-1', [report, decision], 'no_stream')()
  expect(E.isRight(r)).toBe(true)
  return { raw, store, keys }
}

describe('PersonalData', () => {
  it('stores personal fields encrypted and reads them back in clear', async () => {
    const { raw, store } = await setup()
    const stored = (await collect(raw.readAll()))[0]!.event.data as Record<string, Record<string, string>>
    expect(JSON.stringify(stored)).not.toContain('Alice')
    expect(JSON.stringify(stored)).not.toContain('please remove')
    expect(stored.reporter!.email).toMatch(/^enc:v1:/)
    expect(stored.reporter!.subjectId).toBe('alice')
    const read = (await collect(store.readAll()))[0]!.event
    expect(read.data).toEqual(report.data)
  })

  it('keeps retried appends idempotent (deterministic encryption)', async () => {
    const { raw, store } = await setup()
    const again = await store.append('case-1', [report], 'any')()
    expect(E.isRight(again) && again.right.appended).toBe(0)
    expect(await collect(raw.readAll())).toHaveLength(2)
  })

  it('checks conflicts as append compares, encrypted: the event in clear or as exported is no conflict, another value is, and no key is made', async () => {
    const { raw, store, keys } = await setup()
    const exported = (await collect(raw.readAll()))[0]!.event
    const changed = {
      ...report,
      data: { ...(report.data as object), text: 'another text' },
    } as Recorded
    const stranger = {
      ...report,
      data: {
        ...(report.data as object),
        reporter: { subjectId: 'bob', name: 'Bob', email: 'b@example.org' },
      },
    } as Recorded
    const found = await store.conflicts([report, exported, decision, changed, stranger])()
    expect(E.isRight(found) && found.right.map((c) => c.eventId)).toEqual(['r1', 'r1'])
    expect(E.isRight(await store.append('case-1', [changed], 'any')())).toBe(false)
    expect(await keys.find('bob')).toBeUndefined()
    // once the subject is erased, the event in clear is its retry (its erased fields are not compared),
    // another value of a field of no erased subject is not
    await Erasure.erase(store, keys, 'alice', { at: '2026-03-02T00:00:00Z' })()
    const afterErasure = await store.conflicts([report, exported, changed, stranger])()
    expect(E.isRight(afterErasure) && afterErasure.right.map((c) => c.eventId)).toEqual(['r1'])
    const append = await store.append('case-1', [report], 'any')()
    expect(E.isRight(append) && append.right.appended).toBe(0)
    expect(E.isRight(await store.append('case-1', [exported], 'any')())).toBe(true)
    expect(await keys.find('alice')).toBeUndefined()
  })

  it('reads a stream for a retry only when a subject of it is erased: checking or appending new subjects reads none', async () => {
    const raw = MemoryEventStore.make()
    const reads: string[] = []
    const watched: EventStore = {
      ...raw,
      readStream: (caseId) => {
        reads.push(caseId)
        return raw.readStream(caseId)
      },
    }
    const keys = KeyStore.memory()
    const store = PersonalData.protect(watched, keys)
    const fresh = { ...report, id: 'r9', caseId: 'case-9' } as Recorded
    expect(E.isRight(await store.conflicts([report, fresh])()) && reads).toEqual([])
    expect(E.isRight(await store.append('case-1', [report], 'any')()) && reads).toEqual([])
    expect(E.isRight(await store.conflicts([report, fresh])()) && reads).toEqual([])
    await Erasure.erase(store, keys, 'alice', { at: '2026-03-02T00:00:00Z' })()
    reads.length = 0 // erasure reads the subject's cases
    expect(E.isRight(await store.conflicts([report, fresh])()) && reads).toEqual(['case-1'])
    expect(E.isRight(await store.append('case-1', [report], 'any')()) && reads).toEqual(['case-1', 'case-1'])
  })

  it('encrypts a personal value that only looks like ciphertext (a reporter may write enc:v1: too), and erases it', async () => {
    const { raw, store, keys } = await setup()
    const lookalike = {
      ...report,
      id: 'r2',
      data: {
        ...(report.data as object),
        reporter: { subjectId: 'alice', name: 'Alice Example', email: 'enc:v1:alice@example.org' },
        text: 'enc:v1: call me on 555-0100',
      },
    } as Recorded
    expect(E.isRight(await store.append('case-1', [lookalike], 'any')())).toBe(true)
    expect(JSON.stringify((await collect(raw.readAll()))[2]!.event)).not.toMatch(/555-0100|alice@example/)
    expect((await collect(store.readAll()))[2]!.event.data).toEqual(lookalike.data)
    await Erasure.erase(store, keys, 'alice', { at: '2026-03-02T00:00:00Z' })()
    const erased = (await collect(store.readAll()))[2]!.event.data as Record<string, unknown>
    expect(erased.text).toBe(PersonalData.ERASED)
  })

  it('encrypts a ciphertext copied from another event as text: it never opens in its new place', async () => {
    const { raw, store } = await setup()
    const stolen = ((await collect(raw.readAll()))[0]!.event.data as Record<string, string>).text!
    const copy = { ...report, id: 'r2', data: { ...(report.data as object), text: stolen } } as Recorded
    expect(E.isRight(await store.append('case-1', [copy], 'any')())).toBe(true)
    const read = (await collect(store.readAll()))[2]!.event.data as Record<string, string>
    expect(read.text).toBe(stolen)
    // the same event appended again is still an idempotent no-op
    const again = await store.append('case-1', [copy], 'any')()
    expect(E.isRight(again) && again.right.appended).toBe(0)
  })

  it('refuses to read a ciphertext moved at rest into another event, naming the event and the field', async () => {
    const { raw, store } = await setup()
    const stolen = ((await collect(raw.readAll()))[0]!.event.data as Record<string, string>).text!
    const moved = {
      ...report,
      id: 'r9',
      caseId: 'case-9',
      data: { ...(report.data as object), text: stolen },
    }
    expect(E.isRight(await raw.append('case-9', [moved as Recorded], 'no_stream')())).toBe(true)
    await expect(collect(store.readAll())).rejects.toThrow(/event r9.*data\.text.*subject alice/)
  })

  it('reads a value stored in clear that starts like ciphertext as stored, and as erased once its subject is', async () => {
    const { raw, store, keys } = await setup()
    const clear = {
      ...report,
      id: 'r9',
      caseId: 'case-9',
      data: { ...(report.data as object), text: 'enc:v1: stored in clear by an earlier version' },
    } as Recorded
    expect(E.isRight(await raw.append('case-9', [clear], 'no_stream')())).toBe(true)
    expect((await collect(store.readAll()))[2]!.event.data).toEqual(clear.data)
    await Erasure.erase(store, keys, 'alice', { at: '2026-03-02T00:00:00Z' })()
    const read = (await collect(store.readAll()))[2]!.event.data as Record<string, unknown>
    expect(read.text).toBe(PersonalData.ERASED)
  })

  it('erasure through the sealed, decrypting store lists the fields stored in clear, a look-alike of ciphertext included', async () => {
    const { raw, store, keys } = await setup()
    const lookalike = {
      ...report,
      id: 'r9',
      data: { ...(report.data as object), text: 'enc:v1: stored in clear by an earlier version' },
    } as Recorded
    const { victim: _v, ...withoutVictim } = report.data as Record<string, unknown>
    const plain = { ...report, id: 'r8', data: { ...withoutVictim, text: 42 } } as unknown as Recorded
    expect(E.isRight(await Integrity.sealed(raw).append('case-1', [lookalike, plain], 'any')())).toBe(true)
    const r = await Erasure.erase(store, keys, 'alice', { at: '2026-03-02T00:00:00Z' })()
    expect(E.isRight(r) && r.right.clearAtRest).toEqual([
      { caseId: 'case-1', eventId: 'r9', field: 'data.reporter.name' },
      { caseId: 'case-1', eventId: 'r9', field: 'data.reporter.email' },
      { caseId: 'case-1', eventId: 'r9', field: 'data.victim.name' },
      { caseId: 'case-1', eventId: 'r9', field: 'data.victim.dateOfBirth' },
      { caseId: 'case-1', eventId: 'r9', field: 'data.text' },
      { caseId: 'case-1', eventId: 'r8', field: 'data.reporter.name' },
      { caseId: 'case-1', eventId: 'r8', field: 'data.reporter.email' },
      { caseId: 'case-1', eventId: 'r8', field: 'data.text' },
    ])
    expect(E.isRight(r) && Erasure.describeErased(r.right).split('\n')[0]).toBe(
      'erased alice: key destroyed, 1 case(s); but 8 of their personal field(s), in 2 event(s), were stored in clear ' +
        '(appended without keys, or by an earlier version) and remain at rest, which destroying the key does not reach: ' +
        'only deleting the store, or copying it into a new one and erasing the subject there (docs/security.md, Erasure), removes them',
    )
  })

  it('inClear names the fields of the subject an event as stored holds in clear: not ciphertext, not erased', async () => {
    const { raw } = await setup()
    const atRest = (await collect(raw.readAll()))[0]!.event
    expect(PersonalData.inClear(atRest, 'alice')).toEqual([])
    const mixed = {
      ...atRest,
      data: {
        ...(atRest.data as Record<string, unknown>),
        reporter: { subjectId: 'alice', name: PersonalData.ERASED, email: 'alice@example.org' },
        text: 'enc:v1:not-a-ciphertext',
      },
    } as Recorded
    expect(PersonalData.inClear(mixed, 'alice')).toEqual(['data.reporter.email', 'data.text'])
    expect(PersonalData.inClear(mixed, 'bob')).toEqual([])
  })

  it("encrypts an anonymous report's text (no reporter, no victim) under the case, and erases it with the case", async () => {
    const { raw, store, keys } = await setup()
    const { reporter: _r, victim: _v, ...rest } = report.data as Record<string, unknown>
    const anonymous = {
      ...report,
      id: 'r2',
      caseId: 'case-2',
      data: { ...rest, text: 'my neighbour Jane Doe posted this' },
    } as Recorded
    expect(E.isRight(await store.append('case-2', [anonymous], 'no_stream')())).toBe(true)
    expect(JSON.stringify((await collect(raw.readAll()))[2]!.event)).not.toContain('Jane Doe')
    expect(PersonalData.fieldsOf(anonymous)).toEqual([{ path: ['text'], subjectId: 'case:case-2' }])
    expect((await collect(store.readAll()))[2]!.event.data).toEqual(anonymous.data)
    const erased = await Erasure.erase(store, keys, 'case:case-2', { at: '2026-03-02T00:00:00Z' })()
    expect(E.isRight(erased) && erased.right.cases).toEqual(['case-2'])
    expect(((await collect(store.readAll()))[2]!.event.data as Record<string, unknown>).text).toBe(
      PersonalData.ERASED,
    )
  })

  it('reads erased fields as the documented erased form and the chain still verifies', async () => {
    const { raw, store, keys } = await setup()
    const r = await Erasure.erase(store, keys, 'alice', { at: '2026-03-02T00:00:00Z' })()
    expect(E.isRight(r) && r.right.cases).toEqual(['case-1'])
    const read = (await collect(store.readAll()))[0]!.event.data as Record<string, Record<string, string>>
    expect(read.reporter).toEqual({
      subjectId: 'alice',
      name: PersonalData.ERASED,
      email: PersonalData.ERASED,
    })
    expect(read.text).toBe(PersonalData.ERASED)
    expect(read.category).toBe('ncii')
    // the decision's explanation belongs to the case, not to alice: still readable
    const d = (await collect(store.readAll()))[1]!.event.data as Record<string, string>
    expect(d.explanation).toBe('intimate image')
    expect((await Integrity.verify(raw.readAll())).ok).toBe(true)
  })

  it('refuses erasure while a legal hold covers the case, and allows it once lifted', async () => {
    const { store, keys } = await setup()
    await store.append('case-1', [hold('LegalHoldPlaced', 'h-on', 0)], 'any')()
    const refused = await Erasure.erase(store, keys, 'alice', { at: '2026-03-02T00:00:00Z' })()
    expect(E.isLeft(refused) && refused.left._tag).toBe('ErasureRefused')
    if (E.isLeft(refused) && refused.left._tag === 'ErasureRefused') {
      expect(refused.left.holds.map((h) => h.basis)).toEqual(['legal_hold:h1'])
      expect(Erasure.describeRefusal(refused.left)).toContain('legal_hold:h1')
    }
    expect(await keys.isErased('alice')).toBe(false)
    await store.append('case-1', [hold('LegalHoldLifted', 'h-off', 5)], 'any')()
    const done = await Erasure.erase(store, keys, 'alice', { at: '2026-03-02T00:00:00Z' })()
    expect(E.isRight(done)).toBe(true)
    expect(await keys.isErased('alice')).toBe(true)
  })

  it('refuses erasure during a preservation hold until its end', async () => {
    const { store, keys } = await setup()
    const preserved = {
      id: 'p1',
      type: 'EvidencePreserved',
      caseId: 'case-1',
      occurredAt: '2026-03-01T13:00:00Z',
      recordedAt: '2026-03-01T13:00:00Z',
      data: { basis: 'us-2258a/preserve', until: '2027-03-01T13:00:00Z' },
    } as Recorded
    await store.append('case-1', [preserved], 'any')()
    const during = await Erasure.erase(store, keys, 'alice', { at: '2026-06-01T00:00:00Z' })()
    expect(E.isLeft(during)).toBe(true)
    const after = await Erasure.erase(store, keys, 'alice', { at: '2027-03-02T00:00:00Z' })()
    expect(E.isRight(after)).toBe(true)
  })
})
