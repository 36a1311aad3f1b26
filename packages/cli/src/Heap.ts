/**
 * Heap: how the `docket` process lets its JavaScript heap grow. A replay
 * streams any number of events through a small live set that hardly grows
 * (the open cases, write buffers, the archive's index: 50–80 MB at ten million
 * events), allocating fast. With its default growing factor (up to 4× what the
 * last full collection kept) V8 let the heap reach several times that before
 * collecting: a ten-million-event replay from PostgreSQL peaked at 591 MB
 * resident. The `docket` executable therefore sets V8's
 * `--heap-growing-percent` to {@link GROWING_PERCENT} (the heap grows to 1.5×
 * what was live), unless the process was started with that flag: that replay
 * peaked at 370 MB, in the same time (docs/performance.md).
 *
 * Not for a library's host: an application importing Docket sizes its own
 * heap (`node --heap-growing-percent=50 …`). Not a cap either: a case of any
 * size still fits.
 */
import * as v8 from 'node:v8'

/** How far past the live data the heap may grow before a full collection, in percent. */
export const GROWING_PERCENT = 50

/**
 * Sets V8's heap growing factor to {@link GROWING_PERCENT} unless the process was started with
 * one (`execArgv`, the process's own by default; Node refuses the flag in `NODE_OPTIONS`);
 * returns whether it did. The flag is read at each full collection, so setting it at start-up
 * takes effect.
 */
export const tighten = (execArgv: ReadonlyArray<string> = process.execArgv): boolean => {
  if (execArgv.some((a) => /heap[-_]growing[-_]percent/.test(a))) return false
  v8.setFlagsFromString(`--heap-growing-percent=${GROWING_PERCENT}`)
  return true
}
