/**
 * Test support: events built and decoded like real input (so a malformed
 * fixture fails loudly), and one call into the engine with the package's
 * rules. Used by the tests beside each policy module; not exported.
 */
import { type DocketEvent, Envelope, Evaluation, type Obligation, Profile, Timestamp } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import * as Policy from '../Policy.js'

let counter = 0

/** A decoded event of `type` at `occurredAt` (ISO with offset) in case `c-1` unless `caseId` is given. */
export const ev = (
  type: string,
  occurredAt: string,
  data: Readonly<Record<string, unknown>>,
  extra: { readonly id?: string; readonly caseId?: string } = {},
): DocketEvent => {
  counter++
  const raw = {
    id: extra.id ?? `e-${String(counter).padStart(4, '0')}`,
    type,
    caseId: extra.caseId ?? 'c-1',
    occurredAt,
    data,
  }
  const d = Envelope.decode(raw)
  if (E.isLeft(d)) throw new Error(`bad fixture ${JSON.stringify(raw)}: ${JSON.stringify(d.left)}`)
  return d.right
}

/** A report with sensible defaults. */
export const report = (
  occurredAt: string,
  data: Readonly<Record<string, unknown>>,
  extra: { readonly id?: string; readonly caseId?: string } = {},
): DocketEvent =>
  ev(
    'ContentReported',
    occurredAt,
    {
      reportId: extra.id ?? 'r-1',
      channel: 'web_form',
      content: { ref: 'post:1', kind: 'image' },
      ...data,
    },
    extra,
  )

/** An authority request. */
export const request = (
  occurredAt: string,
  data: Readonly<Record<string, unknown>>,
  extra: { readonly id?: string; readonly caseId?: string } = {},
): DocketEvent =>
  ev('AuthorityRequestReceived', occurredAt, { requestId: 'q-1', authority: 'A', ...data }, extra)

/** Options of a run. */
export interface RunOptions {
  readonly asOf?: string
  readonly profile?: Profile.Profile
  readonly whatIf?: ReadonlyArray<string>
  readonly policies?: ReadonlyArray<string>
  readonly rules?: ReadonlyArray<Policy.Rule>
}

/** Runs the engine over the events with every rule of the package (for the profile). */
export const run = (
  events: ReadonlyArray<DocketEvent>,
  o: RunOptions = {},
): ReadonlyArray<Obligation.Obligation> => {
  const profile = Profile.resolve(o.profile ?? {})
  const report = Evaluation.evaluate(events, {
    rules: o.rules ?? Policy.forProfile(profile),
    profile,
    ...(o.asOf === undefined ? {} : { asOf: o.asOf }),
    ...(o.whatIf === undefined ? {} : { whatIf: o.whatIf }),
    ...(o.policies === undefined ? {} : { policies: o.policies }),
  })
  return report.cases.flatMap((c) => c.obligations)
}

/** The obligations of one rule (`policy/rule`). */
export const of = (
  obligations: ReadonlyArray<Obligation.Obligation>,
  id: string,
): ReadonlyArray<Obligation.Obligation> => obligations.filter((o) => `${o.policy}/${o.rule}` === id)

/** The single obligation of one rule; throws when there is not exactly one. */
export const one = (obligations: ReadonlyArray<Obligation.Obligation>, id: string): Obligation.Obligation => {
  const found = of(obligations, id)
  if (found.length !== 1) {
    throw new Error(`expected one ${id}, got ${found.length}: ${obligations.map((o) => o.id).join(', ')}`)
  }
  return found[0]!
}

/** The same instant moved by `ms` milliseconds, as UTC ISO. */
export const plus = (iso: string, ms: number): string => Timestamp.format(Date.parse(iso) + ms, 0)

/** One hour, in ms. */
export const HOUR = 3_600_000
