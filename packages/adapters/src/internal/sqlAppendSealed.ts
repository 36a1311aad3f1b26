/**
 * The fast append's call when the store seals (`sqlAppendFast.ts` builds the group's arrays): the
 * group sealed in JavaScript after the last seal the store remembers of each case and written by
 * `append_group_presealed` (migration 9), which checks those seals against the stored ones under the
 * lock; when one is stale, the group is sealed again after the seals it answered. A case whose
 * remembered seal was another process's lately (two processes appending to it in turn) is left to
 * the server for a while: a group holding one is written by `append_group_sealed` (migration 4's
 * function, version 8's signature), which chains every seal under the lock from the events'
 * canonical texts, in one call where sealing after a stale memory would take two.
 */
import { Integrity } from '@docket/core'
import * as LastSeals from './lastSeals.js'
import { type Context, callAppend } from './sqlContext.js'

// model

/** A group ready for the sealed functions, but for its bodies and seals. */
export interface SealedGroup {
  /** The group's case ids, in the order of `p_cases`. */
  readonly cases: ReadonlyArray<string>
  /** The parameters up to `p_recorded_at`, shared by both functions. */
  readonly params: ReadonlyArray<unknown>
  /** Each event's case, 1-based into `cases`. */
  readonly rowCases: ReadonlyArray<number>
  /** Each event's parts to seal. */
  readonly sealables: ReadonlyArray<Integrity.Sealable>
  /** Each case's partition key. */
  readonly keys: ReadonlyArray<number>
  /** Each event's `subjects` (schema version 8). */
  readonly subjects: ReadonlyArray<string | null>
}

// internal

/** Streams whose last seal a store remembers (about 150 bytes each), and contended streams it keeps. */
const REMEMBERED_STREAMS = 10_000

/** Calls of `append_group_presealed` per group: after the remembered seals, then after the stored ones it answered. */
const SEAL_ATTEMPTS = 2

/** Groups of a contended case sealed on the server before the store tries its own seals on it again. */
const CONTENDED_GROUPS = 16

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

/** The store's sealed call: the function's answer for a group (`undefined`: it declined, having written nothing). */
export const make = (ctx: Context): ((g: SealedGroup) => Promise<string | undefined>) => {
  const seals = LastSeals.make(REMEMBERED_STREAMS)

  const onServer = async (g: SealedGroup): Promise<string | undefined> => {
    const r = await callAppend(ctx, 'append_group_sealed', [
      ...g.params,
      g.sealables.map((e) => e.bodyHead).join('\u0001'),
      g.keys,
      g.sealables.map((e) => e.hashed).join('\u0001'),
      g.subjects,
    ])
    for (const c of g.cases) seals.served(c)
    return r
  }

  return async (g) => {
    if (g.cases.some(seals.contended)) return onServer(g)
    let prev: ReadonlyArray<string | null> = g.cases.map(seals.get)
    for (let attempt = 0; attempt < SEAL_ATTEMPTS; attempt++) {
      const sealed = sealAfter(g.rowCases, g.sealables, prev)
      const r = await callAppend(ctx, 'append_group_presealed', [
        ...g.params,
        sealed.bodies,
        g.keys,
        sealed.hashes,
        g.subjects,
        prev,
      ])
      if (r?.startsWith('s')) {
        // stale: another process appended (contended when the seal it replaced was this store's), or a
        // group went the checked way; sealed again after the stored last seals
        const stored = JSON.parse(r.slice(1)) as ReadonlyArray<string | null>
        for (const [i, c] of g.cases.entries())
          if (prev[i] !== null && stored[i] !== prev[i]) seals.contend(c, CONTENDED_GROUPS)
        prev = stored
        continue
      }
      for (const [i, c] of g.cases.entries()) seals.set(c, r === undefined ? null : sealed.last[i]!)
      return r
    }
    for (const c of g.cases) seals.set(c, null)
    return undefined
  }
}
