/**
 * What an escalation writes: its deterministic id (a hash of what caused it, so a second run
 * derives the same one), the event id of each of its pages, and the `EscalationRaised` event of a
 * page. It does not decide which pages are due (`escalationPlan.ts`).
 */
import type { Raised } from '../Escalation.js'
import * as Timestamp from '../Timestamp.js'
import type * as Trigger from '../Trigger.js'
import * as Hash from './hash.js'
import type { Start } from './ladder.js'

/** The deterministic id of an escalation: a hash of case, reason, obligation, level and cause. */
export const escalationId = (
  caseId: string,
  t: Pick<Trigger.Trigger, 'reason' | 'obligationId' | 'level' | 'cause'>,
): string => idOf(caseId, t.reason, t.obligationId, t.level, t.cause)

/**
 * {@link escalationId} from its parts: the hash of the JSON array `[caseId, reason, obligationId,
 * level, cause]`, streamed into the hash without building the text when no part needs escaping.
 */
export const idOf = (
  caseId: string,
  reason: string,
  obligationId: string | null,
  level: number,
  cause: string,
): string => {
  const o = obligationId ?? ''
  const lv = LEVEL_JSON[level] ?? JSON.stringify(level)
  // brackets, four quoted strings and four commas
  const length = caseId.length + reason.length + o.length + lv.length + cause.length + 14
  const streamed = Hash.streamable(length) ? streamedHash(caseId, reason, o, lv, cause) : undefined
  return `esc-${streamed ?? Hash.hash128(`[${jsonString(caseId)},${jsonString(reason)},${jsonString(o)},${lv},${jsonString(cause)}]`)}`
}

/** `JSON.stringify` of the levels ladders use (0 to 15), written once: it costs more than a table lookup. */
const LEVEL_JSON: ReadonlyArray<string> = Array.from({ length: 16 }, (_, i) => JSON.stringify(i))

/** The hash of `[caseId,reason,obligation,level,cause]` as JSON, streamed; `undefined` when a part needs escaping. */
const streamedHash = (
  caseId: string,
  reason: string,
  o: string,
  lv: string,
  cause: string,
): string | undefined => {
  Hash.begin()
  Hash.feedCode(91) // [
  if (!Hash.feedJson(caseId)) return undefined
  Hash.feedCode(44) // ,
  if (!Hash.feedJson(reason)) return undefined
  Hash.feedCode(44)
  if (!Hash.feedJson(o)) return undefined
  Hash.feedCode(44)
  Hash.feed(lv)
  Hash.feedCode(44)
  if (!Hash.feedJson(cause)) return undefined
  Hash.feedCode(93) // ]
  return Hash.end()
}

/** Characters `JSON.stringify` escapes in a string (quote, backslash, controls, lone surrogates). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what JSON escapes
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/

/** `JSON.stringify(s)`, without its cost when nothing needs escaping. */
const jsonString = (s: string): string => (ESCAPED.test(s) ? JSON.stringify(s) : `"${s}"`)

/** The id of the event that raises escalation `id` at `level` (and its `repeat`-th re-page). */
export const eventId = (id: string, level: number, repeat = 0): string =>
  repeat === 0 ? `${id}/L${level}` : `${id}/L${level}/r${repeat}`

/** The `EscalationRaised` event of a planned page. */
export const raisedEvent = (
  caseId: string,
  id: string,
  t: Start,
  at: number,
  level: number,
  repeat: number,
): Raised => ({
  id: eventId(id, level, repeat),
  type: 'EscalationRaised',
  caseId,
  occurredAt: Timestamp.format(at, t.offset),
  actor: { kind: 'system', id: 'docket-escalation' },
  data: {
    escalationId: id,
    level,
    reason: t.reason,
    ...(t.obligationId === null ? {} : { obligationId: t.obligationId }),
    ...(repeat === 0 ? {} : { repeat }),
    ...(t.missedObligation ? { missedObligation: true } : {}),
  },
  ...(t.causationId === null ? {} : { meta: { causationId: t.causationId } }),
})
