/**
 * What the summary's `internalBreached` counts, told apart by what each clock stands on
 * (`Report.basis`): obligations whose due time the law gives no number, past the internal target
 * the profile set for them. Most are statutory duties ("statutory duty; deadline an internal
 * target": 18 U.S.C. § 2258A's report "as soon as reasonably possible"), some keep a statutory
 * exemption, others are the platform's own rules. None is a statutory breach, and a duty's is not
 * an internal rule's either: the `md` and `html` summaries say which. Counted with the predicate
 * `Evaluation.summarise` counts `internalBreached` by (`Obligation.isPastInternalTarget`), so the
 * parts add up to it.
 */
import { Obligation } from '@docket/core'
import type * as Replay from '../replay/Replay.js'
import * as Report from './Report.js'

// model

/** Obligations past their internal target, by basis. */
export interface Counts {
  /** Duties the law imposes with no number ("statutory duty; deadline an internal target"). */
  duty: number
  /** Conditions of a statutory exemption ("condition of a statutory exemption; deadline an internal target"). */
  condition: number
  /** The platform's own rules ("internal rule"), a custom policy's included. */
  rule: number
}

// constructors

/** No obligation counted yet. */
export const empty = (): Counts => ({ duty: 0, condition: 0, rule: 0 })

// operations

/** Adds the case's obligations past their internal target to `counts`. */
export const add = (counts: Counts, c: Pick<Replay.CaseResult, 'obligations'>): void => {
  for (const o of c.obligations) {
    if (!Obligation.isPastInternalTarget(o)) continue
    const b = Report.basis(o)
    if (b === 'internal rule') counts.rule++
    else if (b === 'condition of a statutory exemption; deadline an internal target') counts.condition++
    else counts.duty++
  }
}

const of = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`

/** The summary's column heads for `internalBreached` and `targetsMissed`. */
export const HEADS = ['past internal target', 'targets missed'] as const

/** The sentence under the summary saying what its internal-target columns count, in plain text. */
export const words = (counts: Counts): string =>
  'Past internal target (json summary.internalBreached): clocks whose deadline the law gives no number, ' +
  "past the profile's internal target; never a statutory breach. Of these, " +
  `${of(counts.duty, 'is a statutory duty', 'are statutory duties')} (deadline an internal target, such as 18 U.S.C. § 2258A's report "as soon as reasonably possible"), ` +
  `${of(counts.condition, 'a condition', 'conditions')} of a statutory exemption, ` +
  `${of(counts.rule, 'an internal rule', 'internal rules')}. ` +
  'Targets missed (targetsMissed): internal targets set inside a legal limit, missed.'
