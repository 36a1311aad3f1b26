/**
 * The fast append: a whole group written by one call of the schema's `append_group` function
 * (`append_group_sealed` when sealing; migration 2), one statement and one round trip, which takes
 * the store's lock, checks every expected revision, inserts the events and sends the NOTIFY. A sealing
 * store seals the group here, after the last seals it remembers of its streams (`lastSeals.ts`), and
 * the function (`append_group_presealed`) checks them: when one is stale it answers the stored ones and
 * the group is sealed again after them. It is only for the usual group, whose ids are all new: it declines (writing nothing) when an id repeats
 * in the group or is already stored, or a revision does not hold, and the group is then written by
 * the checked writer (`sqlAppendGroup.ts`), which tells each append why.
 */
import { CasePartition, type EventStore } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import { Integrity } from '@docket/core'
import * as LastSeals from './lastSeals.js'
import * as Migrations from './migrations.js'
import { instantText } from './sql.js'
import type { Outcome, Pending } from './sqlAppendGroup.js'
import type { Context } from './sqlContext.js'

// internal

/** Streams whose last seal a store remembers (about 150 bytes each). */
const REMEMBERED_STREAMS = 10_000

/** Calls of the sealed function per group: after the remembered heads, then after the stored ones it answered. */
const SEAL_ATTEMPTS = 2

/**
 * The group's sealed bodies and seals, each event chained after its case's previous one, the first
 * of each case after `prev` (indexed by case, as `cases` is 1-based), and each case's last seal.
 */
const sealAfter = (
  cases: ReadonlyArray<number>,
  sealables: ReadonlyArray<Integrity.Sealable>,
  prev: ReadonlyArray<string | null>,
): {
  readonly bodies: string
  readonly hashes: ReadonlyArray<string>
  readonly last: ReadonlyArray<string | null>
} => {
  const last = [...prev]
  const bodies: string[] = []
  const hashes: string[] = []
  for (const [i, e] of sealables.entries()) {
    const c = cases[i]! - 1
    const sealed = Integrity.sealedBody(e, last[c] ?? null)
    bodies.push(sealed.body)
    hashes.push(sealed.hash)
    last[c] = sealed.hash
  }
  // one text joined by U+0001, which JSON text never holds (no array escaping)
  return { bodies: bodies.join('\u0001'), hashes, last }
}

// constructors

/**
 * The usual group in one statement, one round trip (`append_group`, migration 2): every event id new to
 * the group and to the store, every expected revision holding. `undefined` when the function declined
 * (it then wrote nothing) or the group repeats an id: the caller runs the checked path instead.
 */
export const fast = (
  ctx: Context,
): ((group: ReadonlyArray<Pending>) => Promise<ReadonlyArray<Outcome> | undefined>) => {
  const { sql, s, seal, appendKey, channel } = ctx
  const lastSeals = LastSeals.make(REMEMBERED_STREAMS)

  /** The sealed function's answer for the group (`undefined`: it declined), sealed after each case's last seal. */
  const appendSealed = async (
    cases: ReadonlyArray<string>,
    params: ReadonlyArray<unknown>,
    rowCases: ReadonlyArray<number>,
    sealables: ReadonlyArray<Integrity.Sealable>,
    keys: ReadonlyArray<number>,
    subjects: ReadonlyArray<string | null>,
  ): Promise<string | undefined> => {
    let prev: ReadonlyArray<string | null> = cases.map(lastSeals.get)
    for (let attempt = 0; attempt < SEAL_ATTEMPTS; attempt++) {
      const sealed = sealAfter(rowCases, sealables, prev)
      const answer = await sql.query<{ r: string | null }>(
        `SELECT ${s}.append_group_presealed($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) AS r`,
        [...params, sealed.bodies, keys, sealed.hashes, subjects, prev],
      )
      const r = answer[0]?.r ?? undefined
      if (r?.startsWith('s')) {
        // another process appended, or a group went the checked way: the stored last seals
        prev = JSON.parse(r.slice(1)) as ReadonlyArray<string | null>
        continue
      }
      for (const [i, c] of cases.entries()) lastSeals.set(c, r === undefined ? null : sealed.last[i]!)
      return r
    }
    for (const c of cases) lastSeals.set(c, null)
    return undefined
  }

  const appendFast = async (
    group: ReadonlyArray<Pending>,
  ): Promise<ReadonlyArray<E.Either<EventStore.StoreError, EventStore.AppendResult>> | undefined> => {
    const seen = new Set<string>()
    const caseIndex = new Map<string, number>()
    const counts: number[] = []
    const keys: number[] = []
    const appends = { case: [] as number[], expected: [] as number[], prior: [] as number[] }
    const rows = {
      case: [] as number[],
      offset: [] as number[],
      id: [] as string[],
      type: [] as string[],
      occurredAt: [] as string[],
      recordedAt: [] as string[],
      body: [] as string[],
      sealables: [] as Integrity.Sealable[],
      subjects: [] as Array<string | null>,
    }
    for (const p of group) {
      const x = p.expected
      if (typeof x === 'number' && !(Number.isSafeInteger(x) && x >= 0)) return undefined
      let c = caseIndex.get(p.caseId)
      if (c === undefined) {
        c = caseIndex.size + 1
        caseIndex.set(p.caseId, c)
        counts.push(0)
        keys.push(CasePartition.key(p.caseId))
      }
      appends.case.push(c)
      appends.expected.push(x === 'any' ? -1 : x === 'no_stream' ? -2 : x)
      appends.prior.push(counts[c - 1]!)
      for (const [k, e] of p.batch.entries()) {
        if (seen.has(e.id)) return undefined
        seen.add(e.id)
        rows.case.push(c)
        rows.offset.push(counts[c - 1]!++)
        rows.id.push(e.id)
        rows.type.push(e.type)
        rows.occurredAt.push(instantText(e.occurredAt))
        rows.recordedAt.push(instantText(e.recordedAt))
        const text = p.texts[k]!
        if (typeof text === 'string') {
          rows.body.push(text)
          rows.subjects.push(Migrations.subjectsColumn(e.type, text, e))
        } else {
          rows.sealables.push(text)
          // the seal, last in meta, names no subject
          rows.subjects.push(Migrations.subjectsColumn(e.type, `${text.bodyHead}0}}`, e))
        }
      }
    }
    const cases = [...caseIndex.keys()]
    const params = [
      appendKey,
      channel,
      cases,
      appends.case,
      appends.expected,
      appends.prior,
      rows.case,
      rows.offset,
      rows.id,
      rows.type,
      rows.occurredAt,
      rows.recordedAt,
    ]
    const r = seal
      ? await appendSealed(cases, params, rows.case, rows.sealables, keys, rows.subjects)
      : (
          await sql.query<{ r: string | null }>(
            `SELECT ${s}.append_group($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) AS r`,
            [...params, rows.body, keys, rows.subjects],
          )
        )[0]?.r
    if (r === null || r === undefined) return undefined
    const [head, ...lasts] = r.split(',')
    let position = BigInt(head!)
    return group.map((p, i) => {
      position += BigInt(p.batch.length)
      const revision = Number(lasts[appends.case[i]! - 1]) + appends.prior[i]! + p.batch.length
      return E.right({ revision, appended: p.batch.length, position: position.toString() })
    })
  }
  return appendFast
}
