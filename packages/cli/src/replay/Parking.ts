/**
 * Parking: a replay's cases out of memory, in the archive (`Spill.archive`). A parked case is
 * open but idle: its history waits with its order check's state (and, when it was judged as it
 * left, that result's counts and the instant until which it holds); its next event brings it
 * back as it left, or it is judged at the end unless its recorded result still holds. A dropped
 * case is closed with a final result: its history waits with that result's counts in case a
 * later event reopens it, which takes those counts back. Either keeps only its events' handles
 * when the source reads them back. Not which cases leave memory, nor when: that is `Eviction`'s.
 */
import { type DocketEvent, Timestamp } from '@docket/core'
import { type Kept, type OpenCase, type OrderState, openCase, orderOf } from './Intake.js'
import type { Options, Summary } from './Replay.js'
import type { Results } from './Results.js'
import * as Spill from './Spill.js'

// model

/** The cases of one replay out of memory (see {@link make}). */
export interface Parking {
  /**
   * Archives a case's history with the order check's state (and the counts of its result, when
   * it was judged as it left, holding until `until`); the case comes back on its next event, or
   * is judged at the end.
   */
  readonly park: (caseId: string, state: OpenCase, judgment?: Parked['judged'], until?: number) => void
  /** Archives the history of a case dropped with a final result of counts `own`, in case it reopens. */
  readonly drop: (caseId: string, state: OpenCase, own: Summary | null) => void
  /** Takes a case out of the archive, or `undefined` when it is not there (a new case). */
  readonly take: (caseId: string) => Spill.Archived<DocketEvent | number> | undefined
  /**
   * The case taken from the archive, in memory again at input position `seen`: a parked case as
   * it left (a result recorded as it left will be replaced), a dropped one reopened.
   */
  readonly back: (
    caseId: string,
    taken: Spill.Archived<DocketEvent | number>,
    seen: number,
  ) => Promise<OpenCase>
  /** Judges at `asOf` the parked cases whose recorded result does not hold then, and forgets them all. */
  readonly finishRest: (asOf: string) => Promise<void>
  /** Parked cases with no result recorded. */
  readonly waiting: () => number
  /** Dropped cases brought back. */
  readonly reopened: () => number
  readonly close: () => void
}

/** What a parked case keeps beside its history in the archive: the order check's state, and whether it was judged as it left. */
interface Parked extends OrderState {
  /**
   * Set when the case was judged as it left memory: that result is recorded (these are its
   * counts), and `parked` holds the instant until which it holds.
   */
  readonly judged?: { readonly own: Summary | null }
  /** The source's handles of the archived history (a `remote` read-back: the history is archived, and so are they). */
  readonly handles?: ReadonlyArray<number>
}

// constructors

/** An empty parking for a replay of these options, recording the results of parked cases it judges in `results`. */
export const make = (
  options: Pick<Options, 'evaluate' | 'readBack' | 'spillDir'>,
  results: Pick<Results, 'finish' | 'unfinish'>,
): Parking => {
  // A case leaving memory keeps its history on disk, or only its events' handles when the source
  // reads them back (most cases never return); a remote source's parked cases, which often do,
  // keep their history (and their handles in their note).
  const readBack = options.readBack
  const archive = Spill.archive<DocketEvent | number>(options.spillDir)
  const byHandles = (parkedCase: boolean): boolean =>
    readBack !== undefined && !(parkedCase && readBack.remote === true)
  const keep = (caseId: string, state: OpenCase, note: string, parkedCase: boolean): void =>
    archive.put(caseId, byHandles(parkedCase) ? state.handles! : state.history, note)
  /** The history (and handles) of a case taken back from the archive, with its note when it was parked. */
  const historyOf = async (
    caseId: string,
    back: Spill.Archived<DocketEvent | number>,
    parkedNote: Parked | undefined,
  ): Promise<Kept> => {
    if (!byHandles(parkedNote !== undefined))
      return { history: back.history as ReadonlyArray<DocketEvent>, handles: parkedNote?.handles }
    const handles = back.history as ReadonlyArray<number>
    return { history: await readBack!.read(caseId, handles), handles }
  }
  // open cases whose history waits in the archive (see `park`), each with the instant until
  // which the result recorded as it left holds (-Infinity when none was)
  const parked = new Map<string, number>()
  // parked cases whose result is recorded (counted done, not open)
  let parkedDone = 0
  let reopened = 0
  const park = (
    caseId: string,
    state: OpenCase,
    judgment?: Parked['judged'],
    until = Number.NEGATIVE_INFINITY,
  ): void => {
    const p: Parked = {
      last: Number.isFinite(state.last) ? state.last : null,
      lastId: state.lastId,
      lastText: state.lastText,
      closed: state.closed,
      ...(judgment === undefined ? {} : { judged: judgment }),
      ...(byHandles(true) || state.handles === undefined ? {} : { handles: state.handles }),
    }
    keep(caseId, state, JSON.stringify(p), true)
    parked.set(caseId, until)
    if (judgment !== undefined) parkedDone++
  }
  const back = async (
    caseId: string,
    taken: Spill.Archived<DocketEvent | number>,
    seen: number,
  ): Promise<OpenCase> => {
    const withHandles = readBack !== undefined
    if (parked.delete(caseId)) {
      // a parked case comes back as it left; a result recorded as it left will be replaced
      const p = JSON.parse(taken.note) as Parked
      if (p.judged !== undefined) {
        results.unfinish(p.judged.own)
        parkedDone--
      }
      return openCase(await historyOf(caseId, taken, p), p, seen, withHandles)
    }
    reopened++
    // its result will be put again (dropped anew, or judged at the end): its counts go
    results.unfinish(JSON.parse(taken.note) as Summary | null)
    const kept = await historyOf(caseId, taken, undefined)
    return openCase(kept, orderOf(kept.history), seen, withHandles)
  }
  const finishRest = async (asOf: string): Promise<void> => {
    const asOfMs = Timestamp.toMillis(asOf)
    for (const [caseId, until] of parked) {
      // judged as it left, at an instant no later than asOf: its recorded result holds until `until`
      if (asOfMs < until) continue
      const back = archive.take(caseId)!
      const p = JSON.parse(back.note) as Parked
      if (p.judged !== undefined) results.unfinish(p.judged.own)
      const { history } = await historyOf(caseId, back, p)
      results.finish(caseId, history, options.evaluate(caseId, history, asOf))
    }
    parked.clear()
    parkedDone = 0
  }
  return {
    park,
    drop: (caseId, state, own) => keep(caseId, state, JSON.stringify(own), false),
    take: (caseId) => archive.take(caseId),
    back,
    finishRest,
    waiting: () => parked.size - parkedDone,
    reopened: () => reopened,
    close: () => archive.close(),
  }
}
