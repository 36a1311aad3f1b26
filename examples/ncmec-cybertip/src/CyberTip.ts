/**
 * The content of an NCMEC CyberTipline report, built from a Docket case: the
 * sections and field names of the CyberTipline Reporting API's report
 * document (`incidentSummary`, `internetDetails`, `reporter`, `victim`,
 * `additionalInfo`, and per-file `fileDetails`), filled from the case's
 * events, each value traced to the event it came from.
 *
 * This is where the library stops. Docket knows what happened and when (the
 * facts 18 U.S.C. § 2258A(b) lets a report include: the historical reference
 * with "a date and time stamp and time zone", the geographic reach, whether a
 * person viewed the file). It does not know the platform's NCMEC credentials,
 * its reporting person, the uploader's account and IP capture events, or the
 * file itself; those come from the platform's own systems, listed in
 * `missing`. Nothing here touches the network: submitting (`/submit`,
 * `/upload`, `/fileinfo`, `/finish`) is the platform's integration, and the
 * NCMEC report id it gets back is recorded as a `MandatoryReportFiled` event.
 *
 * Field names follow NCMEC's public API documentation; check them against
 * the current schema (`GET /xsd`) before building on this example.
 */
import type { Event, Recorded } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'

// model

/** The incident types of the report schema that Docket's categories map onto. */
export type IncidentType =
  | 'Child Pornography (possession, manufacture, and distribution)'
  | 'Child Sex Trafficking'
  | 'Online Enticement of Children for Sexual Acts'

/** The platform's facts that no Docket event holds. */
export interface Platform {
  readonly espName: string
  /** The reporting person (an employee of the provider): the provider's contact under § 2258A(a)(1)(B)(i). */
  readonly reportingPerson?: { readonly firstName: string; readonly lastName: string; readonly email: string }
  /** The public URL of a piece of content, from the platform's content reference. */
  readonly urlOf?: (contentRef: string) => string | undefined
}

/** One file the platform will upload, with what Docket knows about it. */
export interface FileDetails {
  readonly contentRef: string
  readonly hash: string | null
  /** A person at the provider viewed the file (matters to law enforcement: see United States v. Wilson, 9th Cir. 2021). */
  readonly fileViewedByEsp: boolean
  /** The file was publicly reachable (views were observed). */
  readonly publiclyAvailable: boolean
}

/** The report's content, in the schema's section names, plus provenance and what is still missing. */
export interface Report {
  readonly caseId: string
  readonly incidentSummary: {
    readonly incidentType: IncidentType
    /** When the provider learned of it, with the offset of the event (§ 2258A(b)(2) asks for the time zone). */
    readonly incidentDateTime: string
  }
  readonly internetDetails: { readonly webPageIncident: { readonly url: ReadonlyArray<string> } }
  readonly reporter: {
    readonly reportingPerson: NonNullable<Platform['reportingPerson']> | null
    readonly espName: string
  }
  readonly victim: { readonly age: number } | null
  readonly files: ReadonlyArray<FileDetails>
  readonly additionalInfo: string
  /** Field path → id of the event it came from. */
  readonly provenance: Readonly<Record<string, string>>
  /** What the platform's integration must add before submitting. */
  readonly missing: ReadonlyArray<string>
}

/** Why a case gives no CyberTipline report. */
export interface NotReportable {
  readonly _tag: 'NotReportable'
  readonly caseId: string
  readonly reason: string
}

// operations

/** The incident type for a category, if the category is one the CyberTipline receives. */
export const incidentType = (category: Event.Category): IncidentType | undefined => {
  switch (category) {
    case 'csam':
      return 'Child Pornography (possession, manufacture, and distribution)'
    case 'trafficking':
      return 'Child Sex Trafficking'
    case 'enticement':
    case 'sextortion':
      return 'Online Enticement of Children for Sexual Acts'
    default:
      return undefined
  }
}

type Notice = Extract<Recorded, { readonly type: 'ContentReported' | 'ContentDetected' }>

const categoriesOf = (n: Notice): ReadonlyArray<Event.Category> => [
  n.data.category,
  ...(n.data.categories ?? []),
]

const byTime = (a: Recorded, b: Recorded): number => Date.parse(a.occurredAt) - Date.parse(b.occurredAt)

/**
 * Builds the report content for one case from its events (any order). The
 * incident is the earliest report or detection with a reportable category.
 */
export const build = (
  events: ReadonlyArray<Recorded>,
  platform: Platform,
): E.Either<NotReportable, Report> => {
  const sorted = [...events].sort(byTime)
  const caseId = sorted[0]?.caseId ?? ''
  const notices = sorted.filter(
    (e): e is Notice => e.type === 'ContentReported' || e.type === 'ContentDetected',
  )
  const first = notices.find((n) => categoriesOf(n).some((c) => incidentType(c) !== undefined))
  if (first === undefined) {
    return E.left({
      _tag: 'NotReportable',
      caseId,
      reason: 'no report or detection in a CyberTipline category',
    })
  }
  const type = categoriesOf(first)
    .map(incidentType)
    .find((t) => t !== undefined)!
  const provenance: Record<string, string> = {
    'incidentSummary.incidentType': first.id,
    'incidentSummary.incidentDateTime': first.id,
  }
  const humanReview = sorted.find(
    (e) => e.type === 'ReviewDecided' && e.data.automation !== 'fully' && e.data.outcome === 'violation',
  )
  const exposure = sorted.find(
    (e) => e.type === 'ExposureObserved' && (e.data.views > 0 || e.data.shares > 0),
  )
  const content = first.data.content
  const url = platform.urlOf?.(content.ref)
  if (url !== undefined) provenance['internetDetails.webPageIncident.url'] = first.id
  // the age stated by the earliest report that gives one (a later report often adds it, as in the seed case)
  const aged = notices.find((n) => n.type === 'ContentReported' && n.data.claims?.ageAtCapture !== undefined)
  const age = aged?.type === 'ContentReported' ? aged.data.claims?.ageAtCapture : undefined
  if (aged !== undefined && age !== undefined) provenance['victim.age'] = aged.id
  if (humanReview !== undefined) provenance['files.0.fileViewedByEsp'] = humanReview.id
  if (exposure !== undefined) provenance['files.0.publiclyAvailable'] = exposure.id
  const jurisdictions = first.data.jurisdictions.join(', ')
  const how =
    first.type === 'ContentReported'
      ? `reported through ${first.data.channel} by a ${first.actor?.kind ?? 'user'}`
      : `detected by ${first.data.method}`
  const missing = [
    ...(platform.reportingPerson === undefined
      ? ['reporter.reportingPerson (the provider’s point of contact)']
      : []),
    ...(url === undefined ? ['internetDetails: the URL of the content'] : []),
    'personOrUserReported: the uploader’s account identifiers and IP capture events (from your account systems)',
    'the file itself (uploaded with /upload, then described with /fileinfo)',
  ]
  return E.right({
    caseId,
    incidentSummary: { incidentType: type, incidentDateTime: first.occurredAt },
    internetDetails: { webPageIncident: { url: url === undefined ? [] : [url] } },
    reporter: { reportingPerson: platform.reportingPerson ?? null, espName: platform.espName },
    victim: age === undefined ? null : { age },
    files: [
      {
        contentRef: content.ref,
        hash: content.hash ?? null,
        fileViewedByEsp: humanReview !== undefined,
        publiclyAvailable: exposure !== undefined,
      },
    ],
    additionalInfo: `Docket case ${caseId}: ${how} at ${first.occurredAt}; jurisdictions ${jurisdictions}.`,
    provenance,
    missing,
  })
}

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const el = (name: string, body: string | ReadonlyArray<string>, indent: string): string =>
  typeof body === 'string'
    ? `${indent}<${name}>${escapeXml(body)}</${name}>`
    : `${indent}<${name}>\n${body.join('\n')}\n${indent}</${name}>`

/** The report document (`<report>`, without files: those go through `/fileinfo`), as deterministic XML. */
export const toXml = (r: Report): string => {
  const i1 = '  '
  const i2 = '    '
  const i3 = '      '
  const parts = [
    el(
      'incidentSummary',
      [
        el('incidentType', r.incidentSummary.incidentType, i2),
        el('incidentDateTime', r.incidentSummary.incidentDateTime, i2),
      ],
      i1,
    ),
    ...(r.internetDetails.webPageIncident.url.length === 0
      ? []
      : [
          el(
            'internetDetails',
            [
              el(
                'webPageIncident',
                r.internetDetails.webPageIncident.url.map((u) => el('url', u, i3)),
                i2,
              ),
            ],
            i1,
          ),
        ]),
    el(
      'reporter',
      r.reporter.reportingPerson === null
        ? [el('espName', r.reporter.espName, i2)]
        : [
            el(
              'reportingPerson',
              [
                el('firstName', r.reporter.reportingPerson.firstName, i3),
                el('lastName', r.reporter.reportingPerson.lastName, i3),
                el('email', r.reporter.reportingPerson.email, i3),
              ],
              i2,
            ),
          ],
      i1,
    ),
    ...(r.victim === null ? [] : [el('victim', [el('age', String(r.victim.age), i2)], i1)]),
    el('additionalInfo', r.additionalInfo, i1),
  ]
  return `<?xml version="1.0" encoding="UTF-8"?>\n<report>\n${parts.join('\n')}\n</report>\n`
}
