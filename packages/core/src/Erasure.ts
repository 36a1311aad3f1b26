/**
 * Erasing a data subject: destroy the subject's key so that its personal
 * fields read as erased everywhere, while every event, obligation and report
 * still works and the integrity chain still verifies (seals cover the
 * encrypted form, which does not change).
 *
 * Erasure is refused, with the reasons, while a preservation hold or a legal
 * hold covers any case holding the subject's data: the law's duty to keep
 * evidence (18 U.S.C. §2258A(h), §2703(f), TCO Art. 6…) outranks the request.
 * It can be carried out once the last hold has ended.
 *
 * Finding the subject's cases asks the store's index of subjects
 * (`EventStore.casesOfSubject`: PostgreSQL, PGlite, memory); a store without
 * one has the events that can hold personal fields (`PersonalData.TYPES`)
 * read, whoever they name, but not the rest of the log.
 *
 * Destroying a key reaches only what was encrypted with it. Personal fields
 * stored in clear (appended without keys, or by an earlier version) stay at
 * rest as they are: rewriting an event would break its seal. Erasure still
 * destroys the key, and says which fields remain ({@link Erased.clearAtRest},
 * {@link describeErased}), read from the stored form of the events of the
 * subject's cases it reads anyway.
 */
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { DocketEvent, Recorded } from './Envelope.js'
import { type EventStore, type StoredEvent, type StoreError, unavailable } from './EventStore.js'
import type { KeyStore } from './KeyStore.js'
import { inClear, names, TYPES } from './PersonalData.js'
import * as Timestamp from './Timestamp.js'

// model

/** A hold that blocks erasure of a case's personal data. */
export interface Hold {
  readonly caseId: string
  /** `legal_hold:<holdId>`, or the preservation basis (`us-2258a/preserve`…). */
  readonly basis: string
  /** When it ends, if known (ISO); `null` while it has no end. */
  readonly until: string | null
  /** Event that placed it. */
  readonly eventId: string
}

/** Erasure was refused because holds cover the subject's cases. */
export interface ErasureRefused {
  readonly _tag: 'ErasureRefused'
  readonly subjectId: string
  readonly holds: ReadonlyArray<Hold>
}

/** A personal field of the erased subject stored in clear: where it is, never its value. */
export interface ClearField {
  readonly caseId: string
  readonly eventId: string
  /** The field's path from the event's root, `data.reporter.email`. */
  readonly field: string
}

/** What an erasure did. */
export interface Erased {
  readonly subjectId: string
  readonly cases: ReadonlyArray<string>
  /**
   * The subject's personal fields stored in clear (appended without keys, or by an earlier
   * version), in the order of the cases and their streams: destroying the key did not reach them,
   * and only deleting the store, or copying it into a new one, removes them. Empty when every
   * field was encrypted.
   */
  readonly clearAtRest: ReadonlyArray<ClearField>
}

/** Options of {@link erase}. */
export interface Options {
  /** The instant of the request (ISO with offset): holds ending before it no longer block. */
  readonly at: string
  /**
   * Holds computed elsewhere (for example pending `hold` obligations of the
   * policies) for a case, in addition to those placed by events.
   */
  readonly moreHolds?: (caseId: string, history: ReadonlyArray<DocketEvent>) => ReadonlyArray<Hold>
}

// operations

/** The holds events place on a case that are still in force at `atMs`. */
export const activeHolds = (
  caseId: string,
  history: ReadonlyArray<DocketEvent>,
  atMs: number,
): ReadonlyArray<Hold> => {
  const open = new Map<string, Hold>()
  for (const e of history) {
    if (Timestamp.toMillis(e.occurredAt) > atMs) continue
    if (e.type === 'LegalHoldPlaced') {
      open.set(`legal_hold:${e.data.holdId}`, {
        caseId,
        basis: `legal_hold:${e.data.holdId}`,
        until: null,
        eventId: e.id,
      })
    } else if (e.type === 'LegalHoldLifted') {
      open.delete(`legal_hold:${e.data.holdId}`)
    } else if (e.type === 'EvidencePreserved') {
      const key = `${e.data.basis}#${e.data.requestId ?? ''}`
      open.set(key, { caseId, basis: e.data.basis, until: e.data.until ?? null, eventId: e.id })
    } else if (e.type === 'PreservationReleased') {
      open.delete(`${e.data.basis}#${e.data.requestId ?? ''}`)
    }
  }
  return [...open.values()].filter((h) => h.until === null || Timestamp.toMillis(h.until) > atMs)
}

const scan = (store: EventStore, subjectId: string): TE.TaskEither<StoreError, ReadonlyArray<string>> =>
  TE.tryCatch(
    async () => {
      const mine = new Set<string>()
      for await (const s of store.readAll({ types: TYPES }))
        if (names(s.event, subjectId)) mine.add(s.event.caseId)
      return [...mine].sort()
    },
    (e): StoreError => unavailable(String(e)),
  )

/**
 * The cases holding the subject's personal fields, sorted: the store's index where it has one
 * (`EventStore.casesOfSubject`), else a read of the events that can hold them (`PersonalData.TYPES`;
 * the SQL stores filter them on their `(type, position)` index), keeping those naming the subject.
 */
export const casesOf = (
  store: EventStore,
  subjectId: string,
): TE.TaskEither<StoreError, ReadonlyArray<string>> =>
  store.casesOfSubject?.(subjectId) ?? scan(store, subjectId)

/** The stored streams of the subject's cases, by case id in order. */
const streamsOf = (
  store: EventStore,
  subjectId: string,
): TE.TaskEither<StoreError, ReadonlyMap<string, ReadonlyArray<StoredEvent>>> =>
  pipe(
    casesOf(store, subjectId),
    TE.flatMap(
      TE.traverseSeqArray((caseId) =>
        TE.map((stream: ReadonlyArray<StoredEvent>) => [caseId, stream] as const)(store.readStream(caseId)),
      ),
    ),
    TE.map((entries) => new Map(entries)),
  )

/**
 * The subject's fields that the streams hold in clear at rest: read from the stored text
 * (`StoredEvent.json`, which a decrypting store keeps as stored), else from the event, which a
 * store without keys gives as stored.
 */
const clearIn = (
  streams: ReadonlyMap<string, ReadonlyArray<StoredEvent>>,
  subjectId: string,
): ReadonlyArray<ClearField> =>
  [...streams].flatMap(([caseId, stream]) =>
    stream
      .filter((s) => names(s.event, subjectId))
      .flatMap((s) =>
        inClear(s.json === undefined ? s.event : (JSON.parse(s.json) as Recorded), subjectId).map(
          (field) => ({ caseId, eventId: s.event.id, field }),
        ),
      ),
  )

/**
 * Erases a subject: refuses with every blocking hold, or destroys the key and
 * lists the subject's fields stored in clear, which the key never covered.
 * Erasing an already erased subject succeeds again (idempotent).
 */
export const erase = (
  store: EventStore,
  keys: KeyStore,
  subjectId: string,
  options: Options,
): TE.TaskEither<ErasureRefused | StoreError, Erased> =>
  TE.flatMap(streamsOf(store, subjectId), (streams): TE.TaskEither<ErasureRefused | StoreError, Erased> => {
    const atMs = Timestamp.toMillis(options.at)
    const histories = [...streams].map(([caseId, stream]) => [caseId, stream.map((s) => s.event)] as const)
    const holds = histories.flatMap(([caseId, history]) => [
      ...activeHolds(caseId, history, atMs),
      ...(options.moreHolds?.(caseId, history) ?? []).filter(
        (h) => h.until === null || Timestamp.toMillis(h.until) > atMs,
      ),
    ])
    if (holds.length > 0)
      return TE.left<ErasureRefused | StoreError>({ _tag: 'ErasureRefused', subjectId, holds })
    const clearAtRest = clearIn(streams, subjectId)
    return TE.tryCatch<ErasureRefused | StoreError, Erased>(
      async () => {
        await keys.destroy(subjectId)
        return { subjectId, cases: [...streams.keys()], clearAtRest }
      },
      (e): StoreError => ({ _tag: 'StoreUnavailable', message: `key store: ${String(e)}` }),
    )
  })

/** One line per blocking hold, for an operator. */
export const describeRefusal = (r: ErasureRefused): string =>
  [
    `erasure of ${r.subjectId} refused: ${r.holds.length} hold(s) in force`,
    ...r.holds.map(
      (h) => `  case ${h.caseId}: ${h.basis}${h.until ? ` until ${h.until}` : ''} (placed by ${h.eventId})`,
    ),
  ].join('\n')

/**
 * A sentence for an operator on what an erasure did: the cases, and the
 * subject's fields still stored in clear, one line each (paths, never values).
 */
export const describeErased = (r: Erased): string => {
  const done = `erased ${r.subjectId}: key destroyed, ${r.cases.length} case(s)`
  if (r.clearAtRest.length === 0) return `${done}; none of their personal fields is stored in clear`
  const events = new Set(r.clearAtRest.map((f) => f.eventId)).size
  return [
    `${done}; but ${r.clearAtRest.length} of their personal field(s), in ${events} event(s), were stored in clear ` +
      '(appended without keys, or by an earlier version) and remain at rest, which destroying the key does not reach: ' +
      'only deleting the store, or copying it into a new one and erasing the subject there (docs/security.md, Erasure), removes them',
    ...r.clearAtRest.map((f) => `  case ${f.caseId}: event ${f.eventId}: ${f.field}`),
  ].join('\n')
}
