import * as E from 'fp-ts/lib/Either.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Recorded } from './Envelope.js'
import * as Erasure from './Erasure.js'
import type * as EventStore from './EventStore.js'
import * as Integrity from './Integrity.js'
import * as KeyStore from './KeyStore.js'
import * as MemoryEventStore from './MemoryEventStore.js'
import * as PersonalData from './PersonalData.js'
import { collect, ok } from './testing/StoreFixtures.js'

// A retry after erasure: whatever the event's personal fields and whichever of its subjects is
// erased, the same event appended again is a no-op that leaves the stored log byte-identical,
// makes no key for the erased subject, and other non-personal content is still a conflict.

const subject = fc.constantFrom('alice', 'bob', 'carol')
const text = fc.string({ unit: 'grapheme', maxLength: 12 })
const optional = <A>(a: fc.Arbitrary<A>): fc.Arbitrary<A | undefined> => fc.option(a, { nil: undefined })
const defined = (o: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))

const reported: fc.Arbitrary<Recorded> = fc
  .record({
    reporter: optional(fc.record({ subjectId: subject, name: optional(text), email: optional(text) })),
    victim: optional(fc.record({ subjectId: subject, name: optional(text), dateOfBirth: optional(text) })),
    text: optional(text),
  })
  .map(
    ({ reporter, victim, text }) =>
      ({
        id: 'r1',
        type: 'ContentReported',
        caseId: 'case-1',
        occurredAt: '2026-03-01T10:00:00Z',
        recordedAt: '2026-03-01T10:00:00Z',
        data: defined({
          reportId: 'rep-1',
          channel: 'web_form',
          category: 'ncii',
          content: { ref: 'post-1', kind: 'image' },
          jurisdictions: ['US'],
          reporter: reporter === undefined ? undefined : defined(reporter),
          victim: victim === undefined ? undefined : defined(victim),
          text,
        }),
      }) as Recorded,
  )

const decided: fc.Arbitrary<Recorded> = fc.record({ explanation: text, subjectId: optional(subject) }).map(
  ({ explanation, subjectId }) =>
    ({
      id: 'd1',
      type: 'ReviewDecided',
      caseId: 'case-1',
      occurredAt: '2026-03-01T11:00:00Z',
      recordedAt: '2026-03-01T11:00:00Z',
      data: { reviewId: 'v1', outcome: 'violation', tier: 'frontline', automation: 'not', explanation },
      ...(subjectId === undefined ? {} : { meta: { subjectId } }),
    }) as Recorded,
)

const atRest = async (raw: EventStore.EventStore): Promise<string> =>
  JSON.stringify((await collect(raw.readAll())).map((s) => [s.position, s.revision, s.event]))

describe('PersonalData: a retry after its subject is erased', () => {
  it('is a no-op: the stored log stays byte-identical, no key is made, other content still conflicts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(reported, decided).filter((e) => PersonalData.subjectsOf(e).length > 0),
        fc.nat(),
        async (event, pick) => {
          const raw = MemoryEventStore.make()
          const keys = KeyStore.memory()
          const store = PersonalData.protect(Integrity.sealed(raw), keys)
          await ok(store.append(event.caseId, [event], 'any'))
          const subjects = PersonalData.subjectsOf(event)
          const erased = subjects[pick % subjects.length]!
          expect(E.isRight(await Erasure.erase(store, keys, erased, { at: '2026-03-02T00:00:00Z' })())).toBe(
            true,
          )
          const before = await atRest(raw)

          expect(await ok(store.conflicts([event]))).toEqual([])
          expect((await ok(store.append(event.caseId, [event], 'any'))).appended).toBe(0)
          const later = { ...event, occurredAt: '2026-03-01T12:00:00Z' }
          expect((await ok(store.conflicts([later]))).map((c) => c.eventId)).toEqual([event.id])

          expect(await atRest(raw)).toBe(before)
          expect(await keys.find(erased)).toBeUndefined()
        },
      ),
      { numRuns: 200 },
    )
  })
})
