/**
 * The fast append: a whole group written by one call of the schema's `append_group` function
 * (migration 2), one statement and one round trip, which takes the store's lock, checks every
 * expected revision, inserts the events and sends the NOTIFY; a sealing store calls its sealed
 * functions instead (`sqlAppendSealed.ts`). It is only for the usual group, whose ids are all new: it
 * declines (writing nothing) when an id repeats in the group or is already stored, or a revision
 * does not hold, and the group is then written by the checked writer (`sqlAppendGroup.ts`), which
 * tells each append why.
 */
import { CasePartition, type EventStore, type Integrity } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import * as Migrations from './migrations.js'
import { instantText } from './sql.js'
import type { Outcome, Pending } from './sqlAppendGroup.js'
import * as Sealed from './sqlAppendSealed.js'
import { type Context, callAppend } from './sqlContext.js'

// constructors

/**
 * The usual group in one statement, one round trip (`append_group`, migration 2): every event id new to
 * the group and to the store, every expected revision holding. `undefined` when the function declined
 * (it then wrote nothing) or the group repeats an id: the caller runs the checked path instead.
 */
export const fast = (
  ctx: Context,
): ((group: ReadonlyArray<Pending>) => Promise<ReadonlyArray<Outcome> | undefined>) => {
  const { seal, appendKey, channel } = ctx
  const appendSealed = Sealed.make(ctx)

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
          // its text up to the seal: the seal, last in meta, names no subject and holds nothing the checks look for
          rows.subjects.push(Migrations.subjectsColumn(e.type, text.bodyHead, e))
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
      ? await appendSealed({
          cases,
          params,
          rowCases: rows.case,
          sealables: rows.sealables,
          keys,
          subjects: rows.subjects,
        })
      : await callAppend(ctx, 'append_group', [...params, rows.body, keys, rows.subjects])
    if (r === undefined) return undefined
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
