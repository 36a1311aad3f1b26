/**
 * The merge of partial reports: checks that the partials are every partition of one split
 * exactly once, framed alike and written by this version of Docket, settles the integrity chain
 * head (see `Partial`) and merges their results into the report of the whole history. Not the
 * check of each file, made before (`PartialCheck`).
 */
import type { Integrity } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import * as Partition from '../replay/Partition.js'
import type { Part, PartialError } from './Partial.js'
import type { Header } from './PartialFormat.js'
import type * as Report from './Report.js'
import * as Stamp from './Stamp.js'

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
    timeZone: h.timeZone,
    counterfactual: h.counterfactual,
    whatIf: h.whatIf,
    stamp: { ...(h.stamp as Stamp.Stamp), integrity: integrity.right },
  })
}
// internal

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
  const fields = [
    'asOf',
    'knownAt',
    'profile',
    'timeZone',
    'providerType',
    'counterfactual',
    'whatIf',
  ] as const
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
