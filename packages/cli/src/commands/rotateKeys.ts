/**
 * `docket rotate-keys --store URL [--unwrap]`: changes the master key that
 * wraps the subjects' keys of a PostgreSQL store's key store
 * (`MasterKeyRotation.rotate`): from the one in `DOCKET_MASTER_KEY` (unset:
 * the keys are stored bare) to the one in `DOCKET_NEW_MASTER_KEY`, or to none
 * with `--unwrap`. Every subject keeps its key, so every encrypted field stays
 * readable. All keys change in one transaction: a current master key that
 * does not unwrap them changes nothing (exit 2). Exit 0 with how many keys
 * were rewrapped.
 *
 * The keys are given in the environment, never as arguments (which other
 * users of the machine can read). Processes holding the key store open keep
 * their master key: stop them first and start them again with the new one.
 * SIGINT or SIGTERM lets the transaction end, says whether the keys changed,
 * and exits 130 or 143.
 */
import * as E from 'fp-ts/lib/Either.js'
import { type Command, EXIT } from '../Command.js'
import * as Args from '../internal/args.js'
import * as Interrupt from '../internal/interrupt.js'
import * as Keys from '../internal/keys.js'
import * as Output from '../Output.js'

/** The `rotate-keys` command. */
export const command: Command = {
  name: 'rotate-keys',
  summary:
    "Rewrap a PostgreSQL store's subject keys from DOCKET_MASTER_KEY to DOCKET_NEW_MASTER_KEY (adopt, replace or drop a master key).",
  usage: 'rotate-keys --store URL [--unwrap]',
  options: [
    {
      name: 'store',
      value: 'URL',
      kind: 'string',
      description: 'The postgres://… store whose key store (its schema’s subject_keys) is rewrapped.',
    },
    {
      name: 'unwrap',
      kind: 'flag',
      description:
        'Store the keys bare (drop the master key) instead of wrapping them with DOCKET_NEW_MASTER_KEY.',
    },
  ],
  examples: [
    'DOCKET_NEW_MASTER_KEY=$(head -c 32 /dev/urandom | base64) docket rotate-keys --store postgres://docket@db/docket',
    'DOCKET_MASTER_KEY=<current> DOCKET_NEW_MASTER_KEY=<new> docket rotate-keys --store postgres://docket@db/docket',
    'DOCKET_MASTER_KEY=<current> docket rotate-keys --store postgres://docket@db/docket --unwrap',
  ],
  run: async (inv) => {
    const url = Args.str(inv, 'store')
    if (url === undefined || inv.positionals.length > 0) {
      const what =
        url === undefined
          ? 'missing --store URL (the store whose keys to rewrap)'
          : `unexpected argument ${inv.positionals[0]}`
      Output.error(inv, `${what}\nRun docket rotate-keys --help for usage.`)
      return EXIT.usage
    }
    const unwrap = Args.flag(inv, 'unwrap')
    // one transaction: a signal lets it end (committed, or rolled back), then says which
    const stopping = Interrupt.install(inv, 'rotate-keys')
    let rotated: Awaited<ReturnType<typeof Keys.rotate>>
    try {
      rotated = await Keys.rotate(url, inv.env, unwrap)
    } finally {
      stopping.release()
    }
    if (E.isLeft(rotated)) {
      Output.error(inv, rotated.left)
      return stopping.signal.aborted
        ? Interrupt.stopped(inv, 'rotate-keys', stopping, 'no key was changed')
        : EXIT.usage
    }
    const { keys, where } = rotated.right
    const now = unwrap ? 'now stored bare' : 'now wrapped with DOCKET_NEW_MASTER_KEY'
    const next = unwrap
      ? 'Start every process using this store with DOCKET_MASTER_KEY unset.'
      : 'Start every process using this store with DOCKET_MASTER_KEY set to that key.'
    inv.stdout.write(`rotated ${keys} subject key(s) of ${where}: ${now}. ${next}\n`)
    return stopping.signal.aborted
      ? Interrupt.stopped(inv, 'rotate-keys', stopping, 'after the rotation, which is complete')
      : EXIT.ok
  },
}
