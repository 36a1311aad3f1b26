/**
 * Due times: the zone a clock counts in, the counting contexts of a version (its zone and its
 * `alsoZones`), and the due time of a clock counted from an instant in the context whose reading
 * protects. Not the clock's state (`runningClock.ts`), which calls these when a clock starts,
 * restarts or is extended.
 */
import type * as ClockRule from '../ClockRule.js'
import * as Duration from '../Duration.js'
import type { DocketEvent } from '../Envelope.js'
import type * as Profile from '../Profile.js'
import * as Timestamp from '../Timestamp.js'
import type { PreparedVersion } from './preparedRules.js'
import type { Clock } from './runningClock.js'

/** `Duration.fixedZone` by offset in minutes: one string per offset, so zone lookups hash it once. */
const fixedZones = new Map<number, string>()

const fixedZone = (offsetMinutes: number): string => {
  let z = fixedZones.get(offsetMinutes)
  if (z === undefined) {
    z = Duration.fixedZone(offsetMinutes)
    fixedZones.set(offsetMinutes, z)
  }
  return z
}

const zoneOf = (v: ClockRule.Version, profile: Profile.Resolved, trigger: DocketEvent): string =>
  v.zone === 'profile'
    ? profile.timeZone
    : v.zone === 'event' || v.zone === ''
      ? fixedZone(Timestamp.offsetOf(trigger.occurredAt))
      : v.zone

type Counted = Pick<Clock, 'version' | 'targetOnly' | 'contexts'>

/** The due time of a clock running from `from` counted in `ctx` (its internal target when the law gives no number). */
const dueIn = (c: Counted, ctx: Duration.Context, from: number): number =>
  c.targetOnly !== undefined
    ? Duration.add(from, c.targetOnly, 'mixed', ctx)
    : Duration.add(from, c.version.period.duration as string, c.version.period.clock, ctx)

/**
 * The due time of a clock running from `from`, and the context that gives it: counted in each of
 * the version's contexts, the reading that protects — the earliest for a deadline, the latest for
 * a hold or a window (`ClockRule.Version.alsoZones`). Ties keep the version's own zone.
 */
export const dueFrom = (
  c: Counted,
  kind: ClockRule.Kind,
  from: number,
): readonly [number, Duration.Context] => {
  let ctx = c.contexts[0]!
  let due = dueIn(c, ctx, from)
  for (let i = 1; i < c.contexts.length; i++) {
    const alt = c.contexts[i]!
    const d = dueIn(c, alt, from)
    if (kind === 'deadline' ? d < due : d > due) {
      due = d
      ctx = alt
    }
  }
  return [due, ctx]
}

/** The counting context of a prepared version in a zone, built once per version and zone (read-only). */
const contextOf = (pv: PreparedVersion, zone: string): Duration.Context => {
  let ctx = pv.contexts.get(zone)
  if (ctx === undefined) {
    ctx = ctxOf(pv.version, zone)
    pv.contexts.set(zone, ctx)
  }
  return ctx
}

/** The counting contexts of a version for a trigger: its zone, then its `alsoZones`. */
export const contextsOf = (
  pv: PreparedVersion,
  profile: Profile.Resolved,
  trigger: DocketEvent,
): ReadonlyArray<Duration.Context> => {
  const own = contextOf(pv, zoneOf(pv.version, profile, trigger))
  const also = pv.version.alsoZones
  return also === undefined || also.length === 0 ? [own] : [own, ...also.map((z) => contextOf(pv, z))]
}

const ctxOf = (v: ClockRule.Version, zone: string): Duration.Context => {
  const p = v.period
  return {
    zone,
    ...(p.endOfDay === undefined ? {} : { endOfDay: p.endOfDay }),
    ...(p.calendar === undefined ? {} : { calendar: p.calendar }),
    ...(p.euPeriodRule === undefined ? {} : { euPeriodRule: p.euPeriodRule }),
    ...(p.businessHours === undefined ? {} : { businessHours: p.businessHours }),
  }
}
