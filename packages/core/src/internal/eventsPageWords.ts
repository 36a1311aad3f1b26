/**
 * The hand-written words of docs/events.md: what each event type records and the section it is
 * listed in, what a field means where its codec cannot say it, what each named refinement accepts,
 * whose a personal field is, and the rule of a refined object the page cannot read. Only words, keyed
 * by event type, field path and refinement name: not how the codecs are read (`codecRows`), nor the
 * page (`eventsPage`), which throws when words are missing or describe a field that is gone.
 * Documentation support: not part of the public API.
 */
import type { EventType } from '../Event.js'
import type * as PersonalData from '../PersonalData.js'

// model

/** What an event type records: one sentence for the index, and optionally more for its section. */
export type Words = readonly [summary: string, more?: string]

// the words

/** The event types, grouped as the interchange contract groups them, with words adapted from it. */
export const SECTIONS: ReadonlyArray<{
  readonly title: string
  readonly types: { readonly [T in EventType]?: Words }
}> = [
  {
    title: 'Reports and the content they are about',
    types: {
      ContentReported: ['A notice about content reached the platform.'],
      ReportCompleted: [
        'Missing request elements were supplied later.',
        'Obligations keep the identity they got from the first receipt.',
      ],
      ContentDetected: ['The platform found the content itself.'],
      ExposureObserved: ['Reach at a moment.'],
    },
  },
  {
    title: 'Decisions',
    types: {
      ReviewDecided: [
        'A decision on the case.',
        '**A refusal is `outcome: no_violation` (or `insufficient_information` with no later decision) on a case that has a report.**',
      ],
      InformationRequested: ['The platform asks the reporter for more.'],
      InformationProvided: ['The reporter gives what was asked for.'],
      ContentActioned: ['The platform acted on the content.'],
      ContentRestored: ['The content is back.'],
      AccountActioned: ["The platform acted on the uploader's account."],
      AccountRestored: ['The account is restored.'],
      AppealLodged: ['The reporter or the uploader appealed a decision.'],
      AppealDecided: ['An appeal was decided.'],
    },
  },
  {
    title: 'Authorities',
    types: {
      AuthorityRequestReceived: [
        'Law enforcement, a regulator or a court acts on the case.',
        'An `intervention` (an informal contact by an agent) starts no statutory clock by itself but is evidence of knowledge.',
      ],
      AuthorityRequestWithdrawn: [
        'The authority withdrew its request.',
        'A withdrawn order waives its clocks, except a deadline already missed: that breach stands.',
      ],
      AuthorityRequestContested: [
        'The platform contests the request.',
        'It is recorded, and stops a clock only where the law says so.',
      ],
      AuthorityResponded: ['The platform answered the request.'],
      ClarificationRequested: [
        'The platform tells the authority that an order is manifestly wrong or incomplete.',
      ],
      ClarificationReceived: [
        'The authority answered a clarification request.',
        'Where the law says the deadline "starts to run" on the answer (Regulation 2021/784 Art. 3(8), LCEN art. 6-2 II) the clock **restarts** in full here.',
      ],
      ForceMajeureDeclared: [
        'The platform cannot comply for reasons beyond its control.',
        'The clock restarts where the law says so (Regulation 2021/784 Art. 3(7)).',
      ],
      ForceMajeureEnded: ['The force majeure is over.'],
      DeadlineExtended: [
        'An authority allows a longer period, or renews a preservation request.',
        'Give `until` (an instant) or `by` (a duration).',
      ],
      MandatoryReportFiled: [
        'A report to a designated body.',
        '18 U.S.C. §2258A(h) preservation runs from the *completed* submission.',
      ],
      EvidencePreserved: ['Evidence is preserved for a legal basis.'],
      PreservationReleased: ['A preservation ends.'],
      LegalHoldPlaced: ['A legal hold is placed.', "It blocks erasure of the case's personal data."],
      LegalHoldLifted: ['The legal hold ends.'],
    },
  },
  {
    title: 'Communication',
    types: {
      NotificationSent: ['The platform told the reporter, the uploader or an authority.'],
      StatementOfReasonsPublished: ['Submitted to the EU DSA Transparency Database.'],
    },
  },
  {
    title: 'Escalation (written by the engine; may also come from people)',
    types: {
      EscalationRaised: ['Someone was paged about the case.'],
      EscalationAcknowledged: ['The page was acknowledged.'],
    },
  },
  {
    title: 'Life cycle',
    types: {
      CaseClosed: ['The case is closed.'],
      CaseReopened: ['The case is open again.'],
    },
  },
]

/** Refined object codecs whose rule is "exactly one of these fields" (a predicate the page cannot read). */
export const ONE_OF: Readonly<Record<string, ReadonlyArray<string>>> = {
  DeadlineExtended: ['until', 'by'],
}

/** What a field means, where the codec cannot say it: `<Type>.<path>` (or `envelope.<path>`). */
export const NOTES: Readonly<Record<string, string>> = {
  'envelope.id':
    'Unique event id. Idempotency is global: an event whose `id` is already stored with the same content is a no-op; the same `id` with different content is an `IdempotencyConflict` error.',
  'envelope.type': 'One of the event types below, or a [platform type](#platform-event-types).',
  'envelope.caseId':
    'The case: one piece of reported content and everything done about it. Its events form one stream.',
  'envelope.occurredAt':
    'Business time: when it happened in the world. Legal clocks run on this. A timestamp without offset is rejected.',
  'envelope.data': "The type's payload, below. Keys Docket does not know are kept verbatim, never dropped.",
  'envelope.recordedAt':
    'Transaction time: when the platform learned of it. Always present on stored events: a live append sets it from the clock; an import keeps the given value, or takes `occurredAt` and sets `meta.recordedAtInferred: true`.',
  'envelope.actor': 'Who did it.',
  'envelope.meta': 'Correlation and versioning. Other keys are kept.',
  'envelope.meta.schemaVersion':
    'Absent means 1; older versions are upcast on decoding. A version newer than this library reads for the type (written by a newer Docket) is refused, never read as an older one; a platform type’s version is its own.',
  'envelope.meta.recordedAtInferred': 'Set by an import that took `recordedAt` from `occurredAt`.',
  'ContentActioned.territories': 'Where the action applies (a geo-block’s countries).',
  'ContentActioned.recipientContactKnown':
    '`false` when the uploader’s electronic contact details are not known: no DSA Art. 17 statement of reasons is then owed to them; the decision is still submitted to the Transparency Database (Art. 24(5)). Absent means known.',
  'AccountActioned.accountCreatedAt':
    'When the account was registered on the platform. A DSA statement of reasons for the decision (`docket replay --report dsa-sor`) gives it as `content_date`, which the Transparency Database reads as the account’s registration date; absent, the statement is reported as missing it, unless the case is about the account itself (`content.kind: account`, its `postedAt`).',
  'AccountActioned.recipientContactKnown':
    '`false` when the account holder’s electronic contact details are not known: no DSA Art. 17 statement of reasons is then owed to them; the decision is still submitted to the Transparency Database (Art. 24(5)). Absent means known.',
  'ContentActioned.deceptiveHighVolumeCommercial':
    '`true` when the restricted information is deceptive high-volume commercial content: no DSA Art. 17 statement of reasons is then owed, nor its submission to the Transparency Database. Absent means not.',
  'AccountActioned.deceptiveHighVolumeCommercial':
    '`true` when the account is restricted for deceptive high-volume commercial content: no DSA Art. 17 statement of reasons is then owed, nor its submission to the Transparency Database. Absent means not.',
  'ContentReported.category': 'The main category.',
  'ContentReported.categories': 'Every other category that applies.',
  'ContentReported.content.postedAt': 'When the platform started hosting it.',
  'ContentReported.jurisdictions':
    "Where the content is accessible and the notice must be handled (the reporter's country at least).",
  'ContentReported.removalRequest':
    'The elements of a formal request or notice, as named booleans (`signature`, `goodFaithStatement`…). Each policy names the elements it requires; a clock that needs a valid request starts when they are all true.',
  'ContentReported.flagger': 'A trusted flagger (DSA Art. 22).',
  'ReportCompleted.removalRequest': 'The elements now present.',
  'ContentDetected.category': 'The main category.',
  'ContentDetected.categories': 'Every other category that applies.',
  'AuthorityRequestReceived.legalBasis':
    'The instrument: a policy id (`eu-tco`), or a policy/rule id (`au-osa/77-ncii-provider`) where a module has several kinds of notice.',
  'AuthorityRequestReceived.renewalOf': 'The `requestId` this request renews.',
  'DeadlineExtended.target': 'An obligation id, or a request (and optionally one of its rules).',
  'DeadlineExtended.by': "Applied in the obligation's own clock kind.",
  'EvidencePreserved.basis':
    'A policy/rule id (`us-2258a/preserve`, `eu-tco/6-preserve`, `us-2703f/preserve`) or `legal_hold`.',
  'EscalationRaised.repeat':
    'A repeated page at the same level (1, 2, …); absent on the first page of a level.',
  'EscalationRaised.missedObligation':
    'The escalation records a duty the platform already missed (an authority acted after a refusal).',
}

/**
 * How a line is read, beyond what the codecs say: bullets of the page's opening list. A line is
 * parsed by `JSON.parse`, which keeps the last of two equal keys in one object; telling them apart
 * needs a second, hand-written parse of every line, which the replay's hot path (every event of a
 * 10 GB file) cannot pay for, so the page says what happens instead of Docket refusing it.
 */
export const READING: ReadonlyArray<string> = [
  'Numbers: a count (`views`, `shares`, `copiesActioned`, `level`, `repeat`, `meta.schemaVersion`) is a whole number from 0 (1 for a level or version) to 2^53 − 1 = 9007199254740991; a larger integer is refused, since a double cannot hold it exactly and `JSON.parse` has already rounded it (`9007199254740993` reads as `…992`). An age is from 0 to 150 years. A number too large for a double (`1e400`) is refused wherever it is, a platform’s own keys included; a platform’s own integers past 2^53 − 1 are kept as the double they parse to.',
  'A `meta.schemaVersion` newer than this library reads for the type was written by a newer Docket: the event is refused (`written by a newer Docket: schemaVersion 2 of ContentReported; this library reads up to 1`), never read as an older version. A platform type’s version is its own.',
  'Duplicate keys in one object (`{"occurredAt": "…A", …, "occurredAt": "…B"}`) are not refused: as `JSON.parse` does, the **last** one is read and stored, and the first is lost without a word. An exporter that may write them is to be checked, before its files are imported, with a JSON validator that refuses duplicate keys.',
]

/** What each named refinement accepts, in words. */
export const REFINEMENTS: Readonly<Record<string, string>> = {
  Id: 'string, not empty, without NUL (U+0000) or unpaired surrogates',
  IsoTimestamp: 'ISO-8601 timestamp with offset',
  IsoDuration: 'ISO-8601 duration',
  Jurisdiction: 'country code',
  Jurisdictions: 'array of country code, at least one',
  Level: 'integer from 1 to 2^53 − 1',
  Count: 'integer from 0 to 2^53 − 1',
  Age: 'number from 0 to 150 (years)',
  SchemaVersion: 'integer ≥ 1',
}

/** Whose a personal field is, in words. */
export const OWNERS: { readonly [O in PersonalData.Owner]: string } = {
  reporter: "the reporter's `subjectId`",
  victim: "the victim's `subjectId`",
  reporterVictimOrCase: "the reporter's `subjectId`, else the victim's, else the case (`case:<caseId>`)",
  metaOrCase: '`meta.subjectId`, else the case (`case:<caseId>`)',
}
