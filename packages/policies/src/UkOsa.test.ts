// OSA s. 10(3A): "as soon as reasonably practicable, and no later than 48 hours, after the provider
// receives the report" (a valid s. 20A report), from 2026-06-29 (Europe/London); s. 10(3B) exemption.
import type { Profile } from '@docket/core'
import { describe, expect, it } from 'vitest'
import { ev, HOUR, of, one, report, run } from './internal/testing.js'

const VALID = { declaresIntimateImage: true, bySubjectOrOnBehalf: true, goodFaithAndTrue: true }
const iicr = (at: string, rr: Record<string, boolean> = VALID) =>
  report(at, { category: 'ncii', jurisdictions: ['GB'], removalRequest: rr })
const decide = (legalGround?: string, at = '2026-07-01T13:00:00+01:00') =>
  ev('ReviewDecided', at, {
    reviewId: 'v',
    outcome: 'no_violation',
    tier: 'specialist',
    automation: 'not',
    ...(legalGround === undefined ? {} : { legalGround }),
  })

describe('uk-osa/10-3A-ncii', () => {
  it('is due 48 elapsed hours after receipt, across the October clock change', () => {
    const o = one(run([iicr('2026-10-24T12:00:00+01:00')]), 'uk-osa/10-3A-ncii')
    expect(o.dueAt).toBe('2026-10-26T11:00:00.000Z')
    expect(Date.parse(o.dueAt) - Date.parse(o.startedAt)).toBe(48 * HOUR)
    expect(o.targetAt).toBe('2026-10-25T11:00:00.000Z')
  })

  it('needs the three s. 20A(2) declarations', () => {
    expect(
      of(
        run([iicr('2026-07-01T12:00:00+01:00', { ...VALID, goodFaithAndTrue: false })]),
        'uk-osa/10-3A-ncii',
      ),
    ).toEqual([])
  })

  it('starts at commencement, 2026-06-29 00:00 London; earlier reports are pre-effective', () => {
    const early = one(run([iicr('2026-06-28T23:59:59+01:00')]), 'uk-osa/10-3A-ncii')
    expect(early.preEffective).toBe(true)
    expect(early.startedAt).toBe('2026-06-29T00:00:00.000+01:00')
  })

  it('s. 10(3B): a decision citing it waives the clock; a bare refusal does not', () => {
    const r = iicr('2026-07-01T12:00:00+01:00')
    expect(one(run([r, decide('OSA s. 10(3B)(b)')]), 'uk-osa/10-3A-ncii').status).toBe('waived')
    expect(one(run([r, decide()], { asOf: '2026-07-05T00:00:00+01:00' }), 'uk-osa/10-3A-ncii').status).toBe(
      'breached',
    )
  })

  it('s. 10(3B): a view formed after the 48 hours ran out does not undo the breach', () => {
    const late = decide('OSA s. 10(3B)(a)', '2026-07-03T12:01:00+01:00')
    const o = one(run([iicr('2026-07-01T12:00:00+01:00'), late]), 'uk-osa/10-3A-ncii')
    expect(o.status).toBe('breached')
  })

  it('a report of content already taken down starts no clock', () => {
    const down = ev('ContentActioned', '2026-07-01T11:00:00+01:00', { action: 'disabled' })
    expect(
      of(
        run([down, iicr('2026-07-01T12:00:00+01:00')], { asOf: '2026-07-05T00:00:00+01:00' }),
        'uk-osa/10-3A-ncii',
      ),
    ).toEqual([])
  })

  it('binds a regulated search service by the same duty (s. 27), one clock per report whatever the profile says', () => {
    const r = iicr('2026-10-24T12:00:00+01:00')
    const ids = (profile: Profile.Profile) =>
      run([r], { profile })
        .map((o) => `${o.policy}/${o.rule}`)
        .filter((id) => id.startsWith('uk-osa/10-3A'))
    expect(ids({ providerType: { kind: 'search' } })).toEqual(['uk-osa/10-3A-ncii-search'])
    // a very large online search engine is a search service
    expect(ids({ providerType: { kind: 'vlose' } })).toEqual(['uk-osa/10-3A-ncii-search'])
    expect(ids({ providerType: { kind: 'online_platform' } })).toEqual(['uk-osa/10-3A-ncii'])
    expect(ids({})).toEqual(['uk-osa/10-3A-ncii'])
    const o = one(run([r], { profile: { providerType: { kind: 'search' } } }), 'uk-osa/10-3A-ncii-search')
    expect(o.dueAt).toBe('2026-10-26T11:00:00.000Z')
    expect(o.statutory).toBe(true)
    expect(o.citation).toContain('s. 27')
  })

  it('s. 66 CSEA reporting (SI 2026/268 in force): on by default, an internal target only, and an NCMEC report discharges it (s. 70(5))', () => {
    const r = report('2026-07-01T12:00:00+01:00', { category: 'csam', jurisdictions: ['GB'] })
    const pending = one(run([r]), 'uk-osa/66-csea-nca')
    expect(pending).toMatchObject({ statutory: false, confidence: 'secondary' })
    // before the regulations came into force, no clock
    const early = report('2026-04-06T12:00:00+01:00', { category: 'csam', jurisdictions: ['GB'] })
    expect(one(run([early]), 'uk-osa/66-csea-nca').preEffective).toBe(true)
    const ncmec = ev('MandatoryReportFiled', '2026-07-01T14:00:00+01:00', {
      recipient: 'NCMEC',
      status: 'completed',
    })
    expect(one(run([r, ncmec]), 'uk-osa/66-csea-nca').completedBy).toBe(ncmec.id)
    // no report at all: the internal target is missed, never a statutory breach
    const late = one(run([r], { asOf: '2026-07-03T12:00:00+01:00' }), 'uk-osa/66-csea-nca')
    expect(late.status).toBe('breached')
    expect(late.statutory).toBe(false)
  })

  it('s. 66: a UK provider reports all detected CSEA content, a non-UK provider only UK-linked content', () => {
    // legal.md uk-osa/66-csea-nca: "(UK providers: all such content; non-UK providers: "UK-linked" content only)"
    const abroad = report('2026-07-01T12:00:00+01:00', { category: 'csam', jurisdictions: ['US'] })
    expect(of(run([abroad], { profile: { establishment: 'GB' } }), 'uk-osa/66-csea-nca')).toHaveLength(1)
    expect(of(run([abroad], { profile: { establishment: 'US' } }), 'uk-osa/66-csea-nca')).toEqual([])
    expect(of(run([abroad]), 'uk-osa/66-csea-nca')).toEqual([])
    const linked = report('2026-07-01T12:00:00+01:00', { category: 'csam', jurisdictions: ['GB'] })
    expect(of(run([linked], { profile: { establishment: 'US' } }), 'uk-osa/66-csea-nca')).toHaveLength(1)
  })

  it('s. 66 binds the user-to-user provider types the other user-to-user duties bind, not a search service', () => {
    const r = report('2026-07-01T12:00:00+01:00', { category: 'csam', jurisdictions: ['GB'] })
    for (const kind of ['hosting', 'online_platform', 'vlop'] as const) {
      expect(of(run([r], { profile: { providerType: { kind } } }), 'uk-osa/66-csea-nca'), kind).toHaveLength(
        1,
      )
    }
    expect(of(run([r], { profile: { providerType: { kind: 'search' } } }), 'uk-osa/66-csea-nca')).toEqual([])
  })
})
