/**
 * The catalogue of every rule and metadata entry, as data a listing or a
 * documentation page can print: id, citation, quoted words, versions in
 * force, confidence, whether it is on by default, and whether it runs a clock
 * at all. `docket policies` prints it; `docs/policies/<id>.md` is generated
 * from it (a test fails when a committed page is stale).
 *
 * It describes rules; it does not run them (that is `Evaluation.evaluate`).
 */
import { boundKinds } from './internal/scope.js'
import * as Policy from './Policy.js'

// model

/** One version of a rule, as listed. */
export interface VersionListing {
  readonly validFrom: string
  readonly validTo: string | null
  readonly zone: string
  /** Other zones the period is also counted in (the reading that protects applies), when any. */
  readonly alsoZones?: ReadonlyArray<string>
  readonly citation: string
  readonly quote: string
  /** ISO-8601 duration, or `null` where the law gives no number. */
  readonly duration: string | null
  readonly clock: string
  readonly defaultTarget: string | null
  readonly trigger: string | null
  readonly note: string | null
}

/** One listed rule or metadata entry. */
export interface Listing {
  readonly id: string
  readonly policy: string
  readonly rule: string
  /** The legal-reference row it encodes. */
  readonly row: string
  readonly title: string
  readonly confidence: 'primary' | 'secondary' | 'unconfirmed'
  /** Whether it runs a clock; metadata-only entries never produce an obligation. */
  readonly clock: boolean
  readonly kind: 'deadline' | 'hold' | 'window' | null
  readonly onByDefault: boolean
  readonly statutory: boolean
  readonly citation: string
  readonly quote: string
  readonly trigger: string | null
  readonly completion: string | null
  readonly pauses: string | null
  readonly restarts: string | null
  readonly extensions: string | null
  readonly scope: string
  /** The zone the law's dates are read in. */
  readonly dateZone: string | null
  readonly versions: ReadonlyArray<VersionListing>
  readonly notes: ReadonlyArray<string>
}

/** One policy, as listed. */
export interface PolicyListing {
  readonly id: string
  readonly title: string
  /** ISO codes, or `EU`; empty for a policy that applies to every case (a custom policy naming none). */
  readonly jurisdictions: ReadonlyArray<string>
  readonly summary: string
  readonly rules: ReadonlyArray<Listing>
}

// constructors

/**
 * A policy's jurisdictions in words. An empty list is a policy that names none and so applies to
 * every case (a custom policy's, `Custom.compile`), whatever jurisdictions the case names, even none.
 */
const where = (jurisdictions: ReadonlyArray<string>): string =>
  jurisdictions.length === 0 ? 'everywhere' : jurisdictions.join(', ')

const scopeWords = (s: Policy.ScopeSpec): string => {
  const parts = [
    s.jurisdictions.length === 0
      ? 'every case, whatever its jurisdictions'
      : `jurisdictions ${s.jurisdictions.join(', ')}${s.jurisdictions.includes('EU') ? ' (membership at the trigger date)' : ''}`,
  ]
  if (s.establishedReach === true)
    parts.push('a provider established there on every case, others only on a case naming one of them')
  if (s.providerTypes !== undefined)
    parts.push(
      `provider types ${boundKinds(s.providerTypes).join(', ')}${s.declaredOnly === true ? ' (declared in the profile)' : ''}`,
    )
  if (s.exemptSizes !== undefined) parts.push(`exempt sizes ${s.exemptSizes.join(', ')} (never a VLOP)`)
  if (s.generalFrom !== undefined) parts.push(`only designated VLOPs and VLOSEs before ${s.generalFrom}`)
  if (s.note !== undefined) parts.push(s.note)
  return parts.join('; ')
}

/** The listing of a rule. */
export const ofRule = (r: Policy.Rule): Listing => {
  const latest = r.versions[r.versions.length - 1]!
  const statutory =
    r.internal !== true &&
    r.versions.some((v) => v.period.duration !== null && v.period.clock !== 'unspecified')
  return {
    id: `${r.policy}/${r.rule}`,
    policy: r.policy,
    rule: r.rule,
    row: r.row,
    title: r.title,
    confidence: r.confidence,
    clock: true,
    kind: r.kind,
    onByDefault: Policy.onByDefault(r),
    statutory,
    citation: latest.citation,
    quote: latest.quote,
    trigger: r.trigger,
    completion: r.completion,
    pauses: r.pauses,
    restarts: r.restarts,
    extensions: r.extensions,
    scope: scopeWords(r.scope),
    dateZone: r.dateZone,
    versions: r.versions.map((v) => ({
      validFrom: v.validFrom,
      validTo: v.validTo,
      zone: v.zone,
      ...(v.alsoZones === undefined || v.alsoZones.length === 0 ? {} : { alsoZones: v.alsoZones }),
      citation: v.citation,
      quote: v.quote,
      duration: v.period.duration,
      clock: v.period.clock,
      defaultTarget: v.defaultTarget ?? null,
      trigger: v.trigger ?? null,
      note: v.note ?? null,
    })),
    notes: r.notes,
  }
}

/** The listing of a metadata-only entry. */
export const ofEntry = (e: Policy.Entry): Listing => ({
  id: `${e.policy}/${e.rule}`,
  policy: e.policy,
  rule: e.rule,
  row: e.row,
  title: e.title,
  confidence: e.confidence,
  clock: false,
  kind: null,
  onByDefault: false,
  statutory: false,
  citation: e.citation,
  quote: e.quote,
  trigger: null,
  completion: null,
  pauses: null,
  restarts: null,
  extensions: null,
  scope: '',
  dateZone: null,
  versions: [],
  notes: [`No clock: ${e.reason}`, `In effect: ${e.since}.`],
})

/** The listing of a policy: its rules, then its metadata-only entries. */
export const ofPolicy = (p: Policy.Policy): PolicyListing => ({
  id: p.id,
  title: p.title,
  jurisdictions: p.jurisdictions,
  summary: p.summary,
  rules: [...p.rules.map(ofRule), ...p.entries.map(ofEntry)],
})

/** The whole catalogue, in `docket policies` order. */
export const list = (policies: ReadonlyArray<Policy.Policy> = Policy.all): ReadonlyArray<PolicyListing> =>
  policies.map(ofPolicy)

// renderers

const period = (v: VersionListing): string =>
  v.duration === null
    ? `no number in the law (internal target, default ${v.defaultTarget ?? 'none'})`
    : `${v.duration} ${v.clock}${v.defaultTarget === null ? '' : `, internal target ${v.defaultTarget}`}`

const state = (l: Listing): string =>
  !l.clock
    ? 'metadata only (no clock)'
    : l.onByDefault
      ? 'on by default'
      : 'off by default (enable in the profile)'

const until = (v: VersionListing): string => (v.validTo === null ? 'in force' : `until ${v.validTo}`)

/** The plain-text listing `docket policies` prints. */
export const text = (policies: ReadonlyArray<Policy.Policy> = Policy.all): string => {
  const out: string[] = []
  for (const p of list(policies)) {
    out.push(`${p.id} — ${p.title} [${where(p.jurisdictions)}]`)
    for (const l of p.rules) {
      out.push(`  ${l.id}  ${l.kind ?? '-'}  ${l.confidence}  ${state(l)}`)
      out.push(`    ${l.title}`)
      out.push(`    ${l.citation}`)
      out.push(`    ${l.quote}`)
      for (const v of l.versions) out.push(`    from ${v.validFrom} ${until(v)}: ${period(v)}`)
    }
    out.push('')
  }
  return out.join('\n')
}

/** After a rule's kind on its page: how its clock stands in law ({@link Policy.basis}). */
const LABELS: Readonly<Record<Policy.Basis, string>> = {
  'statutory deadline': '',
  'statutory duty; deadline an internal target':
    ' (statutory duty; deadline an internal target: the law gives no number, so never a statutory breach)',
  'condition of a statutory exemption; deadline an internal target':
    ' (condition of a statutory exemption; deadline an internal target: the law gives no number, so never a statutory breach)',
  'internal rule': ' (internal target, not a legal duty: never a statutory breach)',
}

/** The `internal` and `condition` flags of a policy's rule, by full id. */
const flags = (p: Policy.Policy, id: string): Pick<Policy.Rule, 'internal' | 'condition'> =>
  p.rules.find((x) => `${x.policy}/${x.rule}` === id) ?? {}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** The documentation page of one policy (`docs/policies/<id>.md`). */
export const markdown = (p: Policy.Policy): string => {
  const l = ofPolicy(p)
  const out: string[] = [
    `# \`${l.id}\`: ${l.title}`,
    '',
    '<!-- Generated from packages/policies/src by Catalog.markdown; do not edit. Regenerate with',
    '     DOCKET_WRITE_DOCS=1 ./node_modules/.bin/vitest run packages/policies/src/Catalog.test.ts -->',
    '',
    l.summary,
    '',
    `Jurisdictions: ${where(l.jurisdictions)}.`,
    '',
    '| rule | kind | confidence | default | citation |',
    '|---|---|---|---|---|',
    ...l.rules.map(
      (r) =>
        `| [\`${r.id}\`](#${anchor(r.id)}) | ${r.kind ?? '—'} | ${r.confidence} | ${state(r)} | ${cell(r.citation)} |`,
    ),
    '',
  ]
  for (const r of l.rules) {
    out.push(
      `## ${r.id}`,
      '',
      `**${r.title}.** Legal reference row \`${r.row}\`; ${r.confidence}; ${state(r)}.`,
      '',
    )
    out.push(`> ${r.quote}`, '', `— ${r.citation}`, '')
    if (r.clock) {
      const label = LABELS[Policy.basis(flags(p, r.id), r.statutory)]
      out.push(`- Kind: ${r.kind}${label}`)
      out.push(`- Trigger: ${r.trigger}`)
      out.push(`- Completed by: ${r.completion}`)
      out.push(`- Pauses: ${r.pauses ?? 'none'}`)
      out.push(`- Restarts: ${r.restarts ?? 'none'}`)
      out.push(`- Extensions: ${r.extensions ?? 'none'}`)
      out.push(`- Applies to: ${r.scope}`)
      out.push(`- Dates in force read at midnight in ${r.dateZone}`)
      out.push('', '| from | until | zone | period | citation |', '|---|---|---|---|---|')
      for (const v of r.versions) {
        const zone =
          v.alsoZones === undefined
            ? v.zone
            : `${v.zone} and ${v.alsoZones.length} more (the ${r.kind === 'deadline' ? 'earliest' : 'latest'} reading)`
        out.push(
          `| ${v.validFrom} | ${v.validTo ?? '—'} | ${zone} | ${cell(period(v))} | ${cell(v.citation)} |`,
        )
      }
      const vt = r.versions.filter((v) => v.trigger !== null || v.note !== null)
      if (vt.length > 0) {
        out.push('')
        for (const v of vt) {
          if (v.trigger !== null) out.push(`- From ${v.validFrom}, trigger: ${v.trigger}`)
          if (v.note !== null) out.push(`- From ${v.validFrom}: ${v.note}`)
        }
      }
      if (r.versions.length > 1) {
        out.push('', 'Quoted words by version:', '')
        for (const v of r.versions) out.push(`- ${v.validFrom}: ${v.quote}`)
      }
    }
    if (r.notes.length > 0) out.push('', ...r.notes.map((n) => `- ${n}`))
    out.push('')
  }
  return out.join('\n')
}

const anchor = (id: string): string =>
  id
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-')

/** The index page (`docs/policies/README.md`): every module and rule with its default state. */
export const indexPage = (policies: ReadonlyArray<Policy.Policy> = Policy.all): string => {
  const out: string[] = [
    '# Policies',
    '',
    '<!-- Generated from packages/policies/src by Catalog.indexPage; do not edit. -->',
    '',
    'Every statute Docket encodes, one page per module, generated from the same metadata as',
    '`docket policies`. Primary and secondary rules are on by default; unconfirmed rules are',
    'encoded but off unless the platform profile lists them in `enabledRules`. Metadata-only',
    'entries (fines, contents, safe harbours, authority-side duties) are listed but never produce',
    'an obligation. See [custom.md](custom.md) for a platform’s own policies and',
    '[versions.md](versions.md) for versions in force, pre-effective triggers, the conservative',
    'mode and `--what-if`.',
    '',
    '| policy | rules (on by default / off / metadata) | jurisdictions |',
    '|---|---|---|',
  ]
  for (const p of list(policies)) {
    const on = p.rules.filter((r) => r.clock && r.onByDefault).length
    const off = p.rules.filter((r) => r.clock && !r.onByDefault).length
    const meta = p.rules.filter((r) => !r.clock).length
    out.push(
      `| [\`${p.id}\`](${p.id}.md) — ${p.title} | ${on} / ${off} / ${meta} | ${where(p.jurisdictions)} |`,
    )
  }
  out.push(
    '',
    '## In the legal reference, not encoded',
    '',
    ...NOT_ENCODED.flatMap(({ id, why }) => [`- \`${id}\`: ${why}`]),
    '',
  )
  return out.join('\n')
}

/** Rows of the legal reference (`legal.md`) no module encodes, with the reason, for the index page. */
export const NOT_ENCODED: ReadonlyArray<{ readonly id: string; readonly why: string }> = [
  {
    id: 'sg-osra',
    why:
      'Singapore’s Online Safety (Relief and Accountability) Act 2025. Its 24 hours are when a victim may go ' +
      'to the Online Safety Commission (“if platforms fail to remove harmful content within 24 hours”, from ' +
      'news reports), not a platform’s deadline; the time to comply with the Commission’s directions is ' +
      'unconfirmed, and the Commission’s start (first half of 2026, by Gazette notice) has no date. A platform ' +
      'wanting the 24 hours as its own target can write it as a custom policy ([custom.md](custom.md)).',
  },
]
