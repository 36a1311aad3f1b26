/**
 * How a receiver of `WebhookSink`'s pages knows they come from this Docket
 * and were not changed or replayed: with a secret shared by both ends, every
 * request carries `Docket-Signature: t=<unix seconds>,v1=<hex>`, where `v1` is
 * HMAC-SHA256, keyed with the secret, over the bytes `<t>.` followed by the
 * request's body exactly as sent. {@link verify} checks it as a receiver
 * should: against the raw body (before any JSON parsing), in constant time,
 * and refusing a timestamp more than five minutes from its clock, so that a
 * captured request cannot be replayed later (within the window, drop repeats
 * by `Idempotency-Key`). Not: encryption (use HTTPS), or the sink itself.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import * as E from 'fp-ts/lib/Either.js'

// model

/** The request header carrying the signature (HTTP header names are case-insensitive). */
export const HEADER = 'docket-signature'

/** A shared secret: text (its UTF-8 bytes) or bytes. */
export type Secret = string | Uint8Array

/** What {@link verify} checks. */
export interface VerifyOptions {
  readonly secret: Secret
  /** The `Docket-Signature` header as received (absent: `undefined` or `null`). */
  readonly header: string | undefined | null
  /** The request's body exactly as received: its raw bytes, or their text. */
  readonly body: string | Uint8Array
  /** The receiver's clock, in ms since the epoch. */
  readonly now: number
  /** How far the signature's timestamp may be from `now`, either way, in ms (default 300,000: five minutes). */
  readonly toleranceMs?: number
}

/** Why a request's signature is refused. */
export type VerifyError =
  | { readonly _tag: 'SignatureMissing' }
  | { readonly _tag: 'SignatureMalformed' }
  | { readonly _tag: 'SignatureStale'; readonly signedAt: number; readonly now: number }
  | { readonly _tag: 'SignatureMismatch' }

// operations

const FORMAT = /^t=(\d{1,15}),v1=([0-9a-f]{64})$/

const mac = (secret: Secret, seconds: number, body: string | Uint8Array): Buffer =>
  createHmac('sha256', secret).update(`${seconds}.`).update(body).digest()

/** Throws unless `secret` is usable: a secret of no bytes signs nothing. */
export const checkSecret = (secret: Secret): void => {
  if ((typeof secret === 'string' ? Buffer.byteLength(secret) : secret.length) === 0)
    throw new Error('webhook secret must not be empty')
}

/** The `Docket-Signature` header of `body` sent at `at` (ms since the epoch). */
export const sign = (secret: Secret, body: string | Uint8Array, at: number): string => {
  const seconds = Math.floor(at / 1000)
  return `t=${seconds},v1=${mac(secret, seconds, body).toString('hex')}`
}

/** Checks a received request's signature (see the module header): Right when it is genuine and fresh. */
export const verify = (o: VerifyOptions): E.Either<VerifyError, void> => {
  if (o.header === undefined || o.header === null || o.header === '')
    return E.left({ _tag: 'SignatureMissing' })
  const m = FORMAT.exec(o.header.trim())
  if (m === null) return E.left({ _tag: 'SignatureMalformed' })
  const seconds = Number(m[1])
  const expected = mac(o.secret, seconds, o.body)
  // compared in constant time, and before the clock, so the answer tells nothing about a forgery
  if (!timingSafeEqual(expected, Buffer.from(m[2]!, 'hex'))) return E.left({ _tag: 'SignatureMismatch' })
  const signedAt = seconds * 1000
  if (Math.abs(o.now - signedAt) > (o.toleranceMs ?? 300_000))
    return E.left({ _tag: 'SignatureStale', signedAt, now: o.now })
  return E.right(undefined)
}

/** A one-line description of a {@link VerifyError}. */
export const describe = (e: VerifyError): string => {
  switch (e._tag) {
    case 'SignatureMissing':
      return `no ${HEADER} header`
    case 'SignatureMalformed':
      return `${HEADER} is not t=<unix seconds>,v1=<64 hex digits>`
    case 'SignatureStale':
      return `${HEADER} was made at ${new Date(e.signedAt).toISOString()}, too far from now (${new Date(e.now).toISOString()}): a replayed request, or a clock off`
    case 'SignatureMismatch':
      return `${HEADER} does not match the body: another secret, or a body changed on the way`
  }
}
