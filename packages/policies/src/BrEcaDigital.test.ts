// ECA Digital: "remover e notificar imediatamente", from 2026-03-17 (America/Sao_Paulo).
import { describe, expect, it } from 'vitest'
import { one, report, run } from './internal/testing.js'

describe('br-eca-digital', () => {
  it('removal and notification run on the internal target (no number in the law)', () => {
    const r = report('2026-04-01T10:00:00-03:00', { category: 'csam', jurisdictions: ['BR'] })
    const o = one(run([r]), 'br-eca-digital/remove')
    expect(o.statutory).toBe(false)
    expect(o.dueAt).toBe('2026-04-01T11:00:00.000-03:00')
    expect(one(run([r]), 'br-eca-digital/notify').statutory).toBe(false)
  })
  it('is pre-effective before 2026-03-17 00:00 São Paulo', () => {
    const r = report('2026-03-16T23:59:00-03:00', { category: 'csam', jurisdictions: ['BR'] })
    expect(one(run([r]), 'br-eca-digital/remove').preEffective).toBe(true)
  })
})
