import { describe, expect, it } from 'vitest'
import * as ReportOutput from './reportOutput.js'

// legal.md, DSA Art. 15/24/42 row: reports "at least once a year"; "VLOPs and VLOSEs report every six
// months (Art. 42)"
describe('defaultPeriod', () => {
  it('is a half-year for a VLOP or a VLOSE, a year for any other profile', () => {
    expect(ReportOutput.defaultPeriod('vlop')).toBe('half-year')
    expect(ReportOutput.defaultPeriod('vlose')).toBe('half-year')
    for (const kind of ['hosting', 'online_platform', 'search', null]) {
      expect(ReportOutput.defaultPeriod(kind), String(kind)).toBe('year')
    }
  })
})
