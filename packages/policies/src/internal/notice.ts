/**
 * Whether a notice is complete: its report's `removalRequest` with the
 * elements of every `ReportCompleted` for the same report merged over it, in
 * history order, holds every required element the law does not waive for it.
 * `plain` reads one history prefix; `scanner` answers the same question for
 * each event of a case in one pass over the case's events (a viral case has
 * thousands of reports, each asked about). The condition is `completeNotice`
 * in `match.ts`; this module is its two evaluations.
 */
import type { DocketEvent, EventOf } from '@docket/core'

type Report = EventOf<'ContentReported'>
/** The elements a notice must hold, and those the law waives for a report. */
export interface Requirement {
  readonly required: ReadonlyArray<string>
  readonly waived: (report: Report) => ReadonlyArray<string>
}

const holds = (req: Requirement, report: Report, elements: Readonly<Record<string, boolean>>): boolean => {
  const skip = req.waived(report)
  return req.required.filter((k) => !skip.includes(k)).every((k) => elements[k] === true)
}

/** The definition: is the notice of report `id` complete in `upTo` (a history prefix)? */
export const plain = (req: Requirement, id: string, upTo: ReadonlyArray<DocketEvent>): boolean => {
  const report = upTo.find((x): x is Report => x.type === 'ContentReported' && x.data.reportId === id)
  if (report === undefined) return false
  if (report.data.removalRequest === undefined) return true
  const elements: Record<string, boolean> = { ...report.data.removalRequest }
  for (const x of upTo) {
    if (x.type === 'ReportCompleted' && x.data.reportId === id) Object.assign(elements, x.data.removalRequest)
  }
  return holds(req, report, elements)
}

/** What one pass has read of a case's events so far. */
interface Scan {
  readonly events: ReadonlyArray<DocketEvent>
  /** Events before this index have been read. */
  read: number
  /** By index: 1 where the event is a report or completion whose notice is complete at that point. */
  readonly complete: Uint8Array
  /** The first report of each report id. */
  readonly reports: Map<string, Report>
  /** The elements of each report id's completions so far, merged in order. */
  readonly completed: Map<string, Record<string, boolean>>
}

/**
 * `plain` for the event at `at` of `events` (a report or completion, `id` its report id), with what
 * was read of `events` kept from one call to the next: each event is read once per array.
 */
export const scanner = (req: Requirement): ((events: ReadonlyArray<DocketEvent>, at: number) => boolean) => {
  let scan: Scan | undefined
  return (events, at) => {
    let s = scan
    if (s === undefined || s.events !== events) {
      s = {
        events,
        read: 0,
        complete: new Uint8Array(events.length),
        reports: new Map(),
        completed: new Map(),
      }
      scan = s
    }
    for (; s.read <= at; s.read++) {
      const x = events[s.read]!
      let id: string
      if (x.type === 'ContentReported') {
        id = x.data.reportId
        if (!s.reports.has(id)) s.reports.set(id, x)
      } else if (x.type === 'ReportCompleted') {
        id = x.data.reportId
        let merged = s.completed.get(id)
        if (merged === undefined) {
          merged = {}
          s.completed.set(id, merged)
        }
        Object.assign(merged, x.data.removalRequest)
      } else continue
      // the answer for a prefix ending here, as `plain` gives it
      const report = s.reports.get(id)
      if (report === undefined) continue
      const rr = report.data.removalRequest
      const merged = s.completed.get(id)
      const ok =
        rr === undefined || holds(req, report, merged === undefined ? rr : Object.assign({ ...rr }, merged))
      if (ok) s.complete[s.read] = 1
    }
    return s.complete[at] === 1
  }
}
