/**
 * The fingerprint a process manager's checkpoint of the cases to watch is trusted under: a digest
 * of what its wake instants depend on besides the cases' histories — the rules, profile and
 * policies behind its obligations (carried by the obligations {@link obligationsFrom} makes, or
 * given), its escalation profile, and the checkpoint's version. Not the checkpoint itself
 * (`WatchState`), nor whether a stored one is usable (`watchResume`).
 */
import * as Evaluation from '../Evaluation.js'
import type { Obligations, Options } from '../ProcessManager.js'
import * as Hash from './hash.js'
import * as WatchState from './watchState.js'

/** The fingerprints of the obligations {@link obligationsFrom} made (a process manager reads them). */
const fingerprints = new WeakMap<Obligations, string>()

/**
 * A digest of what obligations depend on besides a case's history: the rules (their data, and
 * the source text and own properties of their functions: a condition's event `types`, a custom
 * policy's condition `document`), the profile and the policies selected. A process manager does
 * not trust a checkpoint saved under another one.
 */
export const fingerprintOf = (options: Pick<Evaluation.Options, 'rules' | 'profile' | 'policies'>): string =>
  Hash.hash128(
    JSON.stringify([options.rules, options.profile ?? null, options.policies ?? null], (_key, v: unknown) =>
      typeof v === 'function' ? { function: String(v), ...v } : v,
    ),
  )

/**
 * Obligations from the obligation engine with these rules, judged at each tick's `now`: those
 * of `Evaluation.evaluateCase` at `now`, through `Evaluation.judge` (the rules prepared once,
 * and no options object copied per case). It carries its {@link fingerprintOf}.
 */
export const obligationsFrom = (
  options: Pick<Evaluation.Options, 'rules' | 'profile' | 'policies'>,
): Obligations => {
  const judge = Evaluation.judge(options)
  const obligations: Obligations = (caseId, history, now) =>
    judge(caseId, history, now)?.report.obligations ?? []
  fingerprints.set(obligations, fingerprintOf(options))
  return obligations
}

/**
 * What wake instants depend on besides the histories; `null`: no checkpoint of the cases can be
 * trusted (other `obligations` with no `fingerprint`).
 */
export const watchFingerprint = (
  options: Pick<Options, 'fingerprint' | 'obligations' | 'profile'>,
): string | null => {
  const obligationsFingerprint =
    options.fingerprint ?? (options.obligations === undefined ? null : fingerprints.get(options.obligations))
  return obligationsFingerprint === undefined
    ? null
    : Hash.hash128(JSON.stringify([WatchState.VERSION, options.profile.escalation, obligationsFingerprint]))
}
