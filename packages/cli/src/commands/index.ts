/**
 * The registry of `docket` commands. Each command lives in its own module
 * and is added here with one import and one entry; `docket --help` lists
 * them by name.
 */
import type { Command } from '../Command.js'
import { command as demo } from './demo.js'
import { command as evaluate } from './evaluate.js'
import { command as exportEvents } from './export.js'
import { command as importEvents } from './import.js'
import { command as merge } from './merge.js'
import { command as policies } from './policies.js'
import { command as replay } from './replay.js'
import { command as rotateKeys } from './rotateKeys.js'
import { command as verify } from './verify.js'
import { command as watch } from './watch.js'

/** Every `docket` command. */
export const COMMANDS: ReadonlyArray<Command> = [
  demo,
  importEvents,
  exportEvents,
  evaluate,
  replay,
  merge,
  watch,
  verify,
  rotateKeys,
  policies,
]
