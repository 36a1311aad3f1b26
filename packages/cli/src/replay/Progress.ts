/**
 * Progress of a replay on standard error: on an interactive terminal, a bar
 * redrawn in place with events per second and the time left (when the input
 * has a size); otherwise one JSON object per line at most every `interval`
 * milliseconds and a last one at the end, for logs and pipelines:
 * `{"progress":{"events":…,"openCases":…,"doneCases":…,"eventsPerSecond":…,"percent":…,"etaSeconds":…,"done":…}}`.
 *
 * Progress never goes to standard output and never into a report: reports
 * stay deterministic.
 */
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

const hms = (s: number): string => {
  const t = Math.max(0, Math.round(s))
  const h = Math.floor(t / 3600)
  const m = Math.floor((t % 3600) / 60)
  const sec = t % 60
  return `${h > 0 ? `${h}:` : ''}${String(m).padStart(h > 0 ? 2 : 1, '0')}:${String(sec).padStart(2, '0')}`
}

/** A progress callback for `Replay.run`. */
export const make = (o: Options): ((p: Replay.Progress) => void) => {
  const now = o.now ?? Date.now
  const started = now()
  const interval = o.interval ?? 2000
  let last = Number.NEGATIVE_INFINITY
  return (p) => {
    const t = now()
    if (!p.done && !o.tty && t - last < interval) return
    last = t
    const seconds = Math.max(0.001, (t - started) / 1000)
    const rate = Math.round(p.events / seconds)
    const pos = o.position?.()
    const fraction = pos && pos.total !== null && pos.total > 0 ? Math.min(1, pos.done / pos.total) : null
    const eta = fraction !== null && fraction > 0 ? (seconds * (1 - fraction)) / fraction : null
    if (o.tty) {
      const width = 30
      const bar =
        fraction === null
          ? ''
          : `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '.')}] ${Math.floor(fraction * 100)}% `
      o.write(
        `\r${bar}${p.events.toLocaleString('en')} events, ${rate.toLocaleString('en')}/s, ${p.openCases} open cases` +
          `${eta === null || p.done ? '' : `, ${hms(eta)} left`}${p.done ? ' — done\n' : '\u001b[K'}`,
      )
    } else {
      o.write(
        `${JSON.stringify({
          progress: {
            events: p.events,
            openCases: p.openCases,
            doneCases: p.doneCases,
            eventsPerSecond: rate,
            percent: fraction === null ? null : Math.floor(fraction * 1000) / 10,
            etaSeconds: eta === null || p.done ? null : Math.round(eta),
            done: p.done,
          },
        })}\n`,
      )
    }
  }
}
