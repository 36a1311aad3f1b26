/**
 * The check of a partial report: reads a file whole and checks every line of it (the header's
 * fields, each line's JSON, the cases' order and partition, their count, the end line's digest)
 * before anything is merged, and gives a checked file's result, its cases re-read from the file
 * when iterated. Not the format of the lines (`PartialFormat`), nor checking many files on
 * worker threads (`PartialThreads`).
 */
import { CasePartition, DecodeError } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as FileLines from '../internal/fileLines.js'
import type * as Replay from '../replay/Replay.js'
import type { Part, PartialError } from './Partial.js'
import {
  CaseLine,
  End,
  END_PREFIX,
  FORMAT_VERSION,
  Header,
  idOf,
  parseJson,
  partialLines,
} from './PartialFormat.js'

/** A partial report checked whole ({@link check}): its file, header and the file's version then. */
export interface Checked {
  readonly file: string
  readonly header: Header
  readonly version: FileLines.Version
}
/** A checked partial report as a {@link Part}: its cases are read from the file, checked unchanged. */
export const part = ({ file, header, version }: Checked): Part => ({
  file,
  header,
  result: resultOf(file, version, header),
})
/**
 * What to say of a partial report header of another format version (written by another docket), so
 * that merging it says which docket to use rather than which field its header lacks.
 */
const otherFormat = (parsed: unknown): string | undefined => {
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const h = parsed as { docket?: unknown; version?: unknown; stamp?: { library?: { cli?: unknown } } }
  if (h.docket !== 'replay-partial' || h.version === FORMAT_VERSION) return undefined
  const cli = h.stamp?.library?.cli
  const by = typeof cli === 'string' ? `docket cli ${cli}` : 'another docket'
  return `a partial report of format ${JSON.stringify(h.version)}, written by ${by}; this docket merges format ${FORMAT_VERSION}: replay every partition with the docket that merges`
}

/** Reads a partial report and checks every line of it, without opening its cases (see `Partial.open`). */
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
    const older = otherFormat(parsed)
    if (older !== undefined) return fail(`line 1: ${older}`)
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
      const json = parseJson(text)
      // most often a copy cut short in the middle of a line (an interrupted transfer)
      if (json === undefined)
        return fail(
          `line ${line}: not JSON, so not a case of a partial report: the file is cut short or was altered`,
        )
      const c = CaseLine.decode(json)
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
