/**
 * The `md` report read as a GitHub-flavoured Markdown renderer reads it (micromark with its GFM
 * extension, the reference implementation of the spec's autolink literals): no user-supplied
 * string becomes a link.
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { describe, expect, it } from 'vitest'
import * as Fixtures from '../testing/ReplayFixtures.js'
import * as Markdown from './Markdown.js'
import * as Report from './Report.js'

const toHtml = (md: string): string => micromark(md, { extensions: [gfm()], htmlExtensions: [gfmHtml()] })

/** Text built from the pieces autolink literals, escapes and tables are made of. */
const hostile = fc
  .array(
    fc.constantFrom(
      'https://',
      'http://',
      'HTTPS://',
      'ftp://',
      'www.',
      'WWW.',
      'Www.',
      '@',
      'mailto:',
      'xmpp:',
      'evil',
      '.example',
      '.com',
      '/csam.jpg',
      'a',
      '1',
      '-',
      '_',
      '*',
      '~',
      '(',
      ')',
      ' ',
      '|',
      '\\',
      '`',
      '<',
      '>',
      '&#64;',
      '&#58;',
      '&#46;',
      '\n',
      '\u202E',
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''))

const table = (cell: string): string => `| a | b |\n| --- | --- |\n| ${cell} | x |\n`

describe('md report: no autolinks', () => {
  it('the GFM renderer links a bare URL, www. host or e-mail address (what the report must prevent)', () => {
    expect(toHtml('https://evil.example/x www.evil.example a@evil.example')).toMatch(/<a href/)
  })

  it('escaped text never becomes a link, in a line or in a table cell', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const text = Markdown.escapeText(s)
        expect(toHtml(text)).not.toContain('<a')
        expect(toHtml(table(text))).not.toContain('<a')
      }),
      { numRuns: 1000 },
    )
  })

  it('a code span is never a link either', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        expect(toHtml(Markdown.codeSpan(s, false))).not.toContain('<a')
        expect(toHtml(table(Markdown.codeSpan(s)))).not.toContain('<a')
      }),
      { numRuns: 1000 },
    )
  })

  it('in a table, a backslash before a pipe cannot end the code span and let its text out', () => {
    // GFM splits the row at `\\|`: the span would end there and its text be read as Markdown
    const cell = Markdown.codeSpan('https://evil.example/\\|')
    expect(toHtml(table(cell))).toContain('<td>https[:]//evil.example/\\|</td>')
    expect(Markdown.codeSpan('a\\b|c', false)).toBe('`a\\b|c`')
  })

  it('URLs and e-mail addresses read defanged', () => {
    expect(Markdown.escapeText('https://evil.example/a_b www.evil.example x@evil.example')).toBe(
      'https\\[:\\]//evil.example/a\\_b www\\[.\\]evil.example x\\[@\\]evil.example',
    )
    expect(toHtml(Markdown.escapeText('https://evil.example www.evil.example x@evil.example'))).toBe(
      '<p>https[:]//evil.example www[.]evil.example x[@]evil.example</p>',
    )
    // text without a literal is unchanged
    expect(Markdown.escapeText('doe-v-twitter 10:30 v1.2')).toBe('doe-v-twitter 10:30 v1.2')
  })

  it('a whole report whose case ids are URLs and e-mail addresses renders with no link, its tables intact', async () => {
    const ids = new Map([
      ['eu-refused', 'https://evil.example/csam.jpg'],
      ['eu-ncii', 'www.evil.example'],
    ])
    const events = Fixtures.cases().map((e) => ({
      ...e,
      caseId: ids.get(e.caseId) ?? `reporter@evil.example-${e.caseId}`,
    }))
    const built = await Report.build(events, { whatIf: ['us-take-it-down'] })
    if (E.isLeft(built)) throw new Error('replay failed')
    const md = Markdown.render(built.right)
    expect(md).toContain('https\\[:\\]//evil.example/csam.jpg')
    const html = toHtml(md)
    expect(html).not.toContain('<a')
    expect(html.match(/<table>/g)?.length).toBeGreaterThanOrEqual(4)
    expect(html).toContain('<h2>Breached obligations</h2>')
    expect(html).toContain('https[:]//evil.example/csam.jpg')
  })
})
