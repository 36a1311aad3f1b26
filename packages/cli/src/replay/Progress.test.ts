import type { Import } from '@docket/core'
import { describe, expect, it } from 'vitest'
import * as Progress from './Progress.js'

const report = (phase: Import.Progress['phase'], lines: number, done: boolean): Import.Progress => ({
  phase,
  lines,
  total: phase === 'checking' ? null : 2000,
  appended: phase === 'checking' ? 0 : lines,
  duplicates: 0,
  done,
})

describe('Progress.forImport', () => {
  it("measures each read's rate from the read's start: checking from the reporter's making, storing from checking's end", () => {
    let t = 0
    const out: string[] = []
    const progress = Progress.forImport({ write: (s) => out.push(s), tty: false, now: () => t })
    t = 1000
    progress(report('checking', 1000, false))
    t = 2000
    progress(report('checking', 2000, true))
    t = 3000
    progress(report('storing', 500, false))
    t = 6000
    progress(report('storing', 2000, true))
    expect(out.map((l) => JSON.parse(l).progress)).toEqual([
      expect.objectContaining({ phase: 'checking', linesPerSecond: 1000, percent: null }),
      expect.objectContaining({ phase: 'checking', linesPerSecond: 1000, done: true }),
      expect.objectContaining({ phase: 'storing', linesPerSecond: 500, percent: 25, etaSeconds: 3 }),
      expect.objectContaining({ phase: 'storing', linesPerSecond: 500, percent: 100, done: true }),
    ])
  })
})
