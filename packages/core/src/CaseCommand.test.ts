import * as E from 'fp-ts/lib/Either.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as CaseCommand from './CaseCommand.js'
import * as DecodeError from './DecodeError.js'
import * as Envelope from './Envelope.js'
import { EVENT_TYPES } from './Event.js'

const lodge = {
  type: 'LodgeAppeal',
  caseId: 'c1',
  eventId: 'evt-9',
  occurredAt: '2026-06-05T10:00:00+02:00',
  actor: { kind: 'reporter', id: 'u1' },
  data: { appealId: 'a1', by: 'reporter', venue: 'internal', note: 'kept verbatim' },
}

const paths = (u: unknown): ReadonlyArray<string> => {
  const r = CaseCommand.decode(u)
  return E.isLeft(r) ? r.left.issues.map((i) => i.path) : []
}

describe('CaseCommand.decode', () => {
  it('decodes a valid command, keeping unknown data keys', () => {
    expect(CaseCommand.decode(lodge)).toEqual(E.right(lodge))
    expect(CaseCommand.Codec.is(lodge)).toBe(true)
  })

  it('names the field at fault', () => {
    expect(paths({ ...lodge, type: 'Appeal' })).toEqual(['type'])
    expect(paths({ ...lodge, eventId: undefined })).toEqual(['eventId'])
    expect(paths({ ...lodge, eventId: '' })).toEqual(['eventId'])
    expect(paths({ ...lodge, eventId: 'evt\u0000', caseId: '\u0000' })).toEqual(['caseId', 'eventId'])
    expect(paths({ ...lodge, occurredAt: '2026-06-05T10:00:00' })).toEqual(['occurredAt'])
    expect(paths({ ...lodge, data: { ...lodge.data, by: 'judge' } })).toEqual(['data.by'])
    expect(paths({ ...lodge, actor: { kind: 'wizard' } })).toEqual(['actor.kind'])
    expect(paths([lodge])).toEqual([''])
    const r = CaseCommand.decode({ ...lodge, type: 'Appeal' })
    expect(E.isLeft(r) && DecodeError.format(r.left)).toMatch(
      /^type: got "Appeal", expected a command name: /,
    )
  })

  it("never quotes a personal field of the command's data in an error, only its shape", () => {
    const report = {
      type: 'ReportContent',
      caseId: 'c1',
      eventId: 'r1',
      occurredAt: '2026-06-05T10:00:00Z',
      data: {
        reportId: 'r1',
        channel: 'web_form',
        category: 'nciiX',
        content: { ref: 'post-1', kind: 'image' },
        jurisdictions: ['FR'],
        reporter: { subjectId: 's', email: ['carol@example.org'] },
        text: 42_5550100,
      },
    }
    const r = CaseCommand.decode(report)
    const message = E.isLeft(r) ? DecodeError.format(r.left) : ''
    expect(message).toContain('data.reporter.email: got an array of 1 item (not shown')
    expect(message).toContain('data.category: got "nciiX"')
    expect(message).not.toMatch(/carol|5550100/)
    expect(paths([{ email: 'carol@example.org' }])).toEqual([''])
    const root = CaseCommand.decode('carol@example.org')
    expect(E.isLeft(root) && DecodeError.format(root.left)).not.toContain('carol')
  })

  it('decodes a vendor command only with a namespaced event type', () => {
    const vendor = {
      type: 'RecordVendorEvent',
      caseId: 'c1',
      eventId: 'v1',
      occurredAt: '2026-06-05T10:00:00Z',
      eventType: 'x-acme.RiskScored',
      data: { score: 1 },
    }
    expect(CaseCommand.decode(vendor)).toEqual(E.right(vendor))
    expect(paths({ ...vendor, eventType: 'RiskScored' })).toEqual(['eventType'])
    expect(paths({ ...vendor, eventType: 'ContentReported' })).toEqual(['eventType'])
  })

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (u) => {
        CaseCommand.decode(u)
      }),
    )
  })
})

describe('CaseCommand.toEvent', () => {
  it('every standard event type has exactly one command recording it', () => {
    expect([...Object.values(CaseCommand.COMMANDS)].sort()).toEqual([...EVENT_TYPES])
  })

  it('the event of a decoded command decodes as an event with the same data', () => {
    const command = CaseCommand.decode(lodge)
    if (E.isLeft(command)) throw new Error('fixture does not decode')
    const event = CaseCommand.toEvent(command.right)
    expect(event).toEqual({
      id: 'evt-9',
      type: 'AppealLodged',
      caseId: 'c1',
      occurredAt: lodge.occurredAt,
      actor: lodge.actor,
      data: lodge.data,
    })
    expect(Envelope.decode(event)).toEqual(E.right(event))
  })
})
