/**
 * How a subject's key is kept at rest in the PostgreSQL key store: as its 32
 * bytes, or, with a master key, wrapped with AES-256-GCM (a 12-byte IV, the
 * 32 bytes encrypted, a 16-byte tag; the subject's id as associated data).
 * The two forms differ in length, so a stored key says which it is without
 * the master key. Not: a key store (`PostgresKeyStore`) or a check of a
 * master key against stored keys (`MasterKey`).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/** The length of a key stored unwrapped (AES-256). */
export const KEY_BYTES = 32

/** Throws unless `master` (the option `name`) is absent or a 32-byte AES-256 key. */
export const checkMasterKey = (name: string, master: Uint8Array | undefined): void => {
  if (master !== undefined && master.length !== KEY_BYTES)
    throw new Error(`${name} must be 32 bytes (AES-256)`)
}

/** Whether a stored key is wrapped with a master key (any length but a bare key's). */
export const isWrapped = (stored: Uint8Array): boolean => stored.length !== KEY_BYTES

/** The key as stored: wrapped with `master` when given, else as it is. */
export const wrap = (master: Uint8Array | undefined, subjectId: string, key: Buffer): Buffer => {
  if (master === undefined) return key
  const iv = randomBytes(12)
  const c = createCipheriv('aes-256-gcm', master, iv)
  c.setAAD(Buffer.from(subjectId))
  return Buffer.concat([iv, c.update(key), c.final(), c.getAuthTag()])
}

/** The key a stored one holds; throws when `master` is not the key it was wrapped with. */
export const unwrap = (master: Uint8Array | undefined, subjectId: string, stored: Buffer): Uint8Array => {
  if (master === undefined) return new Uint8Array(stored)
  const d = createDecipheriv('aes-256-gcm', master, stored.subarray(0, 12))
  d.setAAD(Buffer.from(subjectId))
  d.setAuthTag(stored.subarray(stored.length - 16))
  return new Uint8Array(Buffer.concat([d.update(stored.subarray(12, stored.length - 16)), d.final()]))
}
