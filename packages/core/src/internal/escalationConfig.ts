/**
 * The escalation configuration: the engine's `Config` of a resolved profile, with its defaults
 * (the levels each reason raises at, the specialist level) and each ladder level's timing read
 * once into elapsed milliseconds. It reads the profile's settings; it does not decode them
 * (`Profile` does) nor page anyone (`ladder.ts`).
 */
import type { Config, Rung } from '../Escalation.js'
import type * as Profile from '../Profile.js'

const DEFAULT_SPECIALIST = 2

/** The engine configuration of a resolved profile (defaults applied, ladder sorted). */
export const configOf = (profile: Pick<Profile.Resolved, 'escalation'>): Config => {
  const e = profile.escalation
  const ladder = [...(e.ladder ?? [])].sort((a, b) => a.level - b.level)
  const top = ladder.length === 0 ? 1 : ladder[ladder.length - 1]!.level
  const specialistLevel = e.specialistLevel ?? DEFAULT_SPECIALIST
  return {
    ladder,
    specialistLevel,
    reach: {
      views: [...(e.reach?.views ?? [])].sort((a, b) => a - b),
      shares: [...(e.reach?.shares ?? [])].sort((a, b) => a - b),
      viewsPerHour: e.reach?.viewsPerHour ?? null,
      sharesPerHour: e.reach?.sharesPerHour ?? null,
    },
    repeatReports: [...new Set(e.repeatReports ?? [])].sort((a, b) => a - b),
    timePages: e.timePages ?? 'perObligation',
    rungs: new Map(
      ladder.map((l, i) => {
        const next = ladder[i + 1]?.level ?? null
        const rung: Rung = {
          stepMs: l.acknowledgeWithin === undefined || next === null ? null : durationMs(l.acknowledgeWithin),
          next,
          repeatMs: l.repeatEvery === undefined ? null : durationMs(l.repeatEvery),
          repeatTimes: l.repeatTimes ?? 3,
        }
        return [l.level, rung] as const
      }),
    ),
    levels: {
      time_warning: 1,
      internal_target_missed: specialistLevel,
      statutory_breach: top,
      refusal_guard: specialistLevel,
      authority_after_refusal: top,
      reach: 1,
      repeat_report: 1,
      ...e.levels,
    },
  }
}

const UNIT_MS: Readonly<Record<string, number>> = {
  Y: 365 * 86_400_000,
  Mo: 30 * 86_400_000,
  W: 7 * 86_400_000,
  D: 86_400_000,
  H: 3_600_000,
  Mi: 60_000,
  S: 1000,
}

/** Elapsed milliseconds of an ISO-8601 duration (years as 365 days and months as 30: ladders page in elapsed time). */
export const durationMs = (iso: string): number => {
  const m =
    /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
      iso,
    )
  if (m === null) throw new Error(`not an ISO-8601 duration: ${JSON.stringify(iso)}`)
  const parts = [m[1], m[2], m[3], m[4], m[5], m[6], m[7]]
  const units = ['Y', 'Mo', 'W', 'D', 'H', 'Mi', 'S'] as const
  return parts.reduce((acc, p, i) => acc + (p === undefined ? 0 : Number(p) * UNIT_MS[units[i]!]!), 0)
}
