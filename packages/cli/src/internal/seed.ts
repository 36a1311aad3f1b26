/**
 * Where the seed case lives: `examples/seed-case/events.jsonl` at the root
 * of the Docket repository, found from this module's own location (the same
 * relative path from `src/` and from `dist/`), so `docket demo` works from
 * any working directory.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** Absolute path of the seed case's events, or `undefined` when this installation does not ship them. */
export const eventsPath = (): string | undefined => {
  const path = fileURLToPath(new URL('../../../../examples/seed-case/events.jsonl', import.meta.url))
  return existsSync(path) ? path : undefined
}

/** The message when the seed case is missing (an installed package without the repository). */
export const MISSING =
  'the seed case (examples/seed-case/events.jsonl) was not found next to this installation of docket. ' +
  'docket demo runs from a clone of the Docket repository: git clone the repository, then ' +
  'npx -y pnpm@10.34.9 install && npx -y pnpm@10.34.9 demo'
