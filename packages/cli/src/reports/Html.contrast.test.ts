/**
 * WCAG 2.1 contrast of the HTML report's colours, read from the report as written: the CSS of its
 * `<style>` and the chart colours its client script draws with (`data.colors`; the script holds no
 * colour of its own). Text needs 4.5:1 (SC 1.4.3), graphical objects 3:1 (SC 1.4.11).
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as Fixtures from '../testing/ReplayFixtures.js'
import * as Html from './Html.js'
import * as Report from './Report.js'

type Rgba = readonly [number, number, number, number]

/** A CSS colour: `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, `rgb()` or `rgba()`. */
const parse = (c: string): Rgba => {
  const hex = /^#([0-9a-f]{3,8})$/i.exec(c.trim())
  if (hex) {
    const h = hex[1]!.length <= 4 ? [...hex[1]!].map((x) => x + x).join('') : hex[1]!
    const n = (i: number): number => Number.parseInt(h.slice(i, i + 2), 16)
    return [n(0), n(2), n(4), h.length === 8 ? n(6) / 255 : 1]
  }
  const fn = /^rgba?\(([^)]*)\)$/i.exec(c.trim())
  if (fn) {
    const [r, g, b, a] = fn[1]!.split(/[\s,/]+/).map(Number)
    return [r!, g!, b!, a ?? 1]
  }
  throw new Error(`not a colour this test reads: ${c}`)
}

/** `top` drawn over the opaque `bottom`. */
const over = (top: Rgba, bottom: Rgba): Rgba => {
  const a = top[3]
  return [0, 1, 2].map((i) => top[i]! * a + bottom[i]! * (1 - a)).concat(1) as unknown as Rgba
}

/** WCAG 2.1 relative luminance. */
const luminance = (c: Rgba): number => {
  const [r, g, b] = [c[0], c[1], c[2]].map((v) => {
    const s = v / 255
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
}

/** WCAG 2.1 contrast ratio of a colour drawn over an opaque background. */
const contrast = (fg: string, bg: string): number => {
  const back = parse(bg)
  const [a, b] = [luminance(over(parse(fg), back)), luminance(back)]
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)
}

interface Rule {
  readonly media: string | null
  readonly selectors: ReadonlyArray<string>
  readonly decls: ReadonlyMap<string, string>
}

/** The rules of a style sheet, each with the `@media` it sits in. */
const rules = (css: string): ReadonlyArray<Rule> => {
  const out: Rule[] = []
  const walk = (text: string, media: string | null): void => {
    let i = 0
    while (i < text.length) {
      const open = text.indexOf('{', i)
      if (open < 0) break
      const head = text.slice(i, open).trim()
      let depth = 1
      let j = open + 1
      for (; j < text.length && depth > 0; j++) depth += text[j] === '{' ? 1 : text[j] === '}' ? -1 : 0
      const body = text.slice(open + 1, j - 1)
      if (head.startsWith('@media')) walk(body, head.slice(6).trim())
      else {
        const decls = new Map(
          body
            .split(';')
            .map((d) => d.split(':'))
            .filter((d) => d.length >= 2)
            .map(([k, ...v]) => [k!.trim(), v.join(':').trim()] as const),
        )
        out.push({ media, selectors: head.split(',').map((s) => s.trim()), decls })
      }
      i = j
    }
  }
  walk(css, null)
  return out
}

/** Drawn for decoration only: the banner above it says the same in text (WCAG 1.4.3 exempts it). */
const DECORATION = ['.watermark']

const written = async (): Promise<{
  readonly css: string
  readonly colors: unknown
  readonly client: string
}> => {
  const built = await Report.build(Fixtures.cases(), { whatIf: ['us-take-it-down'] })
  if (E.isLeft(built)) throw new Error('replay failed')
  const html = Html.render(built.right)
  const data = /<script type="application\/json" id="docket-data">([\s\S]*?)<\/script>/.exec(html)![1]!
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!)
  return {
    css: /<style>([\s\S]*?)<\/style>/.exec(html)![1]!,
    colors: JSON.parse(data).colors,
    client: scripts[scripts.length - 1]!,
  }
}

/** Every colour of a nested object, with its path. */
const leaves = (u: unknown, path = ''): ReadonlyArray<readonly [string, string]> =>
  typeof u === 'string'
    ? [[path, u]]
    : Object.entries(u as object).flatMap(([k, v]) => leaves(v, path === '' ? k : `${path}.${k}`))

describe('html report: WCAG 2.1 contrast', () => {
  it('computes contrast as WCAG 2.1 does', () => {
    expect(contrast('#000', '#fff')).toBeCloseTo(21, 5)
    expect(contrast('#777', '#fff')).toBeCloseTo(4.48, 2)
    expect(contrast('#ffffff', '#fff')).toBe(1)
    // 60 % of #2e7d32 over white: what a translucent bar really shows
    expect(contrast('#2e7d3299', '#fff')).toBeCloseTo(2.45, 1)
  })

  it('page text keeps 4.5:1 against its background, in every style (screen and print)', async () => {
    const sheet = rules((await written()).css)
    const media = [...new Set(sheet.map((r) => r.media))]
    // a dark or high-contrast style would need its own pairs checked here
    for (const m of media) expect(m === null || m === 'print').toBe(true)
    const body = sheet.find((r) => r.selectors.includes('body'))!
    const page = body.decls.get('background')!
    const text = body.decls.get('color')!
    expect(page).toBeDefined()
    const checked: string[] = []
    for (const r of sheet) {
      if (r.selectors.some((s) => DECORATION.includes(s))) continue
      const bg = r.decls.get('background') ?? r.decls.get('background-color') ?? page
      const fg = r.decls.get('color') ?? text
      if (!r.decls.has('color') && !r.decls.has('background') && !r.decls.has('background-color')) continue
      expect(contrast(fg, bg), `${r.selectors.join(',')}: ${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5)
      checked.push(...r.selectors)
    }
    expect(checked).toEqual(expect.arrayContaining(['body', 'th', '.banner', '.muted']))
  })

  it('every chart, series, status and mark colour keeps 3:1 against the chart background, chart text 4.5:1', async () => {
    const { css, colors, client } = await written()
    // the client script draws only with the colours it is handed
    expect(client).not.toMatch(/#[0-9a-f]{3,8}\b|rgba?\(/i)
    const page = rules(css)
      .find((r) => r.selectors.includes('body'))!
      .decls.get('background')!
    const all = new Map(leaves(colors))
    const background = all.get('background')!
    expect(parse(background)).toEqual(parse(page))
    const graphics = [...all].filter(([k]) => !['background', 'text', 'separator'].includes(k))
    expect(graphics.map(([k]) => k)).toEqual(
      expect.arrayContaining([
        'status.met',
        'status.met_late',
        'status.waived',
        'series.legalLimit',
        'marks.warning',
      ]),
    )
    for (const [k, c] of graphics)
      expect(contrast(c, background), `${k}: ${c} on ${background}`).toBeGreaterThanOrEqual(3)
    expect(contrast(all.get('text')!, background)).toBeGreaterThanOrEqual(4.5)
    // the edge that sets stacked segments and marks apart is the background itself
    expect(parse(all.get('separator')!)).toEqual(parse(background))
  })
})
