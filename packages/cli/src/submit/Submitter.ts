/**
 * Submits statements of reasons to the EU DSA Transparency Database API
 * (`POST /api/v1/statements`, Art. 24(5) DSA) in batches of at most 100. The
 * database stores a batch all or nothing, so a batch is either acknowledged
 * whole or not stored at all.
 *
 * Idempotency is by `puid`, which the database keeps unique per platform
 * forever:
 * - a journal file (one acknowledged `puid` per line with the instant it was
 *   acknowledged, flushed to disk after every acknowledged batch) lets a
 *   resubmission after a crash skip what was already stored without sending
 *   it again, and still report when each was stored (`acknowledgedAt`), so
 *   that the publication events of a run that crashed are not lost;
 * - if the crash fell between the database's storing a batch and the journal
 *   write, the database refuses the batch with 422, listing the `puid`s it
 *   already holds (`errors.existing_puids`, as `POST /api/v1/statements`
 *   answers; or "not unique" under `statement_<i>`); they are counted as
 *   already stored, journalled, and the rest of the batch is sent again
 *   (nothing was stored from the refused batch).
 * - one run at a time per journal: a run holds `<journal>.lock` (created
 *   with `O_EXCL`, holding its pid and host) while it reads, sends and
 *   journals, so two runs started at once on the same journal do not both
 *   send the same statements (each would find the journal without the
 *   other's `puid`s); the second stops before sending anything. A lock left
 *   by a run that died (same host, pid no longer alive) is stale and taken
 *   over; one from another host is not (delete it by hand).
 * Other per-statement 422 errors are reported by `puid` and the statement is
 * left out; 429, 5xx and network failures are retried with exponential
 * backoff (waiting at least what a `Retry-After` header asks); 401 stops.
 *
 * The token and the statements (whose explanations can hold personal data)
 * go over HTTPS only (plain HTTP to a loopback address aside, for tests), and
 * to the configured host only: a redirect is not followed but stops the run.
 *
 * Tested against a local server that applies the published rules
 * (`TestServer`); not yet run against the real endpoint.
 */
import * as fs from 'node:fs'
import { LockFile } from '@docket/adapters'
import { Timestamp } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import type * as SorRules from '../reports/SorRules.js'

// model

/** Options of {@link submit}. */
export interface Options {
  /** Base URL of the API (`https://transparency.dsa.ec.europa.eu`); `/api/v1/statements` is appended. */
  readonly url: string
  /** The platform's API token (Bearer). */
  readonly token: string
  /** Statements per request, 1–100 (default 100). */
  readonly batchSize?: number
  /** Attempts per request on 429, 5xx or network failure (default 5). */
  readonly attempts?: number
  /** First backoff in ms, doubled per attempt (default 1000). */
  readonly backoffMs?: number
  /** Per-request timeout in ms, after which the attempt counts as failed and is retried (default 60 000). */
  readonly timeoutMs?: number
  /** Journal of acknowledged `puid`s (read on start, appended after each stored batch). */
  readonly journal?: string
  /** The current instant, ISO 8601 (default: the system clock), recorded as each batch is acknowledged. */
  readonly now?: () => string
  /** Longest wait a `Retry-After` header may impose, in ms (default 300 000). */
  readonly maxRetryAfterMs?: number
  readonly fetch?: typeof fetch
  readonly sleep?: (ms: number) => Promise<void>
  /** Called after each request, for progress. */
  readonly onBatch?: (b: { readonly sent: number; readonly stored: number; readonly status: number }) => void
}

/** A statement the database refused. */
export interface Rejected {
  readonly puid: string
  readonly errors: ReadonlyArray<string>
}

/** What a submission did. */
export interface Result {
  /** Stored by this run. */
  readonly stored: ReadonlyArray<string>
  /** Already stored before (in the journal, or reported not unique by the database). */
  readonly alreadyStored: ReadonlyArray<string>
  /**
   * When the database acknowledged each statement stored, by this run or an earlier one (from the
   * journal), or when this run learnt it was already stored. A journal line written before these
   * instants were recorded gives none.
   */
  readonly acknowledgedAt: ReadonlyMap<string, string>
  readonly rejected: ReadonlyArray<Rejected>
  /** Not stored because the run stopped (authentication failure, retries exhausted). */
  readonly unsent: ReadonlyArray<string>
  /** Why the run stopped early, if it did. */
  readonly stopped: string | null
  readonly requests: number
}

// internal

const NOT_UNIQUE = /not (?:all )?unique/i

const flatten = (u: unknown): string[] =>
  Array.isArray(u)
    ? u.flatMap(flatten)
    : typeof u === 'object' && u !== null
      ? Object.entries(u).flatMap(([k, v]) => flatten(v).map((m) => (k === '' ? m : `${k}: ${m}`)))
      : [String(u)]

/** Per-statement errors of a 422 body, by index in the batch (`statement_<i>` keys, nested or dotted). */
export const errorsByIndex = (body: unknown): ReadonlyMap<number, ReadonlyArray<string>> => {
  const out = new Map<number, string[]>()
  const errors = (body as { errors?: unknown } | null)?.errors
  if (typeof errors !== 'object' || errors === null) return out
  for (const [key, value] of Object.entries(errors)) {
    const m = /^statement_(\d+)(?:\.(.+))?$/.exec(key)
    if (!m) continue
    const i = Number(m[1])
    const msgs = flatten(value).map((x) => (m[2] ? `${m[2]}: ${x}` : x))
    out.set(i, [...(out.get(i) ?? []), ...msgs])
  }
  return out
}

/**
 * The `puid`s a 422 says the platform already holds: `POST /api/v1/statements` refuses a batch
 * holding one with `{ message, errors: { puid: [...], existing_puids: [...] } }`.
 */
export const existingPuids = (body: unknown): ReadonlyArray<string> => {
  const list = ((body as { errors?: unknown } | null)?.errors as { existing_puids?: unknown } | undefined)
    ?.existing_puids
  return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : []
}

/** A `Retry-After` header (seconds, or an HTTP date) in ms from `now`, or `undefined`. */
export const retryAfterMs = (header: string | null, now: number): number | undefined => {
  if (header === null || header.trim() === '') return undefined
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000
  const at = Date.parse(header)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/**
 * Reads a journal: `puid`, a tab and the instant it was acknowledged, per line (a line of a
 * `puid` alone, as earlier versions wrote, has no instant). A last line without its newline was
 * cut by a crash mid-write: it is not taken, and `torn` says so.
 */
export const readJournal = (
  text: string,
): { readonly acknowledged: ReadonlyMap<string, string | null>; readonly torn: boolean } => {
  const acknowledged = new Map<string, string | null>()
  const lines = text.split('\n')
  const torn = lines.pop() !== ''
  for (const line of lines) {
    const [puid, at] = line.trim().split('\t')
    if (puid !== undefined && puid !== '') acknowledged.set(puid, at === undefined || at === '' ? null : at)
  }
  return { acknowledged, torn: torn && text !== '' }
}

// operations

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost'])

/**
 * Why `url` cannot be the API's base URL, or `undefined`: not a URL, or not HTTPS (plain HTTP is
 * allowed to a loopback address only), since the token and the statements would travel in clear.
 */
export const urlProblem = (url: string): string | undefined => {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return `${JSON.stringify(url)} is not a URL`
  }
  if (u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname))) return undefined
  return `${u.protocol}//${u.host} is not https://: the API token and the statements (their explanations can hold personal data) would travel in clear`
}

/** The lock file a run holds on its journal (see the module header). */
export const lockOf = (journal: string): string => `${journal}.lock`

/**
 * Submits statements (see the module header); throws when {@link urlProblem} finds the URL
 * unusable. When another run holds the journal, sends nothing and says so in `stopped`.
 */
export const submit = async (
  statements: ReadonlyArray<SorRules.Statement>,
  options: Options,
): Promise<Result> => {
  const problem = urlProblem(options.url)
  if (problem !== undefined) throw new Error(problem)
  if (options.journal === undefined) return submitHeld(statements, options)
  const journal = options.journal
  const lock = LockFile.acquire(lockOf(journal))
  if (E.isLeft(lock))
    return {
      stored: [],
      alreadyStored: [],
      acknowledgedAt: new Map(),
      rejected: [],
      unsent: statements.map((s) => String(s.puid)),
      stopped:
        `the journal ${journal} is in use by ${LockFile.holder(lock.left)} (lock file ${lock.left.file}), ` +
        'another submission of these statements; nothing was sent. Run again when it has finished ' +
        `(the journal then skips what it stored). If no process uses it any more, delete ${lock.left.file}.`,
      requests: 0,
    }
  try {
    return await submitHeld(statements, options)
  } finally {
    lock.right()
  }
}

/** {@link submit} once the journal, if any, is held. */
const submitHeld = async (
  statements: ReadonlyArray<SorRules.Statement>,
  options: Options,
): Promise<Result> => {
  const size = Math.min(100, Math.max(1, options.batchSize ?? 100))
  const attempts = options.attempts ?? 5
  const backoff = options.backoffMs ?? 1000
  const timeoutMs = options.timeoutMs ?? 60_000
  const doFetch = options.fetch ?? fetch
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const endpoint = `${options.url.replace(/\/+$/, '')}/api/v1/statements`
  const now = options.now ?? (() => Timestamp.format(Date.now()))
  const maxRetryAfter = options.maxRetryAfterMs ?? 300_000
  const read =
    options.journal !== undefined && fs.existsSync(options.journal)
      ? readJournal(fs.readFileSync(options.journal, 'utf8'))
      : { acknowledged: new Map<string, string | null>(), torn: false }
  const journalled = read.acknowledged
  const acknowledgedAt = new Map<string, string>()
  // a line cut by a crash is ended before the next is appended, so that it joins no other
  let torn = read.torn
  const journal = (puids: ReadonlyArray<string>, at: string): void => {
    for (const p of puids) acknowledgedAt.set(p, at)
    if (options.journal === undefined || puids.length === 0) return
    const fd = fs.openSync(options.journal, 'a')
    try {
      fs.writeSync(fd, `${torn ? '\n' : ''}${puids.map((p) => `${p}\t${at}\n`).join('')}`)
      fs.fsyncSync(fd)
      torn = false
    } finally {
      fs.closeSync(fd)
    }
  }
  const stored: string[] = []
  const already: string[] = []
  const rejected: Rejected[] = []
  let requests = 0
  const todo = statements.filter((s) => {
    const p = String(s.puid)
    if (journalled.has(p)) {
      already.push(p)
      const at = journalled.get(p)
      if (at != null) acknowledgedAt.set(p, at)
      return false
    }
    return true
  })
  for (let start = 0; start < todo.length; start += size) {
    let batch = todo.slice(start, start + size)
    while (batch.length > 0) {
      let response: { status: number; body: unknown } | undefined
      let lastError = ''
      let asked: number | undefined
      for (let attempt = 0; attempt < attempts; attempt++) {
        if (attempt > 0)
          await sleep(Math.max(backoff * 2 ** (attempt - 1), Math.min(asked ?? 0, maxRetryAfter)))
        asked = undefined
        try {
          requests++
          const res = await doFetch(endpoint, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${options.token}`,
              accept: 'application/json',
              'content-type': 'application/json',
            },
            body: JSON.stringify({ statements: batch }),
            redirect: 'manual',
            signal: AbortSignal.timeout(timeoutMs),
          })
          const text = await res.text()
          let body: unknown = null
          try {
            body = text === '' ? null : JSON.parse(text)
          } catch {
            body = text
          }
          if (res.status === 429 || res.status >= 500) {
            lastError = `HTTP ${res.status}`
            asked = retryAfterMs(res.headers.get('retry-after'), Date.parse(now()))
            continue
          }
          response = { status: res.status, body }
          break
        } catch (e) {
          lastError = e instanceof Error ? e.message : String(e)
        }
      }
      const unsentFrom = (why: string): Result => ({
        stored,
        alreadyStored: already,
        acknowledgedAt,
        rejected,
        unsent: [...batch, ...todo.slice(start + size)].map((s) => String(s.puid)),
        stopped: why,
        requests,
      })
      if (response === undefined)
        return unsentFrom(
          `no answer after ${attempts} attempts (${lastError}); nothing of this batch was stored`,
        )
      options.onBatch?.({
        sent: batch.length,
        stored: response.status === 200 || response.status === 201 ? batch.length : 0,
        status: response.status,
      })
      if (response.status === 200 || response.status === 201) {
        const puids = batch.map((s) => String(s.puid))
        journal(puids, now())
        stored.push(...puids)
        break
      }
      if (response.status >= 300 && response.status < 400)
        return unsentFrom(
          `HTTP ${response.status}, a redirect: not followed (the statements go to the configured URL only); give --submit the URL it points to`,
        )
      if (response.status === 401 || response.status === 403)
        return unsentFrom(`HTTP ${response.status}: the API token was refused`)
      if (response.status !== 422)
        return unsentFrom(`HTTP ${response.status}: ${JSON.stringify(response.body).slice(0, 300)}`)
      const byIndex = errorsByIndex(response.body)
      const held = new Set(existingPuids(response.body))
      if (byIndex.size === 0 && !batch.some((s) => held.has(String(s.puid))))
        return unsentFrom(
          `HTTP 422 without per-statement errors: ${JSON.stringify(response.body).slice(0, 300)}`,
        )
      const keep: SorRules.Statement[] = []
      const existing: string[] = []
      batch.forEach((s, i) => {
        const errs = byIndex.get(i)
        if (held.has(String(s.puid))) existing.push(String(s.puid))
        else if (errs === undefined) keep.push(s)
        else if (errs.every((m) => NOT_UNIQUE.test(m))) existing.push(String(s.puid))
        else rejected.push({ puid: String(s.puid), errors: errs })
      })
      // when they were stored is not known: when this run learnt it stands in
      journal(existing, now())
      already.push(...existing)
      batch = keep
    }
  }
  return { stored, alreadyStored: already, acknowledgedAt, rejected, unsent: [], stopped: null, requests }
}
