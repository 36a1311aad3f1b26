/**
 * The clock machine: runs prepared clock rules over one case's ordered
 * events and builds its obligations. Private; the public entry points are
 * `Evaluation.evaluate`, `Evaluation.evaluateCase` and (for a replay) `Evaluation.judge`.
 *
 * Cost: one pass over the case's events per selected rule, O(1) work per
 * event and open clock; luxon only when a clock starts, pauses, restarts or
 * is extended, and when its timestamps are written.
 *
 * This module is the run of one case: the loop that offers each event to the
 * open clocks of a rule and to its start. The rules are prepared once per
 * evaluation (`preparedRules.ts`); a clock's state and actions live in
 * `runningClock.ts`, its due times in `dueTime.ts`, and its judgment at `asOf`
 * in `judgment.ts`. The loop stays whole here: it is the hot path of a replay.
 */
import type { DocketEvent } from '../Envelope.js'
import type * as Obligation from '../Obligation.js'
import { View } from './caseView.js'
import { type Judged, judge } from './judgment.js'
import type { Entry } from './order.js'
import { candidates, type Prepared, versionAt } from './preparedRules.js'
import { act, type CaseContext, type Clock, open, type Pending } from './runningClock.js'

const requiredMet = (req: ReadonlyArray<string>, el: Record<string, boolean>): boolean =>
  req.every((k) => el[k] === true)

const mergeElements = (el: Record<string, boolean>, e: DocketEvent): void => {
  const rr = (e.data as { readonly removalRequest?: Readonly<Record<string, boolean>> }).removalRequest
  if (rr === undefined || rr === null || typeof rr !== 'object') return
  for (const k of Object.keys(rr)) if (rr[k] === true) el[k] = true
}

const earlierRecorded = (a: Entry, b: Entry): boolean =>
  a.recorded < b.recorded ||
  (a.recorded === b.recorded && (a.at < b.at || (a.at === b.at && a.event.id < b.event.id)))

/** A case's obligations, and their instants in epoch ms (same indexes). */
export interface CaseObligations {
  readonly obligations: ReadonlyArray<Obligation.Obligation>
  readonly instants: ReadonlyArray<Obligation.Instants>
}

/** Runs every prepared rule over one case's events (already filtered and ordered). */
export const runCase = (
  caseId: string,
  entries: ReadonlyArray<Entry>,
  prep: Prepared,
  asOf: number,
): CaseObligations => {
  let events: ReadonlyArray<DocketEvent> | undefined
  const eventsOf = (): ReadonlyArray<DocketEvent> => {
    events ??= entries.map((en) => en.event)
    return events
  }
  const views: Array<View | undefined> = new Array(entries.length)
  const viewAt = (i: number): View => {
    let v = views[i]
    if (v === undefined) {
      v = new View(caseId, eventsOf, i)
      views[i] = v
    }
    return v
  }
  let jurisdictions: ReadonlyArray<string> | undefined
  const cc: CaseContext = {
    caseId,
    prep,
    jurisdictions: () => {
      if (jurisdictions === undefined) jurisdictions = collectJurisdictions(entries)
      return jurisdictions
    },
  }
  const typeIds = new Uint8Array(entries.length)
  for (let i = 0; i < entries.length; i++) typeIds[i] = prep.typeIds.get(entries[i]!.event.type) ?? 0
  const out: Judged[] = []
  for (const pr of candidates(prep, typeIds)) {
    const offered = pr.offered
    // Allocated on the first start match: most rules never start on most cases.
    const clocks: Clock[] = []
    let byKey: Map<string, Clock> | undefined
    let pending: Map<string, Pending> | undefined
    const reacts = pr.reacts
    for (let i = 0; i < entries.length; i++) {
      const en = entries[i]!
      // an event no condition of the rule can hold on is not offered to its clocks: a case with
      // thousands of open clocks (a viral case's reports) stays linear in its events
      if (reacts === null || reacts.has(en.event.type))
        for (let k = 0; k < clocks.length; k++) {
          const c = clocks[k]!
          if (!c.cancelled && c.completedAt === null) act(cc, c, en, viewAt(i))
        }
      if (offered !== null && offered[typeIds[i]!] === 0) continue
      const pv = versionAt(pr, en.at) ?? (en.at < pr.versions[0]!.from ? pr.versions[0] : undefined)
      if (pv === undefined) continue
      const v = pv.version
      const isStart = v.start(en.event, viewAt(i))
      const isCompletion = !isStart && v.requiredElements !== undefined && en.event.type === 'ReportCompleted'
      if (!isStart && !isCompletion) continue
      const key = v.key === undefined ? caseId : v.key(en.event)
      const existing = byKey?.get(key)
      if (existing !== undefined) {
        if (isStart && earlierRecorded(en, existing.identity)) existing.identity = en
        continue
      }
      if (v.requiredElements === undefined && (pending === undefined || !pending.has(key))) {
        // The usual start (no elements to wait for, nothing pending under this key): the clock opens
        // now or the match is forgotten, so nothing is kept when it does not open (most rules do
        // not apply to most cases).
        const c = open(cc, pr, { first: en, identity: en }, en)
        if (c === undefined) continue
        if (byKey === undefined) byKey = new Map()
        byKey.set(key, c)
        clocks.push(c)
        continue
      }
      if (byKey === undefined) byKey = new Map()
      if (pending === undefined) pending = new Map()
      let p = pending.get(key)
      if (p === undefined) {
        if (!isStart) continue
        p = { first: en, identity: en, elements: {} }
        pending.set(key, p)
      } else if (isStart && earlierRecorded(en, p.identity)) p.identity = en
      if (v.requiredElements !== undefined) {
        mergeElements(p.elements, en.event)
        if (!requiredMet(v.requiredElements, p.elements)) continue
      }
      const c = open(cc, pr, p, en)
      if (c === undefined) {
        // Not in force or not applicable at this instant: a later match starts afresh (no shadow,
        // its own identity). A request waiting for its elements keeps its first receipt.
        if (v.requiredElements === undefined) pending.delete(key)
        continue
      }
      pending.delete(key)
      byKey.set(key, c)
      clocks.push(c)
    }
    for (const c of clocks) {
      // A pre-effective clock whose duty was done (or waived) before the law took effect never bound anyone.
      if (c.preEffective && c.completedAt !== null && c.completedAt <= c.startedAt) continue
      out.push(judge(caseId, c, prep, asOf))
    }
  }
  if (out.length > 1) out.sort((a, b) => a.at - b.at || (a.o.id < b.o.id ? -1 : a.o.id > b.o.id ? 1 : 0))
  return { obligations: out.map((x) => x.o), instants: out.map((x) => x.instants) }
}

const collectJurisdictions = (entries: ReadonlyArray<Entry>): ReadonlyArray<string> => {
  const s = new Set<string>()
  for (const { event: e } of entries) {
    // Decoded events always carry these fields; guard anyway so hand-built histories cannot crash a run.
    if (e.type === 'ContentReported' || e.type === 'ContentDetected') {
      if (Array.isArray(e.data.jurisdictions)) for (const j of e.data.jurisdictions) s.add(j)
    } else if (e.type === 'AuthorityRequestReceived' && typeof e.data.jurisdiction === 'string')
      s.add(e.data.jurisdiction)
  }
  return [...s].sort()
}
