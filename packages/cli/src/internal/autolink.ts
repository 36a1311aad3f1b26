/**
 * Autolink literals in the Markdown report. GitHub-flavoured Markdown turns a bare URL
 * (`https://…`, `www.…`) or an e-mail address in running text into a link, escaped or not: the
 * extension reads the text after backslash escapes and entities are resolved, so neither helps.
 * A report about harmful content must never put a content URL, or anything a reporter wrote, one
 * click away, so each such literal is broken the way security reports "defang" indicators:
 * `://` becomes `[:]//`, `www.` becomes `www[.]` and `@` becomes `[@]` (which also stops a GitHub
 * `@mention`). The text stays readable; the `json` and `csv` reports keep it as recorded. Code
 * spans need none of this: no autolink is recognised inside one.
 */

/** `s` with every GFM autolink literal broken: `[:]//`, `www[.]`, `[@]`. */
export const defang = (s: string): string =>
  s
    .replace(/:\/\//g, '[:]//')
    .replace(/(www)\./gi, '$1[.]')
    .replace(/@/g, '[@]')
