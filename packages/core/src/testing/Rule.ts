/**
 * A minimal clock rule for tests: a deadline of policy `test`, in force since 1970 in UTC,
 * started by a `ContentReported` and completed by a `ContentActioned` (both typed), 24 hours of
 * elapsed time. Any field of its one version, or of the rule, can be replaced: for tests of
 * code that runs rules (a process manager, a replay), where the law's rules would be noise.
 */
import * as ClockRule from '../ClockRule.js'

/** The test rule, with `version`'s fields over its one version's and `rule`'s over its own. */
export const testRule = (
  version: Partial<ClockRule.Version> = {},
  rule: Partial<Omit<ClockRule.Rule, 'versions'>> = {},
): ClockRule.Rule => ({
  policy: 'test',
  rule: 'r',
  kind: 'deadline',
  title: 'test rule',
  confidence: 'primary',
  applies: () => true,
  ...rule,
  versions: [
    {
      validFrom: '1970-01-01T00:00:00Z',
      validTo: null,
      zone: 'UTC',
      citation: 'test',
      quote: 'test',
      start: ClockRule.typed(['ContentReported'], (e) => e.type === 'ContentReported'),
      complete: ClockRule.typed(['ContentActioned'], (e) => e.type === 'ContentActioned'),
      period: { duration: 'PT24H', clock: 'elapsed' },
      ...version,
    },
  ],
})
