// The obligation engine hands escalation triggers each obligation's instants (and each event's
// occurredAt) in epoch ms, so that they are not parsed back from text. Triggers read them from
// the obligations when a host gives none: both sources must agree, for every case and instant.
import { Escalation, Evaluation, Obligation, Profile, Timestamp } from '@docket/core'
import { History } from '@docket/core/testing'
import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Policy from './Policy.js'

describe('instants handed to escalation', () => {
  it('equal those read from the obligations and events, at any asOf', () => {
    const profile = Profile.DEFAULTS
    const rules = Policy.forProfile(profile)
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 400 }), (seed, days) => {
        const events = [...History.generate({ events: 400, seed })]
        const asOf = Timestamp.toMillis(events[0]!.occurredAt) + days * 86_400_000
        const inputs: Evaluation.EscalationInput[] = []
        Evaluation.evaluate(events, {
          rules,
          profile,
          asOf,
          escalate: (input) => {
            inputs.push(input)
            return Escalation.escalate(input)
          },
        })
        expect(inputs.length).toBeGreaterThan(10)
        for (const input of inputs) {
          expect(input.instants).toEqual(input.obligations.map(Obligation.instantsOf))
          expect(input.occurredMs).toEqual(input.history.map((e) => Timestamp.toMillis(e.occurredAt)))
          // and the escalations do not depend on which source was used
          const { instants: _i, occurredMs: _o, ...bare } = input
          expect(Escalation.escalate(bare)).toEqual(Escalation.escalate(input))
          // one plan gives both the summary and the next wake-up
          const full = { ...input, config: Escalation.configOf(input.profile) }
          expect(Escalation.outlook(full, input.asOfMs)).toEqual({
            summary: Escalation.summarize(full, input.asOfMs),
            nextWakeAt: Escalation.nextWakeAt(full, input.asOfMs),
          })
        }
      }),
      { numRuns: 15 },
    )
  })
})
