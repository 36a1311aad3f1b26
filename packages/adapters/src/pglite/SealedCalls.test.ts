/**
 * Which sealed append function a sealing store calls, and how often (schema version 9): one call of
 * `append_group_presealed` when its memory of the case's last seal holds, two when another store
 * moved it, and, once two stores take turns on a case, one call of `append_group_sealed` (the server
 * chains) for the next groups of that case. Every chain verifies whichever way it was written.
 */
import { Integrity, type Recorded } from '@docket/core'
import { ok, testEvent } from '@docket/core/testing'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, describe, expect, it } from 'vitest'
import * as PgliteEventStore from './PgliteEventStore.js'

const db = await PGlite.create()
afterAll(() => db.close())

/** `db` as one store sees it, recording the append function each of its statements calls. */
const counted = (calls: string[]): PGlite =>
  new Proxy(db, {
    get: (target, key) => {
      if (key === 'query')
        return (text: string, ...rest: unknown[]) => {
          const f = /\.(append_group\w*)\(/.exec(text)?.[1]
          if (f !== undefined) calls.push(f)
          return (target.query as (...a: unknown[]) => unknown)(text, ...rest)
        }
      const v = Reflect.get(target, key, target) as unknown
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
    },
  })

let n = 0
const event = (caseId: string): Recorded => testEvent(caseId, n++, { id: `e${n}` } as Partial<Recorded>)

describe('the sealed append functions a sealing PGlite store calls', () => {
  it('seals after its memory, again after a stale one, and leaves a case two stores share to the server', async () => {
    const schema = `sealed_calls_${process.pid}`
    const a: string[] = []
    const b: string[] = []
    const first = await PgliteEventStore.make(counted(a), { schema, seal: true })
    const second = await PgliteEventStore.make(counted(b), { schema, seal: true })
    /** The append functions one append of an event to `caseId` called. */
    const calls = async (store: typeof first, log: string[], caseId: string): Promise<string[]> => {
      const before = log.length
      await ok(store.append(caseId, [event(caseId)], 'any'))
      return log.slice(before)
    }
    try {
      expect(await calls(first, a, 'c')).toEqual(['append_group_presealed']) // a new stream: null holds
      expect(await calls(first, a, 'c')).toEqual(['append_group_presealed']) // its own last seal holds
      // the second store does not know c: stale once, then sealed after the stored seal
      expect(await calls(second, b, 'c')).toEqual(['append_group_presealed', 'append_group_presealed'])
      // the first store's memory is now another's: stale, and c is contended for it
      expect(await calls(first, a, 'c')).toEqual(['append_group_presealed', 'append_group_presealed'])
      expect(await calls(first, a, 'c')).toEqual(['append_group_sealed'])
      expect(await calls(second, b, 'c')).toEqual(['append_group_presealed', 'append_group_presealed'])
      expect(await calls(second, b, 'c')).toEqual(['append_group_sealed'])
      // another case of the same store is sealed in JavaScript as before
      expect(await calls(first, a, 'd')).toEqual(['append_group_presealed'])
      const report = await Integrity.verify(first.readAll())
      expect(report.failure).toBeNull()
      expect(report.events).toBe(8)
    } finally {
      await first.close()
      await second.close()
      await db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    }
  })
})
