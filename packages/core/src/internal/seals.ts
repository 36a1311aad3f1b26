/**
 * Seals, the pure half of `Integrity`: the SHA-256 hash of an event's stored
 * form chained to its stream's previous seal, the parts a store needs to seal
 * inside its own append, and the global digest that folds every seal in log
 * order. No store and no I/O here: the sealing wrapper is `sealedStore.ts`,
 * verification and checkpoints are in `Integrity.ts`, which exports all of it.
 */
import { hash } from 'node:crypto'
import { canonical, type Recorded } from '../Envelope.js'
import type { ChainHead, Seal } from '../Integrity.js'

/** The digest before any seal is folded. */
export const GENESIS = '0'.repeat(64)

/** SHA-256 hex of the UTF-8 bytes of `s`: the one-shot `crypto.hash` (Node 20.12), a third of `createHash`'s cost on a short text. */
const sha256 = (s: string): string => hash('sha256', s, 'hex')

/** The event without its seal (`meta.integrity`), as its seal hashes it. */
export const withoutSeal = (e: Recorded): Recorded => {
  if (e.meta === undefined || !('integrity' in e.meta)) return e
  const { integrity: _drop, ...meta } = e.meta
  return { ...e, meta: Object.keys(meta).length === 0 ? undefined : meta } as Recorded
}

/** A seal's hash: of the canonical JSON of the unsealed event, after the previous seal's hash. */
const chained = (prev: string | null, hashed: string): string => sha256(`${prev ?? ''}\n${hashed}`)

/** The seal an event gets after `prev` (the stored form is hashed, so encrypted fields are hashed encrypted). */
export const sealOf = (e: Recorded, prev: string | null): Seal => ({
  alg: 'sha256',
  prev,
  hash: chained(prev, canonical(withoutSeal(e))),
})

/** The seal stored on an event, if any. */
export const sealFrom = (e: Recorded): Seal | undefined => {
  const s = e.meta?.integrity as Seal | undefined
  return s !== undefined && typeof s === 'object' && typeof s.hash === 'string' ? s : undefined
}

/**
 * The event with its seal after `prev`. `meta` is its last key, so that its JSON ends with the seal:
 * `JSON.stringify(seal(e, prev))` is the `body` {@link sealedBody} gives (what a store sealing inside
 * its own append writes).
 */
export const seal = (e: Recorded, prev: string | null): Recorded => {
  const bare = withoutSeal(e)
  const { meta, ...rest } = bare
  return { ...rest, meta: { ...meta, integrity: sealOf(bare, prev) } } as Recorded
}

/**
 * What a store needs to seal an event inside its own append, once it holds the stream's head under
 * its lock (the SQL stores do, in SQL): the seal's hash is the SHA-256 hex of the UTF-8 bytes of
 * `${prev ?? ''}\n${hashed}`, and the stored JSON is `${bodyHead}${JSON.stringify(seal)}}}`.
 */
export interface Sealable {
  /** The canonical JSON of the event without a seal: what its seal hashes after `prev`. */
  readonly hashed: string
  /** The JSON of the sealed event up to its seal (`meta` last, `integrity` last in it). */
  readonly bodyHead: string
}

/** The parts of `e` a store seals it from (any seal it carries is dropped). */
export const sealable = (e: Recorded): Sealable => {
  const bare = withoutSeal(e)
  const { meta, ...rest } = bare
  const json = JSON.stringify({ ...rest, meta: { ...meta, integrity: 0 } })
  // the JSON ends with `"integrity":0}}`
  return { hashed: canonical(bare), bodyHead: json.slice(0, -3) }
}

/** The stored JSON of a {@link sealable} event sealed after `prev`, and its seal's hash (equal to `seal`'s). */
export const sealedBody = (
  e: Sealable,
  prev: string | null,
): { readonly body: string; readonly hash: string } => {
  const hash = chained(prev, e.hashed)
  return { body: `${e.bodyHead}${JSON.stringify({ alg: 'sha256', prev, hash })}}}`, hash }
}

/** Folds one seal into the global digest. */
export const fold = (digest: string, s: Pick<Seal, 'hash'>): string => sha256(`${digest}\n${s.hash}`)

/** The chain head of seals folded one by one in log order ({@link chain}). */
export interface Chain {
  /** Folds the next seal (its hash). */
  readonly fold: (seal: Pick<Seal, 'hash'>) => void
  /** The head so far, `null` when nothing was folded. */
  readonly head: () => ChainHead | null
}

/** A chain head with nothing folded yet: a reader of the log folds each sealed case event's seal into it. */
export const chain = (): Chain => {
  let digest = GENESIS
  let events = 0
  return {
    fold: (seal) => {
      digest = fold(digest, seal)
      events++
    },
    head: () => (events === 0 ? null : { events, digest }),
  }
}
