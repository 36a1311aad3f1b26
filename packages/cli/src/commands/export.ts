/**
 * `docket export --store URL [--out FILE]`: writes every stored event as JSON
 * Lines, in the store's global order, each exactly as stored (with
 * `recordedAt` and any integrity data under `meta`). SIGINT or SIGTERM stops it
 * at the next event read, closes the store and exits 130 or 143; `--out FILE`
 * is then left as it was (`internal/interrupt.ts`).
 */
import * as E from 'fp-ts/lib/Either.js'
import { type Command, EXIT, type Invocation } from '../Command.js'
import * as Args from '../internal/args.js'
import * as Interrupt from '../internal/interrupt.js'
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
    // installed before the store opens: a signal meanwhile lets the open finish, then closes it
    const stopping = Interrupt.install(inv, 'export')
    try {
      return await exportFrom(inv, url, stopping)
    } finally {
      stopping.release()
    }
  },
}

/**
 * Opens the store, writes its events and closes it; interrupted, it stops after the open or at
 * the next event read, leaving `--out FILE` as it was.
 */
const exportFrom = async (inv: Invocation, url: string, stopping: Interrupt.Interrupt): Promise<number> => {
  const out = Args.str(inv, 'out')
  // the signal cancels what the store runs (a wait for a lock): a failure after it is the interrupt's
  const opened = await Store.open(url, inv, {
    shows: "the exported events' personal fields",
    existing: true,
    signal: stopping.signal,
  })
  const waited = (count: number): number =>
    Interrupt.stopped(
      inv,
      'export',
      stopping,
      `while waiting for the store, after ${count} event(s): ${out === undefined || out === '-' ? 'standard output holds those only' : `${out} left as it was`}`,
    )
  if (E.isLeft(opened)) {
    if (stopping.signal.aborted) return waited(0)
    Output.error(inv, opened.left)
    return EXIT.usage
  }
  try {
    const early = await Interrupt.stoppedOpening(inv, 'export', stopping, Store.redact(url), 'exported')
    if (early !== undefined) return early
    const sink = Output.open(inv, out)
    if (E.isLeft(sink)) {
      Output.error(inv, Output.describe(sink.left))
      return EXIT.usage
    }
    let count = 0
    try {
      for await (const stored of Interrupt.until(stopping.signal, opened.right.readAll())) {
        await sink.right.write(`${JSON.stringify(stored.event)}\n`)
        count++
      }
      if (stopping.signal.aborted) {
        await sink.right.abort()
        return Interrupt.stopped(
          inv,
          'export',
          stopping,
          out === undefined || out === '-'
            ? `after ${count} event(s): standard output holds those only, not the whole log`
            : `after ${count} event(s): ${out} left as it was (no part of the export kept)`,
        )
      }
      await sink.right.end()
    } catch (e) {
      await sink.right.abort()
      if (stopping.signal.aborted) return waited(count)
      Output.error(inv, `export failed: ${e instanceof Error ? e.message : String(e)}`)
      return EXIT.usage
    }
    Output.log(inv, `exported ${count} event(s) from ${Store.redact(url)}`)
    return EXIT.ok
  } finally {
    await opened.right.close()
  }
}
