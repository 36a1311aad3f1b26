/**
 * The reference part of `docs/cli.md`, generated from the same declarations
 * as `--help` (usage, options, defaults, examples), so the documentation
 * cannot describe a flag that does not exist. `reference.test.ts` checks the
 * file against it; `DOCKET_UPDATE_DOCS=1` makes that test rewrite it.
 */
import type { Command, OptionSpec } from '../Command.js'
import { HELP } from './args.js'

/** Marks the start of the generated section of docs/cli.md. */
export const BEGIN =
  '<!-- BEGIN GENERATED: docket --help (edit the command declarations, not this section) -->'
/** Marks its end. */
export const END = '<!-- END GENERATED -->'

const option = (o: OptionSpec): string => {
  const name = o.kind === 'flag' ? `\`--${o.name}\`` : `\`--${o.name} <${o.value ?? 'value'}>\``
  const extra = [
    o.multiple ? 'repeatable' : undefined,
    o.default !== undefined ? `default \`${o.default}\`` : undefined,
  ]
    .filter((x) => x !== undefined)
    .join('; ')
  return `- ${name}: ${o.description}${extra === '' ? '' : ` (${extra})`}`
}

/** The markdown of one command. */
export const command = (c: Command): string =>
  [
    `### \`docket ${c.name}\``,
    '',
    c.summary,
    '',
    '```text',
    `docket ${c.usage}`,
    '```',
    '',
    'Options:',
    '',
    ...[...c.options, HELP].map(option),
    '',
    'Examples:',
    '',
    '```sh',
    ...c.examples,
    '```',
    '',
  ].join('\n')

/** The generated section: every command, sorted by name, between the markers. */
export const section = (commands: ReadonlyArray<Command>): string =>
  [
    BEGIN,
    '',
    ...[...commands].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(command),
    END,
  ].join('\n')

/** `text` with its generated section replaced by the current one. */
export const update = (text: string, commands: ReadonlyArray<Command>): string => {
  const start = text.indexOf(BEGIN)
  const end = text.indexOf(END)
  if (start < 0 || end < start) return `${text.trimEnd()}\n\n${section(commands)}\n`
  return `${text.slice(0, start)}${section(commands)}${text.slice(end + END.length)}`
}
