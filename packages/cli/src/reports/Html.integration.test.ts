/**
 * The HTML report in a real headless Chromium (Debian's `chromium`, driven by
 * `playwright-core`): charts rendered, no script error, no network request,
 * and a reporter's `<script>` shown as text. Skips loudly without Chromium
 * unless DOCKET_REQUIRE_SERVICES=1. With DOCKET_SCREENSHOT=<file.png> it also
 * writes the screenshot used in docs/reports.md.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { Recorded } from '@docket/core'
import { History, Services } from '@docket/core/testing'
import * as E from 'fp-ts/lib/Either.js'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Fixtures from '../testing/ReplayFixtures.js'
import * as Html from './Html.js'
import * as Report from './Report.js'

/** The browser globals the page functions use (this file is compiled without the DOM library). */
interface Elem {
  readonly id: string
  readonly width: number
  readonly height: number
  readonly textContent: string | null
  open?: boolean
  checkVisibility(): boolean
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> }
  }
}
interface Page {
  readonly document: {
    readonly documentElement: { readonly scrollWidth: number; readonly clientWidth: number }
    querySelectorAll(selector: string): ArrayLike<Elem> & Iterable<Elem>
  }
  readonly __docketCharts?: number
  readonly __pwned?: number
  readonly Chart: { readonly instances: Record<string, unknown> }
}
const CHROMIUM = process.env.DOCKET_CHROMIUM ?? '/usr/bin/chromium'
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

const available = await Services.requireOrSkip({
  service: 'Chromium',
  available: fs.existsSync(CHROMIUM),
  what: 'the HTML report browser tests (Html.integration.test.ts)',
  howToRun: `apt-get install -y chromium (or set DOCKET_CHROMIUM to a Chromium binary)`,
})

/** The fixtures, and a generated month of cases so every chart has data. */
const events = (): Recorded[] => {
  const generated = [
    ...History.generate({
      events: 8_000,
      seed: 21,
      start: Date.UTC(2026, 0, 5),
      meanGapMinutes: 100,
      prefix: 'x',
    }),
  ]
  return [...Fixtures.cases(), ...generated].sort((a, b) =>
    a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : 0,
  )
}

describe.skipIf(!available)('HTML report in Chromium', () => {
  let browser: Browser
  let file: string
  let dir: string
  beforeAll(async () => {
    const r = await Report.build(events())
    if (E.isLeft(r)) throw new Error('replay failed')
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-html-'))
    file = path.join(dir, 'report.html')
    fs.writeFileSync(file, Html.render(r.right))
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
  })
  afterAll(async () => {
    await browser?.close()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('renders every chart, with no script error and no network request', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
    const errors: string[] = []
    const requests: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    page.on('request', (q) => {
      if (!q.url().startsWith('file:')) requests.push(q.url())
    })
    await page.goto(`file://${file}`)
    await page.waitForFunction(() => (globalThis as unknown as Page).__docketCharts !== undefined)
    const state = await page.evaluate(() => {
      const w = globalThis as unknown as Page
      const canvases = [...w.document.querySelectorAll('canvas')]
      const inked = canvases.map((c) => {
        const ctx = c.getContext('2d')
        const { data } = ctx.getImageData(0, 0, c.width, c.height)
        let n = 0
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++
        return n
      })
      return {
        charts: w.__docketCharts,
        instances: Object.keys(w.Chart.instances).length,
        canvases: canvases.length,
        ids: canvases.map((c) => c.id),
        inked,
      }
    })
    expect(errors).toEqual([])
    expect(requests).toEqual([])
    expect(state.ids).toContain('compliance')
    expect(state.ids).toContain('time-to-action')
    expect(state.ids.filter((i) => i.startsWith('timeline-')).length).toBeGreaterThan(3)
    expect(state.charts).toBe(state.canvases)
    expect(state.instances).toBe(state.canvases)
    for (const n of state.inked) expect(n).toBeGreaterThan(500)
    const shot = process.env.DOCKET_SCREENSHOT
    if (shot !== undefined) {
      await page.setViewportSize({ width: 1200, height: 2100 })
      await page.waitForTimeout(300)
      await page.screenshot({ path: shot, fullPage: false })
    }
    await page.close()
  })

  it("shows a reporter's <script> as text and runs none of it", async () => {
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`file://${file}`)
    await page.waitForFunction(() => (globalThis as unknown as Page).__docketCharts !== undefined)
    const found = await page.evaluate((hostile) => {
      const w = globalThis as unknown as Page
      const cells = [...w.document.querySelectorAll('td')].map((td) => td.textContent ?? '')
      return {
        pwned: w.__pwned ?? null,
        asText: cells.some((t) => t === hostile),
        heading: [...w.document.querySelectorAll('.case-id')].some((h) => h.textContent === `us-${hostile}`),
        injectedImages: w.document.querySelectorAll('img').length,
        scripts: w.document.querySelectorAll('script').length,
      }
    }, Fixtures.HOSTILE)
    expect(found).toEqual({ pwned: null, asText: true, heading: true, injectedImages: 0, scripts: 3 })
    expect(errors).toEqual([])
    await page.close()
  })

  it('wraps a very long word in a value instead of widening the page', async () => {
    // the fixtures' case ids, each made a single 400-character word
    const long = (s: string): string => `${s}-${'x'.repeat(400)}`
    const r = await Report.build(
      Fixtures.cases().map((e) => ({ ...e, caseId: long(e.caseId), id: long(e.id) })),
    )
    if (E.isLeft(r)) throw new Error('replay failed')
    const wide = path.join(dir, 'long.html')
    fs.writeFileSync(wide, Html.render(r.right))
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } })
    await page.goto(`file://${wide}`)
    await page.waitForFunction(() => (globalThis as unknown as Page).__docketCharts !== undefined)
    const widths = await page.evaluate(() => {
      const d = (globalThis as unknown as Page).document
      for (const x of d.querySelectorAll('details')) x.open = true
      return { scroll: d.documentElement.scrollWidth, client: d.documentElement.clientWidth }
    })
    expect(widths.scroll).toBe(widths.client)
    await page.close()
  })

  it('prints the tables folded under each timeline, unfolded, and a PDF of it', async () => {
    const page = await browser.newPage()
    await page.goto(`file://${file}`)
    await page.waitForFunction(() => (globalThis as unknown as Page).__docketCharts !== undefined)
    const shown = (): Promise<{ cells: number; visible: number }> =>
      page.evaluate(() => {
        const cells = [...(globalThis as unknown as Page).document.querySelectorAll('details td')]
        return { cells: cells.length, visible: cells.filter((c) => c.checkVisibility()).length }
      })
    const screen = await shown()
    expect(screen.cells).toBeGreaterThan(0)
    expect(screen.visible).toBe(0)
    await page.emulateMedia({ media: 'print' })
    expect(await shown()).toEqual({ cells: screen.cells, visible: screen.cells })
    const pdf = await page.pdf({ format: 'A4' })
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    await page.close()
  })
})
