/**
 * A case holding personal fields of one data subject (`alice`), for the
 * tests of encryption at rest and erasure through the commands: a report
 * with a reporter and text, a decision with an explanation naming her (a DSA
 * statement of reasons quotes it, her name withheld), the removal, and a legal hold placed
 * and lifted. JSON Lines, as `docket import` reads them.
 */

const ev = (id: string, at: string, type: string, data: Record<string, unknown>, meta?: object): string =>
  JSON.stringify({ id, type, caseId: 'eu-e', occurredAt: at, data, ...(meta ? { meta } : {}) })

/** The case's events, one JSON line each. */
export const events: ReadonlyArray<string> = [
  ev('e-1', '2026-03-02T09:00:00+01:00', 'ContentReported', {
    reportId: 'r-1',
    channel: 'web_form',
    category: 'ncii',
    content: { ref: 'post-1', kind: 'image', postedAt: '2026-03-01T20:00:00+01:00' },
    jurisdictions: ['FR'],
    removalRequest: {
      explanation: true,
      exactLocation: true,
      notifierIdentity: true,
      bonaFideStatement: true,
    },
    reporter: { subjectId: 'alice', name: 'Alice Example', email: 'alice@example.org' },
    text: 'This is an intimate image of me posted without consent.',
  }),
  ev(
    'e-2',
    '2026-03-02T15:00:00+01:00',
    'ReviewDecided',
    {
      reviewId: 'v-1',
      outcome: 'violation',
      tier: 'specialist',
      automation: 'not',
      detection: 'manual',
      reportId: 'r-1',
      ground: 'illegal',
      legalGround: 'Code pénal art. 226-2-1',
      explanation: 'Intimate image of Alice Example shared without consent.',
    },
    { subjectId: 'alice' },
  ),
  ev('e-3', '2026-03-02T15:05:00+01:00', 'ContentActioned', { action: 'removed' }),
  ev('e-4', '2026-03-03T10:00:00+01:00', 'LegalHoldPlaced', { holdId: 'h-1', reason: 'police request' }),
  ev('e-5', '2026-03-10T10:00:00+01:00', 'LegalHoldLifted', { holdId: 'h-1' }),
]
/** The personal words that must never be stored in clear, nor shown once erased. */
export const SECRETS: ReadonlyArray<string> = ['Alice Example', 'alice@example.org', 'posted without consent']
