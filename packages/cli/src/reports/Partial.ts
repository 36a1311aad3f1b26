/**
 * Partial reports: one partition's share of a replay, written on one machine
 * (`docket replay --partition I/N --report partial`) and merged with the other
 * partitions' (`docket merge`) into the report a replay of the whole history
 * gives, byte for byte (`Partition`: cases never interact, so a case's result
 * depends only on its own events and on `asOf`).
 *
 * The format is JSON Lines. The first line is the {@link Header}: format and
 * version, the partition, how the report was framed (asOf, knownAt, profile,
 * counterfactual, stamp) and the partition's counts (summary, stats, integrity).
 * Then one line per case of the partition as the `json` report writes it
 * (`{"caseId":…,"obligations":…,"escalations":…,"facts":…}`), in `caseId`
 * order (code units). The last line ({@link End}) holds the SHA-256 of the
 * case lines (each with its `\n`).
 *
 * Reading ({@link open}) checks the whole file before anything is merged: the
 * header's fields, each line's JSON, the cases' order, that each case belongs
 * to the partition, that the file holds as many cases as its header says, and
 * the digest of the end line (a truncated or altered copy fails). Merging ({@link merge}) checks that the partials
 * are every partition of one split exactly once, framed alike and written by
 * this version of Docket, and settles the integrity chain head (below).
 *
 * Integrity. The chain head is folded over the whole log in read order. A
 * partition read from a file sees every event, so its header carries the
 * whole history's head (`wholeLog`), the same in every partition. A partition
 * read from a store (`readAll({ partition })`) sees only its own events: its
 * header carries how many of them are sealed, and the head must be given to
 * the merge (`docket verify --store URL` prints it) unless no event is sealed.
 */
import { CasePartition, DecodeError, type Integrity } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import { Worker } from 'node:worker_threads'
import { lines } from '../internal/fdLines.js'
import * as FileLines from '../internal/fileLines.js'
import * as Partition from '../replay/Partition.js'
import type * as Replay from '../replay/Replay.js'
import type * as Report from './Report.js'
import * as Stamp from './Stamp.js'

// model

const Count = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'non-negative integer')
const Nullable = <C extends t.Mixed>(c: C) => t.union([c, t.null])
const ChainHead = t.type({ events: Count, digest: t.string }, 'ChainHead')

/** The header line of a partial report. */
export const Header = t.type(
  {
    docket: t.literal('replay-partial'),
    version: t.literal(1),
    partition: t.type({ index: Count, count: Count }),
    /** The reader saw every event of the history (a file): `integrity` is the whole history's chain head. */
    wholeLog: t.boolean,
    asOf: t.string,
    knownAt: Nullable(t.string),
    profile: t.string,
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
const CaseLine = t.type(
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

/** A partial report read and checked ({@link open}). */
export interface Part {
  readonly file: string
  readonly header: Header
  /** The partition's result; its cases are read from the file each time they are iterated. */
  readonly result: Replay.Result
}

/** A partial report that cannot be read or merged: what is wrong, naming the file (and line). */
export interface PartialError {
  readonly _tag: 'PartialError'
  readonly message: string
}

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
    version: 1,
    partition: { index: partition.index, count: partition.count },
    wholeLog,
    asOf: report.asOf,
    knownAt: report.knownAt,
    profile: report.profile,
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

/** A partial report checked whole ({@link check}): its file, header and the file's version then. */
export interface Checked {
  readonly file: string
  readonly header: Header
  readonly version: FileLines.Version
}

/** Reads a partial report and checks every line of it (see the module header). */
export const open = (file: string): E.Either<PartialError, Part> => E.map(part)(check(file))

/** A checked partial report as a {@link Part}: its cases are read from the file, checked unchanged. */
export const part = ({ file, header, version }: Checked): Part => ({
  file,
  header,
  result: resultOf(file, version, header),
})

/** Options of {@link openAll}. */
export interface OpenAllOptions {
  /** Worker threads checking files at once (default: the machine's available parallelism). */
  readonly threads?: number
  /** Below this many bytes in all, the files are checked in this thread (default 16 MiB). */
  readonly minBytesForThreads?: number
}

/**
 * {@link open}s several partial reports, checking them at once on worker threads when they are
 * large: the same parts, or the error {@link open} gives for the first bad file in `files`'s order.
 */
export const openAll = async (
  files: ReadonlyArray<string>,
  options: OpenAllOptions = {},
): Promise<E.Either<PartialError, ReadonlyArray<Part>>> => {
  const bytes = files.reduce((n, f) => n + sizeOf(f), 0)
  const threads = Math.max(1, Math.min(files.length, options.threads ?? os.availableParallelism()))
  const checked =
    threads > 1 && bytes >= (options.minBytesForThreads ?? 16 << 20)
      ? await onThreads(files, threads)
      : files.map(check)
  return E.map((cs: ReadonlyArray<Checked>) => cs.map(part))(E.sequenceArray(checked))
}

/** Each file's {@link check}, made on at most `threads` worker threads at once, in `files`'s order. */
const onThreads = async (
  files: ReadonlyArray<string>,
  threads: number,
): Promise<ReadonlyArray<E.Either<PartialError, Checked>>> => {
  const out: Array<E.Either<PartialError, Checked>> = []
  let next = 0
  const run = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++
      out[i] = await checkOnThread(files[i]!)
    }
  }
  await Promise.all(Array.from({ length: threads }, run))
  return out
}

/** The worker's code, compiled (this module runs from `src` in the tests). */
const CHECK_WORKER = new URL('../../dist/internal/partialWorker.js', import.meta.url)

/** {@link check} of `file` on a worker thread of its own. */
const checkOnThread = (file: string): Promise<E.Either<PartialError, Checked>> =>
  new Promise((resolve, reject) => {
    const w = new Worker(CHECK_WORKER, { workerData: { file } })
    w.once('message', (m: E.Either<PartialError, Checked>) => {
      resolve(m)
      void w.terminate()
    })
    w.once('error', reject)
    w.once('exit', (code) =>
      reject(new Error(`partial check worker exited (code ${code}) before its result`)),
    )
  })

/** A file's size, 0 when it cannot be read (its check says why). */
const sizeOf = (file: string): number => {
  try {
    return fs.statSync(file).size
  } catch {
    return 0
  }
}

/** Reads a partial report and checks every line of it, without opening its cases (see {@link open}). */
export const check = (file: string): E.Either<PartialError, Checked> => {
  const fail = (message: string): E.Either<PartialError, Checked> =>
    E.left({ _tag: 'PartialError', message: `${file}: ${message}` })
  let fd: number
  try {
    fd = fs.openSync(file, 'r')
  } catch (e) {
    return fail(`cannot read it (${e instanceof Error ? e.message : String(e)})`)
  }
  try {
    const version = FileLines.versionOf(file)
    const read = partialLines(fd)
    const first = read.next()
    if (first.done === true || first.value.trim() === '') return fail('empty: not a partial report')
    const parsed = parseJson(first.value)
    if (parsed === undefined) return fail('line 1: not JSON: not a partial report')
    const decoded = Header.decode(parsed)
    if (E.isLeft(decoded))
      return fail(
        `line 1: not a partial report header: ${DecodeError.format(DecodeError.fromValidation(decoded.left))}`,
      )
    const header = decoded.right
    const { index, count } = header.partition
    if (!(count >= 1 && index < count)) return fail(`line 1: partition ${index} of ${count} does not exist`)
    let cases = 0
    let previous: string | undefined
    let line = 1
    let end: End | undefined
    const digest = createHash('sha256')
    for (const text of read) {
      line++
      if (end !== undefined) return fail(`line ${line}: a line after the end line`)
      if (text.startsWith(END_PREFIX)) {
        const decoded = End.decode(parseJson(text))
        if (E.isLeft(decoded))
          return fail(
            `line ${line}: not a partial report's end line: ${DecodeError.format(DecodeError.fromValidation(decoded.left))}`,
          )
        end = decoded.right
        continue
      }
      digest.update(`${text}\n`)
      const c = CaseLine.decode(parseJson(text))
      if (E.isLeft(c))
        return fail(
          `line ${line}: not a case of a partial report: ${DecodeError.format(DecodeError.fromValidation(c.left))}`,
        )
      const caseId = c.right.caseId
      if (idOf(text) !== caseId)
        return fail(`line ${line}: not a case of a partial report: its line must start with its caseId`)
      if (previous !== undefined && !(previous < caseId))
        return fail(
          `line ${line}: case ${JSON.stringify(caseId)} is not after ${JSON.stringify(previous)}: cases must be in caseId order, each once`,
        )
      if (CasePartition.of(caseId, count) !== index)
        return fail(
          `line ${line}: case ${JSON.stringify(caseId)} belongs to partition ${CasePartition.of(caseId, count)} of ${count}, not ${index}`,
        )
      previous = caseId
      cases++
    }
    if (cases !== header.stats.cases)
      return fail(
        `holds ${cases} cases where its header counts ${header.stats.cases}: the file is incomplete or was altered`,
      )
    if (end === undefined) return fail('no end line: the file is incomplete')
    if (digest.digest('hex') !== end.sha256)
      return fail('its cases do not match the digest of its end line: the file was altered')
    return E.right({ file, header, version })
  } catch (e) {
    // a directory, or a read that failed half-way
    return fail(`cannot read it (${e instanceof Error ? e.message : String(e)})`)
  } finally {
    fs.closeSync(fd)
  }
}

/**
 * Merges the partial reports of every partition of one split into the report of the whole
 * history (`Partition.merge`), after checking they belong together. `head` is the history's
 * integrity chain head when known from elsewhere (`docket verify`): required when the partials
 * come from a sealed store, checked against theirs otherwise.
 */
export const merge = (
  parts: ReadonlyArray<Part>,
  head?: Integrity.ChainHead,
): E.Either<PartialError, Report.Report> => {
  const fail = (message: string): E.Either<PartialError, Report.Report> =>
    E.left({ _tag: 'PartialError', message })
  const first = parts[0]
  if (first === undefined) return fail('no partial report to merge')
  const count = first.header.partition.count
  const byIndex = new Map<number, Part>()
  for (const p of parts) {
    const { index, count: n } = p.header.partition
    if (n !== count)
      return fail(
        `${p.file} is partition ${index} of ${n}, ${first.file} of ${count}: merge the partitions of one split`,
      )
    const twin = byIndex.get(index)
    if (twin !== undefined) return fail(`${twin.file} and ${p.file} are both partition ${index} of ${count}`)
    byIndex.set(index, p)
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i))
  if (missing.length > 0)
    return fail(
      `partition${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count} missing: every partition is needed`,
    )
  const own = Stamp.library()
  for (const p of parts) {
    const differs = framingDifference(first.header, p.header)
    if (differs !== undefined)
      return fail(
        `${first.file} and ${p.file} differ in ${differs}: replay every partition with the same options and version`,
      )
  }
  if (canonical(first.header.stamp.library) !== canonical(own))
    return fail(
      `${first.file} was written by docket ${describeLibrary(first.header.stamp.library)}; this is ${describeLibrary(own)}: merge with the version that replayed`,
    )
  const integrity = integrityOf(parts, head)
  if (E.isLeft(integrity)) return fail(integrity.left)
  const h = first.header
  const merged = Partition.merge(
    Array.from({ length: count }, (_, i) => byIndex.get(i)!.result),
    integrity.right,
  )
  return E.right({
    ...merged,
    profile: h.profile,
    counterfactual: h.counterfactual,
    whatIf: h.whatIf,
    stamp: { ...(h.stamp as Stamp.Stamp), integrity: integrity.right },
  })
}

/** A one-line explanation of a partial report's error. */
export const describe = (e: PartialError): string => e.message

// internal

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** A partial's lines; a line ending copied as CRLF (a transfer through another system) reads as LF. */
function* partialLines(fd: number): Generator<string> {
  for (const line of lines(fd)) yield line.endsWith('\r') ? line.slice(0, -1) : line
}

const PREFIX = '{"caseId":"'

/** How the end line starts (a case line starts with {@link PREFIX}). */
const END_PREFIX = '{"docket":"replay-partial-end"'

/** The case id a case line starts with (`{"caseId":"…"`), read without parsing the rest. */
const idOf = (line: string): string | undefined => {
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

/** The partition's result; its cases re-read from the file (checked unchanged) at each iteration. */
const resultOf = (file: string, version: FileLines.Version, h: Header): Replay.Result => {
  function* caseLines(): Generator<string> {
    if (!FileLines.sameVersion(fs.statSync(file), version))
      throw new Error(`${file} changed since it was checked: merge it again`)
    const fd = fs.openSync(file, 'r')
    try {
      const read = partialLines(fd)
      read.next()
      // the case lines: as many as the header counts, the end line after them
      for (let i = 0; i < h.stats.cases; i++) {
        const next = read.next()
        if (next.done === true) throw new Error(`${file} changed since it was checked: merge it again`)
        yield next.value
      }
    } finally {
      fs.closeSync(fd)
    }
  }
  return {
    asOf: h.asOf,
    knownAt: h.knownAt,
    cases: {
      *[Symbol.iterator]() {
        for (const line of caseLines()) yield JSON.parse(line) as Replay.CaseResult
      },
    },
    casesJson: {
      *[Symbol.iterator]() {
        for (const line of caseLines()) yield [idOf(line)!, line] as const
      },
    },
    summary: h.summary,
    stats: h.stats,
    integrity: h.integrity,
  }
}

/** `.key` of the first key in which two objects differ (`stamp.options.until`), or nothing. */
const keyDifference = (a: unknown, b: unknown): string => {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return ''
  const x = a as Record<string, unknown>
  const y = b as Record<string, unknown>
  const key = [...new Set([...Object.keys(x), ...Object.keys(y)])]
    .sort()
    .find((k) => canonical(x[k]) !== canonical(y[k]))
  return key === undefined ? '' : `.${key}`
}

/** The first field in which two partials' framing differs, if any (the integrity head aside). */
const framingDifference = (a: Header, b: Header): string | undefined => {
  const fields = ['asOf', 'knownAt', 'profile', 'providerType', 'counterfactual', 'whatIf'] as const
  for (const f of fields) if (canonical(a[f]) !== canonical(b[f])) return f
  const stampFields = ['library', 'policyPack', 'legalReferenceDate', 'tzdata', 'options'] as const
  for (const f of stampFields)
    if (canonical(a.stamp[f]) !== canonical(b.stamp[f]))
      return `stamp.${f}${keyDifference(a.stamp[f], b.stamp[f])}`
  if (a.wholeLog && b.wholeLog && canonical(a.integrity) !== canonical(b.integrity))
    return 'integrity (the histories they were read from differ)'
  return undefined
}

/**
 * The whole history's chain head: a whole-log reader's (every partial read from a file carries
 * it), else `head`, which partitions read from a store need when any of their events is sealed.
 */
const integrityOf = (
  parts: ReadonlyArray<Part>,
  head: Integrity.ChainHead | undefined,
): E.Either<string, Integrity.ChainHead | null> => {
  const whole = parts.find((p) => p.header.wholeLog)
  const sealed = parts.reduce((n, p) => n + (p.header.wholeLog ? 0 : (p.header.integrity?.events ?? 0)), 0)
  const known: Integrity.ChainHead | null | undefined =
    whole !== undefined ? whole.header.integrity : sealed === 0 ? null : head
  if (known === undefined)
    return E.left(
      `the partitions were read from a store holding ${sealed} sealed events: give the chain head of the whole history with --head <events>:<digest> (docket verify --store URL prints it)`,
    )
  if (head !== undefined && canonical(head) !== canonical(known))
    return E.left(
      `--head ${head.events}:${head.digest} is not the chain head of the history the partitions were read from (${known === null ? 'no sealed event' : `${known.events}:${known.digest}`})`,
    )
  if (whole === undefined && known !== null && known.events !== sealed)
    return E.left(
      `--head counts ${known.events} sealed events, the partitions ${sealed}: the head is of another history, or a partition is of another store`,
    )
  return E.right(known)
}

const canonical = (u: unknown): string => JSON.stringify(u)

const describeLibrary = (l: Stamp.Stamp['library']): string =>
  `cli ${l.cli}, core ${l.core}, policies ${l.policies}`
