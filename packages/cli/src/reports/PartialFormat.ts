/**
 * The partial report's format: its lines as the module `Partial` describes them (the header,
 * the case lines, the end line), their codecs, how a partition's report is written as those
 * lines ({@link pieces}) and how a line is recognised without parsing it whole. Not the check of
 * a whole file (`PartialCheck`), nor the merge (`PartialMerge`).
 */
import type { CasePartition } from '@docket/core'
import * as t from 'io-ts'
import { createHash } from 'node:crypto'
import { lines } from '../internal/fdLines.js'
import type * as Report from './Report.js'

// model

const Count = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'non-negative integer')
const Nullable = <C extends t.Mixed>(c: C) => t.union([c, t.null])
const ChainHead = t.type({ events: Count, digest: t.string }, 'ChainHead')

/**
 * The partial report format this docket writes and merges: 2 since the header carries the profile's
 * `timeZone` (version 1 had none).
 */
export const FORMAT_VERSION = 2

/** The header line of a partial report. */
export const Header = t.type(
  {
    docket: t.literal('replay-partial'),
    version: t.literal(FORMAT_VERSION),
    partition: t.type({ index: Count, count: Count }),
    /** The reader saw every event of the history (a file): `integrity` is the whole history's chain head. */
    wholeLog: t.boolean,
    asOf: t.string,
    knownAt: Nullable(t.string),
    profile: t.string,
    /** The profile's time zone (`Report.timeZone`). */
    timeZone: t.string,
    /** The profile's provider type (`vlop` or `vlose` changes the default `--period` of dsa-transparency). */
    providerType: Nullable(t.string),
    counterfactual: t.boolean,
    whatIf: t.array(t.string),
    stamp: t.type({
      library: t.type({ cli: t.string, core: t.string, policies: t.string }),
      policyPack: t.array(t.type({ id: t.string, version: t.string })),
      legalReferenceDate: Nullable(t.string),
      tzdata: Nullable(t.string),
      options: t.UnknownRecord,
      integrity: Nullable(ChainHead),
    }),
    summary: t.type({
      obligations: Count,
      met: Count,
      met_late: Count,
      breached: Count,
      pending: Count,
      waived: Count,
      paused: Count,
      internalBreached: Count,
      targetsMissed: Count,
    }),
    stats: t.type({
      events: Count,
      unknownAtKnownAt: Count,
      cases: Count,
      dropped: Count,
      reopened: Count,
      maxOpenCases: Count,
    }),
    /** The whole history's chain head when `wholeLog`; else that of the partition's own sealed events. */
    integrity: Nullable(ChainHead),
  },
  'PartialHeader',
)

/** The header line of a partial report. */
export type Header = t.TypeOf<typeof Header>

/**
 * A case line's shape as far as the merge relies on it: the case id, and its obligations,
 * escalations and facts as the renderers take them (arrays of objects, an object). A partial is
 * as trustworthy as the machine that wrote it: the end line's digest catches a corrupted copy,
 * not a forged one.
 */
export const CaseLine = t.type(
  {
    caseId: t.string,
    obligations: t.array(t.UnknownRecord),
    escalations: t.array(t.UnknownRecord),
    facts: t.UnknownRecord,
  },
  'PartialCase',
)

/** The last line of a partial report: the SHA-256 (hex) of its case lines, each with its newline. */
export const End = t.strict({ docket: t.literal('replay-partial-end'), sha256: t.string }, 'PartialEnd')

/** The last line of a partial report. */
export type End = t.TypeOf<typeof End>
// operations

/**
 * The partial report of one partition, in pieces (a header line, then a line per case).
 * `wholeLog` says whether the replay read every event of the history (a file) or only the
 * partition's (a store's `readAll({ partition })`).
 */
export function* pieces(
  report: Report.Report,
  partition: CasePartition.Partition,
  wholeLog: boolean,
  providerType: string | null,
): Generator<string> {
  const header: Header = {
    docket: 'replay-partial',
    version: FORMAT_VERSION,
    partition: { index: partition.index, count: partition.count },
    wholeLog,
    asOf: report.asOf,
    knownAt: report.knownAt,
    profile: report.profile,
    timeZone: report.timeZone,
    providerType,
    counterfactual: report.counterfactual,
    whatIf: [...report.whatIf],
    stamp: report.stamp as Header['stamp'],
    summary: report.summary,
    stats: report.stats,
    integrity: report.integrity,
  }
  yield `${JSON.stringify(header)}\n`
  const digest = createHash('sha256')
  for (const [, json] of report.casesJson) {
    const line = `${json}\n`
    digest.update(line)
    yield line
  }
  yield `${JSON.stringify({ docket: 'replay-partial-end', sha256: digest.digest('hex') } satisfies End)}\n`
}
// internal

/** The JSON a line holds, or `undefined` when it is not JSON. */
export const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** A partial's lines; a line ending copied as CRLF (a transfer through another system) reads as LF. */
export function* partialLines(fd: number): Generator<string> {
  for (const line of lines(fd)) yield line.endsWith('\r') ? line.slice(0, -1) : line
}

const PREFIX = '{"caseId":"'

/** How the end line starts (a case line starts with {@link PREFIX}). */
export const END_PREFIX = '{"docket":"replay-partial-end"'

/** The case id a case line starts with (`{"caseId":"…"`), read without parsing the rest. */
export const idOf = (line: string): string | undefined => {
  if (!line.startsWith(PREFIX)) return undefined
  let i = PREFIX.length
  while (i < line.length) {
    const c = line.charCodeAt(i)
    if (c === 92) i += 2
    else if (c === 34) return parseJson(line.slice(PREFIX.length - 1, i + 1)) as string | undefined
    else i++
  }
  return undefined
}
