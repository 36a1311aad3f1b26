/** Request bodies used by the tests and shown in the README. */

/** A valid report of a video, from the victim's parent, in the US. */
export const report = {
  eventId: 'evt-report-1',
  occurredAt: '2026-06-01T22:30:00-04:00',
  actor: { kind: 'guardian' },
  data: {
    reportId: 'r-1',
    channel: 'web_form',
    category: 'csam',
    content: { ref: 'video-123', kind: 'video' },
    jurisdictions: ['US'],
    claims: { depictsMinor: true },
  },
}

/** The moderator's decision on that report. */
export const decision = {
  eventId: 'evt-review-1',
  occurredAt: '2026-06-02T09:00:00-04:00',
  actor: { kind: 'moderator', id: 'mod-7' },
  data: { reviewId: 'rv-1', outcome: 'violation', tier: 'specialist', automation: 'not', reportId: 'r-1' },
}

/** A report with three mistakes: no offset on the time, an unknown content kind, no jurisdictions. */
export const badReport = {
  eventId: 'evt-report-2',
  occurredAt: '2026-06-01T22:30:00',
  data: {
    reportId: 'r-2',
    channel: 'web_form',
    category: 'csam',
    content: { ref: 'video-124', kind: 'vid' },
  },
}
