/**
 * Settings: what a replay of the policy pack needs, as plain data (the
 * profile, the instants, the policy selection, the memory budgets), and the
 * evaluation and replay options they bind. Plain data so that a worker thread
 * can receive them (`Workers`) and bind the same options as the thread that
 * reads the input (`Report.build`). Rules given as functions are not settings:
 * the rules are the pack's for the profile unless the caller passes others.
 */
import { type ClockRule, Escalation, type Evaluation, type Profile } from '@docket/core'
import { Custom, Policy } from '@docket/policies'
import * as Replay from './Replay.js'

// model

/** A replay's settings (every field but `profile` optional, as in `Report.BuildOptions`). */
export interface Settings {
  readonly profile: Profile.Resolved
  readonly asOf?: string
  readonly knownAt?: string
  readonly from?: string
  readonly to?: string
  readonly policies?: ReadonlyArray<string>
  readonly whatIf?: ReadonlyArray<string>
  /** Directory for the temporary files (`Replay.Options.spillDir`). */
  readonly spillDir?: string
  readonly maxOpenCases?: number
  /** Finished cases' results held in memory before a sorted run goes to disk (`Replay.Options`). */
  readonly maxDoneCases?: number
  /** Check `recordedAt` order within each case (default true; false for a store's global order). */
  readonly checkOrder?: boolean
  /**
   * The platform's own policies, as decoded documents (`Custom.Document`, plain data a worker
   * can receive), run beside the statutes (`docket … --custom-policy FILE`).
   */
  readonly custom?: ReadonlyArray<Custom.Document>
}

// operations

/** The policies a replay runs: the statutes (`Policy.all`) and the custom documents, compiled. */
export const policies = (custom: ReadonlyArray<Custom.Document> = []): ReadonlyArray<Policy.Policy> =>
  custom.length === 0 ? Policy.all : [...Policy.all, ...custom.map(Custom.compile)]

/** The core evaluation options: `rules` (default: the pack's for the profile) with core's escalation hook. */
export const evaluation = (s: Settings, rules?: ReadonlyArray<ClockRule.Rule>): Evaluation.Options => ({
  rules: rules ?? Policy.forProfile(s.profile, policies(s.custom)),
  profile: s.profile,
  escalate: Escalation.escalate,
  ...(s.knownAt === undefined ? {} : { knownAt: s.knownAt }),
  ...(s.from === undefined ? {} : { from: s.from }),
  ...(s.to === undefined ? {} : { to: s.to }),
  ...(s.policies === undefined ? {} : { policies: s.policies }),
  ...(s.whatIf === undefined ? {} : { whatIf: s.whatIf }),
})

/** The replay's options, evaluating with {@link evaluation}. */
export const replay = (s: Settings, rules?: ReadonlyArray<ClockRule.Rule>): Replay.Options => ({
  evaluate: Replay.fromCore(evaluation(s, rules)),
  ...(s.asOf === undefined ? {} : { asOf: s.asOf }),
  ...(s.knownAt === undefined ? {} : { knownAt: s.knownAt }),
  ...(s.spillDir === undefined ? {} : { spillDir: s.spillDir }),
  ...(s.maxOpenCases === undefined ? {} : { maxOpenCases: s.maxOpenCases }),
  ...(s.maxDoneCases === undefined ? {} : { maxDoneCases: s.maxDoneCases }),
  ...(s.checkOrder === undefined ? {} : { checkOrder: s.checkOrder }),
})
