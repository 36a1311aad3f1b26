/**
 * `docket policies [--format json]`: every policy and rule with its citation,
 * quoted words, versions in force, confidence and whether it is on by
 * default; metadata-only entries (rows with no clock) are listed and say so.
 * The listing is `Catalog` of `@docket/policies`, the same data the
 * documentation pages are generated from. `--custom-policy FILE` lists the
 * platform's own policies after the statutes, as `evaluate` and `replay` run them; one
 * that names no jurisdictions applies to every case (`[everywhere]`, and `[]` in JSON).
 */
import { Catalog } from '@docket/policies'
import * as E from 'fp-ts/lib/Either.js'
import { type Command, EXIT } from '../Command.js'
import * as Args from '../internal/args.js'
import * as Evaluation from '../internal/evaluation.js'
import * as Output from '../Output.js'

/** The `policies` command. */
export const command: Command = {
  name: 'policies',
  summary: 'List every policy and rule: citation, quoted words, versions, confidence, default state.',
  usage: 'policies [--format text|json] [--out FILE] [--custom-policy FILE]…',
  options: [
    {
      name: 'format',
      value: 'text|json',
      kind: 'string',
      description:
        'text (default) or json (every field of every rule and metadata entry). A policy naming no jurisdictions applies to every case: text says everywhere, json gives jurisdictions [].',
      default: 'text',
    },
    {
      name: 'out',
      value: 'FILE',
      kind: 'string',
      description: 'Write to this file instead of standard output.',
    },
    Evaluation.CUSTOM_POLICY,
  ],
  examples: [
    'docket policies',
    'docket policies --format json > policies.json',
    'docket policies --custom-policy acme-trust-safety.yaml',
  ],
  run: async (inv) => {
    const format = Args.str(inv, 'format') ?? 'text'
    if (format !== 'text' && format !== 'json') {
      Output.error(
        inv,
        `--format ${JSON.stringify(format)}: expected text or json\nRun docket policies --help for usage.`,
      )
      return EXIT.usage
    }
    if (inv.positionals.length > 0) {
      Output.error(inv, `unexpected argument ${inv.positionals[0]}\nRun docket policies --help for usage.`)
      return EXIT.usage
    }
    const policies = Evaluation.customPolicies(inv)
    if (E.isLeft(policies)) {
      Output.error(inv, policies.left)
      return EXIT.usage
    }
    const { pack } = policies.right
    const body =
      format === 'json'
        ? `${JSON.stringify({ policies: Catalog.list(pack) }, null, 2)}\n`
        : Catalog.text(pack)
    const written = await Output.emit(inv, Args.str(inv, 'out'), body)
    if (E.isLeft(written)) {
      Output.error(inv, Output.describe(written.left))
      return EXIT.usage
    }
    return EXIT.ok
  },
}
