/**
 * The platform profile a command runs with (`--config FILE`): read as JSON
 * or YAML, decoded with core's `Profile.decode` (unknown fields are an
 * error, every field has a default), its rule ids checked against the
 * policy pack (`Policy.checkProfile`), and reported with the field path of
 * every problem. Without `--config`, the documented defaults apply and the
 * output names the profile `default`; a profile without `name` is named
 * after its file.
 *
 * The platform's own policy documents (`--custom-policy FILE`, repeatable) are
 * read here too, decoded by `Custom.parseDocument`: the profile may name their
 * rules in `enabledRules` and `internalTargets`.
 *
 * This module reads files; what the fields mean is `@docket/core`'s Profile
 * and `@docket/policies`' Custom.
 */
import { readFileSync } from 'node:fs'
import { basename, extname, resolve } from 'node:path'
import { DecodeError, Profile } from '@docket/core'
import { Custom, Policy } from '@docket/policies'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { parse as parseYaml } from 'yaml'

// model

/** The profile could not be loaded; `message` names the file and each field path. */
export interface ConfigError {
  readonly _tag: 'ConfigError'
  readonly path: string
  readonly message: string
}

const configError = (path: string, message: string): ConfigError => ({ _tag: 'ConfigError', path, message })

/** A decode error of a file: each of its lines (a field path and what was wrong) prefixed by the file. */
const invalid = (path: string, error: DecodeError.DecodeError): ConfigError =>
  configError(
    path,
    DecodeError.format(error)
      .split('\n')
      .map((l) => `${path}: ${l}`)
      .join('\n'),
  )

// operations

/** Parses profile text (JSON when the file is `.json` or starts with `{`, YAML otherwise). */
export const parseText = (text: string, path: string): E.Either<ConfigError, unknown> => {
  const json = extname(path).toLowerCase() === '.json' || text.trimStart().startsWith('{')
  try {
    return E.right(json ? JSON.parse(text) : parseYaml(text))
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0]! : String(e)
    return E.left(configError(path, `${path}: not valid ${json ? 'JSON' : 'YAML'}: ${message}`))
  }
}

/**
 * Decodes a parsed profile and checks the rule ids it names against `policies` (default: the statutes),
 * naming the file and the field path of each problem. A profile without `name` is named
 * after its file (`acme.yaml`), never `default`, which means no profile.
 */
export const decode = (
  u: unknown,
  path: string,
  policies: ReadonlyArray<Policy.Policy> = Policy.all,
): E.Either<ConfigError, Profile.Resolved> => {
  const decoded = E.chain((p: Profile.Resolved) => Policy.checkProfile(p, policies))(
    Profile.decode(u ?? {}, basename(path)),
  )
  return E.mapLeft((error: DecodeError.DecodeError) => invalid(path, error))(decoded)
}

/** Reads a file named on the command line (relative to `cwd`), or says why it cannot be read. */
const readText = (cwd: string, path: string): E.Either<ConfigError, string> => {
  try {
    return E.right(readFileSync(resolve(cwd, path), 'utf8'))
  } catch (e) {
    const code = (e as { code?: string }).code
    return E.left(
      configError(path, code === 'ENOENT' ? `${path}: no such file` : `${path}: ${(e as Error).message}`),
    )
  }
}

/**
 * Loads the profile of `--config FILE` (relative to `cwd`); the defaults
 * (`Profile.DEFAULTS`, named `default`) when `path` is undefined. The rule ids it names are
 * checked against `policies` (the statutes, and the custom policies of {@link loadCustom}).
 */
export const load = (
  cwd: string,
  path: string | undefined,
  policies: ReadonlyArray<Policy.Policy> = Policy.all,
): E.Either<ConfigError, Profile.Resolved> => {
  if (path === undefined) return E.right(Profile.DEFAULTS)
  return pipe(
    readText(cwd, path),
    E.chain((text) => parseText(text, path)),
    E.chain((u) => decode(u, path, policies)),
  )
}

/**
 * Loads the custom policy documents of `--custom-policy FILE…` (JSON or YAML, relative to
 * `cwd`), in the order given. Each problem names its file and field path; a document whose
 * `id` is a statute's or another document's is refused (its rules' ids would be ambiguous).
 */
export const loadCustom = (
  cwd: string,
  paths: ReadonlyArray<string>,
): E.Either<ConfigError, ReadonlyArray<Custom.Document>> => {
  const documents: Custom.Document[] = []
  const from = new Map<string, string>(Policy.all.map((p) => [p.id, 'a statutory policy']))
  for (const path of paths) {
    const text = readText(cwd, path)
    if (E.isLeft(text)) return text
    const doc = Custom.parseDocument(text.right)
    if (E.isLeft(doc)) return E.left(invalid(path, doc.left))
    const taken = from.get(doc.right.id)
    if (taken !== undefined)
      return E.left(
        configError(
          path,
          `${path}: id: ${JSON.stringify(doc.right.id)} is already ${taken}; give the policy an id of its own`,
        ),
      )
    from.set(doc.right.id, `the id of ${path}`)
    documents.push(doc.right)
  }
  return E.right(documents)
}
