/**
 * Small, hand-written histories for the replay and report tests: an EU case
 * with every fact a statement of reasons needs, a refusal later followed by
 * an authority, an own-initiative detection, and a case whose user-supplied
 * text tries to inject markup. Deterministic; no personal data beyond
 * pseudonymous subject ids.
 */
import type { Recorded } from '@docket/core'
import { History } from '@docket/core/testing'

const ev = (id: string, caseId: string, at: string, type: string, data: object, actor = 'system'): Recorded =>
  ({ id, caseId, type, occurredAt: at, recordedAt: at, actor: { kind: actor }, data }) as unknown as Recorded

/** Markup a hostile reporter puts in a report's text and in a case id. */
export const HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'

/** A set of cases covering what the formats render. */
export const cases = (): ReadonlyArray<Recorded> => [
  // an NCII notice in France, removed after review with every fact the database needs
  ev(
    'fr-1',
    'eu-ncii',
    '2026-03-02T09:00:00+01:00',
    'ContentReported',
    {
      reportId: 'r-fr',
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
      reporter: { subjectId: 'subject-1' },
      text: 'This is an intimate image of me posted without consent.',
    },
    'victim',
  ),
  ev(
    'fr-2',
    'eu-ncii',
    '2026-03-02T15:00:00+01:00',
    'ReviewDecided',
    {
      reviewId: 'v-fr',
      outcome: 'violation',
      tier: 'specialist',
      automation: 'not',
      detection: 'manual',
      reportId: 'r-fr',
      ground: 'illegal',
      legalGround: 'Code pénal art. 226-2-1',
      explanation: 'Sexual image shared without the consent of the person depicted.',
    },
    'specialist',
  ),
  ev('fr-3', 'eu-ncii', '2026-03-02T15:05:00+01:00', 'ContentActioned', { action: 'removed' }, 'moderator'),
  ev(
    'fr-4',
    'eu-ncii',
    '2026-03-02T15:10:00+01:00',
    'AccountActioned',
    {
      accountRef: 'account:poster',
      action: 'suspended',
      until: '2026-04-02T15:10:00+01:00',
      accountCreatedAt: '2025-06-14T23:30:00+02:00',
    },
    'moderator',
  ),
  ev(
    'fr-5',
    'eu-ncii',
    '2026-03-03T10:00:00+01:00',
    'AppealLodged',
    { appealId: 'ap-1', by: 'uploader', venue: 'internal' },
    'reporter',
  ),
  ev(
    'fr-6',
    'eu-ncii',
    '2026-03-05T10:00:00+01:00',
    'AppealDecided',
    { appealId: 'ap-1', outcome: 'decision_upheld' },
    'specialist',
  ),
  // a German hate-speech notice refused, then a removal order from an authority
  ev(
    'de-1',
    'eu-refused',
    '2026-03-04T08:00:00+01:00',
    'ContentReported',
    {
      reportId: 'r-de',
      channel: 'in_app',
      category: 'hate',
      content: { ref: 'post-2', kind: 'text', postedAt: '2026-03-03T08:00:00+01:00' },
      jurisdictions: ['DE'],
      reporter: { subjectId: 'subject-2' },
    },
    'reporter',
  ),
  ev(
    'de-2',
    'eu-refused',
    '2026-03-04T12:00:00+01:00',
    'ReviewDecided',
    {
      reviewId: 'v-de',
      outcome: 'no_violation',
      tier: 'frontline',
      automation: 'partially',
      reportId: 'r-de',
    },
    'moderator',
  ),
  ev(
    'de-3',
    'eu-refused',
    '2026-03-06T09:00:00+01:00',
    'AuthorityRequestReceived',
    {
      requestId: 'q-de',
      authority: 'BKA',
      kind: 'removal_order',
      jurisdiction: 'DE',
    },
    'law_enforcement',
  ),
  ev('de-4', 'eu-refused', '2026-03-06T09:30:00+01:00', 'NotificationSent', {
    to: 'authority',
    kind: 'acknowledgement',
  }),
  ev(
    'de-5',
    'eu-refused',
    '2026-03-06T11:00:00+01:00',
    'ReviewDecided',
    {
      reviewId: 'v-de2',
      outcome: 'violation',
      tier: 'legal',
      automation: 'not',
      ground: 'illegal',
      legalGround: 'StGB § 130',
      explanation: 'Incitement to hatred, confirmed by the removal order.',
    },
    'legal',
  ),
  ev(
    'de-6',
    'eu-refused',
    '2026-03-06T11:30:00+01:00',
    'ContentActioned',
    { action: 'geo_blocked', territories: ['DE'] },
    'legal',
  ),
  ev(
    'de-7',
    'eu-refused',
    '2026-03-06T11:45:00+01:00',
    'AuthorityResponded',
    { requestId: 'q-de', response: 'complied' },
    'legal',
  ),
  // own-initiative detection without the hosting date: the statement is reported as lacking it
  ev('nl-1', 'eu-detected', '2026-07-10T10:00:00+02:00', 'ContentDetected', {
    method: 'hash_match',
    category: 'terrorism',
    content: { ref: 'video-9', kind: 'video' },
    jurisdictions: ['NL'],
  }),
  ev('nl-2', 'eu-detected', '2026-07-10T10:01:00+02:00', 'ReviewDecided', {
    reviewId: 'v-nl',
    outcome: 'violation',
    tier: 'frontline',
    automation: 'fully',
    ground: 'incompatible',
    policyRef: 'Community Guidelines 4.2',
    explanation: 'Terrorist propaganda.',
  }),
  ev('nl-3', 'eu-detected', '2026-07-10T10:02:00+02:00', 'ContentActioned', { action: 'removed' }),
  // a US case with hostile text in the report and in the case id
  ev(
    'us-1',
    `us-${HOSTILE}`,
    '2026-06-01T22:30:00-04:00',
    'ContentReported',
    {
      reportId: 'r-us',
      channel: 'web_form',
      category: 'ncii',
      content: { ref: 'post-3', kind: 'image' },
      jurisdictions: ['US'],
      removalRequest: { signature: true, identification: true, goodFaithStatement: true, contact: true },
      reporter: { subjectId: 'subject-3' },
      text: HOSTILE,
    },
    'victim',
  ),
  ev(
    'us-2',
    `us-${HOSTILE}`,
    '2026-06-05T10:00:00-04:00',
    'ContentActioned',
    { action: 'removed' },
    'moderator',
  ),
]

/**
 * A generated history (the core's seeded generator) with the facts a statement of
 * reasons needs added to every report and decision: the hosting date, the legal
 * ground or contractual clause, and an explanation.
 */
export function* withSorFacts(events: number, seed = 1): Generator<Recorded> {
  for (const e of History.generate({ events, seed })) {
    const d = e.data as Record<string, unknown>
    if (e.type === 'ContentReported')
      yield {
        ...e,
        data: { ...d, content: { ...(d.content as object), postedAt: e.occurredAt } },
      } as Recorded
    else if (e.type === 'ReviewDecided')
      yield {
        ...e,
        data: {
          ...d,
          legalGround: 'national law',
          policyRef: 'Terms 1.1',
          explanation: 'Assessed against the notice.',
        },
      } as Recorded
    else yield e
  }
}
