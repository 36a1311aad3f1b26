import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Case from './Case.js'
import type * as CaseCommand from './CaseCommand.js'
import * as Clock from './Clock.js'
import * as CommandHandler from './CommandHandler.js'
import type { DocketEvent, Recorded } from './Envelope.js'
import * as Erasure from './Erasure.js'
import * as EventStore from './EventStore.js'
import * as KeyStore from './KeyStore.js'
import * as MemoryEventStore from './MemoryEventStore.js'
import * as PersonalData from './PersonalData.js'

const at = '2026-06-01T22:30:00-04:00'
const NOW = Date.UTC(2026, 5, 2, 3, 0, 0)

const cmd = <K extends CaseCommand.StandardType>(
  type: K,
  data: CaseCommand.Command<K>['data'],
  eventId: string,
  caseId = 'c1',
): CaseCommand.Command<K> =>
  ({ type, caseId, eventId, occurredAt: at, data }) as unknown as CaseCommand.Command<K>

const report = (eventId = 'e-report', caseId = 'c1') =>
  cmd(
    'ReportContent',
    {
      reportId: 'r1',
      channel: 'web_form',
      category: 'csam',
      content: { ref: 'post-9', kind: 'video' },
      jurisdictions: ['US'],
    },
    eventId,
    caseId,
  )
const exposure = (eventId: string) => cmd('ObserveExposure', { views: 10, shares: 1 }, eventId)
const remove = (eventId = 'e-remove') => cmd('ActionContent', { action: 'removed' }, eventId)
const close = (eventId = 'e-close') => cmd('CloseCase', {}, eventId)

const run = <A, B>(task: TE.TaskEither<A, B>): Promise<E.Either<A, B>> => task()

const stream = async (store: EventStore.EventStore, caseId = 'c1'): Promise<ReadonlyArray<Recorded>> => {
  const r = await run(store.readStream(caseId))
  if (E.isLeft(r)) throw new Error(EventStore.describe(r.left))
  return r.right.map((s) => s.event)
}

/**
 * A real memory store whose appends are preceded, `times` times, by another
 * writer's append to the same case: the race optimistic concurrency exists for.
 */
const racing = (
  inner: EventStore.EventStore,
  rival: (n: number) => CaseCommand.CaseCommand,
  times: number,
): EventStore.EventStore & { readonly appends: () => number } => {
  let appends = 0
  return {
    ...inner,
    appends: () => appends,
    append: (caseId, events, expected) => async () => {
      appends++
      if (appends <= times) {
        const r = await CommandHandler.handle(inner, Clock.fixed(NOW), caseId, rival(appends))()
        if (E.isLeft(r)) throw new Error(`the rival write failed: ${CommandHandler.describe(r.left)}`)
      }
      return inner.append(caseId, events, expected)()
    },
  }
}

describe('CommandHandler.handle', () => {
  it('opens a case: appends at no_stream and stamps recordedAt from the clock', async () => {
    const store = MemoryEventStore.make()
    const r = await run(CommandHandler.handle(store, Clock.fixed(NOW), 'c1', report()))
    expect(E.isRight(r)).toBe(true)
    if (E.isLeft(r)) return
    expect(r.right.appended).toBe(1)
    expect(r.right.revision).toBe(0)
    expect(r.right.events[0]!.recordedAt).toBe('2026-06-02T03:00:00.000Z')
    expect(r.right.state.status).toBe('open')
    const stored = await stream(store)
    expect(stored).toEqual(r.right.events)
    expect(stored[0]!.occurredAt).toBe(at)
  })

  it('appends later commands at the last revision', async () => {
    const store = MemoryEventStore.make()
    const clock = Clock.manual(NOW)
    await run(CommandHandler.handle(store, clock, 'c1', report()))
    clock.advance(60_000)
    const r = await run(CommandHandler.handle(store, clock, 'c1', remove()))
    expect(E.isRight(r) && r.right.revision).toBe(1)
    expect((await stream(store)).map((e) => [e.type, e.recordedAt])).toEqual([
      ['ContentReported', '2026-06-02T03:00:00.000Z'],
      ['ContentActioned', '2026-06-02T03:01:00.000Z'],
    ])
  })

  it('returns the domain error of a refused command and writes nothing', async () => {
    const store = MemoryEventStore.make()
    await run(CommandHandler.handle(store, Clock.fixed(NOW), 'c1', report()))
    const r = await run(
      CommandHandler.handle(
        store,
        Clock.fixed(NOW),
        'c1',
        cmd('DecideAppeal', { appealId: 'a1', outcome: 'decision_reversed' }, 'e-x'),
      ),
    )
    expect(r).toEqual(
      E.left({ _tag: 'Rejected', error: { _tag: 'AppealNotLodged', caseId: 'c1', appealId: 'a1' } }),
    )
    expect(await stream(store)).toHaveLength(1)
    if (E.isLeft(r)) expect(CommandHandler.describe(r.left)).toBe('case c1: appeal a1 was never lodged')
  })

  it('is idempotent: the same command again is a no-op success returning the stored event', async () => {
    const store = MemoryEventStore.make()
    const clock = Clock.manual(NOW)
    const first = await run(CommandHandler.handle(store, clock, 'c1', report()))
    clock.advance(3_600_000)
    const again = await run(CommandHandler.handle(store, clock, 'c1', report()))
    expect(E.isRight(again)).toBe(true)
    if (E.isLeft(again) || E.isLeft(first)) return
    expect(again.right.appended).toBe(0)
    expect(again.right.revision).toBe(0)
    expect(again.right.events).toEqual(first.right.events)
    expect(await stream(store)).toHaveLength(1)
  })

  it('the same event id with other content is refused (in this case by the decider, elsewhere by the store)', async () => {
    const store = MemoryEventStore.make()
    await run(CommandHandler.handle(store, Clock.fixed(NOW), 'c1', report('e-1')))
    const sameCase = await run(CommandHandler.handle(store, Clock.fixed(NOW), 'c1', close('e-1')))
    expect(E.isLeft(sameCase) && sameCase.left._tag === 'Rejected' && sameCase.left.error._tag).toBe(
      'EventIdReused',
    )
    const otherCase = await run(CommandHandler.handle(store, Clock.fixed(NOW), 'c2', report('e-1', 'c2')))
    expect(otherCase).toEqual(
      E.left({ _tag: 'IdempotencyConflict', eventId: 'e-1', caseId: 'c2', storedCaseId: 'c1' }),
    )
  })

  it("a retry after its subject's erasure is a no-op success: nothing written, no key made", async () => {
    const keys = KeyStore.memory()
    const store = PersonalData.protect(MemoryEventStore.make(), keys)
    const base = report()
    const c = {
      ...base,
      data: { ...base.data, reporter: { subjectId: 'alice', name: 'Alice', email: 'alice@example.org' } },
    } as CaseCommand.CaseCommand
    expect(E.isRight(await run(CommandHandler.handle(store, Clock.fixed(NOW), 'c1', c)))).toBe(true)
    expect(E.isRight(await run(Erasure.erase(store, keys, 'alice', { at: '2026-06-03T00:00:00Z' })))).toBe(
      true,
    )
    const again = await run(CommandHandler.handle(store, Clock.fixed(NOW), 'c1', c))
    expect(E.isRight(again) && again.right.appended).toBe(0)
    expect(E.isRight(again) && again.right.events.map((e) => e.data)).toEqual([
      expect.objectContaining({
        reporter: { subjectId: 'alice', name: PersonalData.ERASED, email: PersonalData.ERASED },
      }),
    ])
    expect(await stream(store)).toHaveLength(1)
    expect(await keys.find('alice')).toBeUndefined()
  })

  it('refuses a command addressed to another case', async () => {
    const r = await run(CommandHandler.handle(MemoryEventStore.make(), Clock.fixed(NOW), 'c2', report()))
    expect(r).toEqual(E.left({ _tag: 'CaseMismatch', caseId: 'c2', commandCaseId: 'c1' }))
  })

  it('on a concurrent write, reloads and decides again on the new state', async () => {
    const inner = MemoryEventStore.make()
    await run(CommandHandler.handle(inner, Clock.fixed(NOW), 'c1', report()))
    // Another moderator closes the case between our read and our append.
    const store = racing(inner, () => close('e-rival-close'), 1)
    const r = await run(CommandHandler.handle(store, Clock.fixed(NOW), 'c1', remove()))
    expect(r).toEqual(
      E.left({ _tag: 'Rejected', error: { _tag: 'CaseIsClosed', caseId: 'c1', command: 'ActionContent' } }),
    )
    expect((await stream(inner)).map((e) => e.id)).toEqual(['e-report', 'e-rival-close'])
  })

  it('succeeds after retries when the rival writes do not conflict with the rules', async () => {
    const inner = MemoryEventStore.make()
    await run(CommandHandler.handle(inner, Clock.fixed(NOW), 'c1', report()))
    const store = racing(inner, (n) => exposure(`e-rival-${n}`), 2)
    const r = await run(CommandHandler.handle(store, Clock.fixed(NOW), 'c1', remove(), { maxRetries: 2 }))
    expect(E.isRight(r) && r.right.revision).toBe(3)
    expect(store.appends()).toBe(3)
    expect((await stream(inner)).map((e) => e.id)).toEqual(['e-report', 'e-rival-1', 'e-rival-2', 'e-remove'])
  })

  it('gives up with WrongExpectedRevision after maxRetries, having written nothing of its own', async () => {
    const inner = MemoryEventStore.make()
    await run(CommandHandler.handle(inner, Clock.fixed(NOW), 'c1', report()))
    const store = racing(inner, (n) => exposure(`e-rival-${n}`), 100)
    const r = await run(CommandHandler.handle(store, Clock.fixed(NOW), 'c1', remove(), { maxRetries: 2 }))
    expect(E.isLeft(r) && r.left._tag).toBe('WrongExpectedRevision')
    expect(store.appends()).toBe(3)
    expect((await stream(inner)).some((e) => e.id === 'e-remove')).toBe(false)
  })

  it('a lost reply retried while the first attempt lands is a no-op success', async () => {
    const inner = MemoryEventStore.make()
    await run(CommandHandler.handle(inner, Clock.fixed(NOW), 'c1', report()))
    // The "rival" is the same command, delivered twice: the store sees an all-duplicate append.
    const store = racing(inner, () => remove(), 1)
    const r = await run(CommandHandler.handle(store, Clock.fixed(NOW), 'c1', remove()))
    expect(E.isRight(r) && r.right.appended).toBe(0)
    expect((await stream(inner)).filter((e) => e.id === 'e-remove')).toHaveLength(1)
  })

  it('stores exactly what the pure decider decides, for any sequence of commands', async () => {
    const alphabet: ReadonlyArray<(id: string) => CaseCommand.CaseCommand> = [
      (id) => report(id),
      (id) => exposure(id),
      (id) => remove(id),
      (id) => cmd('RestoreContent', {}, id),
      (id) =>
        cmd('DecideReview', { reviewId: id, outcome: 'no_violation', tier: 'legal', automation: 'not' }, id),
      (id) => cmd('LodgeAppeal', { appealId: 'a1', by: 'reporter', venue: 'internal' }, id),
      (id) => cmd('DecideAppeal', { appealId: 'a1', outcome: 'decision_upheld' }, id),
      (id) => close(id),
      (id) => cmd('ReopenCase', {}, id),
    ]
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(alphabet.length - 1), fc.nat(5)), { maxLength: 25 }),
        async (steps) => {
          const store = MemoryEventStore.make()
          let model = Case.initialState()
          const expected: DocketEvent[] = []
          for (const [k, id] of steps) {
            const c = alphabet[k]!(`e${id}-${k}`)
            const decided = Case.decide(c, model)
            const handled = await run(CommandHandler.handle(store, Clock.fixed(NOW), 'c1', c))
            expect(E.isRight(handled)).toBe(E.isRight(decided))
            if (E.isRight(decided)) {
              for (const e of decided.right) {
                expected.push(e)
                model = Case.evolve(model, e)
              }
            }
          }
          const stored = await stream(store)
          expect(stored.map(({ recordedAt: _, ...e }) => e)).toEqual(expected)
        },
      ),
      { numRuns: 100 },
    )
  })
})
