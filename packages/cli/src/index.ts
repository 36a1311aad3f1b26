/**
 * @docket/cli — the `docket` command as a library: run it in-process, reuse
 * its plumbing (event sources, profiles, output) in other tools, or add a
 * command of your own.
 */
export type { Command, Invocation, OptionSpec } from './Command.js'
export { EXIT } from './Command.js'
export { COMMANDS } from './commands/index.js'
export { EXIT_INTERNAL, find, type Io, run, version } from './main.js'
export * as Config from './Config.js'
export * as Output from './Output.js'
export * as Source from './Source.js'
