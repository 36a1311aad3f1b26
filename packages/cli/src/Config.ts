/**
 * The platform profile a command runs with (`--config FILE`): read as JSON
 * or YAML, decoded with core's `Profile.decode` (unknown fields are an
 * error, every field has a default), its rule ids checked against the
 * policy pack (`Policy.checkProfile`), and reported with the field path of
 * every problem. Without `--config`, the documented defaults apply and the
 * output names the profile `default`; a profile without `name` is named
 * after its file.
 *
 * This module reads files; what the fields mean is `@docket/core`'s Profile.
 */
import { readFileSync } from 'node:fs'
import { basename, extname, resolve } from 'node:path'
import { DecodeError, Profile } from '@docket/core'
import { Policy } from '@docket/policies'
import * as E from 'fp-ts/lib/Either.js'
import { parse as parseYaml } from 'yaml'

// model

/** The profile could not be loaded; `message` names the file and each field path. */
export interface ConfigError {
  readonly _tag: 'ConfigError'
  readonly path: string
  readonly message: string
}

const configError = (path: string, message: string): ConfigError => ({ _tag: 'ConfigError', path, message })

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
 * Decodes a parsed profile and checks the rule ids it names against the statutory policies,
 * naming the file and the field path of each problem. A profile without `name` is named
 * after its file (`acme.yaml`), never `default`, which means no profile.
 */
export const decode = (u: unknown, path: string): E.Either<ConfigError, Profile.Resolved> => {
  const decoded = E.chain(Policy.checkProfile)(Profile.decode(u ?? {}, basename(path)))
  if (E.isRight(decoded)) return decoded
  const lines = DecodeError.format(decoded.left)
    .split('\n')
    .map((l) => `${path}: ${l}`)
  return E.left(configError(path, lines.join('\n')))
}

/**
 * Loads the profile of `--config FILE` (relative to `cwd`); the defaults
 * (`Profile.DEFAULTS`, named `default`) when `path` is undefined.
 */
export const load = (cwd: string, path: string | undefined): E.Either<ConfigError, Profile.Resolved> => {
  if (path === undefined) return E.right(Profile.DEFAULTS)
  let text: string
  try {
    text = readFileSync(resolve(cwd, path), 'utf8')
  } catch (e) {
    const code = (e as { code?: string }).code
    return E.left(
      configError(path, code === 'ENOENT' ? `${path}: no such file` : `${path}: ${(e as Error).message}`),
    )
  }
  return E.chain((u: unknown) => decode(u, path))(parseText(text, path))
}
