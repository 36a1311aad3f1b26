/**
 * Progress of a replay (or an import, {@link reporter}) on standard error: on an interactive terminal, a bar
 * redrawn in place with events per second and the time left (when the input
 * has a size); otherwise one JSON object per line at most every `interval`
 * milliseconds and a last one at the end, for logs and pipelines:
 * `{"progress":{"events":…,"openCases":…,"doneCases":…,"eventsPerSecond":…,"percent":…,"etaSeconds":…,"done":…}}`.
 *
 * An import reports each of its two reads (checking, storing) in turn, the same way:
 * `{"progress":{"phase":…,"lines":…,"total":…,"appended":…,"duplicates":…,"linesPerSecond":…,"percent":…,"etaSeconds":…,"done":…}}`.
 *
 * Progress never goes to standard output and never into a report: reports
 * stay deterministic.
 */
import type { Import } from '@docket/core'
import type * as Replay from './Replay.js'

/** Options of {@link make}. */
export interface Options {
  readonly write: (s: string) => void
  readonly tty: boolean
  /** Bytes read and total, for percent and time left. */
  readonly position?: () => { readonly done: number; readonly total: number | null }
  /** Milliseconds between two lines when not a terminal (default 2000). */
  readonly interval?: number
  readonly now?: () => number
}

/** What one kind of progress shows: its count, its words on a terminal, its JSON fields. */
export interface View<P> {
  readonly done: (p: P) => boolean
  /** What the rate counts (events, lines). */
  readonly count: (p: P) => number
  /** The JSON field of the rate: `eventsPerSecond`, `linesPerSecond`. */
  readonly rateField: string
  /** The terminal line after the bar, given the rate as text: `1,000 events, 500/s, …`. */
  readonly text: (p: P, rate: string) => string
  /** The JSON fields before the rate. */
  readonly fields: (p: P) => Readonly<Record<string, unknown>>
  /** Done and total, for percent and time left, when {@link Options.position} is not given. */
  readonly position?: (p: P) => { readonly done: number; readonly total: number | null } | undefined
}

const hms = (s: number): string => {
  const t = Math.max(0, Math.round(s))
  const h = Math.floor(t / 3600)
  const m = Math.floor((t % 3600) / 60)
  const sec = t % 60
  return `${h > 0 ? `${h}:` : ''}${String(m).padStart(h > 0 ? 2 : 1, '0')}:${String(sec).padStart(2, '0')}`
}

/** A progress callback drawing `view` of each report: the cadence and format of the module header. */
export const reporter = <P>(o: Options, view: View<P>): ((p: P) => void) => {
  const now = o.now ?? Date.now
  const started = now()
  const interval = o.interval ?? 2000
  let last = Number.NEGATIVE_INFINITY
  return (p) => {
    const t = now()
    const done = view.done(p)
    if (!done && !o.tty && t - last < interval) return
    last = t
    const seconds = Math.max(0.001, (t - started) / 1000)
    const rate = Math.round(view.count(p) / seconds)
    const pos = o.position?.() ?? view.position?.(p)
    const fraction = pos && pos.total !== null && pos.total > 0 ? Math.min(1, pos.done / pos.total) : null
    const eta = fraction !== null && fraction > 0 ? (seconds * (1 - fraction)) / fraction : null
    if (o.tty) {
      const width = 30
      const bar =
        fraction === null
          ? ''
          : `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '.')}] ${Math.floor(fraction * 100)}% `
      o.write(
        `\r${bar}${view.text(p, `${rate.toLocaleString('en')}/s`)}` +
          `${eta === null || done ? '' : `, ${hms(eta)} left`}${done ? ' — done\n' : '\u001b[K'}`,
      )
    } else {
      o.write(
        `${JSON.stringify({
          progress: {
            ...view.fields(p),
            [view.rateField]: rate,
            percent: fraction === null ? null : Math.floor(fraction * 1000) / 10,
            etaSeconds: eta === null || done ? null : Math.round(eta),
            done,
          },
        })}\n`,
      )
    }
  }
}

const replayView: View<Replay.Progress> = {
  done: (p) => p.done,
  count: (p) => p.events,
  rateField: 'eventsPerSecond',
  text: (p, rate) => `${p.events.toLocaleString('en')} events, ${rate}, ${p.openCases} open cases`,
  fields: (p) => ({ events: p.events, openCases: p.openCases, doneCases: p.doneCases }),
}

/** A progress callback for `Replay.run`. */
export const make = (o: Options): ((p: Replay.Progress) => void) => reporter(o, replayView)

const importView: View<Import.Progress> = {
  done: (p) => p.done,
  count: (p) => p.lines,
  rateField: 'linesPerSecond',
  text: (p, rate) =>
    `${p.phase}: ${p.lines.toLocaleString('en')}${p.total === null ? '' : ` of ${p.total.toLocaleString('en')}`} lines, ${rate}` +
    (p.phase === 'storing' ? `, ${p.appended.toLocaleString('en')} new` : ''),
  fields: (p) => ({
    phase: p.phase,
    lines: p.lines,
    total: p.total,
    appended: p.appended,
    duplicates: p.duplicates,
  }),
  position: (p) => (p.total === null ? undefined : { done: p.lines, total: p.total }),
}

/**
 * A progress callback for `Import.runTwice`: each read (checking, then storing) is reported as a
 * replay is, its rate and time left measured from the read's start.
 */
export const forImport = (o: Omit<Options, 'position'>): ((p: Import.Progress) => void) => {
  // checking starts now; storing when checking is done: each rate counts from its read's start
  let report = reporter(o, importView)
  return (p) => {
    report(p)
    if (p.phase === 'checking' && p.done) report = reporter(o, importView)
  }
}
