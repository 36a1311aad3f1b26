/**
 * The seed story (examples/seed-case, Doe v. Twitter) through the escalation
 * engine, driven event by event with a controllable clock: the refusal guard
 * fires at the refusal itself, and the federal agent's contact is flagged as
 * a missed obligation at the top of the ladder.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as Clock from './Clock.js'
import * as Envelope from './Envelope.js'
import * as Escalation from './Escalation.js'
import * as Evaluation from './Evaluation.js'
import * as MemoryEventStore from './MemoryEventStore.js'
import * as ProcessManager from './ProcessManager.js'
import * as Timer from './Timer.js'
import * as Profile from './Profile.js'
import * as Timestamp from './Timestamp.js'

const events: ReadonlyArray<Envelope.DocketEvent> = readFileSync(
  fileURLToPath(new URL('../../../examples/seed-case/events.jsonl', import.meta.url)),
  'utf8',
)
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => {
    const d = Envelope.decode(JSON.parse(l))
    if (E.isLeft(d)) throw new Error(JSON.stringify(d.left))
    return d.right
  })
const byId = (id: string): Envelope.DocketEvent => events.find((e) => e.id === id)!
const config = Escalation.configOf(Profile.DEFAULTS)
const caseId = 'doe-v-twitter'

describe('the seed case, replayed live', () => {
  /** Feeds the events one by one as a host would, ticking at each arrival; returns what each arrival raised. */
  const live = () => {
    const clock = Clock.manual(Timestamp.toMillis(events[0]!.occurredAt))
    const log: Envelope.DocketEvent[] = []
    const raisedBy = new Map<string, ReadonlyArray<Envelope.EventOf<'EscalationRaised'>>>()
    for (const e of events) {
      clock.set(Timestamp.toMillis(e.occurredAt))
      log.push(e)
      const { due } = Escalation.tick({ caseId, history: log, config }, clock.now())
      raisedBy.set(e.id, due)
      log.push(...due)
    }
    return { raisedBy, log }
  }

  it('raises nothing before the refusal: reports alone are for the obligation clocks', () => {
    const { raisedBy } = live()
    for (const id of ['seed-001', 'seed-002', 'seed-003', 'seed-004', 'seed-005']) {
      expect(raisedBy.get(id)).toEqual([])
    }
  })

  it('fires the refusal guard at the instant of the refusal, at the child-safety specialist level', () => {
    const { raisedBy } = live()
    const refusal = byId('seed-006')
    const guard = raisedBy.get('seed-006')?.filter((e) => e.data.reason === 'refusal_guard')
    expect(guard?.map((e) => [e.data.level, e.occurredAt, e.meta?.causationId])).toEqual([
      [2, '2020-01-28T09:14:00.000-08:00', refusal.id],
    ])
    expect(Timestamp.toMillis(guard?.[0]?.occurredAt ?? '')).toBe(Timestamp.toMillis(refusal.occurredAt))
  })

  it('escalates the reply that says both boys are minors as a repeat report', () => {
    const { raisedBy } = live()
    expect(raisedBy.get('seed-008')?.map((e) => [e.data.reason, e.data.level])).toContainEqual([
      'repeat_report',
      2,
    ])
  })

  it('flags the federal agent’s contact as a missed obligation at the top of the ladder', () => {
    const { raisedBy } = live()
    const agent = byId('seed-009')
    const flagged = raisedBy.get('seed-009')?.filter((e) => e.data.reason === 'authority_after_refusal')
    expect(
      flagged?.map((e) => [e.data.level, e.data.missedObligation, e.occurredAt, e.meta?.causationId]),
    ).toEqual([[4, true, '2020-01-29T11:00:00.000-08:00', agent.id]])
  })

  it('keeps the case open: no specialist ever decided', () => {
    expect(Escalation.blocksClose(events)).toBe(true)
  })

  it('gives the same escalations replayed live as evaluated once at the end (never twice, never lost)', () => {
    const { log } = live()
    const asOf = Timestamp.toMillis(events[events.length - 1]!.occurredAt)
    const liveIds = log.filter((e) => e.type === 'EscalationRaised').map((e) => e.id)
    const once = Escalation.tick({ caseId, history: events, config }, asOf).due.map((e) => e.id)
    expect([...liveIds].sort()).toEqual([...once].sort())
    expect(new Set(liveIds).size).toBe(liveIds.length)
    const summary = Escalation.summarize({ caseId, history: events, config }, asOf)
    expect(summary.map((s) => s.reason)).toEqual(
      expect.arrayContaining(['refusal_guard', 'authority_after_refusal']),
    )
  })
})

describe('the seed case, watched and evaluated', () => {
  it('the process manager raises exactly what docket evaluate lists at the same instant', async () => {
    const asOf = Timestamp.toMillis('2020-01-31T00:00:00-08:00')
    const store = MemoryEventStore.make({ initial: events.map(Envelope.withImportedRecordedAt) })
    const pm = ProcessManager.make({
      store,
      timer: Timer.manual(Clock.manual(asOf)),
      profile: Profile.DEFAULTS,
    })
    await pm.runOnce()
    const raised: Array<Envelope.EventOf<'EscalationRaised'>> = []
    for await (const s of store.readAll({ types: ['EscalationRaised'] })) {
      if (s.event.type === 'EscalationRaised') raised.push(s.event)
    }
    const report = Evaluation.evaluate(events, { rules: [], asOf, escalate: Escalation.escalate })
    const listed = report.cases[0]?.escalations ?? []
    const key = (x: { escalationId: string; level: number }) => `${x.escalationId}/${x.level}`
    expect(raised.map((e) => key(e.data)).sort()).toEqual(listed.map(key).sort())
    expect(listed.length).toBeGreaterThan(5)
  })
})
