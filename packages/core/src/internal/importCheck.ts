/**
 * The check `Import` makes before its first write: which lines of a file
 * would be refused because their event id already has another content,
 * earlier in the file or in the store. Not the decoding of lines (`Jsonl`),
 * nor the writing (`internal/importWrite.ts`).
 *
 * An id's reference content is the stored event's when the id is stored,
 * else its first line's. A line with the reference content is good (a
 * retry, written once); any other line with that id is bad, and only that
 * line: a line equal to the stored event stays good when an earlier line
 * gave the id another content ({@link decide}, the one decision both import
 * paths make).
 *
 * The store is asked about each content of an id once (`EventStore.conflicts`,
 * in batches, {@link asker}), one content per id per call so that each answer
 * names its line: a further content of an id waits for a later call. Only
 * the contents the store refuses are kept, with its answer.
 */
import { createHash } from 'node:crypto'
import * as E from 'fp-ts/lib/Either.js'
import * as DecodeError from '../DecodeError.js'
import { fingerprint, type Recorded } from '../Envelope.js'
import type * as EventStore from '../EventStore.js'
import type { StoreFailed } from '../Import.js'

// model

/** An event and the line it came from, as it will be appended. */
export interface Pending {
  readonly line: number
  readonly event: Recorded
}

/** The store failed to answer about the events from `at` on. */
export interface CheckFailed {
  readonly at: Pending
  readonly error: EventStore.StoreError
}

/** The lines to write, and the bad ones (each error carries its line), both in file order. */
export interface Checked {
  readonly ok: ReadonlyArray<Pending>
  readonly errors: ReadonlyArray<DecodeError.DecodeError>
}

/** One content an id has in the file (its {@link key}), and the first line giving it. */
export interface Content {
  readonly key: string
  readonly line: number
}

/** The contents of each id, in the order of their first lines. */
export type Contents = Map<string, Content[]>

/** The contents the store refuses (an `IdempotencyConflict` each); the others it accepts. */
export type Refused = ReadonlyMap<Content, EventStore.IdempotencyConflict>

// operations

/**
 * An event's content as a short key: the SHA-256 of its `Envelope.fingerprint` (44 characters
 * instead of the whole canonical event), so that a content costs the same whatever the event's size.
 */
export const key = (event: Recorded): string =>
  createHash('sha256').update(fingerprint(event)).digest('base64')

/** The content of `event` (key `k`) first seen on `line`: the known one, or a new one (`isNew`). */
export const contentOf = (
  byId: Contents,
  event: Recorded,
  k: string,
  line: number,
): { readonly content: Content; readonly isNew: boolean } => {
  const known = byId.get(event.id)
  const found = known?.find((c) => c.key === k)
  if (found !== undefined) return { content: found, isNew: false }
  const content: Content = { key: k, line }
  if (known === undefined) byId.set(event.id, [content])
  else known.push(content)
  return { content, isNew: true }
}

/** What to do with one line of an id's content `mine`: undefined to write it, else why it is bad. */
export const decide = (
  id: string,
  line: number,
  contents: ReadonlyArray<Content>,
  mine: Content,
  refused: Refused,
): DecodeError.DecodeError | undefined => {
  const conflict = refused.get(mine)
  if (conflict !== undefined) return storedConflict(id, line, conflict)
  // a content the store does not refuse, while another is refused, is the stored one
  if (mine === contents[0] || contents.some((c) => refused.has(c))) return undefined
  return reused(id, line, contents[0]!.line)
}

/** Whether some line of some content would be bad ({@link decide} of each content's first line). */
export const anyBad = (byId: Contents, refused: Refused): boolean => {
  for (const [id, contents] of byId)
    for (const c of contents) if (decide(id, c.line, contents, c, refused) !== undefined) return true
  return false
}

/**
 * Asks `store` about new contents as they come (`add`, then `finish`), `batch` events per
 * `EventStore.conflicts` call and one content per id per call, keeping only the refused contents.
 * An event is held only until it is asked about.
 */
export const asker = (store: EventStore.EventStore, batch: number) => {
  const refused = new Map<Content, EventStore.IdempotencyConflict>()
  type Ask = { readonly content: Content; readonly at: Pending }
  let current = new Map<string, Ask>()
  let waiting: Ask[] = []
  const send = async (): Promise<E.Either<CheckFailed, void>> => {
    const chunk = [...current.values()]
    current = new Map()
    const later: Ask[] = []
    for (const a of waiting) {
      if (current.size < batch && !current.has(a.at.event.id)) current.set(a.at.event.id, a)
      else later.push(a)
    }
    waiting = later
    const r = await store.conflicts(chunk.map((a) => a.at.event))()
    if (E.isLeft(r)) return E.left({ at: chunk[0]!.at, error: r.left })
    const byEvent = new Map(chunk.map((a) => [a.at.event.id, a.content]))
    for (const c of r.right) {
      const content = byEvent.get(c.eventId)
      if (content !== undefined) refused.set(content, c)
    }
    return E.right(undefined)
  }
  return {
    refused: refused as Refused,
    /** Queues a new content (`at` its first line); asks when a call's worth is queued. */
    add: async (content: Content, at: Pending): Promise<E.Either<CheckFailed, void>> => {
      if (current.has(at.event.id)) waiting.push({ content, at })
      else current.set(at.event.id, { content, at })
      return current.size >= batch ? send() : E.right(undefined)
    },
    /** Asks about everything still queued. */
    finish: async (): Promise<E.Either<CheckFailed, void>> => {
      while (current.size > 0) {
        const r = await send()
        if (E.isLeft(r)) return r
      }
      return E.right(undefined)
    },
  }
}

/** The import error of a check the store could not answer: nothing was written. */
export const storeFailed = (f: CheckFailed): StoreFailed => ({
  _tag: 'StoreFailed',
  line: f.at.line,
  eventId: f.at.event.id,
  caseId: f.at.event.caseId,
  error: f.error,
  appended: 0,
  duplicates: 0,
})

const storedConflict = (
  id: string,
  line: number,
  c: EventStore.IdempotencyConflict,
): DecodeError.DecodeError =>
  DecodeError.atLine(
    DecodeError.single(
      'id',
      id,
      `an event id not already stored with other content (IdempotencyConflict: stored in case ${c.storedCaseId} with different content)`,
    ),
    line,
  )

/** The error of line `line`, giving event id `id` other content than line `first` did. */
export const reused = (id: string, line: number, first: number): DecodeError.DecodeError =>
  DecodeError.atLine(
    DecodeError.single('id', id, `an event id not already used on line ${first} with other content`),
    line,
  )

/**
 * Splits `lines` into those to write and those whose id already has another content, in the
 * file (an earlier line) or in the store (what the append would refuse as an
 * `IdempotencyConflict`). Left: the store could not answer.
 */
export const check = async (
  store: EventStore.EventStore,
  lines: ReadonlyArray<Pending>,
  batch: number,
): Promise<E.Either<CheckFailed, Checked>> => {
  const byId: Contents = new Map()
  const ask = asker(store, batch)
  const ofLine: Content[] = []
  for (const l of lines) {
    const { content, isNew } = contentOf(byId, l.event, key(l.event), l.line)
    ofLine.push(content)
    if (isNew) {
      const r = await ask.add(content, l)
      if (E.isLeft(r)) return r
    }
  }
  const finished = await ask.finish()
  if (E.isLeft(finished)) return finished
  const ok: Pending[] = []
  const errors: DecodeError.DecodeError[] = []
  lines.forEach((l, i) => {
    const error = decide(l.event.id, l.line, byId.get(l.event.id)!, ofLine[i]!, ask.refused)
    if (error === undefined) ok.push(l)
    else errors.push(error)
  })
  return E.right({ ok, errors })
}
