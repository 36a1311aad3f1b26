/**
 * `docket export --store URL [--out FILE]`: writes every stored event as JSON
 * Lines, in the store's global order, each exactly as stored (with
 * `recordedAt` and any integrity data under `meta`).
 */
import * as E from 'fp-ts/lib/Either.js'
import { type Command, EXIT } from '../Command.js'
import * as Args from '../internal/args.js'
import * as Store from '../internal/store.js'
import * as Output from '../Output.js'

/** The `export` command. */
export const command: Command = {
  name: 'export',
  summary: 'Write every stored event as JSON Lines, exactly as stored.',
  usage: 'export --store URL [--out FILE]',
  options: [
    {
      name: 'store',
      value: 'URL',
      kind: 'string',
      description:
        'The store to read: memory:, pglite:<dir>, pglite:memory, postgres://…, esdb://…, kurrentdb://….',
    },
    {
      name: 'out',
      value: 'FILE',
      kind: 'string',
      description: 'Write to this file instead of standard output.',
    },
  ],
  examples: [
    'docket export --store pglite:.docket > events.jsonl',
    'docket export --store postgres://postgres@127.0.0.1:5432/test --out backup.jsonl',
  ],
  run: async (inv) => {
    const url = Args.str(inv, 'store')
    if (url === undefined) {
      Output.error(inv, 'missing --store URL (what to export)\nRun docket export --help for usage.')
      return EXIT.usage
    }
    if (inv.positionals.length > 0) {
      Output.error(inv, `unexpected argument ${inv.positionals[0]}\nRun docket export --help for usage.`)
      return EXIT.usage
    }
    const opened = await Store.open(url, inv, {
      shows: "the exported events' personal fields",
      existing: true,
    })
    if (E.isLeft(opened)) {
      Output.error(inv, opened.left)
      return EXIT.usage
    }
    const sink = Output.open(inv, Args.str(inv, 'out'))
    if (E.isLeft(sink)) {
      await opened.right.close()
      Output.error(inv, Output.describe(sink.left))
      return EXIT.usage
    }
    let count = 0
    try {
      for await (const stored of opened.right.readAll()) {
        await sink.right.write(`${JSON.stringify(stored.event)}\n`)
        count++
      }
      await sink.right.end()
    } catch (e) {
      await sink.right.abort()
      Output.error(inv, `export failed: ${e instanceof Error ? e.message : String(e)}`)
      return EXIT.usage
    } finally {
      await opened.right.close()
    }
    Output.log(inv, `exported ${count} event(s) from ${Store.redact(url)}`)
    return EXIT.ok
  },
}
