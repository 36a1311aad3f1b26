// e-Evidence (Reg. 2023/1543), from 2026-08-18: production in 10 days, 8 hours in an emergency;
// preservation 60 days. Secondary only: every rule is off unless the profile enables it.
import { describe, expect, it } from 'vitest'
import { one, request, run } from './internal/testing.js'

const epoc = (emergency: boolean) =>
  request('2026-09-01T10:00:00+02:00', {
    kind: 'information_request',
    jurisdiction: 'DE',
    legalBasis: 'eu-e-evidence',
    emergency,
  })
const on = { profile: { enabledRules: ['eu-e-evidence'] } }

describe('eu-e-evidence', () => {
  it('is off by default', () => {
    expect(run([epoc(false)])).toEqual([])
  })
  it('gives 10 days, or 8 hours in an emergency, when enabled', () => {
    expect(one(run([epoc(false)], on), 'eu-e-evidence/epoc').dueAt).toBe('2026-09-12T00:00:00.000+02:00')
    expect(one(run([epoc(true)], on), 'eu-e-evidence/epoc-emergency').dueAt).toBe(
      '2026-09-01T18:00:00.000+02:00',
    )
  })
})
