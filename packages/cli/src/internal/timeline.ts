/**
 * A case's events as lines a person reads: the time as it was written (the
 * event's own offset), the event id, the type and a short label computed
 * from the payload. Used by `docket demo`; it adds nothing the events do not
 * say.
 */
import { type DocketEvent, Timestamp } from '@docket/core'

/** `2020-01-28 09:14` in the timestamp's own offset (seconds shown only when not zero). */
export const localTime = (iso: string): string => {
  const p = Timestamp.parse(iso)
  return p === undefined ? iso : short(Timestamp.format(p.epochMs, p.offsetMinutes))
}

/**
 * `2020-01-28 09:14` for every instant read at one offset (minutes east of UTC), whatever offset
 * each was written with: for lines of several sources read side by side, in order.
 */
export const timeAt =
  (offsetMinutes: number) =>
  (iso: string): string => {
    const p = Timestamp.parse(iso)
    return p === undefined ? iso : short(Timestamp.format(p.epochMs, offsetMinutes))
  }

/** `2020-01-28 09:14 UTC-05:00`: the time in its own offset, and that offset. */
export const timeWithOffset = (iso: string): string => `${localTime(iso)} ${offsetLabel(iso)}`

/** The offset a timestamp was written with, in minutes east of UTC (0 when it does not parse). */
export const offsetOf = (iso: string): number => Timestamp.parse(iso)?.offsetMinutes ?? 0

const short = (formatted: string): string => {
  const seconds = formatted.slice(17, 19)
  return `${formatted.slice(0, 10)} ${formatted.slice(11, 16)}${seconds === '00' ? '' : `:${seconds}`}`
}

/** `UTC-08:00` for a timestamp written with offset -08:00. */
export const offsetLabel = (iso: string): string => {
  const p = Timestamp.parse(iso)
  if (p === undefined || p.offsetMinutes === 0) return 'UTC'
  const m = Math.abs(p.offsetMinutes)
  return `UTC${p.offsetMinutes < 0 ? '-' : '+'}${String(Math.trunc(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
}

/** `167000` as `167,000`, the same on every machine (no locale data). */
const thousands = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')

const plural = (n: number, word: string): string => `${thousands(n)} ${word}${n === 1 ? '' : 's'}`

/** A one-line summary of an event, from its payload. */
export const label = (e: DocketEvent): string => {
  const by = e.actor === undefined ? '' : ` by ${e.actor.kind.replace(/_/g, ' ')}`
  switch (e.type) {
    case 'ContentReported': {
      const d = e.data
      const more =
        d.categories !== undefined && d.categories.length > 0 ? ` (+${d.categories.join(', ')})` : ''
      const claims: string[] = []
      if (d.claims?.depictsMinor === true) {
        claims.push(
          d.claims.ageAtCapture === undefined
            ? 'depicts a minor'
            : `depicts a minor (${d.claims.ageAtCapture} at capture)`,
        )
      }
      if (d.claims?.policeReference !== undefined) claims.push('police report reference given')
      return `report${by} via ${d.channel}: ${d.category}${more}${claims.length > 0 ? `; ${claims.join('; ')}` : ''}`
    }
    case 'ReviewDecided':
      return `decision ${e.data.outcome} (${e.data.tier} tier)${e.data.reportId === undefined ? '' : ` on ${e.data.reportId}`}`
    case 'ExposureObserved':
      return `reach: ${plural(e.data.views, 'view')}, ${plural(e.data.shares, 'share')}`
    case 'AuthorityRequestReceived':
      return `${e.data.kind.replace(/_/g, ' ')} from ${e.data.authority} (${e.data.jurisdiction})`
    case 'ContentActioned':
      return `content ${e.data.action}${by}`
    case 'AccountActioned':
      return `account ${e.data.accountRef} ${e.data.action}${by}`
    case 'MandatoryReportFiled':
      return `report to ${e.data.recipient} ${e.data.status}`
    case 'EscalationRaised':
      return `escalation level ${e.data.level}: ${e.data.reason}`
    default:
      return `${e.type}${by}`
  }
}

/** The quoted words an event carries (a reporter's text, a decision's explanation), if any. */
export const quote = (e: DocketEvent): string | undefined => {
  if (e.type === 'ContentReported') return e.data.text
  if (e.type === 'ReviewDecided') return e.data.explanation
  return undefined
}

/** Wraps text at `width` columns, each line prefixed with `indent`. */
export const wrap = (text: string, width: number, indent: string): ReadonlyArray<string> => {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line.length > 0 && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line)
      line = word
    } else {
      line = line.length === 0 ? word : `${line} ${word}`
    }
  }
  if (line.length > 0) lines.push(indent + line)
  return lines
}
