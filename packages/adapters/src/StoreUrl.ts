/**
 * The store URL that the library and every `docket` command understand:
 * `memory:`, `pglite:<dir>` or `pglite:memory`, `postgres://…` (or
 * `postgresql://…`, with an optional `?schema=<name>`), and `esdb://…`
 * (`esdb+discover://…`; `kurrentdb://…` and `kurrent://…` are accepted as the
 * same). Parsing is pure; opening is `Store.open`.
 */
import * as E from 'fp-ts/lib/Either.js'
import { schemaProblem } from './internal/sql.js'

// model

/** A parsed store URL. */
export type StoreUrl =
  | { readonly kind: 'memory' }
  | { readonly kind: 'pglite'; readonly dir: 'memory' | string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string }
  | { readonly kind: 'esdb'; readonly url: string }

/** Which engine a URL names. */
export type Kind = StoreUrl['kind']

/** The URL is not one Docket understands. */
export interface InvalidStoreUrl {
  readonly _tag: 'InvalidStoreUrl'
  readonly url: string
  readonly message: string
}

/** The URL forms, for help texts. */
export const FORMS: ReadonlyArray<string> = [
  'memory:',
  'pglite:<dir>',
  'pglite:memory',
  'postgres://…',
  'esdb://…',
]

/** Engines whose adapter has not yet been run against a real server in a recorded run. */
export const EXPERIMENTAL: ReadonlySet<Kind> = new Set<Kind>(['esdb'])

// operations

const invalid = (url: string, message: string): E.Either<InvalidStoreUrl, StoreUrl> =>
  E.left({ _tag: 'InvalidStoreUrl', url: redact(url), message })

/** Parses a store URL. */
export const parse = (url: string): E.Either<InvalidStoreUrl, StoreUrl> => {
  const u = url.trim()
  if (u === 'memory:' || u === 'memory') return E.right({ kind: 'memory' })
  if (u.startsWith('pglite:')) {
    const rest = u.slice('pglite:'.length).replace(/^\/\/(?=\/)/, '')
    if (rest === '') return invalid(url, 'pglite: needs a data directory (pglite:./data) or pglite:memory')
    return E.right({ kind: 'pglite', dir: rest === 'memory' || rest === ':memory:' ? 'memory' : rest })
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(u)?.[1]?.toLowerCase()
  if (scheme === 'postgres' || scheme === 'postgresql') {
    let parsed: URL
    try {
      parsed = new URL(u)
    } catch {
      return invalid(url, 'not a valid postgres:// URL')
    }
    const schemas = parsed.searchParams.getAll('schema')
    if (schemas.length > 1) return invalid(url, `schema is given ${schemas.length} times; give it once`)
    const schema = schemas[0]
    parsed.searchParams.delete('schema')
    const problem = schema === undefined ? undefined : schemaProblem(schema)
    if (problem !== undefined) return invalid(url, `schema ${JSON.stringify(schema)}: ${problem}`)
    return E.right({ kind: 'postgres', url: parsed.toString(), ...(schema === undefined ? {} : { schema }) })
  }
  const esdb = /^(esdb|kurrentdb|kurrent)(\+discover)?$/.exec(scheme ?? '')
  if (esdb !== null) return E.right({ kind: 'esdb', url: `esdb${esdb[2] ?? ''}${u.slice(scheme!.length)}` })
  return invalid(url, `unknown store URL; use one of ${FORMS.join(', ')}`)
}

/** The URL with any password replaced by `***`, for messages and logs. */
export const redact = (url: string): string =>
  url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@')

/** Whether the URL's adapter is experimental (to be labelled so by `docket`). */
export const isExperimental = (u: StoreUrl): boolean => EXPERIMENTAL.has(u.kind)
