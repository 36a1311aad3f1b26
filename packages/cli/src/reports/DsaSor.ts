/**
 * The `dsa-sor` report: statements of reasons (DSA Art. 17) as JSON Lines in
 * the field names and enumerations of the EU DSA Transparency Database API
 * (Art. 24(5)), one per restrictive decision (a `ContentActioned` or
 * `AccountActioned`) that owes one by `EuDsa.statementOwed`, the predicate
 * the Art. 17 and Art. 24(5) clocks start on: one that restricts a recipient
 * in the EEA (its geo-block's territories, else the case's jurisdictions known
 * at its instant; counted in `outOfScope` otherwise) and is not of deceptive
 * high-volume commercial content, which Art. 17 does not cover (counted in
 * `notOwed`). A refusal restricts nothing and has no statement.
 *
 * `puid` is derived from the case id and the decision's event id with an
 * injective escape into the database's alphabet (`[A-Za-z0-9-_]`): letters,
 * digits and `-` are kept, every other character (including `_`) becomes `_`
 * and four hex digits, and `__` (which no escape produces) joins the two
 * parts. The same events give the same `puid`; two decisions never share one.
 * Past 500 characters it falls back to `sha256-` and a hash.
 *
 * Facts the database requires and the history lacks (the ground, the legal
 * ground or contractual clause, the explanation, automation, the date the
 * content was first hosted or the account registered, the content type) are
 * reported as missing, never invented; such a decision gets no statement
 * until the facts are recorded. `decision_facts` is composed from recorded
 * enumerations and dates only, so it carries no personal data. Every
 * statement is validated against the database's own rules (`SorRules`)
 * before it is written.
 */
import { createHash } from 'node:crypto'
import { EuDsa } from '@docket/policies'
import * as DsaCalendar from '../internal/dsaCalendar.js'
import type * as Facts from '../replay/Facts.js'
import * as Publishable from '../replay/Publishable.js'
import type * as Replay from '../replay/Replay.js'
import type * as Report from './Report.js'
import * as SorRules from './SorRules.js'

// model

/** Why a restrictive decision has no statement. */
export interface Problem {
  readonly caseId: string
  readonly eventId: string
  readonly puid: string
  /** Facts the database requires that the history does not record. */
  readonly missing: ReadonlyArray<string>
  /** Rules of the database the statement would break. */
  readonly violations: ReadonlyArray<SorRules.Violation>
}

/** A statement whose explanation had passages withheld as personal data (see `Publishable`). */
export interface Withheld {
  readonly caseId: string
  readonly eventId: string
  readonly puid: string
  /** How many passages of the explanation were withheld. */
  readonly count: number
}

/** Statements and problems of a report. */
export interface Output {
  readonly statements: ReadonlyArray<SorRules.Statement>
  /** The case and decision event of each statement, in the same order. */
  readonly origins: ReadonlyArray<{ readonly caseId: string; readonly eventId: string }>
  readonly problems: ReadonlyArray<Problem>
  /** Statements whose explanations had personal data withheld, in statement order. */
  readonly withheld: ReadonlyArray<Withheld>
  /**
   * Restrictive decisions that restrict no recipient in the EEA (a geo-block only elsewhere, or a
   * case with no EEA jurisdiction known at the decision's instant): no statement owed
   * (`EuDsa.statementOwed`).
   */
  readonly outOfScope: number
  /** Restrictive decisions of deceptive high-volume commercial content in the EEA: Art. 17 owes no statement. */
  readonly notOwed: number
}

// internal

const CATEGORY: Readonly<Record<string, readonly [string, ReadonlyArray<string>]>> = {
  csam: ['STATEMENT_CATEGORY_PROTECTION_OF_MINORS', ['KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL']],
  enticement: ['STATEMENT_CATEGORY_PROTECTION_OF_MINORS', ['KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS']],
  sextortion: ['STATEMENT_CATEGORY_CYBER_VIOLENCE', ['KEYWORD_CYBER_HARASSMENT']],
  ncii: ['STATEMENT_CATEGORY_CYBER_VIOLENCE', ['KEYWORD_NON_CONSENSUAL_IMAGE_SHARING']],
  synthetic_sexual: ['STATEMENT_CATEGORY_CYBER_VIOLENCE', ['KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE']],
  trafficking: ['STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY', ['KEYWORD_HUMAN_TRAFFICKING']],
  terrorism: ['STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY', ['KEYWORD_TERRORIST_CONTENT']],
  threat_to_life: ['STATEMENT_CATEGORY_VIOLENCE', []],
  child_cyberbullying: ['STATEMENT_CATEGORY_CYBER_VIOLENCE', ['KEYWORD_CYBER_BULLYING_INTIMIDATION']],
  adult_cyber_abuse: ['STATEMENT_CATEGORY_CYBER_VIOLENCE', ['KEYWORD_CYBER_HARASSMENT']],
  impersonation: ['STATEMENT_CATEGORY_SCAMS_AND_FRAUD', ['KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING']],
  torture_barbarity: ['STATEMENT_CATEGORY_VIOLENCE', []],
  hate: ['STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH', ['KEYWORD_HATE_SPEECH']],
  violence: ['STATEMENT_CATEGORY_VIOLENCE', []],
  fraud: ['STATEMENT_CATEGORY_SCAMS_AND_FRAUD', []],
  privacy: ['STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS', []],
  ip: ['STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS', []],
  illegal_other: ['STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE', []],
  policy_other: ['STATEMENT_CATEGORY_OTHER_VIOLATION_TC', []],
}

/** The database's category and keywords for a Docket category (our mapping; the database checks no consistency). */
export const category = (
  c: string,
  facts: Pick<Facts.Facts, 'depictsMinor' | 'synthetic'>,
): readonly [string, ReadonlyArray<string>] => {
  // sexual imagery or extortion of a minor is child protection first (mapping hints of the rules file)
  if (facts.depictsMinor && (c === 'ncii' || c === 'synthetic_sexual'))
    return [
      'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
      [
        facts.synthetic
          ? 'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE'
          : 'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL',
      ],
    ]
  if (facts.depictsMinor && c === 'sextortion')
    return ['STATEMENT_CATEGORY_PROTECTION_OF_MINORS', ['KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS']]
  if (c === 'csam' && facts.synthetic)
    return ['STATEMENT_CATEGORY_PROTECTION_OF_MINORS', ['KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE']]
  if (c === 'ncii' && facts.synthetic)
    return ['STATEMENT_CATEGORY_CYBER_VIOLENCE', ['KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE']]
  return CATEGORY[c] ?? ['STATEMENT_CATEGORY_OTHER_VIOLATION_TC', []]
}

const VISIBILITY: Readonly<Record<string, string>> = {
  removed: 'DECISION_VISIBILITY_CONTENT_REMOVED',
  disabled: 'DECISION_VISIBILITY_CONTENT_DISABLED',
  geo_blocked: 'DECISION_VISIBILITY_CONTENT_DISABLED',
  age_restricted: 'DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED',
  demoted: 'DECISION_VISIBILITY_CONTENT_DEMOTED',
  labelled: 'DECISION_VISIBILITY_CONTENT_LABELLED',
}

const SOURCE: Readonly<Record<Facts.DecisionSource['kind'], string>> = {
  authority: 'SOURCE_TYPE_OTHER_NOTIFICATION',
  trusted_flagger: 'SOURCE_TRUSTED_FLAGGER',
  notice: 'SOURCE_ARTICLE_16',
  own_initiative: 'SOURCE_VOLUNTARY',
}

const CONTENT_TYPE: Readonly<Record<string, string>> = {
  video: 'CONTENT_TYPE_VIDEO',
  live: 'CONTENT_TYPE_VIDEO',
  image: 'CONTENT_TYPE_IMAGE',
  text: 'CONTENT_TYPE_TEXT',
}

const escapeId = (s: string): string => {
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    out += /[A-Za-z0-9-]/.test(c) ? c : `_${s.charCodeAt(i).toString(16).padStart(4, '0')}`
  }
  return out
}

/** The EEA country codes of the rules file (a list or a code-to-name map). */
const eeaOf = (rules: SorRules.Rules): ReadonlySet<string> => {
  const e = rules.enums.EEA_COUNTRY_CODES as unknown
  return new Set(Array.isArray(e) ? (e as string[]) : Object.keys((e ?? {}) as object))
}

/** The day of an instant in Brussels (`dsaCalendar`): a decision at 23:30 UTC on 31 March applies on 1 April. */
const date = DsaCalendar.day

const compact = (s: Record<string, unknown>): SorRules.Statement =>
  Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined))

// operations

/** The stable `puid` of a decision (see the module header). */
export const puid = (caseId: string, eventId: string): string => {
  const p = `${escapeId(caseId)}__${escapeId(eventId)}`
  return p.length <= 500
    ? p
    : `sha256-${createHash('sha256').update(`${caseId}\u0000${eventId}`).digest('hex')}`
}

/** The statement of one restrictive decision, or what it lacks. */
export const statement = (
  c: Pick<Replay.CaseResult, 'caseId' | 'facts'>,
  d: Facts.RestrictiveDecision,
  rules: SorRules.Rules = SorRules.shipped(),
): { readonly statement: SorRules.Statement } | Problem => {
  const f = c.facts
  const id = puid(c.caseId, d.eventId)
  const missing: string[] = []
  const eea = eeaOf(rules)
  const rv = d.review
  // what may be published: the values the case records of its people withheld (Art. 24(5))
  const explanation = rv?.publishable?.text ?? rv?.explanation
  const ground =
    rv?.ground === 'illegal'
      ? 'DECISION_GROUND_ILLEGAL_CONTENT'
      : rv?.ground === 'incompatible'
        ? 'DECISION_GROUND_INCOMPATIBLE_CONTENT'
        : undefined
  if (ground === undefined)
    missing.push('decision_ground (ReviewDecided.ground of a violation decision before the action)')
  if (ground === 'DECISION_GROUND_ILLEGAL_CONTENT' && SorRules.isBlank(rv?.legalGround))
    missing.push('illegal_content_legal_ground (ReviewDecided.legalGround)')
  if (ground === 'DECISION_GROUND_INCOMPATIBLE_CONTENT' && SorRules.isBlank(rv?.policyRef))
    missing.push('incompatible_content_ground (ReviewDecided.policyRef)')
  if (ground !== undefined && SorRules.isBlank(explanation))
    missing.push(
      `${ground === 'DECISION_GROUND_ILLEGAL_CONTENT' ? 'illegal' : 'incompatible'}_content_explanation (ReviewDecided.explanation)`,
    )
  const automation = rv?.automation
  const automatedDecision =
    automation === 'fully'
      ? 'AUTOMATED_DECISION_FULLY'
      : automation === 'partially'
        ? 'AUTOMATED_DECISION_PARTIALLY'
        : automation === 'not'
          ? 'AUTOMATED_DECISION_NOT_AUTOMATED'
          : undefined
  if (automatedDecision === undefined) missing.push('automated_decision (ReviewDecided.automation)')
  const automatedDetection =
    rv?.detection === 'automated'
      ? 'Yes'
      : rv?.detection === 'manual'
        ? 'No'
        : f.origin === 'detection' && f.detectionMethod !== null
          ? f.detectionMethod === 'manual'
            ? 'No'
            : 'Yes'
          : f.origin === 'notice' || f.origin === 'authority'
            ? 'No'
            : undefined
  if (automatedDetection === undefined)
    missing.push('automated_detection (ReviewDecided.detection or ContentDetected.method)')
  const isAccount = d.type === 'AccountActioned'
  // an account's "content date" is its registration: the decision's accountCreatedAt, or, in a case
  // about the account, its content.postedAt; the date a post of the account was first hosted would
  // misstate it
  const hostedSince = isAccount
    ? (d.accountCreatedAt ?? (f.contentKind === 'account' ? f.postedAt : null))
    : f.postedAt
  if (hostedSince === null)
    missing.push(
      isAccount
        ? "content_date (the account's registration date: AccountActioned.accountCreatedAt, or content.postedAt of a case whose content.kind is account)"
        : 'content_date (ContentReported.content.postedAt: when hosting began)',
    )
  const kind = isAccount ? 'account' : f.contentKind
  if (kind === null) missing.push('content_type (content.kind)')
  if (f.category === null) missing.push('category (ContentReported.category)')
  const [cat, keywords] = category(f.category ?? 'policy_other', f)
  const additions = [
    ...new Set(
      f.categories
        .filter((x) => x !== f.category)
        .map((x) => category(x, f)[0])
        .filter((x) => x !== cat),
    ),
  ].sort()
  const contentType =
    kind === null
      ? []
      : [
          CONTENT_TYPE[kind] ?? 'CONTENT_TYPE_OTHER',
          // synthetic media is the reported post's type, not the account's
          ...(f.synthetic && !isAccount ? ['CONTENT_TYPE_SYNTHETIC_MEDIA'] : []),
        ]
  // as the decision was taken: a later authority's country must not change a statement already sent
  const scope = (d.territories ?? d.jurisdictions).filter((j) => eea.has(j))
  // what the decision was taken on, not the case's first notice (`Facts.RestrictiveDecision.source`)
  const source = SOURCE[d.source?.kind ?? 'own_initiative']
  const until = d.until === null ? undefined : date(d.until)
  const visibility = !isAccount ? VISIBILITY[d.action] : undefined
  const monetary =
    d.action === 'demonetized'
      ? until
        ? 'DECISION_MONETARY_SUSPENSION'
        : 'DECISION_MONETARY_TERMINATION'
      : undefined
  const account =
    isAccount && d.action === 'suspended'
      ? 'DECISION_ACCOUNT_SUSPENDED'
      : isAccount && d.action === 'terminated'
        ? 'DECISION_ACCOUNT_TERMINATED'
        : undefined
  const provision =
    isAccount && d.action === 'restricted'
      ? d.scope === 'total'
        ? 'DECISION_PROVISION_TOTAL_SUSPENSION'
        : 'DECISION_PROVISION_PARTIAL_SUSPENSION'
      : undefined
  const facts = [
    f.origin === 'notice'
      ? `Notice received${f.channel ? ` through ${f.channel}` : ''}${f.noticeAt ? ` on ${date(f.noticeAt)}` : ''}.`
      : f.origin === 'detection'
        ? `Detected on the platform's own initiative${f.detectionMethod ? ` (${f.detectionMethod.replace('_', ' ')})` : ''}.`
        : f.origin === 'authority'
          ? 'Notified by an authority.'
          : '',
    f.category ? `Category: ${f.category.replace(/_/g, ' ')}.` : '',
    rv
      ? `Reviewed${rv.tier ? ` at ${rv.tier} tier` : ''}: violation${ground ? ` (${ground === 'DECISION_GROUND_ILLEGAL_CONTENT' ? 'illegal content' : 'incompatible with terms and conditions'})` : ''}.`
      : '',
    `Action: ${isAccount ? 'account ' : 'content '}${d.action.replace('_', ' ')} on ${date(d.occurredAt)}${d.territories ? ` in ${d.territories.join(', ')}` : ''}.`,
  ]
    .filter((x) => x !== '')
    .join(' ')
  const s = compact({
    decision_visibility: visibility ? [visibility] : undefined,
    decision_monetary: monetary,
    decision_provision: provision,
    decision_account: account,
    decision_ground: ground,
    illegal_content_legal_ground:
      ground === 'DECISION_GROUND_ILLEGAL_CONTENT' ? (rv?.legalGround ?? undefined) : undefined,
    illegal_content_explanation:
      ground === 'DECISION_GROUND_ILLEGAL_CONTENT' ? (explanation ?? undefined) : undefined,
    incompatible_content_ground:
      ground === 'DECISION_GROUND_INCOMPATIBLE_CONTENT' ? (rv?.policyRef ?? undefined) : undefined,
    incompatible_content_explanation:
      ground === 'DECISION_GROUND_INCOMPATIBLE_CONTENT' ? (explanation ?? undefined) : undefined,
    content_type: contentType.length > 0 ? [...new Set(contentType)].sort() : undefined,
    content_type_other: contentType.includes('CONTENT_TYPE_OTHER') ? (kind ?? 'other') : undefined,
    category: cat,
    category_addition: additions.length > 0 ? additions : undefined,
    category_specification: keywords.length > 0 ? [...keywords] : undefined,
    territorial_scope: scope.length > 0 ? [...new Set(scope)].sort() : undefined,
    content_date: hostedSince === null ? undefined : date(hostedSince),
    application_date: date(d.occurredAt),
    end_date_visibility_restriction: visibility ? until : undefined,
    end_date_monetary_restriction: monetary ? until : undefined,
    end_date_account_restriction: account ? until : undefined,
    end_date_service_restriction: provision ? until : undefined,
    decision_facts: facts,
    source_type: source,
    source_identity: d.source?.flagger ?? undefined,
    automated_detection: automatedDetection,
    automated_decision: automatedDecision,
    puid: id,
  })
  const violations = missing.length > 0 ? [] : SorRules.validate(s, rules)
  if (missing.length > 0 || violations.length > 0)
    return { caseId: c.caseId, eventId: d.eventId, puid: id, missing, violations }
  return { statement: s }
}

/** Every statement of a report, in case then decision order, with the problems. */
export const build = (
  r: Pick<Report.Report, 'cases'>,
  rules: SorRules.Rules = SorRules.shipped(),
): Output => {
  const statements: SorRules.Statement[] = []
  const origins: Array<{ caseId: string; eventId: string }> = []
  const problems: Problem[] = []
  const withheld: Withheld[] = []
  let outOfScope = 0
  let notOwed = 0
  for (const c of r.cases) {
    for (const d of c.facts.decisions) {
      // the predicate the Art. 17 and Art. 24(5) clocks start on: no statement left out leaves one open
      const owed = EuDsa.statementOwed(d)
      if (owed === 'outsideEea') {
        outOfScope++
        continue
      }
      if (owed === 'deceptiveHighVolumeCommercial') {
        notOwed++
        continue
      }
      const x = statement(c, d, rules)
      if ('statement' in x) {
        statements.push(x.statement)
        origins.push({ caseId: c.caseId, eventId: d.eventId })
        const publishable = d.review?.publishable
        if (publishable !== undefined)
          withheld.push({
            caseId: c.caseId,
            eventId: d.eventId,
            puid: String(x.statement.puid),
            count: publishable.count,
          })
      } else problems.push(x)
    }
  }
  const dup = SorRules.validateAll(statements, rules)
  if (dup.length > 0) throw new Error(`bug: duplicate puid in ${JSON.stringify(dup[0])}`)
  return { statements, origins, problems, withheld, outOfScope, notOwed }
}

/**
 * `StatementOfReasonsPublished` events for statements the database stored, to import into
 * the store so that the DSA Art. 24(5) clocks (`eu-dsa/24-5-sor-db`) see them completed.
 * Ids are derived from the `puid` (importing twice is a no-op, so `at` must be the same each
 * time); `at` is when the database acknowledged them: one instant, or one per `puid`
 * (`Submitter.Result.acknowledgedAt`, which keeps it across reruns), a `puid` without one
 * getting no event.
 */
export const publishedEvents = (
  o: Output,
  stored: ReadonlyArray<string>,
  at: string | ReadonlyMap<string, string>,
): ReadonlyArray<Record<string, unknown>> => {
  const wanted = new Set(stored)
  return o.statements.flatMap((s, i) => {
    const when = typeof at === 'string' ? at : at.get(String(s.puid))
    return wanted.has(String(s.puid)) && when !== undefined
      ? [
          {
            id: `sor-published-${String(s.puid)}`,
            type: 'StatementOfReasonsPublished',
            caseId: o.origins[i]!.caseId,
            occurredAt: when,
            actor: { kind: 'system' },
            data: { puid: String(s.puid) },
            meta: { causationId: o.origins[i]!.eventId },
          },
        ]
      : []
  })
}

/** The JSON Lines of the statements (one per line, field order as built). */
export const render = (o: Output): string => o.statements.map((s) => `${JSON.stringify(s)}\n`).join('')

/** One line per statement with personal data withheld, for standard error. */
export const describeWithheld = (w: Withheld): string =>
  `statement of reasons for case ${w.caseId}, decision ${w.eventId} (puid ${w.puid}): ` +
  `${w.count} passage(s) of the explanation withheld as ${Publishable.MARK}: a person the case records ` +
  '(a name, e-mail address, date of birth or subject id) or an e-mail address; DSA Art. 24(5) wants no personal data'

/** One line per problem, for standard error. */
export const describe = (p: Problem): string =>
  `no statement of reasons for case ${p.caseId}, decision ${p.eventId} (puid ${p.puid}): ` +
  [
    ...(p.missing.length > 0 ? [`missing ${p.missing.join('; ')}`] : []),
    ...p.violations.map((v) => v.message),
  ].join('; ')
