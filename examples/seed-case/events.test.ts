import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { DecodeError, type DocketEvent, Envelope } from '@docket/core'
import { describe, expect, it } from 'vitest'

const lines = readFileSync(fileURLToPath(new URL('./events.jsonl', import.meta.url)), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')

const events: ReadonlyArray<DocketEvent> = lines.map((line, i) => {
  const decoded = Envelope.decode(JSON.parse(line))
  if (decoded._tag === 'Left') throw new Error(DecodeError.format(DecodeError.atLine(decoded.left, i + 1)))
  return decoded.right
})

const byId = (id: string): DocketEvent => {
  const e = events.find((x) => x.id === id)
  if (e === undefined) throw new Error(`no event ${id}`)
  return e
}

describe('examples/seed-case/events.jsonl', () => {
  it('decodes every line with Envelope.decode', () => {
    expect(lines).toHaveLength(12)
    lines.forEach((line, i) => {
      const decoded = Envelope.decode(JSON.parse(line))
      expect(decoded._tag === 'Left' ? DecodeError.format(decoded.left) : 'ok', `line ${i + 1}`).toBe('ok')
    })
  })

  it('has readable, sequential ids, one case, and times written with the Los Angeles winter offset', () => {
    expect(events.map((e) => e.id)).toEqual(
      Array.from({ length: 12 }, (_, i) => `seed-${String(i + 1).padStart(3, '0')}`),
    )
    expect(new Set(events.map((e) => e.caseId))).toEqual(new Set(['doe-v-twitter']))
    for (const e of events) expect(e.occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00-08:00$/)
    const times = events.map((e) => Date.parse(e.occurredAt))
    expect([...times].sort((a, b) => a - b)).toEqual(times)
  })

  it('follows the public timeline', () => {
    expect(byId('seed-001').occurredAt.slice(0, 10)).toBe('2019-12-25')
    const john = byId('seed-002')
    expect(john.type === 'ContentReported' && john.data).toMatchObject({
      category: 'csam',
      categories: ['sextortion', 'ncii'],
      jurisdictions: ['US'],
      claims: { depictsMinor: true, ageAtCapture: 13 },
      removalRequest: { identification: true, contact: true, goodFaithStatement: true, signature: true },
    })
    expect(john.occurredAt.slice(0, 10)).toBe('2020-01-21')
    expect(john.type === 'ContentReported' && john.data.claims?.policeReference).toContain('PLACEHOLDER')
    for (const id of ['seed-003', 'seed-004']) {
      expect(byId(id).occurredAt.slice(0, 10)).toBe('2020-01-22')
      expect(byId(id).actor?.kind).toBe('guardian')
    }
    const email = byId('seed-005')
    expect(email.occurredAt.slice(0, 10)).toBe('2020-01-26')
    expect(email.type === 'ContentReported' && email.data.text).toContain('We want them removed immediately.')
    const refusal = byId('seed-006')
    expect(refusal.type === 'ReviewDecided' && refusal.data).toMatchObject({
      outcome: 'no_violation',
      tier: 'frontline',
    })
    expect(refusal.type === 'ReviewDecided' && refusal.data.explanation).toContain(
      "didn't find a violation of our policies",
    )
    expect(refusal.occurredAt.slice(0, 10)).toBe('2020-01-28')
    const reach = byId('seed-007')
    expect(reach.type === 'ExposureObserved' && reach.data).toEqual({ views: 167000, shares: 2223 })
    const dhs = byId('seed-009')
    expect(dhs.type === 'AuthorityRequestReceived' && dhs.data).toMatchObject({
      kind: 'intervention',
      jurisdiction: 'US',
      authority: 'DHS (HSI)',
    })
    expect(Date.parse(dhs.occurredAt)).toBeGreaterThan(Date.parse(refusal.occurredAt))
    const removed = byId('seed-010')
    expect(removed.type === 'ContentActioned' && removed.data.action).toBe('removed')
    expect(removed.occurredAt.slice(0, 10)).toBe('2020-01-30')
    const suspended = events.filter((e) => e.type === 'AccountActioned')
    expect(suspended.map((e) => e.type === 'AccountActioned' && e.data.action)).toEqual([
      'suspended',
      'suspended',
    ])
    expect(new Set(suspended.map((e) => e.type === 'AccountActioned' && e.data.accountRef)).size).toBe(2)
  })

  it('carries no real names: people are pseudonymous subject ids', () => {
    for (const e of events) {
      if (e.type !== 'ContentReported') continue
      expect(e.data.reporter?.name).toBeUndefined()
      expect(e.data.victim?.name).toBeUndefined()
      expect(e.data.reporter?.subjectId).toMatch(/^subject-/)
    }
  })
})
