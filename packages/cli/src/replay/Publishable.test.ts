import type { DocketEvent } from '@docket/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Publishable from './Publishable.js'

const reported = (data: object, meta?: object): DocketEvent =>
  ({
    id: 'e1',
    type: 'ContentReported',
    caseId: 'c1',
    occurredAt: '2026-03-02T09:00:00Z',
    data: { reportId: 'r1', ...data },
    ...(meta ? { meta } : {}),
  }) as DocketEvent

const alice = reported({
  reporter: { subjectId: 'subject-17', name: 'Alice Example', email: 'alice@example.org' },
  victim: { subjectId: 'subject-18', name: 'Bo Li', dateOfBirth: '2011-04-05' },
})

describe('Publishable.withhold', () => {
  it('withholds the names, e-mail addresses, dates of birth and subject ids the case records', () => {
    const w = Publishable.withhold(
      'Image of ALICE EXAMPLE (alice@example.org, subject-17), and of the victim born 2011-04-05.',
      [alice],
    )
    expect(w).toEqual({
      text: 'Image of [withheld] ([withheld], [withheld]), and of the victim born [withheld].',
      count: 4,
    })
  })

  it('withholds each word of a name of three letters or more, as a whole word only', () => {
    expect(Publishable.withhold('Example posted it; exampled is no name, nor is Bo.', [alice])).toEqual({
      text: '[withheld] posted it; exampled is no name, nor is Bo.',
      count: 1,
    })
  })

  it("withholds any e-mail address and a decision's own subject", () => {
    const review = { ...alice, id: 'e2', type: 'ReviewDecided', data: {}, meta: { subjectId: 'uploader-9' } }
    expect(
      Publishable.withhold('Posted by uploader-9, contact x.y+z@mail.example.com.', [review as DocketEvent])
        ?.text,
    ).toBe('Posted by [withheld], contact [withheld].')
  })

  it('leaves an explanation that names nobody the case records as it is (undefined)', () => {
    expect(
      Publishable.withhold('Sexual image shared without the consent of the person depicted.', [alice]),
    ).toBe(undefined)
    expect(Publishable.withhold('Alice Example', [reported({ reporter: { subjectId: 's' } })])).toBe(
      undefined,
    )
  })

  it('leaves ciphertext and erased values alone: they are no clear text', () => {
    const sealed = reported({ reporter: { subjectId: 'alice', name: 'enc:v1:alice:abc:def' } })
    expect(Publishable.withhold('enc:v1:alice:xyz:uvw', [sealed])).toBe(undefined)
    const erased = reported({ reporter: { subjectId: 'alice', name: '[erased]' } })
    expect(Publishable.withhold('[erased]', [erased])).toBe(undefined)
    expect(Publishable.withhold('Posted by enc or erased.', [sealed, erased])).toBe(undefined)
  })

  it('leaves no recorded value in the text, and touches nothing when none occurs (property)', () => {
    const word = fc.stringMatching(/^[A-Za-zÀ-ÿ]{3,10}$/)
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 3 }),
        fc.array(fc.oneof(word, fc.constantFrom('the', 'of', '.', ',', ' ', 'Art. 16')), { maxLength: 20 }),
        (nameWords, filler) => {
          const name = nameWords.join(' ')
          const history = [reported({ reporter: { subjectId: 'subj-1', name } })]
          const text = [...filler.slice(0, 10), name, ...filler.slice(10)].join(' ')
          const w = Publishable.withhold(text, history)
          expect(w).toBeDefined()
          const out = w!.text.toLowerCase()
          for (const n of nameWords) expect(out.split(/[^\p{L}\p{N}]+/u)).not.toContain(n.toLowerCase())
          const clean = filler.filter((f) => !nameWords.some((n) => f.toLowerCase() === n.toLowerCase()))
          expect(Publishable.withhold(clean.join(' '), history)).toBe(undefined)
        },
      ),
      { numRuns: 200 },
    )
  })
})
