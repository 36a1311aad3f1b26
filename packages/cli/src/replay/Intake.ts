/**
 * Intake: how a replay takes each event into its case held in memory. An open case is its
 * history so far, the ids it holds and the order check's state (its latest `recordedAt`); an
 * event repeating an earlier one of its case is left out, as a store's append leaves it, one
 * giving its id another content is a `DuplicateId`, and one recorded before the previous event
 * of its case an `OutOfOrder` (when the order is checked). Not where a case goes when it leaves
 * memory (`Parking`), nor how it is judged (`Results`).
 */
import type { DocketEvent, Recorded } from '@docket/core'
import { Envelope, Timestamp } from '@docket/core'
import type { ReadBack } from './Sources.js'

// model

/** An event recorded before the previous event of its case. */
export interface OutOfOrder {
  readonly _tag: 'OutOfOrder'
  /** 1-based position of the event in the input. */
  readonly position: number
  /** 1-based line of the event in a file or standard input, when known (a store's events have no line). */
  readonly line?: number
  readonly caseId: string
  readonly eventId: string
  readonly recordedAt: string
  readonly previousEventId: string
  readonly previousRecordedAt: string
}

/** An event giving the id of an earlier event of its case another content (events.md: an `IdempotencyConflict`). */
export interface DuplicateId {
  readonly _tag: 'DuplicateId'
  /** 1-based position of the event in the input (its rank in `recordedAt` order, when the input was sorted). */
  readonly position: number
  /** 1-based line of the event in a file or standard input, when known (a store's events have no line). */
  readonly line?: number
  readonly caseId: string
  readonly eventId: string
}

/** A replay's expected failure. */
export type ReplayError = OutOfOrder | DuplicateId

/** A case held in memory: its history so far and the order check's state. */
export interface OpenCase {
  history: DocketEvent[]
  /**
   * The ids of `history`'s events once it holds {@link ID_SET_FROM} or more (a repeated id is then
   * looked up in the history only); a shorter history, most cases', is scanned instead.
   */
  ids: Set<string> | undefined
  /** The source's handles of `history`'s events, when it reads them back (`Options.readBack`). */
  handles: number[] | undefined
  last: number
  lastId: string
  lastText: string
  closed: boolean
  /** Input position of the case's latest event (the least recently active leave memory first). */
  seen: number
}

/** The order check's state of a case out of memory (`last` is `null` when none of its events has a `recordedAt` of its own). */
export interface OrderState {
  readonly last: number | null
  readonly lastId: string
  readonly lastText: string
  readonly closed: boolean
}

/** A case's history as kept while it is out of memory: its events, and their handles when the source reads them back. */
export interface Kept {
  readonly history: ReadonlyArray<DocketEvent>
  readonly handles: ReadonlyArray<number> | undefined
}

// internal

/** The instant (epoch ms) an event was recorded at: its `recordedAt`, else its `occurredAt`. */
export const recordedMs = (e: DocketEvent): number => Timestamp.toMillis(e.recordedAt ?? e.occurredAt)

/** How long a case's history grows before its ids are kept in a `Set` (scanned below it). */
const ID_SET_FROM = 16

/** Whether the case already holds an event of id `id`. */
const holdsId = (c: OpenCase, id: string): boolean => {
  if (c.ids !== undefined) return c.ids.has(id)
  for (const x of c.history) if (x.id === id) return true
  return false
}

/** Notes that the case now holds an event of id `id` (before it joins the history). */
const noteId = (c: OpenCase, id: string): void => {
  if (c.ids !== undefined) c.ids.add(id)
  else if (c.history.length + 1 >= ID_SET_FROM) c.ids = new Set([...c.history.map((x) => x.id), id])
}

// constructors

/** What a new case has kept: nothing. */
export const NOTHING_KEPT: Kept = { history: [], handles: undefined }

/** The order check's state of a case with no event yet. */
export const NEW_CASE: OrderState = { last: null, lastId: '', lastText: '', closed: false }

/** A case back in memory at input position `seen`, with its order check's state; with its handles when the source reads back. */
export const openCase = (
  { history, handles }: Kept,
  p: OrderState,
  seen: number,
  readBack: boolean,
): OpenCase => ({
  history: [...history],
  ids: history.length >= ID_SET_FROM ? new Set(history.map((x) => x.id)) : undefined,
  handles: readBack ? [...(handles ?? [])] : undefined,
  last: p.last ?? Number.NEGATIVE_INFINITY,
  lastId: p.lastId,
  lastText: p.lastText,
  closed: p.closed,
  seen,
})

/** The order check's state of a history taken back after its case was dropped: its latest event with a `recordedAt` of its own. */
export const orderOf = (history: ReadonlyArray<DocketEvent>): OrderState => {
  const stamped = history.filter((x) => x.meta?.recordedAtInferred !== true)
  const last = stamped.reduce<DocketEvent | undefined>(
    (m, x) => (m === undefined || recordedMs(x) >= recordedMs(m) ? x : m),
    undefined,
  )
  return {
    last: last === undefined ? null : recordedMs(last),
    lastId: last?.id ?? '',
    lastText: last === undefined ? '' : (last.recordedAt ?? last.occurredAt),
    closed: false,
  }
}

// operations

/**
 * Takes event `e`, at input `position` and recorded at `rec` (its {@link recordedMs}), into its
 * open case: `true` when it joins the history, `false` when it repeats an event the case holds
 * (left out), or the error that refuses it.
 */
export const admit = (
  state: OpenCase,
  e: Recorded,
  position: number,
  rec: number,
  checkOrder: boolean,
  readBack: ReadBack | undefined,
): ReplayError | boolean => {
  if (holdsId(state, e.id)) {
    // a repeat is a no-op, as a store's append is; another content is a conflict
    const earlier = state.history.find((x) => x.id === e.id)!
    if (Envelope.fingerprint(earlier) === Envelope.fingerprint(e)) return false
    return { _tag: 'DuplicateId', position, caseId: e.caseId, eventId: e.id }
  }
  noteId(state, e.id)
  // an imported event without recordedAt (inferred from occurredAt) is taken in file order
  const inferred = e.meta?.recordedAtInferred === true
  if (checkOrder && !inferred && rec < state.last) {
    return {
      _tag: 'OutOfOrder',
      position,
      caseId: e.caseId,
      eventId: e.id,
      recordedAt: e.recordedAt ?? e.occurredAt,
      previousEventId: state.lastId,
      previousRecordedAt: state.lastText,
    }
  }
  if (!inferred && rec >= state.last) {
    state.last = rec
    state.lastId = e.id
    state.lastText = e.recordedAt ?? e.occurredAt
  }
  state.history.push(e)
  state.handles?.push(readBack!.handle())
  if (e.type === 'CaseClosed') state.closed = true
  else if (e.type === 'CaseReopened') state.closed = false
  state.seen = position
  return true
}

/** Where a replay error's event is in the input: its line when known (a file, standard input), else its position. */
export const where = (e: ReplayError): string =>
  e.line === undefined ? `input position ${e.position}` : `line ${e.line}`

/** A one-line explanation of a replay error. */
export const describe = (e: ReplayError): string =>
  e._tag === 'DuplicateId'
    ? `event ${e.eventId} (${where(e)}) of case ${e.caseId} gives the id of an earlier event of that ` +
      'case other content: an event id is stored once, with one content (an IdempotencyConflict, as an import ' +
      'of the input would refuse it). Nothing was written.'
    : describeOrder(e)

const describeOrder = (e: OutOfOrder): string =>
  `event ${e.eventId} (${where(e)}) of case ${e.caseId} was recorded at ${e.recordedAt}, ` +
  `before the previous event of that case (${e.previousEventId}, ${e.previousRecordedAt}): the input must be in ` +
  'recordedAt order within each case. Sort it with --sort (spills to disk), or export it from a store.'
