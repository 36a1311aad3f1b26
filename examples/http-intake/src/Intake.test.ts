import { Clock, MemoryEventStore } from '@docket/core'
import { afterEach, describe, expect, it } from 'vitest'
import { badReport, decision, report } from './fixtures.js'
import * as Intake from './Intake.js'

const apps: Array<{ close: () => Promise<unknown> }> = []
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close()
})

const setup = () => {
  const store = MemoryEventStore.make()
  const app = Intake.make({ store, clock: Clock.fixed(Date.parse('2026-06-02T14:00:00Z')) })
  apps.push(app)
  const post = (path: string, body: unknown) =>
    app.inject({ method: 'POST', url: path, payload: body as Record<string, unknown> })
  return { app, store, post }
}

describe('http-intake (memory store, no network)', () => {
  it('records a report then a decision, and reads them back in order', async () => {
    const { app, post } = setup()
    const r1 = await post('/cases/case-1/reports', report)
    expect(r1.statusCode, r1.body).toBe(201)
    expect(r1.json()).toEqual({ caseId: 'case-1', eventIds: ['evt-report-1'], appended: 1, revision: 0 })
    const r2 = await post('/cases/case-1/decisions', decision)
    expect(r2.statusCode, r2.body).toBe(201)
    const read = await app.inject({ method: 'GET', url: '/cases/case-1/events' })
    const events = read.json().events as Array<{ id: string; type: string; recordedAt: string }>
    expect(events.map((e) => [e.id, e.type])).toEqual([
      ['evt-report-1', 'ContentReported'],
      ['evt-review-1', 'ReviewDecided'],
    ])
    expect(events[0]!.recordedAt).toBe('2026-06-02T14:00:00.000Z')
  })

  it('answers 400 with the path of every bad field, and stores nothing', async () => {
    const { app, post } = setup()
    const r = await post('/cases/case-2/reports', badReport)
    expect(r.statusCode).toBe(400)
    const body = r.json() as Intake.BadRequest
    expect(body.error).toBe('invalid_body')
    expect(body.issues.map((i) => i.path).sort()).toEqual([
      'data.content.kind',
      'data.jurisdictions',
      'occurredAt',
    ])
    const read = await app.inject({ method: 'GET', url: '/cases/case-2/events' })
    expect(read.json().events).toEqual([])
  })

  it('answers 400 for malformed JSON and for a body that is not an object', async () => {
    const { app, post } = setup()
    const bad = await app.inject({
      method: 'POST',
      url: '/cases/c/reports',
      headers: { 'content-type': 'application/json' },
      payload: '{"eventId":',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error).toBe('invalid_json')
    const arr = await post('/cases/c/commands', [1, 2])
    expect(arr.statusCode).toBe(400)
    expect(arr.json().issues).toEqual([{ path: '', expected: 'a JSON object' }])
  })

  it('is idempotent by eventId (200, nothing appended) and refuses a decision on an unknown case with 409', async () => {
    const { post } = setup()
    expect((await post('/cases/case-3/reports', report)).statusCode).toBe(201)
    const again = await post('/cases/case-3/reports', report)
    expect(again.statusCode).toBe(200)
    expect(again.json().appended).toBe(0)
    const orphan = await post('/cases/case-4/decisions', decision)
    expect(orphan.statusCode).toBe(409)
    expect(orphan.json().error).toBe('CaseNotStarted')
  })

  it('accepts any command by name on /commands and names the bad type otherwise', async () => {
    const { post } = setup()
    expect((await post('/cases/case-5/commands', { ...report, type: 'ReportContent' })).statusCode).toBe(201)
    const r = await post('/cases/case-5/commands', { ...decision, type: 'Decide' })
    expect(r.statusCode).toBe(400)
    expect(r.json().issues[0].path).toBe('type')
  })
})
