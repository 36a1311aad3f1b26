/**
 * `docket import <file> --store URL [--skip-bad]`: decodes a JSON Lines file
 * (or standard input) completely before writing anything, so a file with a
 * bad line stores nothing (unless `--skip-bad`, which reports every skipped
 * line), then appends it case by case. Appends are idempotent: importing the
 * same file twice stores nothing the second time.
 */
import * as E from 'fp-ts/lib/Either.js'
import { type Command, EXIT } from '../Command.js'
import * as Args from '../internal/args.js'
import * as Ingest from '../internal/ingest.js'
import * as Store from '../internal/store.js'
import * as Output from '../Output.js'
import * as Source from '../Source.js'

/** The `import` command. */
export const command: Command = {
  name: 'import',
  summary: 'Store the events of a JSON Lines file (all or nothing, idempotent).',
  usage: 'import <file|-> --store URL [--skip-bad]',
  options: [
    {
      name: 'store',
      value: 'URL',
      kind: 'string',
      description:
        'Where to store: memory:, pglite:<dir>, pglite:memory, postgres://…, esdb://…, kurrentdb://….',
    },
    {
      name: 'skip-bad',
      kind: 'flag',
      description: 'Skip bad lines (each is reported on stderr) instead of storing nothing.',
    },
  ],
  examples: [
    'docket import events.jsonl --store pglite:.docket',
    'cat events.jsonl | docket import - --store postgres://postgres@127.0.0.1:5432/docket',
    'docket import events.jsonl --store pglite:.docket --skip-bad',
  ],
  run: async (inv) => {
    const url = Args.str(inv, 'store')
    if (url === undefined) {
      Output.error(inv, 'missing --store URL (where to import to)\nRun docket import --help for usage.')
      return EXIT.usage
    }
    if (inv.positionals.length !== 1) {
      Output.error(
        inv,
        'give exactly one file to import (or - for stdin)\nRun docket import --help for usage.',
      )
      return EXIT.usage
    }
    const source = Source.fromArgs(inv.positionals[0], undefined)
    if (E.isLeft(source)) {
      Output.error(inv, Source.describe(source.left))
      return EXIT.usage
    }
    const skipBad = Args.flag(inv, 'skip-bad')
    const read = await Source.read(inv, source.right, { skipBad })
    if (E.isLeft(read)) {
      const more =
        read.left._tag === 'BadInput' ? '\nNothing was stored. Fix the lines above, or pass --skip-bad.' : ''
      Output.error(inv, `${Source.describe(read.left)}${more}`)
      return EXIT.usage
    }
    for (const bad of read.right.skipped)
      Output.warn(inv, `skipped ${Source.describe({ _tag: 'BadInput', errors: [bad] })}`)
    const opened = await Store.open(url, inv.cwd)
    if (E.isLeft(opened)) {
      Output.error(inv, opened.left)
      return EXIT.usage
    }
    try {
      const result = await Ingest.append(opened.right, read.right.events)
      if (E.isLeft(result)) {
        Output.error(inv, `${result.left}\nNothing more was stored.`)
        return EXIT.usage
      }
      const r = result.right
      Output.log(
        inv,
        `imported ${r.appended} new event(s) into ${r.cases} case(s) of ${Store.redact(url)}; ` +
          `${r.repeated} already stored${read.right.skipped.length > 0 ? `; ${read.right.skipped.length} bad line(s) skipped` : ''}`,
      )
      if (url === 'memory:') Output.warn(inv, 'memory: keeps nothing after the command ends (a dry run)')
      return EXIT.ok
    } finally {
      await opened.right.close()
    }
  },
}
