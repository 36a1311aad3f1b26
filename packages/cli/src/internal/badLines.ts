/**
 * Every bad line of an input in one run, within bounds: the first {@link SHOWN} are kept with
 * their errors, the rest only counted, so that a 10 GB export with a bad line in every record
 * neither floods the terminal nor fills memory. What an analyst fixing the file needs is where the
 * problems start and how many there are; a second run after the first fixes lists the next ones.
 *
 * Not the good-input path: commands decode as before and come here only once a line is bad
 * (replay scans the rest of its input, or the file again; import counts in its check pass).
 */
import { type DecodeError, Jsonl } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'

// model

/** The first bad lines of an input, in line order, and how many there are in all. */
export interface BadLines {
  readonly errors: ReadonlyArray<DecodeError.DecodeError>
  /** Bad lines in all, those listed included. */
  readonly bad: number
}

/** The most bad lines a command lists; the others are counted. */
export const SHOWN = 20

// operations

/** A collector of bad lines in line order: `add` each error, then `result`. */
export const collector = (
  shown: number = SHOWN,
): { readonly add: (e: DecodeError.DecodeError) => void; readonly result: () => BadLines } => {
  const errors: DecodeError.DecodeError[] = []
  let bad = 0
  return {
    add: (e) => {
      bad++
      if (errors.length < shown) errors.push(e)
    },
    result: () => ({ errors, bad }),
  }
}

/**
 * Decodes every line of `batches` (numbered from `firstLine`, blank ones counted) as a replay
 * does, and collects the bad ones, starting from `already` (the first bad lines found before).
 */
export const scan = async (
  batches: AsyncIterable<ReadonlyArray<string>>,
  options: { readonly firstLine?: number; readonly already?: ReadonlyArray<DecodeError.DecodeError> } = {},
): Promise<BadLines> => {
  const c = collector()
  for (const e of options.already ?? []) c.add(e)
  let line = (options.firstLine ?? 1) - 1
  for await (const batch of batches)
    for (const text of batch) {
      line++
      if (text.trim() === '') continue
      const r = Jsonl.decodeLine(text, line)
      if (E.isLeft(r)) c.add(r.left)
    }
  return c.result()
}

/**
 * The line saying how many bad lines are not listed (`name: 4980 more bad line(s) not listed: the
 * first 20 are`), or `undefined` when every one is.
 */
export const more = (b: BadLines, name: string | undefined): string | undefined =>
  b.bad > b.errors.length
    ? `${name === undefined ? '' : `${name}: `}${b.bad - b.errors.length} more bad line(s) not listed: the first ${b.errors.length} are`
    : undefined
