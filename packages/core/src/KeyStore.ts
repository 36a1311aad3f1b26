/**
 * Keys per data subject, for encrypting personal data at rest. Erasing a
 * subject destroys its key: what was encrypted with it can never be read
 * again, while the events themselves (and their integrity seals) stay.
 * `memory()` keeps keys in the process (tests, demos); the PostgreSQL key
 * store lives in `@docket/adapters/postgres`.
 */
import { randomBytes } from 'node:crypto'

// model

/** A subject's data key (32 bytes, AES-256). */
export type Key = Uint8Array

/** The port: a key per subject, created on first use, destroyable. */
export interface KeyStore {
  /** The subject's key, created when the subject has none; `undefined` once erased. */
  readonly obtain: (subjectId: string) => Promise<Key | undefined>
  /** The subject's key if it exists and was not erased. */
  readonly find: (subjectId: string) => Promise<Key | undefined>
  /** Destroys the key; the subject stays marked erased, so no new key is ever made for it. */
  readonly destroy: (subjectId: string) => Promise<void>
  readonly isErased: (subjectId: string) => Promise<boolean>
}

// constructors

/** An in-process key store (keys are lost with the process: for tests and demos). */
export const memory = (): KeyStore => {
  const keys = new Map<string, Key>()
  const erased = new Set<string>()
  return {
    obtain: async (id) => {
      if (erased.has(id)) return undefined
      let k = keys.get(id)
      if (k === undefined) {
        k = new Uint8Array(randomBytes(32))
        keys.set(id, k)
      }
      return k
    },
    find: async (id) => keys.get(id),
    destroy: async (id) => {
      const k = keys.get(id)
      if (k !== undefined) k.fill(0)
      keys.delete(id)
      erased.add(id)
    },
    isErased: async (id) => erased.has(id),
  }
}
