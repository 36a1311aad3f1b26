/**
 * Personal data (the fields docs/events.md marks ‡, listed in {@link FIELDS})
 * encrypted at rest with a key per data subject. `protect(store, keys)` wraps an `EventStore`: appends
 * encrypt those fields, reads decrypt them, and a field whose subject was
 * erased reads as {@link ERASED}. Everything else in the event stays readable
 * forever, so obligations, reports and the integrity chain keep working.
 *
 * Which subject owns which field is {@link FIELDS}: the reporter's
 * `subjectId` owns `ContentReported.data.reporter.{name,email}` and
 * `data.text` (the victim's when there is no reporter, the case's, `case:<caseId>`, when
 * the report is anonymous), the victim's owns
 * `data.victim.{name,dateOfBirth}`, and `ReviewDecided.data.explanation`
 * belongs to `meta.subjectId`, else to the case (`case:<caseId>`).
 *
 * Encryption is AES-256-GCM with a synthetic IV (HMAC of the event id, field
 * path and plaintext), so the same event encrypts to the same bytes: a retried
 * append stays an idempotent no-op. The event id and field path are the
 * associated data: a ciphertext opens only in the field of the event it was
 * made for. A value given already encrypted is kept only if it is that field's
 * own ciphertext (an exported event appended again); any other value, even one
 * that starts like a ciphertext, is encrypted. Put `protect` outside `Integrity.sealed`
 * so that seals cover the encrypted form: `protect(Integrity.sealed(store), keys)`.
 *
 * Once a subject is erased its fields are written erased and no key is made for
 * it again. The retry of an event stored before the erasure is that event: its
 * erased subject's fields take their stored ciphertext, the store compares the
 * rest, and drops it as an idempotent repeat (its values can no longer be compared).
 */
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import * as DecodeError from './DecodeError.js'
import type { DocketEvent, Recorded } from './Envelope.js'
import type { EventType } from './Event.js'
import type { EventStore, StoredEvent, StoreError } from './EventStore.js'
import type { Key, KeyStore } from './KeyStore.js'

// model

/** How an erased field reads, on the wire and in every report. */
export const ERASED = '[erased]'

/** Prefix of an encrypted field as stored: `enc:v1:<subjectId b64url>:<iv b64url>:<ciphertext+tag b64url>`. */
export const PREFIX = 'enc:v1:'

/** One personal field of an event: where it is and whose it is. */
export interface Field {
  readonly path: ReadonlyArray<string>
  readonly subjectId: string
}

/**
 * Whose a personal field is: the reporter's `subjectId`, the victim's, the
 * reporter's or else the victim's or else the case (`case:<caseId>`: an
 * anonymous report), or `meta.subjectId` or else the case.
 */
export type Owner = 'reporter' | 'victim' | 'reporterVictimOrCase' | 'metaOrCase'

/** Where a personal field sits in `data`, and whose it is. */
export interface Personal {
  readonly path: ReadonlyArray<string>
  readonly owner: Owner
}

/**
 * Every personal field, by event type: the one list that encryption,
 * erasure and the reference page docs/events.md (its ‡ marks) read.
 */
export const FIELDS: { readonly [T in EventType]?: ReadonlyArray<Personal> } = {
  ContentReported: [
    { path: ['reporter', 'name'], owner: 'reporter' },
    { path: ['reporter', 'email'], owner: 'reporter' },
    { path: ['victim', 'name'], owner: 'victim' },
    { path: ['victim', 'dateOfBirth'], owner: 'victim' },
    { path: ['text'], owner: 'reporterVictimOrCase' },
  ],
  ReviewDecided: [{ path: ['explanation'], owner: 'metaOrCase' }],
}

/** The event types that can hold personal fields (those of {@link FIELDS}): a reader of personal data reads no others. */
export const TYPES: ReadonlyArray<EventType> = Object.keys(FIELDS) as EventType[]

const dataPaths = (fields: ReadonlyArray<Personal>): ReadonlyArray<string> =>
  fields.map((f) => `data.${f.path.join('.')}`)

/** Every personal field's path from the event's root (`data.reporter.email`), of any type. */
const PATHS: ReadonlyArray<string> = [...new Set(Object.values(FIELDS).flatMap(dataPaths))]

// operations

/**
 * Whether the value at `path` (dotted, from an event's root, `''` for the event itself) may hold
 * personal data: a personal field, a value inside one, or one holding one (`data.reporter`,
 * `data`, the whole event), of the event type `type`, or of any type when it is not known (not
 * given, or not a Docket type). Error messages show such a value's shape, never its content.
 */
export const mayHold = (path: string, type?: EventType): boolean => {
  if (path === '') return true
  const paths = type === undefined ? PATHS : dataPaths(Object.hasOwn(FIELDS, type) ? FIELDS[type]! : [])
  return paths.some((p) => p === path || p.startsWith(`${path}.`) || path.startsWith(`${p}.`))
}

/**
 * Something shaped like an e-mail address (a regular expression's source, flag `u`): what decode
 * errors never quote and the DSA statements of reasons withhold.
 */
export const EMAIL_PATTERN = String.raw`[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+`

const EMAIL = new RegExp(EMAIL_PATTERN, 'u')

/**
 * Whether `value` (a string, or a JSON value holding one) holds something shaped like an e-mail
 * address: personal data whatever field it was put in, so error messages never quote it.
 */
export const mentionsEmail = (value: unknown): boolean =>
  typeof value === 'string'
    ? EMAIL.test(value)
    : typeof value === 'object' && value !== null && EMAIL.test(JSON.stringify(value) ?? '')

/**
 * A decode error as messages may show it: every value that may hold personal data of an event of
 * type `type` ({@link mayHold}; any type when not given), or that holds an e-mail address in any
 * field ({@link mentionsEmail}), described by its shape only.
 */
export const withheld = (e: DecodeError.DecodeError, type?: EventType): DecodeError.DecodeError =>
  DecodeError.withholding(e, (path, value) => mayHold(path, type) || mentionsEmail(value))

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const rec = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined

const at = (data: Readonly<Record<string, unknown>>, path: ReadonlyArray<string>): unknown =>
  path.reduce<unknown>((v, k) => rec(v)?.[k], data)

const subjectOf = (
  e: DocketEvent,
  data: Readonly<Record<string, unknown>>,
  owner: Owner,
): string | undefined => {
  switch (owner) {
    case 'reporter':
    case 'victim':
      return str(at(data, [owner, 'subjectId']))
    case 'reporterVictimOrCase':
      return subjectOf(e, data, 'reporter') ?? subjectOf(e, data, 'victim') ?? `case:${e.caseId}`
    case 'metaOrCase':
      return str(e.meta?.subjectId) ?? `case:${e.caseId}`
  }
}

/** The personal fields an event holds, with their subjects. */
export const fieldsOf = (e: DocketEvent): ReadonlyArray<Field> => {
  const personal = Object.hasOwn(FIELDS, e.type) ? FIELDS[e.type as EventType] : undefined
  if (personal === undefined) return []
  const data = rec(e.data) ?? {}
  const out: Field[] = []
  for (const { path, owner } of personal) {
    if (at(data, path) === undefined) continue
    const subjectId = subjectOf(e, data, owner)
    if (subjectId !== undefined) out.push({ path, subjectId })
  }
  return out
}

/** Every data subject an event names (personal fields' owners). */
export const subjectsOf = (e: Recorded): ReadonlyArray<string> => [
  ...new Set(fieldsOf(e).map((f) => f.subjectId)),
]

/** Whether an event names the data subject `subjectId` (one of {@link subjectsOf}). */
export const names = (e: Recorded, subjectId: string): boolean => subjectsOf(e).includes(subjectId)

/** The distinct case ids of `events` that name `subjectId`, sorted: `EventStore.casesOfSubject`'s answer over them. */
export const casesNaming = (subjectId: string, events: Iterable<Recorded>): ReadonlyArray<string> => {
  const cases = new Set<string>()
  for (const e of events) if (names(e, subjectId)) cases.add(e.caseId)
  return [...cases].sort()
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64url')
const unb64 = (s: string): Buffer => Buffer.from(s, 'base64url')

const encryptValue = (key: Uint8Array, subjectId: string, context: string, plaintext: string): string => {
  const iv = createHmac('sha256', key).update(`${context}\n${plaintext}`).digest().subarray(0, 12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(context))
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()])
  return `${PREFIX}${b64(Buffer.from(subjectId))}:${b64(iv)}:${b64(ct)}`
}

// the prefix, then the subject, a 12-byte IV and at least the 16-byte tag, each in base64url
const CIPHERTEXT = new RegExp(`^${PREFIX}[A-Za-z0-9_-]*:([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]{22,})$`)

/** The parts of a stored ciphertext, or `undefined` when `v` is not one (it only starts like one). */
const partsOf = (v: string): { readonly iv: Buffer; readonly ct: Buffer } | undefined => {
  const m = CIPHERTEXT.exec(v)
  return m === null ? undefined : { iv: unb64(m[1]!), ct: unb64(m[2]!) }
}

/** Whether a stored personal value holds data in clear: not a ciphertext ({@link encrypt}'s form), nor erased, nor null. */
const heldInClear = (v: unknown): boolean =>
  v !== undefined && v !== null && v !== ERASED && !(typeof v === 'string' && partsOf(v) !== undefined)

/**
 * The paths (`data.reporter.email`) of the personal fields of `subjectId` that an event as stored
 * (`atRest`: the stored text of a read through {@link protect}, not its decrypted event) holds in
 * clear: neither encrypted nor written erased, as an append without keys, or an earlier version,
 * left them. Destroying the subject's key does not reach them. Gives paths, never values.
 */
export const inClear = (atRest: Recorded, subjectId: string): ReadonlyArray<string> => {
  const data = rec(atRest.data) ?? {}
  return fieldsOf(atRest)
    .filter((f) => f.subjectId === subjectId && heldInClear(at(data, f.path)))
    .map((f) => `data.${f.path.join('.')}`)
}

/** The plaintext of a ciphertext of this field, or `undefined` when it does not authenticate under `key` and `context`. */
const openValue = (
  key: Uint8Array,
  context: string,
  parts: { readonly iv: Buffer; readonly ct: Buffer },
): string | undefined => {
  const { iv, ct } = parts
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv)
    decipher.setAAD(Buffer.from(context))
    decipher.setAuthTag(ct.subarray(ct.length - 16))
    return Buffer.concat([decipher.update(ct.subarray(0, ct.length - 16)), decipher.final()]).toString('utf8')
  } catch {
    return undefined
  }
}

const mapAt = (
  data: Record<string, unknown>,
  path: ReadonlyArray<string>,
  f: (v: unknown) => unknown,
): Record<string, unknown> => {
  const [head, ...rest] = path
  if (head === undefined) return data
  if (rest.length === 0) return { ...data, [head]: f(data[head]) }
  return { ...data, [head]: mapAt(rec(data[head]) ?? {}, rest, f) }
}

/**
 * `event` with each personal field that `previous`, the event of its id already recorded, holds for the
 * same subject taking `previous`'s value there when `takes` accepts the two values.
 */
const taking = <A extends DocketEvent>(
  event: A,
  previous: DocketEvent,
  takes: (mine: unknown, theirs: unknown, subjectId: string) => boolean,
): A => {
  const owners = new Map(fieldsOf(previous).map((f) => [f.path.join('.'), f.subjectId]))
  const from = rec(previous.data) ?? {}
  let data = rec(event.data) ?? {}
  for (const { path, subjectId } of fieldsOf(event)) {
    const theirs = at(from, path)
    if (owners.get(path.join('.')) === subjectId && takes(at(data, path), theirs, subjectId))
      data = mapAt(data, path, () => theirs)
  }
  return data === event.data ? event : ({ ...event, data } as A)
}

/**
 * What a retry of `previous`, read as a case history is (decrypted), compares as: `event` with each
 * personal field that `previous` holds erased, for the same subject, erased too. The erased subject's
 * values can no longer be compared (its key is gone), so an event equal to `previous` in everything
 * else is its retry (`Case.decide`).
 */
export const asRetryOf = <A extends DocketEvent>(event: A, previous: DocketEvent): A =>
  taking(event, previous, (_, theirs) => theirs === ERASED)

/** Whether `v` is a ciphertext made for `subjectId` (its prefix names the subject). */
const ciphertextFor = (v: unknown, subjectId: string): boolean =>
  typeof v === 'string' && v.startsWith(`${PREFIX}${b64(Buffer.from(subjectId))}:`)

/** Whether one of the (encrypted) event's personal fields is written erased: its subject has no key. */
const writesErased = (e: Recorded): boolean => {
  const data = rec(e.data) ?? {}
  return fieldsOf(e).some((f) => at(data, f.path) === ERASED)
}

/**
 * The encrypted `events` with each of `retries` that is the retry of an event stored before its
 * subject's erasure as that event is at rest: each field written erased takes the stored ciphertext
 * of the same subject (or its clear text, where it was appended without keys), so that the store compares the rest and drops the retry as an idempotent
 * repeat. Reads the streams of the cases of `retries` (none when it is empty); writes and decrypts nothing.
 */
const asStored = (
  store: EventStore,
  events: ReadonlyArray<Recorded>,
  retries: ReadonlyArray<Recorded>,
): TE.TaskEither<StoreError, ReadonlyArray<Recorded>> => {
  if (retries.length === 0) return TE.right(events)
  const candidates = new Set(retries)
  return pipe(
    [...new Set(retries.map((e) => e.caseId))],
    TE.traverseSeqArray((caseId) => store.readStream(caseId)),
    TE.map((streams) => {
      const stored = new Map(streams.flat().map((s) => [s.event.id, s.event]))
      return events.map((e) => {
        const atRest = candidates.has(e) ? stored.get(e.id) : undefined
        return atRest === undefined
          ? e
          : taking(
              e,
              atRest,
              // the stored value: the subject's ciphertext, or its clear text (appended without keys)
              (mine, theirs, subjectId) =>
                mine === ERASED && (ciphertextFor(theirs, subjectId) || heldInClear(theirs)),
            )
      })
    }),
  )
}

const contextOf = (e: Recorded, path: ReadonlyArray<string>): string => `${e.id}\n${path.join('.')}`

/** Encrypts an event's personal fields (a no-op for events without any). */
export const encrypt = (keys: KeyStore, e: Recorded): Promise<Recorded> => encryptWith(keys.obtain, e)

/** Encrypts with the keys `keyOf` gives (`undefined`: the subject's fields are written erased). */
const encryptWith = async (
  keyOf: (subjectId: string) => Promise<Key | undefined>,
  e: Recorded,
): Promise<Recorded> => {
  let data = rec(e.data) ?? {}
  for (const field of fieldsOf(e)) {
    const key = await keyOf(field.subjectId)
    const context = contextOf(e, field.path)
    data = mapAt(data, field.path, (v) => {
      if (typeof v !== 'string' && typeof v !== 'number') return v
      // Kept as given only when it is this very field's ciphertext (an event as exported, appended
      // again): anything else that starts like one is text a person wrote, or a ciphertext copied
      // from another event or field, and is encrypted like any other value.
      const parts = typeof v === 'string' ? partsOf(v) : undefined
      if (parts !== undefined && (key === undefined || openValue(key, context, parts) !== undefined)) return v
      return key === undefined ? ERASED : encryptValue(key, field.subjectId, context, String(v))
    })
  }
  return data === e.data ? e : ({ ...e, data } as Recorded)
}

/**
 * Decrypts an event's personal fields; fields of erased subjects read as {@link ERASED}, those stored
 * in clear too (appended without keys, or by an earlier version: erasure cannot remove them at rest,
 * see `Erasure.Erased.clearAtRest`, but no read through the keys shows them).
 */
export const decrypt = async (keys: KeyStore, e: Recorded): Promise<Recorded> => {
  let data = rec(e.data) ?? {}
  for (const field of fieldsOf(e)) {
    const key = await keys.find(field.subjectId)
    // a subject without a key either never had one (its fields were stored in clear) or is erased
    const erased =
      key === undefined && heldInClear(at(data, field.path)) && (await keys.isErased(field.subjectId))
    data = mapAt(data, field.path, (v) => {
      if (erased) return ERASED
      if (typeof v !== 'string' || !v.startsWith(PREFIX)) return v
      if (key === undefined) return ERASED
      // text that only starts like a ciphertext was stored in clear (by an earlier version, which kept such text as it was)
      const parts = partsOf(v)
      if (parts === undefined) return v
      const plain = openValue(key, contextOf(e, field.path), parts)
      if (plain === undefined)
        throw new Error(
          `event ${e.id}: data.${field.path.join('.')} (subject ${field.subjectId}) does not decrypt with its subject's key: ` +
            'a ciphertext altered, or moved from another event or field, at rest (docket verify names the altered event)',
        )
      return plain
    })
  }
  return data === e.data ? e : ({ ...e, data } as Recorded)
}

/**
 * The stored event with its event decrypted; `json` stays the stored
 * (encrypted) text, so that `Integrity.verify` and verbatim exports read what
 * is at rest, through a protected store as well.
 */
const decrypted = async (keys: KeyStore, s: StoredEvent): Promise<StoredEvent> => {
  const atRest = s.event
  const json = s.json
  const event = await decrypt(keys, atRest)
  return {
    event,
    revision: s.revision,
    position: s.position,
    get json(): string {
      return json ?? JSON.stringify(atRest)
    },
  }
}

async function* decrypting(keys: KeyStore, source: AsyncIterable<StoredEvent>): AsyncIterable<StoredEvent> {
  for await (const s of source) yield await decrypted(keys, s)
}

const tryAsync = <A>(f: () => Promise<A>): TE.TaskEither<StoreError, A> =>
  TE.tryCatch(f, (e): StoreError => ({ _tag: 'StoreUnavailable', message: `key store: ${String(e)}` }))

/** Wraps a store so that personal data is encrypted on append and decrypted (or erased) on read. */
export const protect = (store: EventStore, keys: KeyStore): EventStore => ({
  ...store,
  append: (caseId, events, expected) =>
    TE.flatMap(
      tryAsync(() => Promise.all(events.map((e) => encrypt(keys, e)))),
      // written with `obtain`, a field is erased only when its subject is: a retry after the erasure
      (encrypted) =>
        TE.flatMap(asStored(store, encrypted, encrypted.filter(writesErased)), (retried) =>
          store.append(caseId, retried, expected),
        ),
    ),
  readStream: (caseId) =>
    TE.flatMap(store.readStream(caseId), (list) =>
      tryAsync(() => Promise.all(list.map((s) => decrypted(keys, s)))),
    ),
  // compared as append compares them, encrypted; with `find`, as a check creates no key (a subject
  // without one has no ciphertext stored, so its fields written as erased compare alike). A subject
  // without a key may be new, so only the refused events with a field written erased are read again
  // as retries after an erasure, and checked once more.
  conflicts: (events) =>
    TE.flatMap(
      tryAsync(() => Promise.all(events.map((e) => encryptWith(keys.find, e)))),
      (encrypted) =>
        TE.flatMap(store.conflicts(encrypted), (found) => {
          const refused = new Set(found.map((c) => c.eventId))
          const retries = encrypted.filter((e) => refused.has(e.id) && writesErased(e))
          return retries.length === 0
            ? TE.right(found)
            : TE.flatMap(asStored(store, encrypted, retries), (retried) => store.conflicts(retried))
        }),
    ),
  readAll: (options) => decrypting(keys, store.readAll(options)),
  subscribe: (options) => decrypting(keys, store.subscribe(options)),
})
