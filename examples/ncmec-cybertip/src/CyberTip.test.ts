import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Envelope, Jsonl, type Recorded } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as CyberTip from './CyberTip.js'
import * as Main from './main.js'

const caseFile = fileURLToPath(new URL('../case.jsonl', import.meta.url))
const events = (): ReadonlyArray<Recorded> =>
  Jsonl.decodeText(readFileSync(caseFile, 'utf8')).events.map((l) => Envelope.withImportedRecordedAt(l.event))

describe('CyberTipline report content from a case', () => {
  it('fills the incident summary from the first reportable notice, keeping its offset, and traces every value', () => {
    const r = CyberTip.build(events(), { espName: 'P', urlOf: (ref) => `https://p.example/${ref}` })
    expect(E.isRight(r)).toBe(true)
    const report = (r as E.Right<CyberTip.Report>).right
    expect(report.incidentSummary).toEqual({
      incidentType: 'Child Pornography (possession, manufacture, and distribution)',
      incidentDateTime: '2026-03-02T21:14:00-05:00',
    })
    expect(report.victim).toEqual({ age: 14 })
    expect(report.files).toEqual([
      {
        contentRef: 'media/8f2c1e',
        hash: 'sha256:4b1d0c7e9a',
        fileViewedByEsp: true,
        publiclyAvailable: true,
      },
    ])
    expect(report.provenance).toEqual({
      'incidentSummary.incidentType': 'evt-1',
      'incidentSummary.incidentDateTime': 'evt-1',
      'internetDetails.webPageIncident.url': 'evt-1',
      'victim.age': 'evt-1',
      'files.0.fileViewedByEsp': 'evt-3',
      'files.0.publiclyAvailable': 'evt-2',
    })
    expect(report.missing.some((m) => m.startsWith('reporter.reportingPerson'))).toBe(true)
  })

  it('is independent of event order and gives byte-identical XML', () => {
    const platform = { espName: 'P' }
    const a = CyberTip.build(events(), platform)
    const b = CyberTip.build([...events()].reverse(), platform)
    expect(E.isRight(a) && E.isRight(b)).toBe(true)
    if (E.isRight(a) && E.isRight(b)) expect(CyberTip.toXml(a.right)).toBe(CyberTip.toXml(b.right))
  })

  it('does not mark a file as viewed when only automation decided', () => {
    const auto = events().map((e) =>
      e.type === 'ReviewDecided' ? ({ ...e, data: { ...e.data, automation: 'fully' } } as Recorded) : e,
    )
    const r = CyberTip.build(auto, { espName: 'P' })
    expect(E.isRight(r) && r.right.files[0]!.fileViewedByEsp).toBe(false)
  })

  it('refuses a case with no CyberTipline category', () => {
    const fraud = events().map((e) =>
      e.type === 'ContentReported'
        ? ({ ...e, data: { ...e.data, category: 'fraud', categories: [] } } as Recorded)
        : e,
    )
    expect(CyberTip.build(fraud, { espName: 'P' })).toEqual(
      E.left({ _tag: 'NotReportable', caseId: 'case-ct-1', reason: expect.any(String) }),
    )
  })

  it('escapes XML and runs end to end on the example file (what `start` prints)', () => {
    let out = ''
    let err = ''
    const code = Main.run(
      caseFile,
      (s) => {
        out += s
      },
      (s) => {
        err += s
      },
    )
    expect(code).toBe(0)
    expect(out).toContain(
      '<incidentType>Child Pornography (possession, manufacture, and distribution)</incidentType>',
    )
    expect(out).toContain('<incidentDateTime>2026-03-02T21:14:00-05:00</incidentDateTime>')
    expect(out).toContain('<url>https://video.example/media/8f2c1e</url>')
    expect(out).not.toMatch(/<[^>]*&[^;]*>/)
    expect(err).toContain('your integration must still supply')
    const r = CyberTip.build(events(), { espName: 'A & B <Ltd>' })
    expect(E.isRight(r) && CyberTip.toXml(r.right)).toContain('<espName>A &amp; B &lt;Ltd&gt;</espName>')
  })

  it('exits 2 with one line naming the resolved path when the file cannot be read', () => {
    let out = ''
    let err = ''
    const code = Main.run(
      'no-such-case.jsonl',
      (s) => {
        out += s
      },
      (s) => {
        err += s
      },
    )
    expect(code).toBe(2)
    expect(out).toBe('')
    expect(err).toBe(`cannot read ${resolve('no-such-case.jsonl')}: ENOENT (give an absolute path)\n`)
  })

  it("takes the victim's age from the earliest report that states one: the seed case's second report", () => {
    const seed = fileURLToPath(new URL('../../seed-case/events.jsonl', import.meta.url))
    const history = Jsonl.decodeText(readFileSync(seed, 'utf8')).events.map((l) =>
      Envelope.withImportedRecordedAt(l.event),
    )
    const r = CyberTip.build(history, { espName: 'P', urlOf: (ref) => `https://p.example/${ref}` })
    expect(E.isRight(r)).toBe(true)
    const report = (r as E.Right<CyberTip.Report>).right
    expect(report.provenance['incidentSummary.incidentType']).toBe('seed-001')
    expect(report.victim).toEqual({ age: 13 })
    expect(report.provenance['victim.age']).toBe('seed-002')
  })
})
