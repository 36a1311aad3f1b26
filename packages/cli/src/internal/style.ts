/**
 * Terminal styling: colours only when the stream is a TTY and `NO_COLOR` is
 * not set (https://no-color.org), so that piped and captured output is plain
 * text and byte-identical between runs.
 */
import type { Invocation } from '../Command.js'

/** Styling functions; identity functions when colour is off. */
export interface Style {
  readonly bold: (s: string) => string
  readonly dim: (s: string) => string
  readonly red: (s: string) => string
  readonly green: (s: string) => string
  readonly yellow: (s: string) => string
  readonly cyan: (s: string) => string
}

const wrap =
  (open: number, close: number) =>
  (s: string): string =>
    `\u001b[${open}m${s}\u001b[${close}m`

const PLAIN: Style = {
  bold: (s) => s,
  dim: (s) => s,
  red: (s) => s,
  green: (s) => s,
  yellow: (s) => s,
  cyan: (s) => s,
}

const COLOUR: Style = {
  bold: wrap(1, 22),
  dim: wrap(2, 22),
  red: wrap(31, 39),
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  cyan: wrap(36, 39),
}

/** True when colour may be used on `stream`. */
export const colourEnabled = (
  stream: { readonly isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean => stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '')

/** The style for a stream of an invocation. */
export const forStream = (stream: { readonly isTTY?: boolean }, env: Invocation['env']): Style =>
  colourEnabled(stream, env) ? COLOUR : PLAIN
