/**
 * The check `Import.run` makes before its first write: which lines of a file
 * would be refused because their event id already has another content,
 * earlier in the file or in the store. Not the decoding of lines (`Jsonl`),
 * nor the writing (`Import`).
 *
 * An id's reference content is the stored event's when the id is stored,
 * else its first line's. A line with the reference content is good (a
 * retry, written once); any other line with that id is bad, and only that
 * line: a line equal to the stored event stays good when an earlier line
 * gave the id another content.
 *
 * The store is asked about each content of an id once (`EventStore.conflicts`,
 * in batches), one content per id per call so that each answer names its
 * line. Most ids have one content: one round of calls; an id given several
 * contents adds a round per further content.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as DecodeError from '../DecodeError.js'
import { fingerprint, type Recorded } from '../Envelope.js'
import type * as EventStore from '../EventStore.js'

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

/** One content an id has in the file, and the first line giving it. */
interface Content {
  readonly fingerprint: string
  readonly first: Pending
}

// operations

/** The contents of each id, in the order of their first lines, and each line's content. */
const contentsOf = (
  lines: ReadonlyArray<Pending>,
): { readonly byId: Map<string, Content[]>; readonly ofLine: ReadonlyArray<Content> } => {
  const byId = new Map<string, Content[]>()
  const ofLine: Content[] = []
  for (const l of lines) {
    const f = fingerprint(l.event)
    const known = byId.get(l.event.id)
    let content = known?.find((c) => c.fingerprint === f)
    if (content === undefined) {
      content = { fingerprint: f, first: l }
      if (known === undefined) byId.set(l.event.id, [content])
      else known.push(content)
    }
    ofLine.push(content)
  }
  return { byId, ofLine }
}

/** The store's conflicts with each content, asking `batch` events per call, one content per id per call. */
const ask = async (
  store: EventStore.EventStore,
  byId: ReadonlyMap<string, ReadonlyArray<Content>>,
  batch: number,
): Promise<E.Either<CheckFailed, Map<Content, EventStore.IdempotencyConflict>>> => {
  const found = new Map<Content, EventStore.IdempotencyConflict>()
  for (let round = 0; ; round++) {
    const asked = [...byId.values()].flatMap((cs) => (round < cs.length ? [cs[round]!] : []))
    if (asked.length === 0) return E.right(found)
    for (let i = 0; i < asked.length; i += batch) {
      const chunk = asked.slice(i, i + batch)
      const r = await store.conflicts(chunk.map((c) => c.first.event))()
      if (E.isLeft(r)) return E.left({ at: chunk[0]!.first, error: r.left })
      const byEvent = new Map(chunk.map((c) => [c.first.event.id, c]))
      for (const c of r.right) {
        const content = byEvent.get(c.eventId)
        if (content !== undefined) found.set(content, c)
      }
    }
  }
}

const storedConflict = (l: Pending, c: EventStore.IdempotencyConflict): DecodeError.DecodeError =>
  DecodeError.atLine(
    DecodeError.single(
      'id',
      l.event.id,
      `an event id not already stored with other content (IdempotencyConflict: stored in case ${c.storedCaseId} with different content)`,
    ),
    l.line,
  )

const reused = (l: Pending, first: Pending): DecodeError.DecodeError =>
  DecodeError.atLine(
    DecodeError.single(
      'id',
      l.event.id,
      `an event id not already used on line ${first.line} with other content`,
    ),
    l.line,
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
  const { byId, ofLine } = contentsOf(lines)
  const answered = await ask(store, byId, batch)
  if (E.isLeft(answered)) return answered
  const conflicts = answered.right
  const ok: Pending[] = []
  const errors: DecodeError.DecodeError[] = []
  lines.forEach((l, i) => {
    const contents = byId.get(l.event.id)!
    const mine = ofLine[i]!
    const conflict = conflicts.get(mine)
    // a content the store does not refuse, while another is refused, is the stored one
    const stored = contents.some((c) => conflicts.has(c))
    if (conflict !== undefined) errors.push(storedConflict(l, conflict))
    else if (stored || mine === contents[0]) ok.push(l)
    else errors.push(reused(l, contents[0]!.first))
  })
  return E.right({ ok, errors })
}
