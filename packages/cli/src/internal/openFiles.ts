/**
 * The files this process holds open, for tests that check a merge's bound on them: counted in
 * `/proc/self/fd` (Linux). Not a limit: nothing here closes or refuses anything.
 */
import * as fs from 'node:fs'

/** How many files the process holds open now, or `undefined` where `/proc/self/fd` is missing. */
export const openFiles = (): number | undefined => {
  try {
    return fs.readdirSync('/proc/self/fd').length
  } catch {
    return undefined
  }
}
