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
export * as Heap from './Heap.js'
export * as Output from './Output.js'
export * as Source from './Source.js'
export * as Replay from './replay/Replay.js'
export * as Report from './reports/Report.js'
export * as Stamp from './reports/Stamp.js'
export * as JsonReport from './reports/Json.js'
export * as CsvReport from './reports/Csv.js'
export * as MarkdownReport from './reports/Markdown.js'
export * as HtmlReport from './reports/Html.js'
export * as DsaSor from './reports/DsaSor.js'
export * as SorRules from './reports/SorRules.js'
export * as DsaTransparency from './reports/DsaTransparency.js'
export * as Partition from './replay/Partition.js'
export * as Settings from './replay/Settings.js'
export * as Spill from './replay/Spill.js'
export * as Workers from './replay/Workers.js'
export * as Submitter from './submit/Submitter.js'
export * as TransparencyTestServer from './submit/TestServer.js'
