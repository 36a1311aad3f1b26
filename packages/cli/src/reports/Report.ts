/**
 * A replay report before it is written: the replay's result, the
 * reproducibility stamp and how the run was framed (profile, counterfactual
 * `--what-if` policies). Every format in this folder renders this one model,
 * so the formats cannot disagree.
 */
import { createHash } from 'node:crypto'
import {
  type CasePartition,
  type ClockRule,
  Envelope,
  type Obligation,
  Profile,
  type Recorded,
  Timestamp,
} from '@docket/core'
import { type Custom, Policy } from '@docket/policies'
import type * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as O from 'fp-ts/lib/Option.js'
import * as Ei from 'fp-ts/lib/Either.js'
import * as Partition from '../replay/Partition.js'
import * as Replay from '../replay/Replay.js'
import * as Settings from '../replay/Settings.js'
import * as Workers from '../replay/Workers.js'
import * as Stamp from './Stamp.js'

// model

/** The formats of `docket replay --report`. */
export const FORMATS = ['json', 'csv', 'md', 'html', 'dsa-sor', 'dsa-transparency'] as const

/** A report format. */
export type Format = (typeof FORMATS)[number]

/** The model every format renders. */
export interface Report extends Replay.Result {
  readonly stamp: Stamp.Stamp
  /** Name of the platform profile used. */
  readonly profile: string
  /**
   * The profile's time zone (`Profile.timeZone`): the platform's own calendar, in which the `html`
   * report groups clocks by month.
   */
  readonly timeZone: string
  /** True when `--what-if` applied policies outside their time in force. */
  readonly counterfactual: boolean
  readonly whatIf: ReadonlyArray<string>
}

/** A refusal later followed by an authority, with its case. */
export interface RefusalRow {
  readonly caseId: string
  readonly refusalId: string
  readonly refusedAt: string
  readonly authorityEventId: string
  readonly authorityAt: string
  readonly kind: string
  readonly jurisdiction: string | null
}

// operations

/** The banner every format shows for a counterfactual report. */
export const counterfactualLabel = (r: Pick<Report, 'counterfactual' | 'whatIf'>): string | null =>
  r.counterfactual
    ? `COUNTERFACTUAL (what-if: ${r.whatIf.join(', ')}): policies applied as if in force before their entry into force; not a statement of what the law required.`
    : null

/** A case's refusals later followed by an authority's request or intervention, as report rows. */
export const refusalRows = (c: Replay.CaseResult): ReadonlyArray<RefusalRow> =>
  c.facts.refusalsThenAuthority.map((x) => ({ caseId: c.caseId, ...x }))

/**
 * How a case's JSON text (`JSON.stringify` of the case, `Result.casesJson`) reads when it has
 * no refusal later followed by an authority. The key is the report's own and comes once, in the
 * facts; inside a user-supplied string every `"` is escaped, so only that key can match.
 */
const NO_REFUSAL_THEN_AUTHORITY = '"refusalsThenAuthority":[]'

/**
 * Every refusal later followed by an authority's request or intervention, by case. One pass
 * over the cases' JSON texts: a case whose text says it has none (nearly all) is not parsed.
 */
export const refusalsThenAuthority = (r: Pick<Report, 'casesJson'>): ReadonlyArray<RefusalRow> => {
  const rows: RefusalRow[] = []
  for (const [, json] of r.casesJson) {
    if (json.includes(NO_REFUSAL_THEN_AUTHORITY)) continue
    for (const row of refusalRows(JSON.parse(json) as Replay.CaseResult)) rows.push(row)
  }
  return rows
}

/**
 * What an obligation's clock stands on in law ({@link Policy.basis}): a number the law gives, a
 * duty (or an exemption's condition) whose deadline is an internal target, or an internal rule. A
 * rule no statutory module holds (a custom policy's) is internal.
 */
export const basis = (o: Pick<Obligation.Obligation, 'policy' | 'rule' | 'statutory'>): Policy.Basis => {
  const r = Policy.ruleById(`${o.policy}/${o.rule}`)
  return O.isNone(r) ? 'internal rule' : Policy.basis(r.value, o.statutory)
}

/** Compares strings by code unit (locale-independent, deterministic). */
export const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Options of {@link build}: a replay's settings (the profile optional), the rules, and progress. */
export interface BuildOptions extends Omit<Settings.Settings, 'profile'> {
  /** The platform profile (default: `Profile.DEFAULTS`). */
  readonly profile?: Profile.Resolved
  /** Rules to run (default: the policy pack's rules for the profile). */
  readonly rules?: ReadonlyArray<ClockRule.Rule>
  readonly onProgress?: (p: Replay.Progress) => void
  /** How the source reads its events back (`Replay.Options.readBack`; `build` only, not workers). */
  readonly readBack?: Replay.ReadBack
  /** The input line of the event the source yielded last (`Replay.Options.line`; `build` only, not workers). */
  readonly line?: () => number
  /**
   * Replay only the cases of this partition of a history read whole (`Partition.only`; on
   * workers, `Workers.Options.partition`, which also spreads them over the workers): the report
   * is then one partition's share, for `Partial.pieces` and `docket merge`. Events already
   * limited to the partition (a store's `readAll({ partition })`) need it only on workers.
   */
  readonly partition?: CasePartition.Partition
  /**
   * The position of a store's log the events were read to (`docket replay --store`: `--until`, or
   * the end when the replay started), stated in the stamp's options: partial reports read at
   * different cuts are not merged, and a later replay with `--until` gives the same bytes.
   */
  readonly until?: string
}

/** Date of the legal reference the policy pack was checked against (`shared/reference/legal.md`, "compiled 2026-11-24"). */
export const LEGAL_REFERENCE_DATE = '2026-11-24'

/**
 * Each policy module with a version: the package version and a digest of its rules as data; then
 * each custom policy document run beside them, `custom+` a digest of the document as decoded.
 */
export const policyPack = (
  custom: ReadonlyArray<Custom.Document> = [],
): ReadonlyArray<Stamp.PolicyVersion> => {
  const pkg = Stamp.library().policies
  const documents = custom.map((d) => ({
    id: d.id,
    version: `custom+${createHash('sha256').update(Envelope.canonical(d)).digest('hex').slice(0, 12)}`,
  }))
  const statutes = Policy.all.map((p) => ({
    id: p.id,
    version: `${pkg}+${createHash('sha256')
      .update(
        JSON.stringify(
          p.rules.map((r) => ({
            id: `${r.policy}/${r.rule}`,
            kind: r.kind,
            confidence: r.confidence,
            versions: r.versions.map((v) => ({
              validFrom: v.validFrom,
              validTo: v.validTo,
              zone: v.zone,
              citation: v.citation,
              quote: v.quote,
              period: v.period,
              defaultTarget: v.defaultTarget ?? null,
            })),
          })),
        ),
      )
      .digest('hex')
      .slice(0, 12)}`,
  }))
  return [...statutes, ...documents]
}

const iso = (s: string | undefined): string | null =>
  s === undefined ? null : Timestamp.format(Timestamp.toMillis(s))

/**
 * Replays a history into a report: the library function behind `docket replay`.
 * Events may be any (async) iterable in the order `Replay.run` requires.
 */
export const build = async (
  events: AsyncIterable<Recorded> | Iterable<Recorded>,
  options: BuildOptions = {},
): Promise<E.Either<Replay.ReplayError, Report>> => {
  const profile = options.profile ?? Profile.DEFAULTS
  const source: AsyncIterable<Recorded> =
    Symbol.asyncIterator in events
      ? events
      : (async function* () {
          yield* events as Iterable<Recorded>
        })()
  const replayOptions: Replay.Options = {
    ...Settings.replay({ ...options, profile }, options.rules),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.readBack === undefined ? {} : { readBack: options.readBack }),
    ...(options.line === undefined ? {} : { line: options.line }),
  }
  const result =
    options.partition === undefined
      ? await Replay.run(source, replayOptions)
      : await Partition.only(source, options.partition, replayOptions)
  return pipe(
    result,
    Ei.map((r) => framed(r, options, profile)),
  )
}

/**
 * Replays a history on `workers` worker threads (`Workers.replay`) into the same report as
 * {@link build}. The rules are the policy pack's for the profile: rules given as functions
 * cannot be sent to a thread, so `rules` is refused. `signal` stops the workers (the run then
 * fails as `Workers.INTERRUPTED`).
 */
export const buildOnWorkers = async (
  input: Workers.Input,
  options: BuildOptions & Pick<Workers.Options, 'workers' | 'signal'>,
): Promise<E.Either<Workers.Failure, Report>> => {
  if (options.rules !== undefined)
    throw new Error('Report.buildOnWorkers: rules cannot be sent to worker threads')
  const profile = options.profile ?? Profile.DEFAULTS
  // the cut is the input's (`Workers.StoreInput.until`), not a setting of the workers
  const { until: _, ...settings } = options
  const result = await Workers.replay(input, { ...settings, profile })
  return pipe(
    result,
    Ei.map((r) => framed(r, options, profile)),
  )
}

/** A replay's result framed as a report: profile, counterfactual label and reproducibility stamp. */
const framed = (r: Replay.Result, options: BuildOptions, profile: Profile.Resolved): Report => {
  const whatIf = [...(options.whatIf ?? [])].sort()
  return {
    ...r,
    profile: profile.name,
    timeZone: profile.timeZone,
    counterfactual: whatIf.length > 0,
    whatIf,
    stamp: Stamp.make({
      policyPack: policyPack(options.custom),
      legalReferenceDate: LEGAL_REFERENCE_DATE,
      options: {
        asOf: iso(options.asOf),
        knownAt: iso(options.knownAt),
        from: iso(options.from),
        to: iso(options.to),
        policies: options.policies === undefined ? null : [...options.policies].sort(),
        whatIf,
        profile: profile.name,
        profileDigest: createHash('sha256').update(Envelope.canonical(profile)).digest('hex').slice(0, 16),
        // a store's cut only: the stamps of reports of files are as they were
        ...(options.until === undefined ? {} : { until: options.until }),
      },
      integrity: r.integrity,
    }),
  }
}
